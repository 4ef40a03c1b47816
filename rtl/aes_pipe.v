// AES-128/256 encryption, fully unrolled: N_LANES blocks enter every cycle and
// leave 16 cycles later (an input register, the initial AddRoundKey, 14 rounds).
//
// Every block carries a key slot. Stage i reads its round key from its own memory
// (one per round, written by gcm_key_loader), so consecutive beats may use
// different keys. The memory read is registered, so the address is the slot of
// the beat one stage upstream. Bit 128 of rounds 10 to 14 says the key is 256
// bits: a 128-bit key takes its final round at stage 10 and passes 11 to 14.
`default_nettype none

module aes_pipe #(
    parameter N_LANES = 2,
    parameter SLOT_W  = 4
) (
    input  wire                 clk,
    input  wire                 rst,
    input  wire                 in_valid_i,
    input  wire [SLOT_W-1:0]    in_slot_i,
    input  wire [128*N_LANES-1:0] in_blocks_i,
    output wire                 out_valid_o,
    output wire [128*N_LANES-1:0] out_blocks_o,
    // round key writes from the key loader; rk_we_i[r] writes round r
    input  wire [14:0]          rk_we_i,
    input  wire [SLOT_W-1:0]    rk_wslot_i,
    input  wire [128:0]         rk_wdata_i
);
  localparam W = 128 * N_LANES;

  // st[0] is the input register; st[i+1] holds the state after round i.
  reg  [W-1:0]      st   [0:15];
  reg  [15:0]       vld;
  reg  [SLOT_W-1:0] sl   [0:15];
  wire [128:0]      rk   [0:14];

  genvar r, l;
  generate
    for (r = 0; r <= 14; r = r + 1) begin : g_key
      ram_sdp #(.WIDTH(129), .ADDR_W(SLOT_W)) u_rk (
          .clk(clk), .we_i(rk_we_i[r]), .waddr_i(rk_wslot_i), .wdata_i(rk_wdata_i),
          .raddr_i(r == 0 ? in_slot_i : sl[(r == 0) ? 0 : r-1]), .rdata_o(rk[r]));
    end
  endgenerate

  always @(posedge clk) begin
    st[0] <= in_blocks_i;
    sl[0] <= in_slot_i;
    st[1] <= st[0] ^ {N_LANES{rk[0][127:0]}};
    sl[1] <= sl[0];
  end

  generate
    for (r = 1; r <= 14; r = r + 1) begin : g_round
      wire aes256 = rk[r][128];
      wire final_round = (r == 14) || (r == 10 && !aes256);
      wire pass = (r > 10) && !aes256;
      wire [W-1:0] next;
      for (l = 0; l < N_LANES; l = l + 1) begin : g_lane
        aes_round u_round (
            .state_i(st[r][128*l +: 128]), .round_key_i(rk[r][127:0]),
            .final_round_i(final_round), .pass_i(pass), .state_o(next[128*l +: 128]));
      end
      always @(posedge clk) begin
        st[r+1] <= next;
        sl[r+1] <= sl[r];
      end
    end
  endgenerate

  always @(posedge clk) begin
    if (rst) vld <= 16'd0;
    else     vld <= {vld[14:0], in_valid_i};
  end

  assign out_valid_o  = vld[15];
  assign out_blocks_o = st[15];
endmodule

`default_nettype wire
