// Loads one AES-GCM key into a key slot: expands it into round keys 0..14 (one a
// cycle, FIPS-197 5.2), encrypts the zero block alongside to get the hash key H,
// then multiplies out H^2 .. H^N_POW with a bit-serial multiplier. Writes go
// straight into the AES stage memories and the GHASH power memories; no expanded
// key ever leaves the engine.
//
// A load takes 18 + 19*(N_POW-1) cycles; key_ready_o is low meanwhile.
`default_nettype none

module gcm_key_loader #(
    parameter SLOT_W = 4,
    parameter N_POW  = 2     // powers of H to store: H^1 .. H^N_POW
) (
    input  wire              clk,
    input  wire              rst,
    input  wire              key_valid_i,
    output wire              key_ready_o,
    input  wire [SLOT_W-1:0] key_slot_i,
    input  wire              key_256_i,
    input  wire [255:0]      key_data_i,    // a 128-bit key in [255:128]
    // round key memories, one per AES stage
    output wire [14:0]       rk_we_o,
    output wire [SLOT_W-1:0] rk_wslot_o,
    output wire [128:0]      rk_wdata_o,    // {key is 256 bits, round key}
    // hash key power memories: hp_we_o[p-1] writes H^p
    output wire [N_POW-1:0]  hp_we_o,
    output wire [SLOT_W-1:0] hp_wslot_o,
    output wire [127:0]      hp_wdata_o
);
  localparam S_IDLE = 2'd0, S_EXPAND = 2'd1, S_POWERS = 2'd2, S_MUL = 2'd3;

  reg [1:0]        state;
  reg [SLOT_W-1:0] slot;
  reg              k256;
  reg [127:0]      key_lo;     // second half of a 256-bit key, round key 1
  reg [3:0]        r;          // round key being written
  reg [127:0]      rk_a, rk_b; // round keys r-1 and r
  reg [127:0]      hstate;     // AES_K(0) in progress, then H
  reg [127:0]      hpow;       // the last power written
  reg [7:0]        p;          // powers written so far
  reg              mul_start;

  wire [3:0] nr = k256 ? 4'd14 : 4'd10;
  wire [3:0] n  = r + 4'd1;    // the round key computed this cycle

  // --- key expansion: round key n from round keys n-1 (rk_b) and n-2 (rk_a) ---
  function automatic [7:0] rcon(input [3:0] i);
    case (i)
      4'd1: rcon = 8'h01;  4'd2: rcon = 8'h02;  4'd3: rcon = 8'h04;  4'd4: rcon = 8'h08;
      4'd5: rcon = 8'h10;  4'd6: rcon = 8'h20;  4'd7: rcon = 8'h40;  4'd8: rcon = 8'h80;
      4'd9: rcon = 8'h1b;  4'd10: rcon = 8'h36; default: rcon = 8'h00;
    endcase
  endfunction

  wire        rot   = !k256 || !n[0];          // AES-256 odd words skip RotWord
  wire [31:0] w3    = rk_b[31:0];
  wire [31:0] sw_in = rot ? {w3[23:0], w3[31:24]} : w3;
  wire [31:0] sw_out;
  genvar g;
  generate
    for (g = 0; g < 4; g = g + 1) begin : g_subword
      aes_sbox u_sbox (.a(sw_in[8*g +: 8]), .q(sw_out[8*g +: 8]));
    end
  endgenerate
  wire [7:0]   rc    = !rot ? 8'h00 : rcon(k256 ? {1'b0, n[3:1]} : n);
  wire [31:0]  temp  = sw_out ^ {rc, 24'd0};
  wire [127:0] base  = k256 ? rk_a : rk_b;
  wire [31:0]  nw0   = base[127:96] ^ temp;
  wire [31:0]  nw1   = base[95:64] ^ nw0;
  wire [31:0]  nw2   = base[63:32] ^ nw1;
  wire [31:0]  nw3   = base[31:0] ^ nw2;
  wire [127:0] rk_next = (n == 4'd1 && k256) ? key_lo : {nw0, nw1, nw2, nw3};

  // --- the zero block, encrypted round by round as the keys appear ---
  wire [127:0] hround;
  aes_round u_hround (
      .state_i(hstate), .round_key_i(rk_b), .final_round_i(r == nr), .pass_i(1'b0),
      .state_o(hround));

  // --- powers of H ---
  wire [127:0] mul_z;
  wire         mul_done;
  gf128_mul_serial u_mul (
      .clk(clk), .rst(rst), .start_i(mul_start), .x_i(hpow), .y_i(hstate),
      .z_o(mul_z), .done_o(mul_done));

  always @(posedge clk) begin
    mul_start <= 1'b0;
    if (rst) begin
      state <= S_IDLE;
    end else begin
      case (state)
        S_IDLE:
          if (key_valid_i) begin
            slot   <= key_slot_i;
            k256   <= key_256_i;
            key_lo <= key_data_i[127:0];
            rk_b   <= key_data_i[255:128];
            hstate <= 128'd0;
            r      <= 4'd0;
            state  <= S_EXPAND;
          end
        S_EXPAND: begin
          rk_a <= rk_b;
          rk_b <= rk_next;
          if (r == 4'd0)    hstate <= rk_b;
          else if (r <= nr) hstate <= hround;
          r <= n;
          if (r == 4'd14) begin
            state <= S_POWERS;
            p     <= 8'd0;
          end
        end
        S_POWERS:
          if (p == 8'd0) begin    // H is done: write it as H^1
            hpow <= hstate;
            p    <= 8'd1;
          end else if (p >= N_POW[7:0]) begin
            state  <= S_IDLE;
            rk_a   <= 128'd0;     // no key material lingers in the loader
            rk_b   <= 128'd0;
            key_lo <= 128'd0;
          end else begin
            mul_start <= 1'b1;
            state     <= S_MUL;
          end
        S_MUL:
          if (mul_done) begin     // H^(p+1) is written this cycle
            hpow  <= mul_z;
            p     <= p + 8'd1;
            state <= S_POWERS;
          end
      endcase
    end
  end

  assign key_ready_o = (state == S_IDLE) && !rst;

  assign rk_we_o    = (state == S_EXPAND) ? (15'd1 << r) : 15'd0;
  assign rk_wslot_o = slot;
  assign rk_wdata_o = {k256, rk_b};

  wire write_h1   = (state == S_POWERS && p == 8'd0);
  wire write_next = (state == S_MUL && mul_done);
  assign hp_we_o    = write_h1   ? {{(N_POW-1){1'b0}}, 1'b1}
                    : write_next ? ({{(N_POW-1){1'b0}}, 1'b1} << p)
                    : {N_POW{1'b0}};
  assign hp_wslot_o = slot;
  assign hp_wdata_o = write_h1 ? hstate : mul_z;
endmodule

`default_nettype wire
