// Decodes the headers of a frame from its first bytes (axis_hdr_capture's m_hdr):
// Ethernet, then IPv4 or IPv6, then UDP, ESP (IP protocol 50, or UDP-encapsulated
// on port 4500 behind a non-zero marker, RFC 3948) and IKE (UDP 500, or UDP 4500
// with the zero marker). One register stage; the fields are valid the cycle after
// hdr_valid_i.
//
// The card handles plain Ethernet II frames. What it does not handle is marked so
// the stage after it can send the frame to the host: 802.1Q tags, IPv4 options on
// an outer header (ihl != 5, which no ESP sender uses), IPv6 extension headers
// before ESP or UDP, IPv4 fragments. Offsets are therefore few and fixed:
// IPv4 L4 at 34, IPv6 L4 at 54, ESP at L4 or L4 + 8.
`default_nettype none

module hdr_parse #(
    parameter HDR_BYTES = 128
) (
    input  wire                   clk,
    input  wire                   hdr_valid_i,
    input  wire [8*HDR_BYTES-1:0] hdr_i,        // byte 0 in bits [7:0]
    input  wire [7:0]             hdr_len_i,    // bytes of hdr_i the frame has
    input  wire [15:0]            frame_len_i,  // frame length, when known (0 = not yet)
    output reg                    valid_o,
    output reg  [47:0]            eth_dst_o,
    output reg  [47:0]            eth_src_o,
    output reg  [15:0]            ethertype_o,
    output reg                    is_arp_o,
    output reg                    is_ipv4_o,
    output reg                    is_ipv6_o,
    output reg                    ip_ok_o,      // version, header length and lengths sane
    output reg                    ip_frag_o,    // IPv4 fragment (MF set or offset != 0)
    output reg                    ip_opts_o,    // IPv4 with options
    output reg  [127:0]           ip_src_o,     // IPv4 in [31:0]
    output reg  [127:0]           ip_dst_o,
    output reg  [7:0]             ip_proto_o,   // IPv4 protocol or IPv6 next header
    output reg  [15:0]            ip_len_o,     // the IP packet's length, header included
    output reg  [7:0]             l4_off_o,     // where the IP payload starts in the frame
    output reg                    is_udp_o,
    output reg  [15:0]            udp_sport_o,
    output reg  [15:0]            udp_dport_o,
    output reg  [15:0]            udp_len_o,    // the UDP header's length field
    output reg                    is_esp_o,     // ESP, plain or in UDP
    output reg                    esp_in_udp_o,
    output reg  [7:0]             esp_off_o,    // where the ESP header starts
    output reg  [31:0]            esp_spi_o,
    output reg  [31:0]            esp_seq_o,
    output reg  [63:0]            esp_iv_o,
    output reg                    is_ike_o,     // UDP 500, or UDP 4500 with the zero marker
    output reg                    short_o       // the frame ends inside the headers it claims
);
  function automatic [7:0] b(input [8*HDR_BYTES-1:0] h, input integer i);
    b = h[8*i +: 8];
  endfunction
  function automatic [15:0] be16(input [8*HDR_BYTES-1:0] h, input integer i);
    be16 = {h[8*i +: 8], h[8*(i+1) +: 8]};
  endfunction
  function automatic [31:0] be32(input [8*HDR_BYTES-1:0] h, input integer i);
    be32 = {be16(h, i), be16(h, i + 2)};
  endfunction

  wire [15:0] etype = be16(hdr_i, 12);
  wire [7:0]  vihl  = b(hdr_i, 14);                 // IPv4 version and header length
  wire [5:0]  ffrag = hdr_i[8*20 +: 6];             // IPv4 MF flag, fragment offset high
  wire        v4    = etype == 16'h0800 && vihl == 8'h45;   // no options
  wire        v4any = etype == 16'h0800 && vihl[7:4] == 4'd4;
  wire        v6    = etype == 16'h86dd && vihl[7:4] == 4'd6;
  wire [7:0]  proto = v6 ? b(hdr_i, 20) : b(hdr_i, 23);
  wire [15:0] iplen = v6 ? be16(hdr_i, 18) + 16'd40 : be16(hdr_i, 16);
  wire [7:0]  l4    = v6 ? 8'd54 : 8'd34;
  // Fix (scapy check, tests/vectors/gen_hdr_vectors.py): an IPv4 fragment with a
  // non-zero offset carries no L4 header (RFC 791), so it is not UDP, ESP or IKE;
  // its bytes at l4 are the middle of some datagram. ip_frag_o still marks it.
  wire        later_frag = v4 && (ffrag[4:0] != 5'd0 || b(hdr_i, 21) != 8'd0);
  wire        udp   = (v4 || v6) && !later_frag && proto == 8'd17;
  wire [15:0] dport = v6 ? be16(hdr_i, 56) : be16(hdr_i, 36);
  wire [15:0] sport = v6 ? be16(hdr_i, 54) : be16(hdr_i, 34);
  wire [31:0] marker = v6 ? be32(hdr_i, 62) : be32(hdr_i, 42);
  wire        natt  = udp && dport == 16'd4500;
  // Fix (scapy check): the marker must be inside the UDP datagram (UDP length,
  // RFC 768), not read from what follows it (Ethernet padding, or zeros past the
  // frame). A NAT-keepalive (RFC 3948 2.3: one byte, 0xFF) was taken for ESP with
  // SPI 0xFF000000. As Linux's xfrm4_udp_encap_rcv: ESP needs more than 8 bytes of
  // payload and a non-zero marker; IKE the 4-byte zero marker (RFC 3948 2.2);
  // anything else on 4500 is neither.
  wire [15:0] ulen  = v6 ? be16(hdr_i, 58) : be16(hdr_i, 38);
  wire        esp_udp = natt && ulen > 16'd16 && marker != 32'd0;
  wire        ike_udp = natt && ulen >= 16'd12 && marker == 32'd0;
  wire        esp_ip  = (v4 || v6) && !later_frag && proto == 8'd50;
  wire [7:0]  espoff = l4 + (esp_udp ? 8'd8 : 8'd0);
  // ESP header and IV: at one of four offsets
  wire [127:0] esp16 = !v6 ? (esp_udp ? hdr_i[8*42 +: 128] : hdr_i[8*34 +: 128])
                           : (esp_udp ? hdr_i[8*62 +: 128] : hdr_i[8*54 +: 128]);
  // lengths: the IP packet must fit in the frame, its header in the packet
  wire [15:0] need  = {8'd0, l4} - 16'd14;         // IP header bytes
  wire        lens_ok = iplen >= need && (frame_len_i == 16'd0 || {16'd0, iplen} + 32'd14 <= {16'd0, frame_len_i});
  wire [7:0]  hdr_need = esp_ip || esp_udp ? espoff + 8'd16 : udp ? l4 + 8'd8 : l4;

  integer i;
  always @(posedge clk) begin
    valid_o     <= hdr_valid_i;
    eth_dst_o   <= {b(hdr_i, 0), b(hdr_i, 1), b(hdr_i, 2), b(hdr_i, 3), b(hdr_i, 4), b(hdr_i, 5)};
    eth_src_o   <= {b(hdr_i, 6), b(hdr_i, 7), b(hdr_i, 8), b(hdr_i, 9), b(hdr_i, 10), b(hdr_i, 11)};
    ethertype_o <= etype;
    is_arp_o    <= etype == 16'h0806;
    is_ipv4_o   <= v4any;
    is_ipv6_o   <= v6;
    ip_ok_o     <= (v4 || v6) && lens_ok;
    ip_frag_o   <= v4any && (ffrag[5] || ffrag[4:0] != 5'd0 || b(hdr_i, 21) != 8'd0);
    ip_opts_o   <= v4any && vihl[3:0] != 4'd5;
    for (i = 0; i < 16; i = i + 1) begin
      ip_src_o[127-8*i -: 8] <= v6 ? b(hdr_i, 22 + i) : (i >= 12 ? b(hdr_i, 26 + i - 12) : 8'd0);
      ip_dst_o[127-8*i -: 8] <= v6 ? b(hdr_i, 38 + i) : (i >= 12 ? b(hdr_i, 30 + i - 12) : 8'd0);
    end
    ip_proto_o  <= proto;
    ip_len_o    <= iplen;
    l4_off_o    <= l4;
    is_udp_o    <= udp;
    udp_sport_o <= sport;
    udp_dport_o <= dport;
    udp_len_o   <= ulen;
    is_esp_o    <= esp_ip || esp_udp;
    esp_in_udp_o <= esp_udp;
    esp_off_o   <= espoff;
    esp_spi_o   <= {esp16[7:0], esp16[15:8], esp16[23:16], esp16[31:24]};
    esp_seq_o   <= {esp16[39:32], esp16[47:40], esp16[55:48], esp16[63:56]};
    for (i = 0; i < 8; i = i + 1) esp_iv_o[63-8*i -: 8] <= esp16[64+8*i +: 8];
    is_ike_o    <= udp && (dport == 16'd500 || ike_udp);
    short_o     <= (v4 || v6) && hdr_len_i < hdr_need;
  end
endmodule

`default_nettype wire
