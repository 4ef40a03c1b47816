// Inbound ESP, tunnel mode (RFC 4303) with AES-GCM (RFC 4106): an ESP frame
// from the WAN and its SA in, the inner frame for the LAN out, with a verdict
// on its last beat. The twin of esp_encap.
//
//   frame -> splice_in -> gcm_engine (decrypt) -> esp_decap_check -> splice_out -> LAN
//
// splice_in drops everything up to the ciphertext (Ethernet, outer IP, UDP,
// ESP header, IV) and everything after it (ICV, Ethernet padding), so the
// engine sees the ciphertext block-aligned. Two byte captures listen to the
// frame as it goes in: the IV (the nonce is salt || the 8 bytes behind the ESP
// header, as the sender wrote them) and the ICV (the engine's expected tag,
// which it wants beside the last beat). esp_decap_check checks the trailer and
// the inner addresses as the plaintext streams out, and splice_out puts the
// SA's Ethernet header in front of the inner IP packet and drops the trailer.
//
// Nothing is dropped here: every frame in gives one frame out, and the verdict
// goes out with its last beat (m_ok, or one reason; m_trunc comes with
// m_icv_bad). Replay-window update and discarding bad frames are the caller's,
// behind this module. A frame too short for any inner packet (text under 2
// bytes, or an ESP length under header + IV + ICV) comes out as one beat with
// tkeep 0.
//
// Per packet, with its first beat (valid from the cycle that beat is offered
// until it is taken): the SA's fields, the full sequence number and where the
// ESP header is and how long it claims to be. The fields wait in two FIFOs for
// the two places downstream that need them, one packet each; at most 128
// packets are inside at once. Frames are under 64 KiB (positions are 16 bits).
//
// Latency, first beat in to first beat out: 25 cycles after the input beat that
// completes a beat of ciphertext (or the frame's last beat).
`default_nettype none

module esp_decap #(
    parameter LANES = 1,
    parameter SA_W  = 12
) (
    input  wire                 clk,
    input  wire                 rst,
    // keys, straight to the engine: slot = SA index
    input  wire                 key_valid,
    output wire                 key_ready,
    input  wire [SA_W-1:0]      key_slot,
    input  wire                 key_256,
    input  wire [255:0]         key_data,
    // ESP frames
    input  wire [128*LANES-1:0] s_tdata,
    input  wire [16*LANES-1:0]  s_tkeep,
    input  wire                 s_tvalid,
    output wire                 s_tready,
    input  wire                 s_tlast,
    input  wire [SA_W-1:0]      s_sa,         // with the first beat, all of these
    input  wire [31:0]          s_spi,
    input  wire [31:0]          s_salt,
    input  wire [63:0]          s_seq,        // full 64-bit sequence number
    input  wire                 s_esn,
    input  wire [4:0]           s_icv_len,    // 8, 12 or 16
    input  wire [7:0]           s_esp_off,    // frame offset of the ESP header
    input  wire [15:0]          s_esp_len,    // ESP header to the end of the ICV
    input  wire [47:0]          s_eth_dst,    // the inner frame's Ethernet addresses
    input  wire [47:0]          s_eth_src,
    input  wire                 s_sel_v6,     // the SA's inner selector; IPv4 in [31:0]
    input  wire [127:0]         s_sel_src,
    input  wire [7:0]           s_sel_src_plen,
    input  wire [127:0]         s_sel_dst,
    input  wire [7:0]           s_sel_dst_plen,
    // inner frames: Ethernet header ++ inner IP packet
    output wire [128*LANES-1:0] m_tdata,
    output wire [16*LANES-1:0]  m_tkeep,
    output wire                 m_tvalid,
    input  wire                 m_tready,
    output wire                 m_tlast,
    output wire                 m_ok,         // with the last beat, all of these
    output wire                 m_icv_bad,
    output wire                 m_trailer_bad,
    output wire                 m_sel_bad,
    output wire                 m_trunc,
    output wire [SA_W-1:0]      m_sa,
    output wire [63:0]          m_seq,
    output wire [15:0]          m_len         // inner IP packet length
);
  localparam D  = 128 * LANES;
  localparam KB = 16 * LANES;
  localparam PW = $clog2(KB);

  // --- per packet: where the ciphertext is -------------------------------------
  // ESP header (8) + IV (8) + ciphertext + ICV; an ESP length too small to hold
  // the header, IV and ICV has no ciphertext and counts as truncated.
  wire [15:0] esp_min  = 16'd16 + {11'd0, s_icv_len};
  wire        tiny     = s_esp_len < esp_min;
  wire [15:0] ct_len   = tiny ? 16'd0 : s_esp_len - esp_min;
  wire [16:0] esp_end  = {9'd0, s_esp_off} + {1'b0, s_esp_len};   // frame bytes the ESP needs
  // An ICV length the engine cannot check properly (0 would compare nothing) is
  // never taken as verified: the SA table only holds 8, 12 and 16.
  wire        icv_len_ok = s_icv_len >= 5'd8 && s_icv_len <= 5'd16;

  // engine fields: slot, salt, AAD = SPI || [seq high ||] seq low, ESN, ICV length
  localparam EW = SA_W + 32 + 128 + 1 + 5;
  wire [127:0] aad = s_esn ? {s_spi, s_seq[63:32], s_seq[31:0], 32'd0}
                           : {s_spi, s_seq[31:0], 64'd0};
  wire [EW-1:0] eng_in = {s_sa, s_salt, aad, s_esn, s_icv_len};
  // check and splice_out fields
  localparam PKT_W = 96 + SA_W + 64 + 1;
  localparam PW_F  = 16 + 1 + 128 + 8 + 128 + 8 + PKT_W;
  wire [PKT_W-1:0] pkt_in = {s_eth_dst, s_eth_src, s_sa, s_seq, ct_len < 16'd2};
  wire [PW_F-1:0]  post_in = {ct_len, s_sel_v6, s_sel_src, s_sel_src_plen, s_sel_dst,
                              s_sel_dst_plen, pkt_in};

  reg  in_first;      // the next input beat starts a packet
  wire in_take = s_tvalid && s_tready;
  wire eng_full, post_full;
  wire push = in_take && in_first;

  wire [EW-1:0]   eng_q;
  wire [PW_F-1:0] post_q;
  wire eng_empty, post_empty;
  wire e_pop, p_pop;
  sync_fifo #(.WIDTH(EW), .ADDR_W(5)) u_eng_fifo (
      .clk(clk), .rst(rst), .wr_i(push), .wr_data_i(eng_in), .rd_i(e_pop),
      .rd_data_o(eng_q), .empty_o(eng_empty), .full_o(eng_full));
  sync_fifo #(.WIDTH(PW_F), .ADDR_W(7)) u_post_fifo (
      .clk(clk), .rst(rst), .wr_i(push), .wr_data_i(post_in), .rd_i(p_pop),
      .rd_data_o(post_q), .empty_o(post_empty), .full_o(post_full));

  // --- truncation: does the frame reach the ESP's last byte? ------------------------
  // Counted by position, so Ethernet padding behind the ESP changes nothing.
  reg  [15:0] in_pos;         // frame offset of the next beat's byte 0
  reg  [16:0] end_q;
  reg         end_seen_q, tiny_q, icv_len_ok_q;
  wire [15:0] cur_pos = in_first ? 16'd0 : in_pos;
  wire [16:0] cur_end = in_first ? esp_end : end_q;
  wire [16:0] end_rel = cur_end - 17'd1 - {1'b0, cur_pos};   // the last byte, in this beat?
  wire        end_here = cur_end > {1'b0, cur_pos} && end_rel < KB[16:0]
                         && s_tkeep[end_rel[PW-1:0]];
  wire        end_seen = end_here || (!in_first && end_seen_q);
  wire        cur_tiny = in_first ? tiny : tiny_q;
  wire        cur_icv_len_ok = in_first ? icv_len_ok : icv_len_ok_q;
  // to the engine with the last beat: {truncated, ICV length unusable}
  wire [1:0]  in_user = {!end_seen || cur_tiny, !cur_icv_len_ok};

  always @(posedge clk) begin
    if (rst) in_first <= 1'b1;
    else if (in_take) in_first <= s_tlast;
  end
  always @(posedge clk) begin
    if (in_take) begin
      in_pos        <= cur_pos + KB[15:0];
      end_q         <= cur_end;
      end_seen_q    <= end_seen;
      tiny_q        <= cur_tiny;
      icv_len_ok_q  <= cur_icv_len_ok;
    end
  end

  // --- IV and ICV, taken from the frame as it goes in ----------------------------------
  // Each is complete (cap) by the beat that holds its last byte. The ICV is
  // complete on the frame's last beat and rides through splice_in as tuser,
  // which comes out with the last ciphertext beat, where the engine wants it.
  // The IV is kept (iv_q) until the next frame's first beat goes in. splice_in
  // takes that beat only once the engine has taken (or takes in that cycle)
  // every ciphertext beat of this frame but, with OVERLAP, the last, which is
  // never the first: so the engine has had this frame's IV with its first beat.
  wire [63:0]  iv_cap;
  wire [127:0] icv_cap;
  reg  [63:0]  iv_q;
  axis_byte_capture #(.LANES(LANES), .N_BYTES(8)) u_iv_cap (
      .clk(clk), .rst(rst), .tdata(s_tdata), .beat_i(in_take), .last_i(s_tlast),
      .off_i({8'd0, s_esp_off} + 16'd8), .len_i(5'd8), .cap_o(iv_cap));
  axis_byte_capture #(.LANES(LANES), .N_BYTES(16)) u_icv_cap (
      .clk(clk), .rst(rst), .tdata(s_tdata), .beat_i(in_take), .last_i(s_tlast),
      .off_i(esp_end[15:0] - {11'd0, s_icv_len}), .len_i(icv_len_ok ? s_icv_len : 5'd0),
      .cap_o(icv_cap));
  always @(posedge clk) if (in_take) iv_q <= iv_cap;

  // --- splice_in: the ciphertext alone --------------------------------------------------
  wire [D-1:0]  a_tdata;
  wire [KB-1:0] a_tkeep;
  wire          a_tvalid, a_tready, a_tlast, si_ready;
  wire [129:0] a_tuser;      // {truncated, ICV length unusable, ICV}
  wire          in_hold = in_first && (eng_full || post_full);
  assign s_tready = si_ready && !in_hold;
  // OVERLAP: the next frame's first beat, mostly or wholly outer headers, goes in
  // beside this one's final beat, so frames follow with no bubble.
  axis_splice #(.LANES(LANES), .HDR_MAX(1), .TAIL_MAX(1), .USER_W(130), .OVERLAP(1)) u_splice_in (
      .clk(clk), .rst(rst),
      .s_tdata(s_tdata), .s_tkeep(s_tkeep), .s_tvalid(s_tvalid && !in_hold),
      .s_tready(si_ready), .s_tlast(s_tlast), .s_tuser({in_user, icv_cap}),
      .s_hdr(8'd0), .s_hdr_len(8'd0), .s_drop({8'd0, s_esp_off} + 16'd16), .s_keep(ct_len),
      .s_tail(8'd0), .s_tail_len(5'd0),
      .m_tdata(a_tdata), .m_tkeep(a_tkeep), .m_tvalid(a_tvalid), .m_tready(a_tready),
      .m_tlast(a_tlast), .m_tuser(a_tuser));

  // --- the engine: its per-message fields are the head of u_eng_fifo -----------------
  assign e_pop = a_tvalid && a_tready && a_tlast;

  wire [SA_W-1:0] e_slot;
  wire [31:0]     e_salt;
  wire [127:0]    e_aad;
  wire            e_esn;
  wire [4:0]      e_icv_len;
  assign {e_slot, e_salt, e_aad, e_esn, e_icv_len} = eng_q;

  // the engine takes nonce and tag in block order, first byte in the top bits
  reg [63:0]  iv_be;
  reg [127:0] icv_be;
  integer i;
  always @* begin
    for (i = 0; i < 8; i = i + 1) iv_be[63-8*i -: 8] = iv_q[8*i +: 8];
    for (i = 0; i < 16; i = i + 1) icv_be[127-8*i -: 8] = a_tuser[8*i +: 8];
  end

  wire [D-1:0]  c_tdata;
  wire [KB-1:0] c_tkeep;
  wire          c_tvalid, c_tready, c_tlast, c_tag_ok, eng_ready;
  wire [1:0]    c_tuser;
  /* verilator lint_off UNUSEDSIGNAL */
  wire [127:0]  c_tag;      // the computed tag: the check is the engine's own
  wire          c_error;    // never, with no AAD in the stream
  /* verilator lint_on UNUSEDSIGNAL */
  assign a_tready = eng_ready && !eng_empty;
  gcm_engine #(.LANES(LANES), .KEY_SLOTS(1 << SA_W), .USER_W(2)) u_gcm (
      .clk(clk), .rst(rst),
      .key_valid(key_valid), .key_ready(key_ready), .key_slot(key_slot), .key_256(key_256),
      .key_data(key_data),
      .s_tdata(a_tdata), .s_tkeep(a_tkeep), .s_tvalid(a_tvalid && !eng_empty),
      .s_tready(eng_ready), .s_tlast(a_tlast), .s_tuser(a_tuser[129:128]),
      .s_slot(e_slot), .s_decrypt(1'b1), .s_iv({e_salt, iv_be}), .s_aad(e_aad),
      .s_aad_len(e_esn ? 16'd12 : 16'd8), .s_tag_len(e_icv_len), .s_tag(icv_be),
      .m_tdata(c_tdata), .m_tkeep(c_tkeep), .m_tvalid(c_tvalid), .m_tready(c_tready),
      .m_tlast(c_tlast), .m_tuser(c_tuser), .m_tag(c_tag), .m_tag_ok(c_tag_ok),
      .m_error(c_error));

  // --- trailer and selector checks: the head of u_post_fifo ------------------------------
  wire [15:0]      p_text_len;
  wire             p_sel_v6;
  wire [127:0]     p_sel_src, p_sel_dst;
  wire [7:0]       p_sel_src_plen, p_sel_dst_plen;
  wire [PKT_W-1:0] p_pkt;
  assign {p_text_len, p_sel_v6, p_sel_src, p_sel_src_plen, p_sel_dst, p_sel_dst_plen,
          p_pkt} = post_q;

  wire [D-1:0]     k_tdata;
  wire [KB-1:0]    k_tkeep;
  wire             k_tvalid, k_tready, k_tlast, k_ready;
  wire [PKT_W-1:0] k_pkt;
  wire [16:0]      k_inner_len;
  wire             k_inner_v6, k_icv_bad, k_trailer_bad, k_sel_bad, k_trunc;
  assign c_tready = k_ready && !post_empty;
  assign p_pop = c_tvalid && c_tready && c_tlast;
  esp_decap_check #(.LANES(LANES), .PKT_W(PKT_W)) u_check (
      .clk(clk), .rst(rst),
      .s_tdata(c_tdata), .s_tkeep(c_tkeep), .s_tvalid(c_tvalid && !post_empty),
      .s_tready(k_ready), .s_tlast(c_tlast),
      .s_text_len(p_text_len), .s_sel_v6(p_sel_v6), .s_sel_src(p_sel_src),
      .s_sel_src_plen(p_sel_src_plen), .s_sel_dst(p_sel_dst), .s_sel_dst_plen(p_sel_dst_plen),
      .s_pkt(p_pkt), .s_icv_ok(c_tag_ok && c_tuser == 2'b00), .s_trunc(c_tuser[1]),
      .m_tdata(k_tdata), .m_tkeep(k_tkeep), .m_tvalid(k_tvalid), .m_tready(k_tready),
      .m_tlast(k_tlast), .m_pkt(k_pkt), .m_inner_len(k_inner_len), .m_inner_v6(k_inner_v6),
      .m_icv_bad(k_icv_bad), .m_trailer_bad(k_trailer_bad), .m_sel_bad(k_sel_bad),
      .m_trunc(k_trunc));

  // --- splice_out: Ethernet header ++ inner IP packet ------------------------------------
  wire [47:0]     k_eth_dst, k_eth_src;
  wire [SA_W-1:0] k_sa;
  wire [63:0]     k_seq;
  wire            k_empty;    // no room for an inner packet: nothing goes out but the verdict
  assign {k_eth_dst, k_eth_src, k_sa, k_seq, k_empty} = k_pkt;

  reg [8*14-1:0] eth;         // byte 0 in [7:0]
  always @* begin
    for (i = 0; i < 6; i = i + 1) begin
      eth[8*i +: 8]     = k_eth_dst[47-8*i -: 8];
      eth[8*(6+i) +: 8] = k_eth_src[47-8*i -: 8];
    end
    eth[8*12 +: 16] = k_inner_v6 ? 16'hdd86 : 16'h0008;
  end
  wire [15:0] keep = k_empty ? 16'd0 : k_inner_len[16] ? 16'hffff : k_inner_len[15:0];

  localparam UW = 4 + SA_W + 64 + 16;
  wire [UW-1:0] m_user;
  axis_splice #(.LANES(LANES), .HDR_MAX(14), .TAIL_MAX(1), .USER_W(UW)) u_splice_out (
      .clk(clk), .rst(rst),
      .s_tdata(k_tdata), .s_tkeep(k_tkeep), .s_tvalid(k_tvalid),
      .s_tready(k_tready), .s_tlast(k_tlast),
      .s_tuser({k_icv_bad, k_trailer_bad, k_sel_bad, k_trunc, k_sa, k_seq, keep}),
      .s_hdr(eth), .s_hdr_len(k_empty ? 8'd0 : 8'd14), .s_drop(16'd0), .s_keep(keep),
      .s_tail(8'd0), .s_tail_len(5'd0),
      .m_tdata(m_tdata), .m_tkeep(m_tkeep), .m_tvalid(m_tvalid), .m_tready(m_tready),
      .m_tlast(m_tlast), .m_tuser(m_user));
  assign {m_icv_bad, m_trailer_bad, m_sel_bad, m_trunc, m_sa, m_seq, m_len} = m_user;
  assign m_ok = !(m_icv_bad || m_trailer_bad || m_sel_bad || m_trunc);
endmodule

`default_nettype wire
