// The card's inbound pipeline: frames from the WAN; ESP for our SAs decrypted,
// checked and delivered on the LAN; what is meant for the host sent there; the
// rest dropped and counted.
//
//   WAN -> frame_front -> route -> esp_decap -> verdict join -> frame_fifo -> LAN
//               |           `--> host: IKE, NAT-T keepalives, ARP, all else not ESP
//               `-> decision, 5 cycles, one frame a cycle:
//   c0 hdr_parse | c1 SA record (index = SPI's low bits) | c2 anti-replay check
//   (RFC 4303 A2: before decrypting; ESN high half inferred) | c5 -> route
//
// After the engine, each packet's verdict takes 4 cycles from its last beat:
//   v0 ICV, trailer, selector, length flags from esp_decap -> replay window
//   update (only for a packet that verified: RFC 4303 3.4.3) | v2 lifetime
//   (packets and bytes; refused past the hard limit) | v4 deliver or drop
// The frame's beats wait in a small FIFO meanwhile and meet their verdict at the
// last beat; frame_fifo then holds each frame whole and lets out only the ones
// delivered, so nothing of a forged, replayed or bad packet reaches the LAN.
//
// Frames for the host: not IPv4/IPv6 (ARP), IPv4 fragments, IPv4 with options,
// IKE (UDP 500, UDP 4500 with the zero marker), and anything else not ESP: the
// host's kernel answers for the gateway's own address. Dropped: cut inside its
// headers (too short); shorter than its IP length, bad IP lengths, a UDP length
// that is not the IP payload's, or ESP shorter than its header, IV, trailer and
// ICV (malformed); a frame over MAX_FRAME bytes (oversize, in frame_front); no
// inbound SA with that SPI (no SA); per SA: replay, ICV failure, bad padding or
// next header, selector mismatch, lifetime expired.
`default_nettype none
`include "sa_record.vh"

