// A bank of counters, each read, added to and written back in two cycles, any
// counter every cycle: per-SA packet and byte counts, drop counts by reason, and
// the outbound sequence number (fetch-and-add: the answer is the new value).
//
// A counter may be FIELDS fields of W bits, added together: an SA's packets and
// bytes are one counter, so a lifetime check sees both as of the same packet.
// An add may carry limits, one a field: it happens only if every field is below
// its limit before it, else it is refused and the counter stays (add_ok_o low).
// That is the check a sequence number needs (the last one sent below the largest,
// or the next would wrap and reuse a GCM nonce) and a hard lifetime needs
// (xfrm's rule: a packet passes while the count before it is below the limit).
// Limits of all ones never refuse in practice.
//
// The memory answers a cycle after it is asked, so an add to the counter that the
// previous add just wrote takes that write's value instead of the memory's.
// The host sets a counter (to 0, or an SA's starting sequence) through set_*;
// an add in the same cycle waits its turn: set_ready_o is low then.
`default_nettype none

module rmw_counter #(
    parameter IDX_W  = 12,
    parameter W      = 64,
    parameter FIELDS = 1
) (
    input  wire                  clk,
    input  wire                  rst,
    input  wire                  add_valid_i,
    input  wire [IDX_W-1:0]      add_idx_i,
    input  wire [FIELDS*W-1:0]   add_amount_i,
    input  wire [FIELDS*W-1:0]   add_limit_i,
    output reg                   add_valid_o,   // two cycles after add_valid_i
    output reg                   add_ok_o,      // the add happened
    output reg  [FIELDS*W-1:0]   add_old_o,     // the counter before it
    output reg  [FIELDS*W-1:0]   add_value_o,   // the counter after it
    input  wire                  set_valid_i,
    output wire                  set_ready_o,
    input  wire [IDX_W-1:0]      set_idx_i,
    input  wire [FIELDS*W-1:0]   set_value_i,
    // host reads: the value a cycle later
    input  wire [IDX_W-1:0]      rd_idx_i,
    output wire [FIELDS*W-1:0]   rd_value_o
);
  localparam CW = FIELDS * W;
  reg              a1_valid;
  reg [IDX_W-1:0]  a1_idx;
  reg [CW-1:0]     a1_amount, a1_limit;
  wire [CW-1:0]    mem_value;

  reg              wr;
  reg [IDX_W-1:0]  wr_idx;
  reg [CW-1:0]     wr_value;

  ram_sdp #(.WIDTH(CW), .ADDR_W(IDX_W)) u_mem (
      .clk(clk), .we_i(wr), .waddr_i(wr_idx), .wdata_i(wr_value),
      .raddr_i(add_idx_i), .rdata_o(mem_value));
  ram_sdp #(.WIDTH(CW), .ADDR_W(IDX_W)) u_host (
      .clk(clk), .we_i(wr), .waddr_i(wr_idx), .wdata_i(wr_value),
      .raddr_i(rd_idx_i), .rdata_o(rd_value_o));

  // the write of the cycle before, which mem_value may not show yet
  reg              p_wr;
  reg [IDX_W-1:0]  p_idx;
  reg [CW-1:0]     p_value;
  wire [CW-1:0] now = (p_wr && p_idx == a1_idx) ? p_value : mem_value;

  reg [CW-1:0] sum;
  reg          below;
  integer f;
  always @* begin
    below = 1'b1;
    for (f = 0; f < FIELDS; f = f + 1) begin
      sum[f*W +: W] = now[f*W +: W] + a1_amount[f*W +: W];
      if (now[f*W +: W] >= a1_limit[f*W +: W]) below = 1'b0;
    end
  end
  wire [CW-1:0] next = below ? sum : now;

  assign set_ready_o = !a1_valid;
  always @* begin
    wr       = a1_valid || set_valid_i;
    wr_idx   = a1_valid ? a1_idx : set_idx_i;
    wr_value = a1_valid ? next : set_value_i;
  end

  always @(posedge clk) begin
    a1_valid    <= add_valid_i && !rst;
    a1_idx      <= add_idx_i;
    a1_amount   <= add_amount_i;
    a1_limit    <= add_limit_i;
    add_valid_o <= a1_valid && !rst;
    add_ok_o    <= below;
    add_old_o   <= now;
    add_value_o <= next;
    p_wr        <= wr && !rst;
    p_idx       <= wr_idx;
    p_value     <= wr_value;
  end
endmodule

`default_nettype wire
