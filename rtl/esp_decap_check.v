// The checks an inbound ESP packet gets after decryption: its trailer (RFC 4303
// 2.4 to 2.6) and its inner addresses against the SA's selector (RFC 4301 5.2),
// made on the plaintext as it streams out of the GCM engine, so the verdict is
// ready with the packet's last beat and nothing is buffered. The stream passes through one register stage, which carries the
// verdict out beside the last beat and the inner packet's length beside the first.
//
// The plaintext is  inner IP packet ++ padding ++ pad length ++ next header.
// Trailer (m_trailer_bad):
//   - the text holds at least the pad length and next header (2 bytes);
//   - the inner version is 4 or 6, and its length field (IPv4 total length,
//     IPv6 payload length + 40) is at least the fixed header (20 / 40), so the
//     addresses the selector check reads are inside the packet;
//   - inner length + 2 <= text length, and the pad length byte equals
//     text length - 2 - inner length;
//   - the padding bytes are 1, 2, 3 ... (RFC 4303 2.4: the default padding,
//     which a receiver SHOULD inspect);
//   - next header is 4 for an inner IPv4 packet, 41 for IPv6 (so a dummy packet,
//     next header 59, is marked too, and dropped as RFC 4303 2.6 asks).
// Each byte's place is known from its position (the text length comes from the
// ESP length, before any plaintext), so every byte is checked in the beat it
// arrives in, wherever the beat boundaries fall.
// Selector (m_sel_bad): the inner family is the SA's and the inner source and
// destination lie in its prefixes (prefix length 0 matches the whole family).
//
// One reason per packet: the ICV first (a packet whose ICV did not verify, or
// could not be checked, is m_icv_bad and nothing else is said about its
// plaintext), then the trailer, then the selector.
`default_nettype none

module esp_decap_check #(
    parameter LANES = 1,
    parameter PKT_W = 1
) (
    input  wire                 clk,
    input  wire                 rst,
    // plaintext, from the engine
    input  wire [128*LANES-1:0] s_tdata,
    input  wire [16*LANES-1:0]  s_tkeep,
    input  wire                 s_tvalid,
    output wire                 s_tready,
    input  wire                 s_tlast,
    // per packet, steady while its beats pass
    input  wire [15:0]          s_text_len,
    input  wire                 s_sel_v6,
    input  wire [127:0]         s_sel_src,     // IPv4 in [31:0]
    input  wire [7:0]           s_sel_src_plen,
    input  wire [127:0]         s_sel_dst,
    input  wire [7:0]           s_sel_dst_plen,
    input  wire [PKT_W-1:0]     s_pkt,         // carried along, out with every beat
    // with the last beat
    input  wire                 s_icv_ok,      // the ICV verified (and could be checked)
    input  wire                 s_trunc,
    // the same beats, one register later
    output reg  [128*LANES-1:0] m_tdata,
    output reg  [16*LANES-1:0]  m_tkeep,
    output reg                  m_tvalid,
    input  wire                 m_tready,
    output reg                  m_tlast,
    output reg  [PKT_W-1:0]     m_pkt,
    output reg  [16:0]          m_inner_len,   // from the first beat on
    output reg                  m_inner_v6,
    output reg                  m_icv_bad,     // with the last beat
    output reg                  m_trailer_bad,
    output reg                  m_sel_bad,
    output reg                  m_trunc
);
  localparam B  = 16 * LANES;
  localparam PW = $clog2(B);            // a byte index inside a beat
  localparam NB = (40 + B - 1) / B;     // beats that can hold inner addresses (to byte 39)

  assign s_tready = !m_tvalid || m_tready;
  wire take = s_tvalid && s_tready;

  // --- the inner header, from the first beat -------------------------------------
  reg         first;          // the next beat starts a packet
  reg  [1:0]  beat_no;        // the next beat's number, counted to NB
  reg  [16:0] inner_len_q;
  reg  [3:0]  ver_q;
  reg  signed [18:0] want_q;
  reg         bad_q;          // trailer faults seen in earlier beats
  reg         sel_mis_q;      // selector mismatches seen in earlier beats

  wire [3:0]  hdr_ver = s_tdata[7:4];
  wire [16:0] hdr_len = hdr_ver == 4'd6 ? {1'b0, s_tdata[39:32], s_tdata[47:40]} + 17'd40
                                        : {1'b0, s_tdata[23:16], s_tdata[31:24]};
  wire [1:0]  cur_beat      = first ? 2'd0 : beat_no;
  wire [16:0] cur_inner_len = first ? hdr_len : inner_len_q;
  wire [3:0]  cur_ver       = first ? hdr_ver : ver_q;
  wire        cur_v6        = cur_ver == 4'd6;
  // the pad length the lengths call for (19-bit signed: the lengths are up to 17 bits)
  wire signed [18:0] cur_want = first ? {3'd0, s_text_len} - 19'sd2 - {2'd0, hdr_len} : want_q;

  // --- the trailer, byte by byte ---------------------------------------------------
  // Where the padding starts, where the pad length byte is and where the next
  // header byte is, as offsets from this beat's byte 0: set from the lengths on
  // the first beat and moved back a beat's width on each, so no beat's check
  // waits for a subtraction of its position.
  reg  signed [18:0] pad_at_q, plen_at_q, nh_at_q;
  wire signed [18:0] pad_at  = first ? {2'd0, hdr_len} : pad_at_q;
  wire signed [18:0] plen_at = first ? {3'd0, s_text_len} - 19'sd2 : plen_at_q;
  wire signed [18:0] nh_at   = first ? {3'd0, s_text_len} - 19'sd1 : nh_at_q;
  wire signed [18:0] b_s     = B[18:0];
  // the padding occupies [lo, hi) of this beat
  wire [PW:0] lo = pad_at < 0 ? {(PW+1){1'b0}} : pad_at > b_s ? B[PW:0] : pad_at[PW:0];
  wire [PW:0] hi = plen_at < 0 ? {(PW+1){1'b0}} : plen_at > b_s ? B[PW:0] : plen_at[PW:0];
  wire plen_here = plen_at >= 0 && plen_at < b_s;
  wire nh_here   = nh_at >= 0 && nh_at < b_s;
  // Padding byte k (from 0) must be k + 1, so byte i of this beat, if padding,
  // must be base + i, and the pad length byte, one further, base + i - 1 (the
  // pad length's low 8 bits; its range is checked whole, in shape_bad).
  wire [7:0]  base = 8'd1 - pad_at[7:0];
  wire [7:0]  nh_want = cur_v6 ? 8'd41 : 8'd4;

  reg pad_bad;
  reg [7:0] rel;   // byte i less i: base wherever the bytes are padding
  integer i;
  always @* begin
    pad_bad = 1'b0;
    for (i = 0; i < B; i = i + 1) begin
      rel = s_tdata[8*i +: 8] - i[7:0];
      if (s_tkeep[i] && i[PW:0] >= lo && i[PW:0] < hi && rel != base) pad_bad = 1'b1;
      if (s_tkeep[i] && plen_here && plen_at[PW-1:0] == i[PW-1:0] && rel != base - 8'd1)
        pad_bad = 1'b1;
      if (s_tkeep[i] && nh_here && nh_at[PW-1:0] == i[PW-1:0] && s_tdata[8*i +: 8] != nh_want)
        pad_bad = 1'b1;
    end
  end

  // Faults of the packet as a whole, from the lengths and the version; the same
  // on every beat, so they can be folded in with any of them.
  wire shape_bad = s_text_len < 16'd2
                || (cur_ver != 4'd4 && !cur_v6)
                || cur_inner_len < (cur_v6 ? 17'd40 : 17'd20)
                || cur_want < 0 || cur_want > 19'sd255;
  wire trailer_bad = shape_bad || pad_bad || (!first && bad_q);

  // --- the selector: inner addresses compared as they pass --------------------------
  // They sit at fixed places (IPv4 source 12..15, destination 16..19; IPv6 8..23
  // and 24..39), so each byte of the first NB beats has at most one address byte
  // per version to be compared with: no capture, no shifting. Address bit n (from
  // the top) is compared when n < the prefix length; an IPv4 selector is in the
  // low 32 bits.
  reg sel_mis;
  integer j, b, p, n;
  always @* begin
    sel_mis = 1'b0;
    n = 0;
    for (j = 0; j < NB; j = j + 1)
      for (i = 0; i < B; i = i + 1)
        for (b = 0; b < 8; b = b + 1) begin
          p = j * B + i;
          if (cur_beat == j[1:0]) begin
            if (!cur_v6 && p >= 12 && p < 20) begin
              n = 8 * ((p - 12) % 4) + 7 - b;
              if (p < 16 ? (s_sel_src_plen > n[7:0] && s_tdata[8*i + b] != s_sel_src[31 - n])
                         : (s_sel_dst_plen > n[7:0] && s_tdata[8*i + b] != s_sel_dst[31 - n]))
                sel_mis = 1'b1;
            end
            if (cur_v6 && p >= 8 && p < 40) begin
              n = 8 * ((p - 8) % 16) + 7 - b;
              if (p < 24 ? (s_sel_src_plen > n[7:0] && s_tdata[8*i + b] != s_sel_src[127 - n])
                         : (s_sel_dst_plen > n[7:0] && s_tdata[8*i + b] != s_sel_dst[127 - n]))
                sel_mis = 1'b1;
            end
          end
        end
  end
  wire sel_bad = cur_v6 != s_sel_v6 || sel_mis || (!first && sel_mis_q);

  // --- the register stage ------------------------------------------------------------
  always @(posedge clk) begin
    if (rst) begin
      first    <= 1'b1;
      m_tvalid <= 1'b0;
    end else begin
      if (s_tready) m_tvalid <= s_tvalid;
      if (take) first <= s_tlast;
    end
  end

  always @(posedge clk) begin
    if (take) begin
      beat_no     <= cur_beat == 2'd3 ? 2'd3 : cur_beat + 2'd1;
      inner_len_q <= cur_inner_len;
      ver_q       <= cur_ver;
      want_q      <= cur_want;
      pad_at_q    <= pad_at - b_s;
      plen_at_q   <= plen_at - b_s;
      nh_at_q     <= nh_at - b_s;
      bad_q       <= trailer_bad;
      sel_mis_q   <= sel_mis || (!first && sel_mis_q);

      m_tdata       <= s_tdata;
      m_tkeep       <= s_tkeep;
      m_tlast       <= s_tlast;
      m_pkt         <= s_pkt;
      m_inner_len   <= cur_inner_len;
      m_inner_v6    <= cur_v6;
      m_icv_bad     <= !s_icv_ok;
      m_trailer_bad <= s_icv_ok && trailer_bad;
      m_sel_bad     <= s_icv_ok && !trailer_bad && sel_bad;
      m_trunc       <= s_trunc;
    end
  end
endmodule

`default_nettype wire
