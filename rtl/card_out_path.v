// The card's outbound pipeline: cleartext frames from the LAN, sorted by the
// policy table, the protected ones ESP-encapsulated for the WAN.
//
//   LAN -> frame_front -> route -> esp_encap -> ESP to the WAN
//               |           |`-> bypass: cleartext to the WAN
//               |           `--> host: the exception path
//               `-> decision, 6 cycles, one frame a cycle:
//   c0 hdr_parse | c1 spd_lookup | c3 SA record | c4 sequence number and lifetime,
//   one fetch-and-add (refused when the numbers are used up or a hard limit is
//   reached) | c6 the frame's destination -> route
//
// The frame waits in frame_front's FIFO while its decision is made, so frames
// stream back to back; frame_front lets in no more frames than the route's
// decision FIFO (16) holds.
//
// Where a frame goes: over MAX_FRAME bytes -> dropped (oversize, in frame_front);
// not IPv4/IPv6 (ARP, VLANs), or IPv4 with options -> host; cut inside its headers
// -> dropped (too short); shorter than its IP length or bad IP lengths -> dropped
// (malformed); no rule -> host; rule: bypass -> WAN as it is, drop -> dropped,
// punt -> host, protect -> its SA: none there, or an inbound one -> dropped (no
// SA); sequence numbers used up -> dropped; hard lifetime reached -> dropped; else
// encapsulated.
//
// Sequence numbers: the counter holds the last number sent (xfrm's oseq); a
// packet takes the next one only while the last is below 2^32 - 1 (2^64 - 1
// with ESN), so a number, and a GCM nonce, is never used twice.
`default_nettype none
`include "sa_record.vh"

