// The SA table's static half: one record (regmap/sa_record.def) per SA index,
// written whole by the host, read by the outbound and the inbound pipeline, each
// through a port of its own, a cycle after asking.
//
// Each port has its own copy of the records (two simple dual-port RAMs written
// together), the shape block RAM takes. A record is written in one cycle, so a
// lookup sees the old SA or the new one, never half of each: the "commit" of an
// SA install is this write. Whether a slot holds an SA is kept apart from the
// RAMs, in registers that reset, because RAM contents do not.
`default_nettype none
`include "sa_record.vh"

module sa_table #(
    parameter SA_W = 12
) (
    input  wire                 clk,
    input  wire                 rst,
    input  wire                 wr_i,
    input  wire [SA_W-1:0]      wr_idx_i,
    input  wire [`SA_REC_W-1:0] wr_rec_i,     // its valid field 0 deletes the SA
    input  wire [SA_W-1:0]      a_idx_i,
    output reg  [`SA_REC_W-1:0] a_rec_o,      // a cycle later; valid field 0: no SA
    input  wire [SA_W-1:0]      b_idx_i,
    output reg  [`SA_REC_W-1:0] b_rec_o
);
  wire [`SA_REC_W-1:0] a_q, b_q;
  ram_sdp #(.WIDTH(`SA_REC_W), .ADDR_W(SA_W)) u_a (
      .clk(clk), .we_i(wr_i), .waddr_i(wr_idx_i), .wdata_i(wr_rec_i),
      .raddr_i(a_idx_i), .rdata_o(a_q));
  ram_sdp #(.WIDTH(`SA_REC_W), .ADDR_W(SA_W)) u_b (
      .clk(clk), .we_i(wr_i), .waddr_i(wr_idx_i), .wdata_i(wr_rec_i),
      .raddr_i(b_idx_i), .rdata_o(b_q));

  reg [(1<<SA_W)-1:0] used;
  reg                 a_used, b_used;
  always @(posedge clk) begin
    if (rst) used <= 0;
    else if (wr_i) used[wr_idx_i] <= wr_rec_i[`SA_REC_VALID];
    a_used <= used[a_idx_i];
    b_used <= used[b_idx_i];
  end

  always @* begin
    a_rec_o = a_q;
    a_rec_o[`SA_REC_VALID] = a_used;
    b_rec_o = b_q;
    b_rec_o[`SA_REC_VALID] = b_used;
  end
endmodule

`default_nettype wire
