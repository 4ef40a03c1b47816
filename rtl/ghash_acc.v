// GHASH for the GCM engine: folds up to LANES blocks a beat into the hash, plus
// the message's first AAD block on its first beat, then applies the length block.
//
// With k blocks X0..X(k-1) in a beat, one step of GHASH per block is the same as
//     Y <- (Y ^ X0)*H^k ^ X1*H^(k-1) ^ ... ^ X(k-1)*H
// so a beat costs one multiplication per lane and one reduction. Only lane 0's
// product depends on Y; the other lanes' products (and A*H^(k+1), the first AAD
// block A that rides beside the stream) are formed a stage earlier, which keeps
// the loop to one multiply-reduce. Every product is summed unreduced.
//
// Stages: g0 (other lanes' products, lane 0's power), g1 (the Y loop), g2
// (GHASH = (Y ^ len)*H). hash_o is valid three cycles after a beat enters and
// means something for a message's last beat.
//
// Field elements are in GCM bit order (bit 127 is x^0); the power memories hold
// H^1 .. H^(LANES+1) per key slot, written by gcm_key_loader.
`default_nettype none

module ghash_acc #(
    parameter LANES  = 1,
    parameter SLOT_W = 4,
    parameter K_W    = 3
) (
    input  wire                  clk,
    input  wire                  rst,
    // the slot of the beat that enters next cycle (the power memories read early)
    input  wire [SLOT_W-1:0]     rd_slot_i,
    input  wire                  valid_i,
    input  wire                  first_i,
    input  wire [K_W-1:0]        k_i,        // blocks in this beat, 0..LANES
    input  wire [128*LANES-1:0]  x_i,        // lane j: block j, masked, GCM order
    input  wire [127:0]          aad_i,      // first AAD block (first beat)
    input  wire [127:0]          len_i,      // length block (last beat)
    output reg  [127:0]          hash_o,
    // power memory writes
    input  wire [LANES:0]        hp_we_i,
    input  wire [SLOT_W-1:0]     hp_wslot_i,
    input  wire [127:0]          hp_wdata_i
);
  localparam N_POW = LANES + 1;
  localparam [127:0] ONE = {1'b1, 127'd0};   // the field's 1 in GCM bit order

  wire [127:0] hpow [1:N_POW];
  genvar g;
  generate
    for (g = 1; g <= N_POW; g = g + 1) begin : g_pow
      ram_sdp #(.WIDTH(128), .ADDR_W(SLOT_W)) u_pow (
          .clk(clk), .we_i(hp_we_i[g-1]), .waddr_i(hp_wslot_i), .wdata_i(hp_wdata_i),
          .raddr_i(rd_slot_i), .rdata_o(hpow[g]));
    end
  endgenerate

  // H^e, with H^0 = 1 so that a beat with no blocks leaves Y as it is
  function automatic [127:0] power(input [K_W:0] e);
    integer p;
    power = ONE;
    for (p = 1; p <= N_POW; p = p + 1)
      if (e == p[K_W:0]) power = hpow[p];
  endfunction

  // --- g0: products that do not depend on Y -------------------------------
  wire [K_W:0] k = {1'b0, k_i};
  wire [254:0] prod [0:LANES];    // prod[0] is A*H^(k+1); prod[j] lane j's
  generate
    for (g = 0; g <= LANES; g = g + 1) begin : g_prod
      if (g == 0) begin : g_aad
        gf128_clmul u_mul (.a_i(first_i ? aad_i : 128'd0), .b_i(power(k + 1'b1)),
                           .p_o(prod[0]));
      end else if (g < LANES) begin : g_lane
        wire [K_W:0] e = k - g[K_W:0];
        wire use_lane = (k > g[K_W:0]);
        gf128_clmul u_mul (.a_i(use_lane ? x_i[128*g +: 128] : 128'd0), .b_i(power(e)),
                           .p_o(prod[g]));
      end else begin : g_none
        assign prod[g] = 255'd0;   // lane LANES does not exist; lane 0 is in g1
      end
    end
  endgenerate

  reg [254:0] sum;
  integer s;
  always @* begin
    sum = 255'd0;
    for (s = 0; s <= LANES; s = s + 1) sum = sum ^ prod[s];
  end

  reg          g0_valid, g0_first;
  reg [127:0]  g0_x0, g0_h0, g0_len, g0_h1;
  reg [254:0]  g0_sum;
  always @(posedge clk) begin
    g0_x0  <= (k != 0) ? x_i[127:0] : 128'd0;
    g0_h0  <= power(k);
    g0_sum <= sum;
    g0_len <= len_i;
    g0_h1  <= hpow[1];
    g0_first <= first_i;
  end

  // --- g1: the loop --------------------------------------------------------
  reg  [127:0] y;
  wire [254:0] y_prod;
  wire [127:0] y_next;
  gf128_clmul  u_loop_mul (.a_i((g0_first ? 128'd0 : y) ^ g0_x0), .b_i(g0_h0), .p_o(y_prod));
  gf128_reduce u_loop_red (.p_i(y_prod ^ g0_sum), .r_o(y_next));

  reg [127:0] g1_len, g1_h1;
  always @(posedge clk) begin
    if (g0_valid) y <= y_next;
    g1_len <= g0_len;
    g1_h1  <= g0_h1;
  end

  // --- g2: the length block and the last multiplication by H ----------------
  wire [254:0] fin_prod;
  wire [127:0] fin;
  gf128_clmul  u_fin_mul (.a_i(y ^ g1_len), .b_i(g1_h1), .p_o(fin_prod));
  gf128_reduce u_fin_red (.p_i(fin_prod), .r_o(fin));
  always @(posedge clk) hash_o <= fin;

  always @(posedge clk) begin
    if (rst) g0_valid <= 1'b0;
    else     g0_valid <= valid_i;
  end
endmodule

`default_nettype wire
