// The headers in front of an outbound ESP packet (RFC 4303, tunnel mode; RFC 3948
// for UDP encapsulation), as bytes: Ethernet, IPv4 or IPv6, UDP if encapsulated,
// the ESP header (SPI, low 32 bits of the sequence number) and the 8-byte IV
// (the 64-bit sequence number, which never repeats under one key; RFC 4106 3.1).
// Byte 0 of hdr_o is in bits [7:0]. Combinational.
//
// The outer IPv4 header has DF set and ID 0 (an atomic datagram, RFC 6864),
// TTL 64. The UDP checksum is 0: RFC 3948 for IPv4; over IPv6, RFC 6935/6936
// allow 0 for tunnels and the receiving gateway must accept it.
`default_nettype none

module esp_outer_hdr (
    input  wire [47:0]  eth_dst_i,
    input  wire [47:0]  eth_src_i,
    input  wire         v6_i,
    input  wire [127:0] src_i,        // IPv4 in [31:0]
    input  wire [127:0] dst_i,
    input  wire         udp_i,
    input  wire [15:0]  sport_i,
    input  wire [15:0]  dport_i,
    input  wire [31:0]  spi_i,
    input  wire [63:0]  seq_i,
    input  wire [15:0]  esp_len_i,    // ESP header + IV + payload + trailer + ICV
    output reg  [8*78-1:0] hdr_o,
    output wire [7:0]   hdr_len_o
);
  wire [15:0] ip_payload = esp_len_i + (udp_i ? 16'd8 : 16'd0);
  wire [15:0] v4_total   = ip_payload + 16'd20;
  wire [7:0]  proto      = udp_i ? 8'd17 : 8'd50;

  // IPv4 header checksum (RFC 791): one's complement of the one's complement sum
  wire [19:0] sum0 = 20'h4500 + {4'd0, v4_total} + 20'h4000 + {4'd0, 8'd64, proto}
                   + {4'd0, src_i[31:16]} + {4'd0, src_i[15:0]}
                   + {4'd0, dst_i[31:16]} + {4'd0, dst_i[15:0]};
  wire [16:0] sum1 = {1'b0, sum0[15:0]} + {13'd0, sum0[19:16]};
  wire [15:0] csum = ~(sum1[15:0] + {15'd0, sum1[16]});

  assign hdr_len_o = 8'd14 + (v6_i ? 8'd40 : 8'd20) + (udp_i ? 8'd8 : 8'd0) + 8'd16;

  // put n bytes of v, big-endian, at byte offset `at`
  task automatic put(inout [8*78-1:0] h, input integer at, input [127:0] v, input integer n);
    integer i;
    for (i = 0; i < n; i = i + 1) h[8*(at+i) +: 8] = v[8*(n-1-i) +: 8];
  endtask

  integer l3;   // where UDP or ESP starts
  integer l4;   // where ESP starts
  always @* begin
    hdr_o = {8*78{1'b0}};
    put(hdr_o, 0, {80'd0, eth_dst_i}, 6);
    put(hdr_o, 6, {80'd0, eth_src_i}, 6);
    put(hdr_o, 12, v6_i ? 128'h86dd : 128'h0800, 2);
    if (v6_i) begin
      put(hdr_o, 14, 128'h60000000, 4);              // version 6, no class or flow
      put(hdr_o, 18, {112'd0, ip_payload}, 2);
      put(hdr_o, 20, {120'd0, proto}, 1);
      put(hdr_o, 21, 128'd64, 1);                    // hop limit
      put(hdr_o, 22, src_i, 16);
      put(hdr_o, 38, dst_i, 16);
      l3 = 54;
    end else begin
      put(hdr_o, 14, 128'h4500, 2);
      put(hdr_o, 16, {112'd0, v4_total}, 2);
      put(hdr_o, 18, 128'h00004000, 4);              // ID 0, DF
      put(hdr_o, 22, {112'd0, 8'd64, proto}, 2);     // TTL 64
      put(hdr_o, 24, {112'd0, csum}, 2);
      put(hdr_o, 26, {96'd0, src_i[31:0]}, 4);
      put(hdr_o, 30, {96'd0, dst_i[31:0]}, 4);
      l3 = 34;
    end
    l4 = l3;
    if (udp_i) begin
      put(hdr_o, l3, {96'd0, sport_i, dport_i}, 4);
      put(hdr_o, l3 + 4, {96'd0, esp_len_i + 16'd8, 16'd0}, 4);
      l4 = l3 + 8;
    end
    put(hdr_o, l4, {96'd0, spi_i}, 4);
    put(hdr_o, l4 + 4, {96'd0, seq_i[31:0]}, 4);
    put(hdr_o, l4 + 8, {64'd0, seq_i}, 8);
  end
endmodule

`default_nettype wire
