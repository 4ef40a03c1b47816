// The SA table's static half: one record (regmap/sa_record.def) per SA index,
// written whole by the host, read by the outbound and the inbound pipeline and by
// the host (SA_COMMIT.read, docs/bar0.md), each through a port of its own, a cycle
// after asking.
//
// Each port has its own copy of the records (three simple dual-port RAMs written
// together), the shape block RAM takes, so the host's read-back never takes a
// cycle from a pipeline's lookup. The cost is memory: a copy is 2^SA_W records of
// SA_REC_W bits, at the default 4,096 x 1,001 bits about 4 Mbit (some 112 RAMB36
// or 14 UltraRAM blocks on UltraScale+), so the host's copy adds half again to the
// table. A record is written in one cycle, so a lookup sees the old SA or the new
// one, never half of each: the "commit" of an SA install is this write. Whether a
// slot holds an SA is kept apart from the RAMs, in registers that reset, because
// RAM contents do not; the host's port gives all zeros for a slot with no SA, not
// what a delete or an earlier SA left in the RAM.
//
// Those registers (`used`) are also the one record of which slots hold an SA
// that the host reads (SA_USED, docs/bar0.md): the word port gives 32 of them at
// a time, bit j of word u_word_i being slot 32*u_word_i + j, a cycle later like
// the other ports. A word asked for in the cycle after a record's write (an
// install's commit or a delete), or after a reset, already shows it. The host
// keeps no copy of its own: two copies could disagree, and after a card reset
// would. An index past a table of fewer than 32 slots gives 0.
`default_nettype none
`include "sa_record.vh"

module sa_table #(
    parameter SA_W = 12,
    // the word port's index: 2^SA_W / 32 words, at least 1 (callers pass the same)
    parameter UW   = SA_W > 5 ? SA_W - 5 : 1
) (
    input  wire                 clk,
    input  wire                 rst,
    input  wire                 wr_i,
    input  wire [SA_W-1:0]      wr_idx_i,
    input  wire [`SA_REC_W-1:0] wr_rec_i,     // its valid field 0 deletes the SA
    input  wire [SA_W-1:0]      a_idx_i,
    output reg  [`SA_REC_W-1:0] a_rec_o,      // a cycle later; valid field 0: no SA
    input  wire [SA_W-1:0]      b_idx_i,
    output reg  [`SA_REC_W-1:0] b_rec_o,
    input  wire [SA_W-1:0]      c_idx_i,      // the host's
    output reg  [`SA_REC_W-1:0] c_rec_o,      // a cycle later; all 0: no SA
    input  wire [UW-1:0]        u_word_i,     // the host's: a word of slots
    output reg  [31:0]          u_word_o      // a cycle later: bit j, slot 32*u_word_i + j in use
);
  localparam NSLOT = 1 << SA_W;
  localparam NW    = (NSLOT + 31) / 32;
  wire [`SA_REC_W-1:0] a_q, b_q, c_q;
  ram_sdp #(.WIDTH(`SA_REC_W), .ADDR_W(SA_W)) u_a (
      .clk(clk), .we_i(wr_i), .waddr_i(wr_idx_i), .wdata_i(wr_rec_i),
      .raddr_i(a_idx_i), .rdata_o(a_q));
  ram_sdp #(.WIDTH(`SA_REC_W), .ADDR_W(SA_W)) u_b (
      .clk(clk), .we_i(wr_i), .waddr_i(wr_idx_i), .wdata_i(wr_rec_i),
      .raddr_i(b_idx_i), .rdata_o(b_q));
  ram_sdp #(.WIDTH(`SA_REC_W), .ADDR_W(SA_W)) u_c (
      .clk(clk), .we_i(wr_i), .waddr_i(wr_idx_i), .wdata_i(wr_rec_i),
      .raddr_i(c_idx_i), .rdata_o(c_q));

  reg [NSLOT-1:0]     used;
  reg                 a_used, b_used, c_used;
  // used in whole words (a table of fewer than 32 slots padded with 0s)
  reg [32*NW-1:0]     used_w;
  always @* begin
    used_w              = {(32*NW){1'b0}};
    used_w[NSLOT-1:0]   = used;
  end
  // every index names a word but past a table of one word (UW is then 1)
  wire word_ok = NW > 1 || u_word_i == {UW{1'b0}};
  always @(posedge clk) begin
    if (rst) used <= 0;
    else if (wr_i) used[wr_idx_i] <= wr_rec_i[`SA_REC_VALID];
    a_used <= used[a_idx_i];
    b_used <= used[b_idx_i];
    c_used <= used[c_idx_i];
    u_word_o <= word_ok ? used_w[32*u_word_i +: 32] : 32'd0;
  end

  always @* begin
    a_rec_o = a_q;
    a_rec_o[`SA_REC_VALID] = a_used;
    b_rec_o = b_q;
    b_rec_o[`SA_REC_VALID] = b_used;
    c_rec_o = c_used ? c_q : {`SA_REC_W{1'b0}};
  end
endmodule

`default_nettype wire
