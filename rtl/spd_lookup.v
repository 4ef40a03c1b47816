// Outbound security policy lookup: the first rule, in index order, whose source
// and destination prefixes and protocol match a packet decides what happens to it
// (RFC 4301's ordered SPD). Rules sit in registers and are compared all at once;
// a rule is written whole, so a lookup never sees half of one.
//
// Two register stages: the match vector, then the first match and its rule.
`default_nettype none

module spd_lookup #(
    parameter N_RULES = 64,
    parameter SA_W    = 12
) (
    input  wire                       clk,
    input  wire                       rst,
    // rule writes
    input  wire                       wr_i,
    input  wire [$clog2(N_RULES)-1:0] wr_idx_i,
    input  wire                       wr_valid_i,   // 0 removes the rule
    input  wire                       wr_v6_i,
    input  wire [127:0]               wr_src_i,     // IPv4 in [31:0]
    input  wire [7:0]                 wr_src_plen_i,
    input  wire [127:0]               wr_dst_i,
    input  wire [7:0]                 wr_dst_plen_i,
    input  wire                       wr_proto_any_i,
    input  wire [7:0]                 wr_proto_i,
    input  wire [1:0]                 wr_action_i,  // 0 protect, 1 bypass, 2 drop, 3 punt
    input  wire [SA_W-1:0]            wr_sa_i,
    // lookups
    input  wire                       lk_valid_i,
    input  wire                       lk_v6_i,
    input  wire [127:0]               lk_src_i,
    input  wire [127:0]               lk_dst_i,
    input  wire [7:0]                 lk_proto_i,
    output reg                        lk_valid_o,
    output reg                        lk_hit_o,
    output reg  [$clog2(N_RULES)-1:0] lk_rule_o,
    output reg  [1:0]                 lk_action_o,
    output reg  [SA_W-1:0]            lk_sa_o
);
  localparam IW = $clog2(N_RULES);

  reg             r_valid     [0:N_RULES-1];
  reg             r_v6        [0:N_RULES-1];
  reg [127:0]     r_src       [0:N_RULES-1];
  reg [127:0]     r_src_mask  [0:N_RULES-1];
  reg [127:0]     r_dst       [0:N_RULES-1];
  reg [127:0]     r_dst_mask  [0:N_RULES-1];
  reg             r_proto_any [0:N_RULES-1];
  reg [7:0]       r_proto     [0:N_RULES-1];
  reg [1:0]       r_action    [0:N_RULES-1];
  reg [SA_W-1:0]  r_sa        [0:N_RULES-1];

  // the mask of a prefix of plen bits in a v4 (low 32 bits) or v6 address
  function automatic [127:0] prefix_mask(input v6, input [7:0] plen);
    integer i;
    for (i = 0; i < 128; i = i + 1)
      prefix_mask[i] = v6 ? (i + {24'd0, plen} >= 128) : (i < 32 && i + {24'd0, plen} >= 32);
  endfunction

  integer k;
  always @(posedge clk) begin
    if (rst) begin
      for (k = 0; k < N_RULES; k = k + 1) r_valid[k] <= 1'b0;
    end else if (wr_i) begin
      r_valid[wr_idx_i]     <= wr_valid_i;
      r_v6[wr_idx_i]        <= wr_v6_i;
      r_src[wr_idx_i]       <= wr_src_i & prefix_mask(wr_v6_i, wr_src_plen_i);
      r_src_mask[wr_idx_i]  <= prefix_mask(wr_v6_i, wr_src_plen_i);
      r_dst[wr_idx_i]       <= wr_dst_i & prefix_mask(wr_v6_i, wr_dst_plen_i);
      r_dst_mask[wr_idx_i]  <= prefix_mask(wr_v6_i, wr_dst_plen_i);
      r_proto_any[wr_idx_i] <= wr_proto_any_i;
      r_proto[wr_idx_i]     <= wr_proto_i;
      r_action[wr_idx_i]    <= wr_action_i;
      r_sa[wr_idx_i]        <= wr_sa_i;
    end
  end

  // --- stage 1: which rules match ----------------------------------------------
  reg [N_RULES-1:0] match;
  reg               s1_valid;
  integer r;
  always @(posedge clk) begin
    s1_valid <= lk_valid_i && !rst;
    for (r = 0; r < N_RULES; r = r + 1)
      match[r] <= r_valid[r] && r_v6[r] == lk_v6_i
               && ((lk_src_i & r_src_mask[r]) == r_src[r])
               && ((lk_dst_i & r_dst_mask[r]) == r_dst[r])
               && (r_proto_any[r] || r_proto[r] == lk_proto_i);
  end

  // --- stage 2: the first of them ---------------------------------------------
  reg [IW-1:0] first;
  always @* begin
    first = {IW{1'b0}};
    for (r = N_RULES - 1; r >= 0; r = r - 1)
      if (match[r]) first = r[IW-1:0];
  end
  always @(posedge clk) begin
    lk_valid_o  <= s1_valid;
    lk_hit_o    <= match != {N_RULES{1'b0}};
    lk_rule_o   <= first;
    lk_action_o <= r_action[first];
    lk_sa_o     <= r_sa[first];
  end
endmodule

`default_nettype wire