module card_out_path #(
    parameter LANES     = 1,
    parameter SA_W      = 12,
    parameter N_RULES   = 64,
    parameter MAX_FRAME = 9216
) (
    input  wire                       clk,
    input  wire                       rst,
    // LAN frames in
    input  wire [128*LANES-1:0]       s_tdata,
    input  wire [16*LANES-1:0]        s_tkeep,
    input  wire                       s_tvalid,
    output wire                       s_tready,
    input  wire                       s_tlast,
    // ESP frames for the WAN
    output wire [128*LANES-1:0]       esp_tdata,
    output wire [16*LANES-1:0]        esp_tkeep,
    output wire                       esp_tvalid,
    input  wire                       esp_tready,
    output wire                       esp_tlast,
    // cleartext frames for the WAN (bypass) and for the host; one data bus
    output wire [128*LANES-1:0]       fwd_tdata,
    output wire [16*LANES-1:0]        fwd_tkeep,
    output wire                       fwd_tlast,
    output wire                       byp_tvalid,
    input  wire                       byp_tready,
    output wire                       host_tvalid,
    input  wire                       host_tready,
    // the SA table's outbound read port
    output wire [SA_W-1:0]            sa_idx_o,
    input  wire [`SA_REC_W-1:0]       sa_rec_i,
    // policy rule writes (spd_lookup's)
    input  wire                       spd_wr_i,
    input  wire [$clog2(N_RULES)-1:0] spd_wr_idx_i,
    input  wire                       spd_wr_en_i,
    input  wire                       spd_wr_v6_i,
    input  wire [127:0]               spd_wr_src_i,
    input  wire [7:0]                 spd_wr_src_plen_i,
    input  wire [127:0]               spd_wr_dst_i,
    input  wire [7:0]                 spd_wr_dst_plen_i,
    input  wire                       spd_wr_proto_any_i,
    input  wire [7:0]                 spd_wr_proto_i,
    input  wire [1:0]                 spd_wr_action_i,
    input  wire [SA_W-1:0]            spd_wr_sa_i,
    // keys, to the engine
    input  wire                       key_valid,
    output wire                       key_ready,
    input  wire [SA_W-1:0]            key_slot,
    input  wire                       key_256,
    input  wire [255:0]               key_data,
    // SA install: zero the SA's counters, set its sequence number
    input  wire                       inst_valid_i,
    input  wire [SA_W-1:0]            inst_idx_i,
    input  wire [63:0]                inst_seq_i,
    output wire                       inst_busy_o,
    // host reads, a cycle later: {bytes, packets}, drops by reason, last sequence
    input  wire [SA_W-1:0]            rd_idx_i,
    input  wire [2:0]                 rd_reason_i,
    output wire [127:0]               rd_usage_o,
    output wire [63:0]                rd_drops_o,
    output wire [63:0]                rd_seq_o,
    // what happened to each frame, one pulse each (global counters)
    output reg                        c_to_host_o,
    output reg                        c_bypass_o,
    output reg                        c_policy_drop_o,
    output reg                        c_no_sa_o,
    output reg                        c_malformed_o,
    output reg                        c_too_short_o,
    output reg                        c_oversize_o,
    // events: bit 0 soft limit, 1 hard limit, 2 sequence near its end, 3 sequence used up
    output reg                        ev_valid_o,
    output reg  [4:0]                 ev_mask_o,
    output reg  [SA_W-1:0]            ev_sa_o
);
  localparam D  = 128 * LANES;
  localparam KB = 16 * LANES;
  localparam RW = $clog2(N_RULES);
  localparam [63:0] ALL1 = 64'hffff_ffff_ffff_ffff;
  // drop reasons, as the per-SA drop counters are indexed (the card's counter map)
  localparam [2:0] R_SEQ = 3'd4, R_LIFE = 3'd5;
  // destinations at the route
  localparam [1:0] TO_ESP = 2'd0, TO_BYP = 2'd1, TO_HOST = 2'd2, TO_DROP = 2'd3;

  // --- frames in: each frame's header to the decision, its beats to a FIFO ----------
  wire          admit, oversize;
  wire [1023:0] h_hdr;
  wire [7:0]    h_hdr_len;
  wire [15:0]   h_len;
  wire [D-1:0]  b_tdata;
  wire [KB-1:0] b_tkeep;
  wire          b_tvalid, b_tready, b_tlast;
  frame_front #(.LANES(LANES), .MAX_FLIGHT(16), .MAX_FRAME(MAX_FRAME)) u_front (
      .clk(clk), .rst(rst),
      .s_tdata(s_tdata), .s_tkeep(s_tkeep), .s_tvalid(s_tvalid), .s_tready(s_tready),
      .s_tlast(s_tlast), .admit_o(admit), .hdr_o(h_hdr), .hdr_len_o(h_hdr_len), .len_o(h_len),
      .oversize_o(oversize),
      .m_tdata(b_tdata), .m_tkeep(b_tkeep), .m_tvalid(b_tvalid), .m_tready(b_tready),
      .m_tlast(b_tlast));

  // --- c0 -> c1: headers -------------------------------------------------------------
  wire         p_valid, p_arp, p_v4, p_v6, p_ip_ok, p_frag, p_opts, p_udp, p_esp, p_in_udp;
  wire         p_ike, p_short;
  wire [47:0]  p_edst, p_esrc;
  wire [15:0]  p_etype, p_ip_len, p_sport, p_dport, p_ulen;
  wire [127:0] p_src, p_dst;
  wire [7:0]   p_proto, p_l4, p_esp_off;
  wire [31:0]  p_spi, p_seq;
  wire [63:0]  p_iv;
  hdr_parse #(.HDR_BYTES(128)) u_parse (
      .clk(clk), .hdr_valid_i(admit), .hdr_i(h_hdr), .hdr_len_i(h_hdr_len), .frame_len_i(h_len),
      .valid_o(p_valid), .eth_dst_o(p_edst), .eth_src_o(p_esrc), .ethertype_o(p_etype),
      .is_arp_o(p_arp), .is_ipv4_o(p_v4), .is_ipv6_o(p_v6), .ip_ok_o(p_ip_ok),
      .ip_frag_o(p_frag), .ip_opts_o(p_opts), .ip_src_o(p_src), .ip_dst_o(p_dst),
      .ip_proto_o(p_proto), .ip_len_o(p_ip_len), .l4_off_o(p_l4), .is_udp_o(p_udp),
      .udp_sport_o(p_sport), .udp_dport_o(p_dport), .udp_len_o(p_ulen), .is_esp_o(p_esp),
      .esp_in_udp_o(p_in_udp), .esp_off_o(p_esp_off), .esp_spi_o(p_spi), .esp_seq_o(p_seq),
      .esp_iv_o(p_iv), .is_ike_o(p_ike), .short_o(p_short));

  // What the headers decide alone, before the policy table. IPv4 with options
  // goes to the host, which can route it: the card's offsets assume none.
  localparam [1:0] K_IP = 2'd0, K_HOST = 2'd1, K_SHORT = 2'd2, K_BAD = 2'd3;
  wire [1:0] p_kind = p_short                 ? K_SHORT :
                      !(p_v4 || p_v6) || p_opts ? K_HOST :
                      !p_ip_ok                ? K_BAD   : K_IP;

  // --- c1 -> c3: policy lookup -------------------------------------------------------
  wire          l_valid, l_hit;
  wire [RW-1:0] l_rule_unused;
  wire [1:0]    l_action;
  wire [SA_W-1:0] l_sa;
  spd_lookup #(.N_RULES(N_RULES), .SA_W(SA_W)) u_spd (
      .clk(clk), .rst(rst),
      .wr_i(spd_wr_i), .wr_idx_i(spd_wr_idx_i), .wr_valid_i(spd_wr_en_i), .wr_v6_i(spd_wr_v6_i),
      .wr_src_i(spd_wr_src_i), .wr_src_plen_i(spd_wr_src_plen_i), .wr_dst_i(spd_wr_dst_i),
      .wr_dst_plen_i(spd_wr_dst_plen_i), .wr_proto_any_i(spd_wr_proto_any_i),
      .wr_proto_i(spd_wr_proto_i), .wr_action_i(spd_wr_action_i), .wr_sa_i(spd_wr_sa_i),
      .lk_valid_i(p_valid), .lk_v6_i(p_v6), .lk_src_i(p_src), .lk_dst_i(p_dst),
      .lk_proto_i(p_proto),
      .lk_valid_o(l_valid), .lk_hit_o(l_hit), .lk_rule_o(l_rule_unused), .lk_action_o(l_action),
      .lk_sa_o(l_sa));

  // the header facts that ride along: kind, inner family, inner length
  localparam FW = 2 + 1 + 16;
  wire [FW-1:0] f3;
  delay_line #(.WIDTH(FW), .DEPTH(2)) u_f3 (
      .clk(clk), .d_i({p_kind, p_v6, p_ip_len}), .q_o(f3));

  // --- c3 -> c4: the SA record -------------------------------------------------------
  assign sa_idx_o = l_sa;
  reg            c4_valid, c4_hit;
  reg [1:0]      c4_action;
  reg [SA_W-1:0] c4_sa;
  reg [FW-1:0]   c4_f;
  always @(posedge clk) begin
    c4_valid  <= l_valid && !rst;
    c4_hit    <= l_hit;
    c4_action <= l_action;
    c4_sa     <= l_sa;
    c4_f      <= f3;
  end
  wire [1:0]  c4_kind    = c4_f[FW-1 -: 2];
  wire [15:0] c4_len     = c4_f[15:0];
  wire        c4_sa_ok   = sa_rec_i[`SA_REC_VALID] && sa_rec_i[`SA_REC_DIR_OUT];
  wire        c4_go      = c4_kind == K_IP && c4_hit && c4_action == 2'd0 && c4_sa_ok;
  // the end of the numbers: the last one a packet may carry
  wire [63:0] c4_seq_end = sa_rec_i[`SA_REC_ESN] ? ALL1 : 64'h0000_0000_ffff_ffff;

  // --- c4 -> c6: sequence number and lifetime, as one ----------------------------------
  // Fields: 0 packets, 1 bytes, 2 the last sequence number sent. A packet takes the
  // next number and counts against the lifetime only if the number is there and the
  // counts are below the hard limits; else nothing changes, so a refused packet
  // spends no sequence number and counts nowhere but in its drop counter.
  wire          u_valid, u_ok;
  wire [191:0]  u_old, u_new;
  wire          use_set_ready;
  reg           use_set;
  reg  [SA_W-1:0] inst_idx;
  reg  [63:0]   inst_seq;
  wire [191:0]  rd_all;
  rmw_counter #(.IDX_W(SA_W), .W(64), .FIELDS(3)) u_use (
      .clk(clk), .rst(rst),
      .add_valid_i(c4_valid && c4_go), .add_idx_i(c4_sa),
      .add_amount_i({64'd1, 48'd0, c4_len, 64'd1}),
      .add_limit_i({c4_seq_end, sa_rec_i[`SA_REC_HARD_BYTES], sa_rec_i[`SA_REC_HARD_PKTS]}),
      .add_valid_o(u_valid), .add_ok_o(u_ok), .add_old_o(u_old), .add_value_o(u_new),
      .set_valid_i(use_set), .set_ready_o(use_set_ready), .set_idx_i(inst_idx),
      .set_value_i({inst_seq, 128'd0}),
      .rd_idx_i(rd_idx_i), .rd_value_o(rd_all));
  assign rd_usage_o = rd_all[127:0];
  assign rd_seq_o   = rd_all[191:128];

  // record and facts from c4 to c6
  localparam XW = `SA_REC_W + FW + SA_W + 2 + 1 + 1 + 64;
  wire [XW-1:0] x6;
  delay_line #(.WIDTH(XW), .DEPTH(2)) u_x6 (
      .clk(clk), .d_i({sa_rec_i, c4_f, c4_sa, c4_action, c4_hit, c4_go, c4_seq_end}), .q_o(x6));
  reg c5_valid, c6_valid;
  always @(posedge clk) begin
    c5_valid <= c4_valid && !rst;
    c6_valid <= c5_valid && !rst;
  end

  // --- c6: where the frame goes ------------------------------------------------------
  wire [`SA_REC_W-1:0] r = x6[XW-1 -: `SA_REC_W];
  wire [FW-1:0]   c6_f      = x6[XW-`SA_REC_W-1 -: FW];
  wire [1:0]      c6_kind   = c6_f[FW-1 -: 2];
  wire            c6_inner6 = c6_f[16];
  wire [15:0]     c6_len    = c6_f[15:0];
  wire [SA_W-1:0] c6_sa     = x6[68 +: SA_W];
  wire [1:0]      c6_action = x6[66 +: 2];
  wire            c6_hit    = x6[65];
  wire            c6_go     = x6[64];            // protect, and the SA is an outbound one
  wire [63:0]     seq_end   = x6[63:0];
  wire            c6_send   = c6_go && u_valid && u_ok;
  wire [63:0]     seq_new   = u_new[191:128];
  wire [63:0]     seq_old   = u_old[191:128];

  reg [1:0] dest;
  always @* begin
    if (c6_kind == K_HOST || (c6_kind == K_IP && (!c6_hit || c6_action == 2'd3))) dest = TO_HOST;
    else if (c6_kind == K_IP && c6_action == 2'd1) dest = TO_BYP;
    else if (c6_send) dest = TO_ESP;
    else dest = TO_DROP;
  end

  // limits crossed by this packet: before < limit <= after; the sequence number's
  // warning 2^20 before its end
  wire [63:0] soft_p = r[`SA_REC_SOFT_PKTS], soft_b = r[`SA_REC_SOFT_BYTES];
  wire [63:0] hard_p = r[`SA_REC_HARD_PKTS], hard_b = r[`SA_REC_HARD_BYTES];
  wire [63:0] seq_near = seq_end - 64'd1048576;
  wire soft_x = (u_old[63:0] < soft_p && u_new[63:0] >= soft_p) ||
                (u_old[127:64] < soft_b && u_new[127:64] >= soft_b);
  wire hard_x = (u_old[63:0] < hard_p && u_new[63:0] >= hard_p) ||
                (u_old[127:64] < hard_b && u_new[127:64] >= hard_b);
  wire near_x = seq_old < seq_near && seq_new >= seq_near;
  wire end_x  = seq_new == seq_end;

  // per-SA drops: the sequence number's end first, as the more final of the two
  wire            drop_add = c6_valid && c6_go && !c6_send;
  wire [2:0]      drop_why = seq_old >= seq_end ? R_SEQ : R_LIFE;
  wire            drop_set_ready;
  reg             drop_set;
  reg  [2:0]      drop_set_reason;
  wire            d_valid_unused, d_ok_unused;
  wire [63:0]     d_old_unused, d_new_unused;
  rmw_counter #(.IDX_W(SA_W + 3), .W(64), .FIELDS(1)) u_drops (
      .clk(clk), .rst(rst),
      .add_valid_i(drop_add), .add_idx_i({drop_why, c6_sa}), .add_amount_i(64'd1), .add_limit_i(ALL1),
      .add_valid_o(d_valid_unused), .add_ok_o(d_ok_unused), .add_old_o(d_old_unused),
      .add_value_o(d_new_unused),
      .set_valid_i(drop_set), .set_ready_o(drop_set_ready), .set_idx_i({drop_set_reason, inst_idx}),
      .set_value_i(64'd0),
      .rd_idx_i({rd_reason_i, rd_idx_i}), .rd_value_o(rd_drops_o));

  always @(posedge clk) begin
    c_to_host_o     <= c6_valid && dest == TO_HOST;
    c_bypass_o      <= c6_valid && dest == TO_BYP;
    c_policy_drop_o <= c6_valid && c6_kind == K_IP && c6_hit && c6_action == 2'd2;
    c_no_sa_o       <= c6_valid && c6_kind == K_IP && c6_hit && c6_action == 2'd0 && !c6_go;
    c_malformed_o   <= c6_valid && c6_kind == K_BAD;
    c_too_short_o   <= c6_valid && c6_kind == K_SHORT;
    c_oversize_o    <= oversize;
    ev_valid_o      <= c6_valid && c6_send && !rst;
    ev_mask_o       <= {1'b0, end_x, near_x, hard_x, soft_x};
    ev_sa_o         <= c6_sa;
  end

  // --- the route: the frame meets its decision ------------------------------------------
  // encap's per-packet fields
  localparam MW = SA_W + 32 + 32 + 64 + 1 + 5 + 1 + 128 + 128 + 1 + 16 + 16 + 48 + 48 + 16 + 1;
  wire [MW-1:0] meta = {c6_sa, r[`SA_REC_SPI], r[`SA_REC_SALT], seq_new, r[`SA_REC_ESN],
                        r[`SA_REC_ICV_LEN], r[`SA_REC_V6], r[`SA_REC_SRC], r[`SA_REC_DST],
                        r[`SA_REC_UDP], r[`SA_REC_SPORT], r[`SA_REC_DPORT], r[`SA_REC_ETH_SRC],
                        r[`SA_REC_ETH_DST], c6_len, c6_inner6};
  wire [MW-1:0] m_meta;
  wire          d_ready_unused;               // never full: `flight` bounds it
  wire [D-1:0]  rt_tdata;
  wire [KB-1:0] rt_tkeep;
  wire          rt_tlast;
  wire [2:0]    rt_tvalid, rt_tready;
  axis_frame_route #(.LANES(LANES), .N_OUT(3), .META_W(MW), .D_AW(4)) u_route (
      .clk(clk), .rst(rst),
      .s_tdata(b_tdata), .s_tkeep(b_tkeep), .s_tvalid(b_tvalid), .s_tready(b_tready), .s_tlast(b_tlast),
      .d_valid(c6_valid), .d_ready(d_ready_unused), .d_dest(dest), .d_meta(meta),
      .m_tdata(rt_tdata), .m_tkeep(rt_tkeep), .m_tvalid(rt_tvalid), .m_tready(rt_tready),
      .m_tlast(rt_tlast), .m_meta(m_meta));
  assign fwd_tdata   = rt_tdata;
  assign fwd_tkeep   = rt_tkeep;
  assign fwd_tlast   = rt_tlast;
  assign byp_tvalid  = rt_tvalid[1];
  assign host_tvalid = rt_tvalid[2];

  wire [SA_W-1:0] e_sa;
  wire [31:0]     e_spi, e_salt;
  wire [63:0]     e_seq;
  wire            e_esn, e_v6, e_udp, e_inner6;
  wire [4:0]      e_icv;
  wire [127:0]    e_src, e_dst;
  wire [15:0]     e_sport, e_dport, e_len;
  wire [47:0]     e_esrc, e_edst;
  assign {e_sa, e_spi, e_salt, e_seq, e_esn, e_icv, e_v6, e_src, e_dst, e_udp, e_sport, e_dport,
          e_esrc, e_edst, e_len, e_inner6} = m_meta;
  wire encap_ready;
  assign rt_tready = {host_tready, byp_tready, encap_ready};
  esp_encap #(.LANES(LANES), .SA_W(SA_W)) u_encap (
      .clk(clk), .rst(rst),
      .key_valid(key_valid), .key_ready(key_ready), .key_slot(key_slot), .key_256(key_256),
      .key_data(key_data),
      .s_tdata(rt_tdata), .s_tkeep(rt_tkeep), .s_tvalid(rt_tvalid[0]), .s_tready(encap_ready),
      .s_tlast(rt_tlast), .s_sa(e_sa), .s_spi(e_spi), .s_salt(e_salt), .s_seq(e_seq),
      .s_esn(e_esn), .s_icv_len(e_icv), .s_v6(e_v6), .s_src(e_src), .s_dst(e_dst),
      .s_udp(e_udp), .s_sport(e_sport), .s_dport(e_dport), .s_eth_src(e_esrc),
      .s_eth_dst(e_edst), .s_inner_len(e_len), .s_inner_v6(e_inner6),
      .m_tdata(esp_tdata), .m_tkeep(esp_tkeep), .m_tvalid(esp_tvalid), .m_tready(esp_tready),
      .m_tlast(esp_tlast));

  // --- SA install: sequence number and lifetime, then the eight drop counters -------
  localparam I_IDLE = 2'd0, I_USE = 2'd1, I_DROP = 2'd2;
  reg [1:0] ist;
  always @* begin
    use_set  = ist == I_USE;
    drop_set = ist == I_DROP;
  end
  always @(posedge clk) begin
    if (rst) begin
      ist <= I_IDLE;
      drop_set_reason <= 3'd0;
    end else case (ist)
      I_IDLE: if (inst_valid_i) begin
        ist      <= I_USE;
        inst_idx <= inst_idx_i;
        inst_seq <= inst_seq_i;
      end
      I_USE:  if (use_set_ready) begin
        ist <= I_DROP;
        drop_set_reason <= 3'd0;
      end
      default: if (drop_set_ready) begin
        drop_set_reason <= drop_set_reason + 3'd1;
        if (drop_set_reason == 3'd7) ist <= I_IDLE;
      end
    endcase
  end
  assign inst_busy_o = ist != I_IDLE;

  // Parse fields this pipeline has no use for (it sees cleartext LAN frames).
  wire unused = &{1'b0, p_edst, p_esrc, p_etype, p_arp, p_frag, p_opts, p_udp, p_esp, p_in_udp,
                  p_ike, p_sport, p_dport, p_l4, p_esp_off, p_spi, p_seq, p_iv, d_ready_unused,
                  l_rule_unused, d_valid_unused, d_ok_unused, d_old_unused,
                  d_new_unused, p_ulen, r};  // (the record rides whole; synthesis keeps the fields used)
endmodule

`default_nettype wire
