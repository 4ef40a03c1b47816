// The card: a LAN port, a WAN port and the host's side (the exception path, the
// SA and policy tables, counters and events), around the two pipelines.
//
//   LAN rx -> card_out_path -> ESP ----------\
//                  |       `--> bypass -------+-> arb -> WAN tx
//                  |            host tx (WAN) /
//                  `--> host --\
//                               arb -> host rx (host_rx_port: where it came in)
//                  ,--> host --/
//   WAN rx -> card_in_path --> decapsulated -+-> arb -> LAN tx
//                               host tx (LAN) /
//
// SA install (sa_wr_*): the key goes to the engine of the SA's direction (slot =
// SA index), the SA's counters are zeroed and its sequence number or replay
// window set, and only then is the record written, in one cycle: that write is
// the commit, so no packet ever meets a half-installed SA. A record with its
// valid field 0 deletes the SA at once, leaving its counters readable. A slot
// must not be reused while packets of its old SA are inside the card; the host
// installs a rekeyed SA at a fresh index anyway. The host reads a record back
// through a table port of its own (sa_rd_idx, sa_rd_rec a cycle later), which
// takes nothing from the pipelines' lookups; the key is in no record. Which slots
// hold an SA it reads 32 at a time (sa_used_word, sa_used a cycle later: bit j is
// slot 32*sa_used_word + j), from the table's own valid bits: a slot shows as
// used from the cycle after its commit (sa_wr_ready high again), empty from the
// cycle after its delete's, and a reset empties them all.
//
// Per-SA reads (cnt_rd_sel): 0 packets, 1 bytes (inner IP bytes), 2 drops for
// replay, 3 ICV failure, 4 bad padding or next header, 5 selector mismatch,
// 6 sequence numbers used up, 7 lifetime expired, 8 the last sequence number
// sent. Both pipelines keep counters at every index and an install zeroes both,
// so a read is their sum. Global reads (glb_rd_sel): 0 lan_rx, 1 wan_rx, 2 lan_tx,
// 3 wan_tx, 4 host_rx, 5 host_tx (frames), 6 no SA, 7 malformed, 8 too short,
// 9 bypassed, 10 dropped by policy, 11 sent to the host from the LAN by a punt
// rule or no rule, 12 events lost, 13 oversize, 14 sent to the host from the WAN.
// Both answer two cycles after the index and select.
`default_nettype none
`include "sa_record.vh"