module card_in_path #(
    parameter LANES     = 1,
    parameter SA_W      = 12,
    parameter MAX_FRAME = 9216
) (
    input  wire                 clk,
    input  wire                 rst,
    // WAN frames in
    input  wire [128*LANES-1:0] s_tdata,
    input  wire [16*LANES-1:0]  s_tkeep,
    input  wire                 s_tvalid,
    output wire                 s_tready,
    input  wire                 s_tlast,
    // decapsulated frames for the LAN
    output wire [128*LANES-1:0] lan_tdata,
    output wire [16*LANES-1:0]  lan_tkeep,
    output wire                 lan_tvalid,
    input  wire                 lan_tready,
    output wire                 lan_tlast,
    // frames for the host
    output wire [128*LANES-1:0] host_tdata,
    output wire [16*LANES-1:0]  host_tkeep,
    output wire                 host_tvalid,
    input  wire                 host_tready,
    output wire                 host_tlast,
    // the SA table's inbound read port
    output wire [SA_W-1:0]      sa_idx_o,
    input  wire [`SA_REC_W-1:0] sa_rec_i,
    // keys, to the engine
    input  wire                 key_valid,
    output wire                 key_ready,
    input  wire [SA_W-1:0]      key_slot,
    input  wire                 key_256,
    input  wire [255:0]         key_data,
    // SA install: zero the SA's counters, start its replay window at inst_seq_i
    input  wire                 inst_valid_i,
    input  wire [SA_W-1:0]      inst_idx_i,
    input  wire [63:0]          inst_seq_i,
    output wire                 inst_busy_o,
    // host reads, a cycle later: {bytes, packets}, drops by reason
    input  wire [SA_W-1:0]      rd_idx_i,
    input  wire [2:0]           rd_reason_i,
    output wire [127:0]         rd_usage_o,
    output wire [63:0]          rd_drops_o,
    // the ICV-failure event comes at most once an interval per SA
    input  wire [31:0]          icv_interval_i,
    // one pulse each (global counters)
    output reg                  c_to_host_o,
    output reg                  c_no_sa_o,
    output reg                  c_malformed_o,
    output reg                  c_too_short_o,
    output reg                  c_oversize_o,
    // events: bit 0 soft limit, 1 hard limit, 4 ICV failure
    output reg                  ev_valid_o,
    output reg  [4:0]           ev_mask_o,
    output reg  [SA_W-1:0]      ev_sa_o
);
  localparam D  = 128 * LANES;
  localparam KB = 16 * LANES;
  localparam [63:0] ALL1 = 64'hffff_ffff_ffff_ffff;
  // drop reasons, as the per-SA drop counters are indexed (the card's counter map)
  localparam [2:0] R_REPLAY = 3'd0, R_ICV = 3'd1, R_TRAILER = 3'd2, R_SEL = 3'd3, R_LIFE = 3'd5;

  // --- frames in -----------------------------------------------------------------------
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
      .udp_sport_o(p_sport), .udp_dport_o(p_dport), .udp_len_o(p_ulen), .is_esp_o(p_esp), .esp_in_udp_o(p_in_udp),
      .esp_off_o(p_esp_off), .esp_spi_o(p_spi), .esp_seq_o(p_seq), .esp_iv_o(p_iv),
      .is_ike_o(p_ike), .short_o(p_short));

  localparam [2:0] K_ESP = 3'd0, K_HOST = 3'd1, K_SHORT = 3'd2, K_BAD = 3'd3;
  // the IP payload; ESP in UDP must fill its UDP datagram, which must fill it
  wire [15:0] p_payload = p_ip_len - ({8'd0, p_l4} - 16'd14);
  wire        p_udp_bad = p_esp && p_in_udp && p_ulen != p_payload;
  wire [2:0] p_kind = p_short                          ? K_SHORT :
                      !(p_v4 || p_v6) || p_opts        ? K_HOST  :
                      !p_ip_ok || p_udp_bad            ? K_BAD   :
                      (p_frag || p_ike || !p_esp)      ? K_HOST  : K_ESP;
  // ESP header to the end of the ICV: the IP payload, less the UDP header
  wire [15:0] p_esp_len = p_ip_len - ({8'd0, p_esp_off} - 16'd14);

  // --- c1 -> c2: the SA record -----------------------------------------------------------
  assign sa_idx_o = p_spi[SA_W-1:0];
  reg         c2_valid;
  reg [2:0]   c2_kind;
  reg [31:0]  c2_spi, c2_seq;
  reg [7:0]   c2_esp_off;
  reg [15:0]  c2_esp_len;
  always @(posedge clk) begin
    c2_valid   <= p_valid && !rst;
    c2_kind    <= p_kind;
    c2_spi     <= p_spi;
    c2_seq     <= p_seq;
    c2_esp_off <= p_esp_off;
    c2_esp_len <= p_esp_len;
  end
  wire [`SA_REC_W-1:0] rec = sa_rec_i;
  wire c2_sa_ok  = rec[`SA_REC_VALID] && !rec[`SA_REC_DIR_OUT] && rec[`SA_REC_SPI] == c2_spi;
  // at least the ESP header, the IV, the pad length and next header, and the ICV
  wire c2_len_ok = c2_esp_len >= 16'd18 + {11'd0, rec[`SA_REC_ICV_LEN]};
  localparam [2:0] K_NOSA = 3'd4;
  wire [2:0] c2_class = c2_kind != K_ESP ? c2_kind :
                        !c2_sa_ok        ? K_NOSA  :
                        !c2_len_ok       ? K_BAD   : K_ESP;
  wire c2_check = c2_class == K_ESP;

  // --- c2 -> c5: anti-replay check ---------------------------------------------------------
  wire        rc_valid, rc_ok, rc_old_unused, rc_dup_unused, rc_zero_unused;
  wire [63:0] rc_seq;
  wire        ru_valid, ru_ok, init_busy;
  reg         init_go;
  reg  [SA_W-1:0] inst_idx;
  reg  [63:0] inst_seq;
  wire        ru_go;
  wire [SA_W-1:0] ru_sa;
  wire [63:0] ru_seq;
  wire [12:0] ru_win;
  replay_window #(.SA_W(SA_W)) u_replay (
      .clk(clk), .rst(rst),
      .chk_valid_i(c2_valid && c2_check), .chk_sa_i(c2_spi[SA_W-1:0]), .chk_seq_i(c2_seq),
      .chk_esn_i(rec[`SA_REC_ESN]), .chk_win_i(rec[`SA_REC_WIN]),
      .chk_valid_o(rc_valid), .chk_ok_o(rc_ok), .chk_seq_o(rc_seq), .chk_old_o(rc_old_unused),
      .chk_dup_o(rc_dup_unused), .chk_zero_o(rc_zero_unused),
      .upd_valid_i(ru_go), .upd_sa_i(ru_sa), .upd_seq_i(ru_seq), .upd_win_i(ru_win),
      .upd_valid_o(ru_valid), .upd_ok_o(ru_ok),
      .init_valid_i(init_go), .init_sa_i(inst_idx), .init_top_i(inst_seq), .init_busy_o(init_busy));

  // what the decap and the verdict need, from the record and the headers, to c5
  localparam XW = `SA_REC_W + 3 + 8 + 16;
  wire [XW-1:0] x5;
  delay_line #(.WIDTH(XW), .DEPTH(3)) u_x5 (
      .clk(clk), .d_i({rec, c2_class, c2_esp_off, c2_esp_len}), .q_o(x5));
  reg c3_valid, c4_valid, c5_valid;
  always @(posedge clk) begin
    c3_valid <= c2_valid && !rst;
    c4_valid <= c3_valid && !rst;
    c5_valid <= c4_valid && !rst;
  end
  wire [`SA_REC_W-1:0] r = x5[XW-1 -: `SA_REC_W];
  wire [2:0]  c5_class   = x5[24 +: 3];
  wire [7:0]  c5_esp_off = x5[16 +: 8];
  wire [15:0] c5_esp_len = x5[15:0];
  wire [31:0] c5_spi     = r[`SA_REC_SPI];     // the packet's: the SA was found
  wire [SA_W-1:0] c5_sa  = c5_spi[SA_W-1:0];
  wire        c5_esp     = c5_class == K_ESP;
  wire        c5_decap   = c5_esp && rc_ok;

  // replays caught before decryption, per SA
  wire          pre_set_ready;
  reg           pre_set;
  wire          pre_v_unused, pre_ok_unused;
  wire [63:0]   pre_old_unused, pre_new_unused, rd_pre;
  rmw_counter #(.IDX_W(SA_W), .W(64), .FIELDS(1)) u_pre (
      .clk(clk), .rst(rst),
      .add_valid_i(c5_valid && c5_esp && !rc_ok), .add_idx_i(c5_sa),
      .add_amount_i(64'd1), .add_limit_i(ALL1),
      .add_valid_o(pre_v_unused), .add_ok_o(pre_ok_unused), .add_old_o(pre_old_unused),
      .add_value_o(pre_new_unused),
      .set_valid_i(pre_set), .set_ready_o(pre_set_ready), .set_idx_i(inst_idx), .set_value_i(64'd0),
      .rd_idx_i(rd_idx_i), .rd_value_o(rd_pre));

  // --- the route: to the decap, to the host, or dropped ----------------------------------
  localparam [1:0] TO_DECAP = 2'd0, TO_HOST = 2'd1, TO_DROP = 2'd2;
  wire [1:0] dest = c5_decap ? TO_DECAP : c5_class == K_HOST ? TO_HOST : TO_DROP;
  // decap fields, then what the verdict needs
  localparam MW = SA_W + 32 + 32 + 64 + 1 + 5 + 8 + 16 + 48 + 48 + 1 + 128 + 8 + 128 + 8 +
                  1 + 13 + 4 * 64;
  wire [MW-1:0] meta = {c5_sa, r[`SA_REC_SPI], r[`SA_REC_SALT], rc_seq, r[`SA_REC_ESN],
                        r[`SA_REC_ICV_LEN], c5_esp_off, c5_esp_len, r[`SA_REC_ETH_DST],
                        r[`SA_REC_ETH_SRC], r[`SA_REC_SEL_V6], r[`SA_REC_SEL_SRC],
                        r[`SA_REC_SEL_SRC_PLEN], r[`SA_REC_SEL_DST], r[`SA_REC_SEL_DST_PLEN],
                        r[`SA_REC_SEL_ANY], r[`SA_REC_WIN], r[`SA_REC_SOFT_PKTS], r[`SA_REC_HARD_PKTS],
                        r[`SA_REC_SOFT_BYTES], r[`SA_REC_HARD_BYTES]};
  wire [MW-1:0] m_meta;
  wire          d_ready_unused;            // never full: frame_front bounds it
  wire [D-1:0]  rt_tdata;
  wire [KB-1:0] rt_tkeep;
  wire          rt_tlast;
  wire [1:0]    rt_tvalid, rt_tready;
  axis_frame_route #(.LANES(LANES), .N_OUT(2), .META_W(MW), .D_AW(4)) u_route (
      .clk(clk), .rst(rst),
      .s_tdata(b_tdata), .s_tkeep(b_tkeep), .s_tvalid(b_tvalid), .s_tready(b_tready), .s_tlast(b_tlast),
      .d_valid(c5_valid), .d_ready(d_ready_unused), .d_dest(dest), .d_meta(meta),
      .m_tdata(rt_tdata), .m_tkeep(rt_tkeep), .m_tvalid(rt_tvalid), .m_tready(rt_tready),
      .m_tlast(rt_tlast), .m_meta(m_meta));
  assign host_tdata  = rt_tdata;
  assign host_tkeep  = rt_tkeep;
  assign host_tlast  = rt_tlast;
  assign host_tvalid = rt_tvalid[1];

  wire [SA_W-1:0] e_sa;
  wire [31:0]     e_spi, e_salt;
  wire [63:0]     e_seq;
  wire            e_esn, e_sel_v6;
  wire [4:0]      e_icv;
  wire [7:0]      e_off, e_sel_src_plen, e_sel_dst_plen;
  wire [15:0]     e_len;
  wire [47:0]     e_edst, e_esrc;
  wire [127:0]    e_sel_src, e_sel_dst;
  localparam VW = 1 + 13 + 4 * 64;         // what the verdict needs: sel_any, window, limits
  wire [VW-1:0]   e_side;
  assign {e_sa, e_spi, e_salt, e_seq, e_esn, e_icv, e_off, e_len, e_edst, e_esrc, e_sel_v6,
          e_sel_src, e_sel_src_plen, e_sel_dst, e_sel_dst_plen, e_side} = m_meta;

  // the verdict's fields wait in order beside the packets inside the decap
  reg  dc_first;
  wire side_full, side_empty;
  wire dc_ready;
  wire dc_take = rt_tvalid[0] && rt_tready[0];
  assign rt_tready = {host_tready, dc_ready && !(dc_first && side_full)};
  always @(posedge clk) begin
    if (rst) dc_first <= 1'b1;
    else if (dc_take) dc_first <= rt_tlast;
  end

  // --- the decap ---------------------------------------------------------------------------
  wire [D-1:0]    x_tdata;
  wire [KB-1:0]   x_tkeep;
  wire            x_tvalid, x_tready, x_tlast;
  wire            x_ok_unused, x_icv_bad, x_trailer_bad, x_sel_bad, x_trunc;
  wire [SA_W-1:0] x_sa;
  wire [63:0]     x_seq;
  wire [15:0]     x_len;
  esp_decap #(.LANES(LANES), .SA_W(SA_W)) u_decap (
      .clk(clk), .rst(rst),
      .key_valid(key_valid), .key_ready(key_ready), .key_slot(key_slot), .key_256(key_256),
      .key_data(key_data),
      .s_tdata(rt_tdata), .s_tkeep(rt_tkeep), .s_tvalid(rt_tvalid[0] && !(dc_first && side_full)),
      .s_tready(dc_ready), .s_tlast(rt_tlast),
      .s_sa(e_sa), .s_spi(e_spi), .s_salt(e_salt), .s_seq(e_seq), .s_esn(e_esn), .s_icv_len(e_icv),
      .s_esp_off(e_off), .s_esp_len(e_len), .s_eth_dst(e_edst), .s_eth_src(e_esrc),
      .s_sel_v6(e_sel_v6), .s_sel_src(e_sel_src), .s_sel_src_plen(e_sel_src_plen),
      .s_sel_dst(e_sel_dst), .s_sel_dst_plen(e_sel_dst_plen),
      .m_tdata(x_tdata), .m_tkeep(x_tkeep), .m_tvalid(x_tvalid), .m_tready(x_tready), .m_tlast(x_tlast),
      .m_ok(x_ok_unused), .m_icv_bad(x_icv_bad), .m_trailer_bad(x_trailer_bad), .m_sel_bad(x_sel_bad),
      .m_trunc(x_trunc), .m_sa(x_sa), .m_seq(x_seq), .m_len(x_len));

  wire [VW-1:0] v_side;
  wire x_end = x_tvalid && x_tready && x_tlast;
  sync_fifo #(.WIDTH(VW), .ADDR_W(7)) u_side (
      .clk(clk), .rst(rst), .wr_i(dc_take && dc_first), .wr_data_i(e_side),
      .rd_i(x_end), .rd_data_o(v_side), .empty_o(side_empty), .full_o(side_full));

  // --- v0: the decap's flags; replay window update for a packet that verified ----------
  wire        v0_sel_any = v_side[VW-1];
  wire [12:0] v0_win     = v_side[VW-2 -: 13];
  wire        v0_sel_bad = x_sel_bad && !v0_sel_any;
  wire        v0_good    = !x_trunc && !x_icv_bad && !x_trailer_bad && !v0_sel_bad;
  assign ru_go  = x_end && v0_good;
  assign ru_sa  = x_sa;
  assign ru_seq = x_seq;
  assign ru_win = v0_win;
  // 0 good, 1 truncated, 2 ICV, 3 trailer, 4 selector
  wire [2:0]  v0_why = x_trunc ? 3'd1 : x_icv_bad ? 3'd2 : x_trailer_bad ? 3'd3 :
                       v0_sel_bad ? 3'd4 : 3'd0;
  localparam PW = 3 + SA_W + 16 + 4 * 64;
  wire [PW-1:0] v2_p, v4_p;
  delay_line #(.WIDTH(PW), .DEPTH(2)) u_v2 (
      .clk(clk), .d_i({v0_why, x_sa, x_len, v_side[4*64-1:0]}), .q_o(v2_p));
  delay_line #(.WIDTH(PW), .DEPTH(2)) u_v4 (.clk(clk), .d_i(v2_p), .q_o(v4_p));
  reg v1_valid, v2_valid, v3_valid, v4_valid;
  always @(posedge clk) begin
    v1_valid <= x_end && !rst;
    v2_valid <= v1_valid && !rst;
    v3_valid <= v2_valid && !rst;
    v4_valid <= v3_valid && !rst;
  end

  // --- v2: lifetime (field 0 packets, field 1 bytes), for a packet still good ------------
  wire [SA_W-1:0] v2_sa  = v2_p[256 + 16 +: SA_W];
  wire [15:0]     v2_len = v2_p[256 +: 16];
  wire [63:0]     v2_hard_p = v2_p[128 +: 64], v2_hard_b = v2_p[0 +: 64];
  wire          u_valid, u_ok;
  wire [127:0]  u_old, u_new;
  wire          use_set_ready;
  reg           use_set;
  rmw_counter #(.IDX_W(SA_W), .W(64), .FIELDS(2)) u_use (
      .clk(clk), .rst(rst),
      .add_valid_i(ru_valid && ru_ok), .add_idx_i(v2_sa),
      .add_amount_i({48'd0, v2_len, 64'd1}), .add_limit_i({v2_hard_b, v2_hard_p}),
      .add_valid_o(u_valid), .add_ok_o(u_ok), .add_old_o(u_old), .add_value_o(u_new),
      .set_valid_i(use_set), .set_ready_o(use_set_ready), .set_idx_i(inst_idx), .set_value_i(128'd0),
      .rd_idx_i(rd_idx_i), .rd_value_o(rd_usage_o));
  reg v3_replay, v4_replay;
  always @(posedge clk) begin
    v3_replay <= v2_valid && v2_p[PW-1 -: 3] == 3'd0 && !(ru_valid && ru_ok);
    v4_replay <= v3_replay;
  end

  // --- v4: deliver or drop ---------------------------------------------------------------
  wire [2:0]      v4_why = v4_p[PW-1 -: 3];
  wire [SA_W-1:0] v4_sa  = v4_p[256 + 16 +: SA_W];
  wire [63:0] soft_p = v4_p[192 +: 64], hard_p = v4_p[128 +: 64];
  wire [63:0] soft_b = v4_p[64 +: 64], hard_b = v4_p[0 +: 64];
  wire deliver = v4_valid && u_valid && u_ok;
  wire soft_x = (u_old[63:0] < soft_p && u_new[63:0] >= soft_p) ||
                (u_old[127:64] < soft_b && u_new[127:64] >= soft_b);
  wire hard_x = (u_old[63:0] < hard_p && u_new[63:0] >= hard_p) ||
                (u_old[127:64] < hard_b && u_new[127:64] >= hard_b);

  reg  [2:0] reason;
  always @* begin
    case (v4_why)
      3'd2:    reason = R_ICV;
      3'd3:    reason = R_TRAILER;
      3'd4:    reason = R_SEL;
      default: reason = v4_replay ? R_REPLAY : R_LIFE;
    endcase
  end
  wire post_add = v4_valid && !deliver && v4_why != 3'd1;

  wire          post_set_ready;
  reg           post_set;
  reg  [2:0]    post_set_reason;
  wire          q_v_unused, q_ok_unused;
  wire [63:0]   q_old_unused, q_new_unused, rd_post;
  rmw_counter #(.IDX_W(SA_W + 3), .W(64), .FIELDS(1)) u_post (
      .clk(clk), .rst(rst),
      .add_valid_i(post_add), .add_idx_i({reason, v4_sa}), .add_amount_i(64'd1), .add_limit_i(ALL1),
      .add_valid_o(q_v_unused), .add_ok_o(q_ok_unused), .add_old_o(q_old_unused),
      .add_value_o(q_new_unused),
      .set_valid_i(post_set), .set_ready_o(post_set_ready), .set_idx_i({post_set_reason, inst_idx}),
      .set_value_i(64'd0),
      .rd_idx_i({rd_reason_i, rd_idx_i}), .rd_value_o(rd_post));
  reg rd_replay;
  always @(posedge clk) rd_replay <= rd_reason_i == R_REPLAY;
  assign rd_drops_o = rd_post + (rd_replay ? rd_pre : 64'd0);

  // The first ICV failure on an SA in each interval raises an event; the marks are
  // cleared together when the interval ends.
  reg [(1<<SA_W)-1:0] icv_marked;
  reg [31:0]          icv_timer;
  wire icv_fail = v4_valid && v4_why == 3'd2;
  always @(posedge clk) begin
    if (rst || icv_timer >= icv_interval_i) begin
      icv_marked <= 0;
      icv_timer  <= 32'd0;
    end else begin
      icv_timer <= icv_timer + 32'd1;
      if (icv_fail) icv_marked[v4_sa] <= 1'b1;
    end
  end

  always @(posedge clk) begin
    c_to_host_o   <= c5_valid && c5_class == K_HOST;
    c_no_sa_o     <= c5_valid && c5_class == K_NOSA;
    c_malformed_o <= c5_valid && c5_class == K_BAD;
    c_too_short_o <= (c5_valid && c5_class == K_SHORT) || (v4_valid && v4_why == 3'd1);
    c_oversize_o  <= oversize;
    ev_valid_o    <= v4_valid && !rst;
    ev_mask_o     <= {icv_fail && !icv_marked[v4_sa], 2'b00, deliver && hard_x, deliver && soft_x};
    ev_sa_o       <= v4_sa;
  end

  // --- the frame meets its verdict, then waits whole in frame_fifo ----------------------
  wire vb_full, vb_empty, vd_full_unused, vd_empty;
  wire [D-1:0]  y_tdata;
  wire [KB-1:0] y_tkeep;
  wire          y_tlast, y_drop;
  wire          ff_ready;
  assign x_tready = !vb_full;
  wire y_go = !vb_empty && ff_ready && (!y_tlast || !vd_empty);
  sync_fifo #(.WIDTH(D + KB + 1), .ADDR_W(4)) u_vbeats (
      .clk(clk), .rst(rst), .wr_i(x_tvalid && x_tready), .wr_data_i({x_tdata, x_tkeep, x_tlast}),
      .rd_i(y_go), .rd_data_o({y_tdata, y_tkeep, y_tlast}), .empty_o(vb_empty), .full_o(vb_full));
  // verdicts: at most one for each last beat in u_vbeats, and 4 in flight
  sync_fifo #(.WIDTH(1), .ADDR_W(5)) u_verdicts (
      .clk(clk), .rst(rst), .wr_i(v4_valid), .wr_data_i(!deliver),
      .rd_i(y_go && y_tlast), .rd_data_o(y_drop), .empty_o(vd_empty), .full_o(vd_full_unused));

  wire ff_meta_unused, ff_drop_unused, ff_ovf_unused;
  axis_frame_fifo #(.LANES(LANES), .DEPTH_AW(LANES == 1 ? 11 : LANES == 2 ? 10 : 9), .META_W(1)) u_ff (
      .clk(clk), .rst(rst),
      .s_tdata(y_tdata), .s_tkeep(y_tkeep), .s_tvalid(!vb_empty && (!y_tlast || !vd_empty)),
      .s_tready(ff_ready), .s_tlast(y_tlast), .s_drop(y_drop), .s_meta(1'b0),
      .m_tdata(lan_tdata), .m_tkeep(lan_tkeep), .m_tvalid(lan_tvalid), .m_tready(lan_tready),
      .m_tlast(lan_tlast), .m_meta(ff_meta_unused), .drop_o(ff_drop_unused), .ovf_o(ff_ovf_unused));

  // --- SA install: replay window, lifetime, then the drop counters -----------------------
  localparam I_IDLE = 3'd0, I_WIN = 3'd1, I_WAIT = 3'd2, I_USE = 3'd3, I_PRE = 3'd4, I_POST = 3'd5;
  reg [2:0] ist;
  always @* begin
    init_go  = ist == I_WIN;
    use_set  = ist == I_USE;
    pre_set  = ist == I_PRE;
    post_set = ist == I_POST;
  end
  always @(posedge clk) begin
    if (rst) begin
      ist <= I_IDLE;
      post_set_reason <= 3'd0;
    end else case (ist)
      I_IDLE: if (inst_valid_i) begin
        ist      <= I_WIN;
        inst_idx <= inst_idx_i;
        inst_seq <= inst_seq_i;
      end
      I_WIN:  ist <= I_WAIT;
      I_WAIT: if (!init_busy) ist <= I_USE;
      I_USE:  if (use_set_ready) ist <= I_PRE;
      I_PRE:  if (pre_set_ready) begin
        ist <= I_POST;
        post_set_reason <= 3'd0;
      end
      default: if (post_set_ready) begin
        post_set_reason <= post_set_reason + 3'd1;
        if (post_set_reason == 3'd7) ist <= I_IDLE;
      end
    endcase
  end
  assign inst_busy_o = ist != I_IDLE;

  wire unused = &{1'b0, p_edst, p_esrc, p_etype, p_arp, p_udp, p_in_udp, p_sport, p_dport, p_l4,
                  p_iv, p_src, p_dst, p_proto, rc_old_unused, rc_dup_unused, rc_zero_unused,
                  rc_valid, v4_p[256 +: 16], c5_spi, d_ready_unused, x_ok_unused, side_empty, pre_v_unused, pre_ok_unused,
                  pre_old_unused, pre_new_unused, q_v_unused, q_ok_unused, q_old_unused,
                  q_new_unused, vd_full_unused, ff_meta_unused, ff_drop_unused, ff_ovf_unused,
                  u_new[127:64] != 64'd0, r};
endmodule

`default_nettype wire
