// A bank of counters, each read, added to and written back in two cycles, any
// counter every cycle: per-SA packet and byte counts, drop counts by reason, and
// the outbound sequence number (fetch-and-add: the answer is the new value).
//
// The memory answers a cycle after it is asked, so an add to the counter that the
// previous add just wrote takes that write's value instead of the memory's.
// The host sets a counter (to 0, or an SA's starting sequence) through set_*;
// an add in the same cycle waits its turn: set_ready_o is low then.
`default_nettype none

module rmw_counter #(
    parameter IDX_W = 12,
    parameter W     = 64
) (
    input  wire             clk,
    input  wire             rst,
    input  wire             add_valid_i,
    input  wire [IDX_W-1:0] add_idx_i,
    input  wire [W-1:0]     add_amount_i,
    output reg              add_valid_o,   // two cycles after add_valid_i
    output reg  [W-1:0]     add_value_o,   // the counter after the add
    input  wire             set_valid_i,
    output wire             set_ready_o,
    input  wire [IDX_W-1:0] set_idx_i,
    input  wire [W-1:0]     set_value_i,
    // host reads: the value a cycle later
    input  wire [IDX_W-1:0] rd_idx_i,
    output wire [W-1:0]     rd_value_o
);
  reg              a1_valid;
  reg [IDX_W-1:0]  a1_idx;
  reg [W-1:0]      a1_amount;
  wire [W-1:0]     mem_value;

  reg              wr;
  reg [IDX_W-1:0]  wr_idx;
  reg [W-1:0]      wr_value;

  ram_sdp #(.WIDTH(W), .ADDR_W(IDX_W)) u_mem (
      .clk(clk), .we_i(wr), .waddr_i(wr_idx), .wdata_i(wr_value),
      .raddr_i(add_idx_i), .rdata_o(mem_value));
  ram_sdp #(.WIDTH(W), .ADDR_W(IDX_W)) u_host (
      .clk(clk), .we_i(wr), .waddr_i(wr_idx), .wdata_i(wr_value),
      .raddr_i(rd_idx_i), .rdata_o(rd_value_o));

  // the write of the cycle before, which mem_value may not show yet
  reg              p_wr;
  reg [IDX_W-1:0]  p_idx;
  reg [W-1:0]      p_value;
  wire [W-1:0] now = (p_wr && p_idx == a1_idx) ? p_value : mem_value;
  wire [W-1:0] sum = now + a1_amount;

  assign set_ready_o = !a1_valid;
  always @* begin
    wr       = a1_valid || set_valid_i;
    wr_idx   = a1_valid ? a1_idx : set_idx_i;
    wr_value = a1_valid ? sum : set_value_i;
  end

  always @(posedge clk) begin
    a1_valid    <= add_valid_i && !rst;
    a1_idx      <= add_idx_i;
    a1_amount   <= add_amount_i;
    add_valid_o <= a1_valid && !rst;
    add_value_o <= sum;
    p_wr        <= wr && !rst;
    p_idx       <= wr_idx;
    p_value     <= wr_value;
  end
endmodule

`default_nettype wire