module nicsec_card #(
    parameter LANES   = 1,
    parameter SA_W    = 12,
    parameter N_RULES = 64,
    parameter UW      = SA_W > 5 ? SA_W - 5 : 1    // sa_used_word: a word of 32 slots
) (
    input  wire                       clk,
    input  wire                       rst,
    // LAN
    input  wire [128*LANES-1:0]       lan_rx_tdata,
    input  wire [16*LANES-1:0]        lan_rx_tkeep,
    input  wire                       lan_rx_tvalid,
    output wire                       lan_rx_tready,
    input  wire                       lan_rx_tlast,
    output wire [128*LANES-1:0]       lan_tx_tdata,
    output wire [16*LANES-1:0]        lan_tx_tkeep,
    output wire                       lan_tx_tvalid,
    input  wire                       lan_tx_tready,
    output wire                       lan_tx_tlast,
    // WAN
    input  wire [128*LANES-1:0]       wan_rx_tdata,
    input  wire [16*LANES-1:0]        wan_rx_tkeep,
    input  wire                       wan_rx_tvalid,
    output wire                       wan_rx_tready,
    input  wire                       wan_rx_tlast,
    output wire [128*LANES-1:0]       wan_tx_tdata,
    output wire [16*LANES-1:0]        wan_tx_tkeep,
    output wire                       wan_tx_tvalid,
    input  wire                       wan_tx_tready,
    output wire                       wan_tx_tlast,
    // the exception path: frames for the host, and frames from it
    output wire [128*LANES-1:0]       host_rx_tdata,
    output wire [16*LANES-1:0]        host_rx_tkeep,
    output wire                       host_rx_tvalid,
    input  wire                       host_rx_tready,
    output wire                       host_rx_tlast,
    output wire                       host_rx_port,      // 0 came in on the LAN, 1 the WAN
    input  wire [128*LANES-1:0]       host_tx_tdata,
    input  wire [16*LANES-1:0]        host_tx_tkeep,
    input  wire                       host_tx_tvalid,
    output wire                       host_tx_tready,
    input  wire                       host_tx_tlast,
    input  wire                       host_tx_port,      // with every beat: 0 LAN, 1 WAN
    // SA table
    input  wire                       sa_wr_valid,
    output wire                       sa_wr_ready,
    input  wire [SA_W-1:0]            sa_wr_idx,
    input  wire [`SA_REC_W-1:0]       sa_wr_rec,
    input  wire                       sa_wr_key_256,
    input  wire [255:0]               sa_wr_key,         // key byte 0 on top
    input  wire [63:0]                sa_wr_seq,         // out: last sent; in: highest seen
    input  wire [SA_W-1:0]            sa_rd_idx,         // the host's read-back of a record
    output wire [`SA_REC_W-1:0]       sa_rd_rec,         // a cycle later; all 0: no SA there
    input  wire [UW-1:0]              sa_used_word,      // which slots hold an SA, 32 a word
    output wire [31:0]                sa_used,           // a cycle later; bit j: slot 32*word + j
    // policy table (spd_lookup's rule write)
    input  wire                       spd_wr_valid,
    input  wire [$clog2(N_RULES)-1:0] spd_wr_idx,
    input  wire                       spd_wr_en,
    input  wire                       spd_wr_v6,
    input  wire [127:0]               spd_wr_src,
    input  wire [7:0]                 spd_wr_src_plen,
    input  wire [127:0]               spd_wr_dst,
    input  wire [7:0]                 spd_wr_dst_plen,
    input  wire                       spd_wr_proto_any,
    input  wire [7:0]                 spd_wr_proto,
    input  wire [1:0]                 spd_wr_action,
    input  wire [SA_W-1:0]            spd_wr_sa,
    // counters
    input  wire [SA_W-1:0]            cnt_rd_idx,
    input  wire [3:0]                 cnt_rd_sel,
    output reg  [63:0]                cnt_rd_value,
    input  wire [4:0]                 glb_rd_sel,
    output reg  [63:0]                glb_rd_value,
    // events
    output wire                       ev_valid,
    input  wire                       ev_ready,
    output wire [31:0]                ev_data,
    input  wire [31:0]                ev_icv_interval    // cycles
);
  localparam D  = 128 * LANES;
  localparam KB = 16 * LANES;

  // --- SA table and install ---------------------------------------------------------
  wire [SA_W-1:0]      out_sa_idx, in_sa_idx;
  wire [`SA_REC_W-1:0] out_sa_rec, in_sa_rec;
  reg                  tbl_wr;
  reg  [SA_W-1:0]      w_idx;
  reg  [`SA_REC_W-1:0] w_rec;
  reg                  w_k256;
  reg  [255:0]         w_key;
  reg  [63:0]          w_seq;
  sa_table #(.SA_W(SA_W), .UW(UW)) u_table (
      .clk(clk), .rst(rst), .wr_i(tbl_wr), .wr_idx_i(w_idx), .wr_rec_i(w_rec),
      .a_idx_i(out_sa_idx), .a_rec_o(out_sa_rec), .b_idx_i(in_sa_idx), .b_rec_o(in_sa_rec),
      .c_idx_i(sa_rd_idx), .c_rec_o(sa_rd_rec), .u_word_i(sa_used_word), .u_word_o(sa_used));

  localparam S_IDLE = 3'd0, S_KEY = 3'd1, S_KEYWAIT = 3'd2, S_INST = 3'd3, S_INSTWAIT = 3'd4,
             S_COMMIT = 3'd5;
  reg  [2:0] st;
  wire out_key_ready, in_key_ready, out_busy, in_busy;
  wire w_out = w_rec[`SA_REC_DIR_OUT];
  wire key_ready_dir = w_out ? out_key_ready : in_key_ready;
  assign sa_wr_ready = st == S_IDLE && !rst;
  always @(posedge clk) begin
    if (rst) begin
      st <= S_IDLE;
    end else case (st)
      S_IDLE: if (sa_wr_valid) begin
        w_idx  <= sa_wr_idx;
        w_rec  <= sa_wr_rec;
        w_k256 <= sa_wr_key_256;
        w_key  <= sa_wr_key;
        w_seq  <= sa_wr_seq;
        st     <= sa_wr_rec[`SA_REC_VALID] ? S_KEY : S_COMMIT;
      end
      S_KEY:      if (key_ready_dir) st <= S_KEYWAIT;
      S_KEYWAIT:  if (key_ready_dir) st <= S_INST;     // the loader is done
      S_INST:     st <= S_INSTWAIT;
      S_INSTWAIT: if (!out_busy && !in_busy) st <= S_COMMIT;
      default:    st <= S_IDLE;                        // S_COMMIT: the record's write
    endcase
    // the key is not kept past its load
    if (st == S_COMMIT) w_key <= 256'd0;
  end
  always @* tbl_wr = st == S_COMMIT;
  wire key_go = st == S_KEY;
  wire inst   = st == S_INST;

  // --- the pipelines -------------------------------------------------------------------
  wire [2:0]    rd_reason = cnt_rd_sel[2:0] - 3'd2;   // drop reason of selects 2..7
  wire [D-1:0]  esp_tdata, fwd_tdata, dec_tdata, ihost_tdata;
  wire [KB-1:0] esp_tkeep, fwd_tkeep, dec_tkeep, ihost_tkeep;
  wire          esp_tvalid, esp_tready, esp_tlast, fwd_tlast, byp_tvalid, byp_tready;
  wire          ohost_tvalid, ohost_tready, dec_tvalid, dec_tready, dec_tlast;
  wire          ihost_tvalid, ihost_tready, ihost_tlast;
  wire [127:0]  out_usage, in_usage;
  wire [63:0]   out_drops, in_drops, out_seq;
  wire          o_to_host, o_bypass, o_policy_drop, o_no_sa, o_malformed, o_too_short, o_oversize;
  wire          i_to_host, i_no_sa, i_malformed, i_too_short, i_oversize;
  wire          oev_valid, iev_valid;
  wire [4:0]    oev_mask, iev_mask;
  wire [SA_W-1:0] oev_sa, iev_sa;

  card_out_path #(.LANES(LANES), .SA_W(SA_W), .N_RULES(N_RULES)) u_out (
      .clk(clk), .rst(rst),
      .s_tdata(lan_rx_tdata), .s_tkeep(lan_rx_tkeep), .s_tvalid(lan_rx_tvalid),
      .s_tready(lan_rx_tready), .s_tlast(lan_rx_tlast),
      .esp_tdata(esp_tdata), .esp_tkeep(esp_tkeep), .esp_tvalid(esp_tvalid), .esp_tready(esp_tready),
      .esp_tlast(esp_tlast),
      .fwd_tdata(fwd_tdata), .fwd_tkeep(fwd_tkeep), .fwd_tlast(fwd_tlast),
      .byp_tvalid(byp_tvalid), .byp_tready(byp_tready),
      .host_tvalid(ohost_tvalid), .host_tready(ohost_tready),
      .sa_idx_o(out_sa_idx), .sa_rec_i(out_sa_rec),
      .spd_wr_i(spd_wr_valid), .spd_wr_idx_i(spd_wr_idx), .spd_wr_en_i(spd_wr_en),
      .spd_wr_v6_i(spd_wr_v6), .spd_wr_src_i(spd_wr_src), .spd_wr_src_plen_i(spd_wr_src_plen),
      .spd_wr_dst_i(spd_wr_dst), .spd_wr_dst_plen_i(spd_wr_dst_plen),
      .spd_wr_proto_any_i(spd_wr_proto_any), .spd_wr_proto_i(spd_wr_proto),
      .spd_wr_action_i(spd_wr_action), .spd_wr_sa_i(spd_wr_sa),
      .key_valid(key_go && w_out), .key_ready(out_key_ready), .key_slot(w_idx), .key_256(w_k256),
      .key_data(w_key),
      .inst_valid_i(inst), .inst_idx_i(w_idx), .inst_seq_i(w_seq), .inst_busy_o(out_busy),
      .rd_idx_i(cnt_rd_idx), .rd_reason_i(rd_reason), .rd_usage_o(out_usage),
      .rd_drops_o(out_drops), .rd_seq_o(out_seq),
      .c_to_host_o(o_to_host), .c_bypass_o(o_bypass), .c_policy_drop_o(o_policy_drop),
      .c_no_sa_o(o_no_sa), .c_malformed_o(o_malformed), .c_too_short_o(o_too_short),
      .c_oversize_o(o_oversize),
      .ev_valid_o(oev_valid), .ev_mask_o(oev_mask), .ev_sa_o(oev_sa));

  card_in_path #(.LANES(LANES), .SA_W(SA_W)) u_in (
      .clk(clk), .rst(rst),
      .s_tdata(wan_rx_tdata), .s_tkeep(wan_rx_tkeep), .s_tvalid(wan_rx_tvalid),
      .s_tready(wan_rx_tready), .s_tlast(wan_rx_tlast),
      .lan_tdata(dec_tdata), .lan_tkeep(dec_tkeep), .lan_tvalid(dec_tvalid), .lan_tready(dec_tready),
      .lan_tlast(dec_tlast),
      .host_tdata(ihost_tdata), .host_tkeep(ihost_tkeep), .host_tvalid(ihost_tvalid),
      .host_tready(ihost_tready), .host_tlast(ihost_tlast),
      .sa_idx_o(in_sa_idx), .sa_rec_i(in_sa_rec),
      .key_valid(key_go && !w_out), .key_ready(in_key_ready), .key_slot(w_idx), .key_256(w_k256),
      .key_data(w_key),
      .inst_valid_i(inst), .inst_idx_i(w_idx), .inst_seq_i(w_seq), .inst_busy_o(in_busy),
      .rd_idx_i(cnt_rd_idx), .rd_reason_i(rd_reason), .rd_usage_o(in_usage), .rd_drops_o(in_drops),
      .icv_interval_i(ev_icv_interval),
      .c_to_host_o(i_to_host), .c_no_sa_o(i_no_sa), .c_malformed_o(i_malformed),
      .c_too_short_o(i_too_short), .c_oversize_o(i_oversize),
      .ev_valid_o(iev_valid), .ev_mask_o(iev_mask), .ev_sa_o(iev_sa));

  // --- ports: each output is an arbiter over the frames meant for it ---------------------
  wire [1:0] wan_src_unused;
  wire [2:0] wan_ready;
  wire       wan_user_unused;
  axis_frame_arb #(.LANES(LANES), .N_IN(3), .USER_W(1)) u_wan_arb (
      .clk(clk), .rst(rst),
      .s_tdata({host_tx_tdata, fwd_tdata, esp_tdata}), .s_tkeep({host_tx_tkeep, fwd_tkeep, esp_tkeep}),
      .s_tvalid({host_tx_tvalid && host_tx_port, byp_tvalid, esp_tvalid}), .s_tready(wan_ready),
      .s_tlast({host_tx_tlast, fwd_tlast, esp_tlast}), .s_tuser(3'd0),
      .m_tdata(wan_tx_tdata), .m_tkeep(wan_tx_tkeep), .m_tvalid(wan_tx_tvalid), .m_tready(wan_tx_tready),
      .m_tlast(wan_tx_tlast), .m_tuser(wan_user_unused), .m_src(wan_src_unused));
  assign esp_tready = wan_ready[0];
  assign byp_tready = wan_ready[1];

  wire       lan_src_unused;
  wire [1:0] lan_ready;
  wire       lan_user_unused;
  axis_frame_arb #(.LANES(LANES), .N_IN(2), .USER_W(1)) u_lan_arb (
      .clk(clk), .rst(rst),
      .s_tdata({host_tx_tdata, dec_tdata}), .s_tkeep({host_tx_tkeep, dec_tkeep}),
      .s_tvalid({host_tx_tvalid && !host_tx_port, dec_tvalid}), .s_tready(lan_ready),
      .s_tlast({host_tx_tlast, dec_tlast}), .s_tuser(2'd0),
      .m_tdata(lan_tx_tdata), .m_tkeep(lan_tx_tkeep), .m_tvalid(lan_tx_tvalid), .m_tready(lan_tx_tready),
      .m_tlast(lan_tx_tlast), .m_tuser(lan_user_unused), .m_src(lan_src_unused));
  assign dec_tready = lan_ready[0];
  assign host_tx_tready = host_tx_port ? wan_ready[2] : lan_ready[1];

  wire [1:0] host_ready;
  wire       host_user_unused;
  axis_frame_arb #(.LANES(LANES), .N_IN(2), .USER_W(1)) u_host_arb (
      .clk(clk), .rst(rst),
      .s_tdata({ihost_tdata, fwd_tdata}), .s_tkeep({ihost_tkeep, fwd_tkeep}),
      .s_tvalid({ihost_tvalid, ohost_tvalid}), .s_tready(host_ready),
      .s_tlast({ihost_tlast, fwd_tlast}), .s_tuser(2'd0),
      .m_tdata(host_rx_tdata), .m_tkeep(host_rx_tkeep), .m_tvalid(host_rx_tvalid),
      .m_tready(host_rx_tready), .m_tlast(host_rx_tlast), .m_tuser(host_user_unused),
      .m_src(host_rx_port));
  assign ohost_tready = host_ready[0];
  assign ihost_tready = host_ready[1];

  // --- events ------------------------------------------------------------------------
  wire [1:0] ev_lost;
  event_queue #(.SA_W(SA_W)) u_events (
      .clk(clk), .rst(rst),
      .a_valid_i(oev_valid), .a_mask_i(oev_mask), .a_sa_i(oev_sa),
      .b_valid_i(iev_valid), .b_mask_i(iev_mask), .b_sa_i(iev_sa),
      .ev_valid_o(ev_valid), .ev_ready_i(ev_ready), .ev_data_o(ev_data), .lost_o(ev_lost));

  // --- counters --------------------------------------------------------------------------
  reg  [3:0] sel_q;
  always @(posedge clk) begin
    sel_q <= cnt_rd_sel;
    case (sel_q)
      4'd0:    cnt_rd_value <= out_usage[63:0] + in_usage[63:0];
      4'd1:    cnt_rd_value <= out_usage[127:64] + in_usage[127:64];
      4'd8:    cnt_rd_value <= out_seq;
      default: cnt_rd_value <= sel_q > 4'd8 ? 64'd0 : out_drops + in_drops;
    endcase
  end

  localparam NG = 15;
  reg  [63:0]   glb [0:NG-1];
  wire [NG-1:0] bump = {
      i_to_host, o_oversize | i_oversize, ev_lost != 2'd0, o_to_host, o_policy_drop, o_bypass,
      o_too_short | i_too_short, o_malformed | i_malformed, o_no_sa | i_no_sa,
      host_tx_tvalid && host_tx_tready && host_tx_tlast,
      host_rx_tvalid && host_rx_tready && host_rx_tlast,
      wan_tx_tvalid && wan_tx_tready && wan_tx_tlast,
      lan_tx_tvalid && lan_tx_tready && lan_tx_tlast,
      wan_rx_tvalid && wan_rx_tready && wan_rx_tlast,
      lan_rx_tvalid && lan_rx_tready && lan_rx_tlast};
  // two sources can bump one counter in the same cycle
  wire [NG*2-1:0] amount = {
      2'd0, {1'b0, o_oversize} + {1'b0, i_oversize}, ev_lost, 6'd0,
      {1'b0, o_too_short} + {1'b0, i_too_short}, {1'b0, o_malformed} + {1'b0, i_malformed},
      {1'b0, o_no_sa} + {1'b0, i_no_sa}, 12'd0};
  integer g;
  always @(posedge clk) begin
    for (g = 0; g < NG; g = g + 1)
      if (rst) glb[g] <= 64'd0;
      else if (bump[g]) glb[g] <= glb[g] + (amount[2*g +: 2] == 2'd0 ? 64'd1 : {62'd0, amount[2*g +: 2]});
  end
  reg [4:0] gsel_q;
  always @(posedge clk) begin
    gsel_q       <= glb_rd_sel;
    glb_rd_value <= gsel_q < NG ? glb[gsel_q[3:0]] : 64'd0;
  end

  wire unused = &{1'b0, wan_src_unused, wan_user_unused, lan_src_unused, lan_user_unused,
                  host_user_unused};
endmodule

`default_nettype wire
