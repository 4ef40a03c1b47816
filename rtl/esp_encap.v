// Outbound ESP, tunnel mode (RFC 4303) with AES-GCM (RFC 4106): a cleartext LAN
// frame and its SA in, the ESP frame for the WAN out.
//
//   frame -> splice_in -> gcm_engine (encrypt) -> splice_out -> WAN
//
// splice_in drops the Ethernet header and any Ethernet padding behind the inner
// IP packet and appends the ESP trailer (padding 1, 2, 3.. to a multiple of 4,
// pad length, next header), so the engine sees the ESP payload block-aligned.
// splice_out puts the outer headers in front (esp_outer_hdr) and the ICV, the
// engine's tag cut to the SA's ICV length, behind.
//
// Per packet, with its first beat: the SA's fields, the sequence number the
// packet carries (allocated upstream, never reused), and the inner packet's
// length from its IP header. The fields wait in two FIFOs for the two places
// downstream that need them, one packet each.
`default_nettype none

module esp_encap #(
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
    // cleartext frames
    input  wire [128*LANES-1:0] s_tdata,
    input  wire [16*LANES-1:0]  s_tkeep,
    input  wire                 s_tvalid,
    output wire                 s_tready,
    input  wire                 s_tlast,
    input  wire [SA_W-1:0]      s_sa,         // with the first beat, all of these
    input  wire [31:0]          s_spi,
    input  wire [31:0]          s_salt,
    input  wire [63:0]          s_seq,
    input  wire                 s_esn,
    input  wire [4:0]           s_icv_len,    // 8, 12 or 16
    input  wire                 s_v6,         // outer family
    input  wire [127:0]         s_src,
    input  wire [127:0]         s_dst,
    input  wire                 s_udp,
    input  wire [15:0]          s_sport,
    input  wire [15:0]          s_dport,
    input  wire [47:0]          s_eth_src,
    input  wire [47:0]          s_eth_dst,
    input  wire [15:0]          s_inner_len,  // the inner IP packet's length
    input  wire                 s_inner_v6,
    // ESP frames
    output wire [128*LANES-1:0] m_tdata,
    output wire [16*LANES-1:0]  m_tkeep,
    output wire                 m_tvalid,
    input  wire                 m_tready,
    output wire                 m_tlast
);
  localparam D  = 128 * LANES;
  localparam KB = 16 * LANES;

  // --- per packet: what the engine and splice_out will need --------------------
  wire [1:0]  pad       = 2'd2 - s_inner_len[1:0];               // (L + pad + 2) % 4 == 0
  wire [15:0] payload   = s_inner_len + {14'd0, pad} + 16'd2;
  wire [15:0] esp_len   = 16'd16 + payload + {11'd0, s_icv_len};
  wire [7:0]  next_hdr  = s_inner_v6 ? 8'd41 : 8'd4;
  // padding bytes 1..pad, then pad length, then next header; byte 0 in [7:0]
  wire [8*5-1:0] trailer = pad == 2'd0 ? {24'd0, next_hdr, 8'd0} :
                           pad == 2'd1 ? {16'd0, next_hdr, 8'd1, 8'd1} :
                           pad == 2'd2 ? {8'd0, next_hdr, 8'd2, 8'd2, 8'd1} :
                                         {next_hdr, 8'd3, 8'd3, 8'd2, 8'd1};

  wire [8*78-1:0] outer;
  wire [7:0]      outer_len;
  esp_outer_hdr u_hdr (
      .eth_dst_i(s_eth_dst), .eth_src_i(s_eth_src), .v6_i(s_v6), .src_i(s_src), .dst_i(s_dst),
      .udp_i(s_udp), .sport_i(s_sport), .dport_i(s_dport), .spi_i(s_spi), .seq_i(s_seq),
      .esp_len_i(esp_len), .hdr_o(outer), .hdr_len_o(outer_len));

  // engine fields: slot, nonce = salt || IV, AAD = SPI || [seq high ||] seq low
  localparam EW = SA_W + 96 + 128 + 16;
  wire [127:0] aad = s_esn ? {s_spi, s_seq[63:32], s_seq[31:0], 32'd0}
                           : {s_spi, s_seq[31:0], 64'd0};
  wire [EW-1:0] eng_in = {s_sa, s_salt, s_seq, aad, s_esn ? 16'd12 : 16'd8};
  // splice_out fields
  localparam OW = 8 * 78 + 8 + 5;
  wire [OW-1:0] out_in = {outer, outer_len, s_icv_len};

  reg  in_first;      // the next input beat starts a packet
  wire in_take = s_tvalid && s_tready;
  wire eng_full, out_full;
  wire push = in_take && in_first;

  wire [EW-1:0] eng_q;
  wire [OW-1:0] out_q;
  wire eng_empty, out_empty;
  wire e_first_pop, o_pop;
  sync_fifo #(.WIDTH(EW), .ADDR_W(5)) u_eng_fifo (
      .clk(clk), .rst(rst), .wr_i(push), .wr_data_i(eng_in), .rd_i(e_first_pop),
      .rd_data_o(eng_q), .empty_o(eng_empty), .full_o(eng_full));
  sync_fifo #(.WIDTH(OW), .ADDR_W(7)) u_out_fifo (
      .clk(clk), .rst(rst), .wr_i(push), .wr_data_i(out_in), .rd_i(o_pop),
      .rd_data_o(out_q), .empty_o(out_empty), .full_o(out_full));

  always @(posedge clk) begin
    if (rst) in_first <= 1'b1;
    else if (in_take) in_first <= s_tlast;
  end

  // the trailer, kept from the first beat for the last
  reg [8*5-1:0] trailer_q;
  reg [4:0]     trailer_len_q;
  reg [15:0]    inner_len_q;
  always @(posedge clk) begin
    if (push) begin
      trailer_q     <= trailer;
      trailer_len_q <= {3'd0, pad} + 5'd2;
      inner_len_q   <= s_inner_len;
    end
  end
  wire [8*5-1:0] cur_trailer     = in_first ? trailer : trailer_q;
  wire [4:0]     cur_trailer_len = in_first ? {3'd0, pad} + 5'd2 : trailer_len_q;

  // --- splice_in: inner IP packet ++ trailer -------------------------------------
  wire [D-1:0]  a_tdata;
  wire [KB-1:0] a_tkeep;
  wire          a_tvalid, a_tready, a_tlast, si_ready;
  wire          a_tuser;
  assign s_tready = si_ready && !(in_first && (eng_full || out_full));
  axis_splice #(.LANES(LANES), .HDR_MAX(1), .TAIL_MAX(5), .USER_W(1)) u_splice_in (
      .clk(clk), .rst(rst),
      .s_tdata(s_tdata), .s_tkeep(s_tkeep), .s_tvalid(s_tvalid && !(in_first && (eng_full || out_full))),
      .s_tready(si_ready), .s_tlast(s_tlast), .s_tuser(1'b0),
      .s_hdr(8'd0), .s_hdr_len(8'd0), .s_drop(16'd14),
      .s_keep(in_first ? s_inner_len : inner_len_q),
      .s_tail(cur_trailer), .s_tail_len(cur_trailer_len),
      .m_tdata(a_tdata), .m_tkeep(a_tkeep), .m_tvalid(a_tvalid), .m_tready(a_tready),
      .m_tlast(a_tlast), .m_tuser(a_tuser));

  // --- the engine: its per-message fields are the head of u_eng_fifo ---------------
  assign e_first_pop = a_tvalid && a_tready && a_tlast;

  wire [SA_W-1:0] e_slot;
  wire [31:0]     e_salt;
  wire [63:0]     e_iv8;
  wire [127:0]    e_aad;
  wire [15:0]     e_aad_len;
  assign {e_slot, e_salt, e_iv8, e_aad, e_aad_len} = eng_q;

  wire [D-1:0]  c_tdata;
  wire [KB-1:0] c_tkeep;
  wire          c_tvalid, c_tready, c_tlast, c_tuser, c_tag_ok, c_error;
  wire [127:0]  c_tag;
  wire          eng_ready;
  assign a_tready = eng_ready && !eng_empty;
  gcm_engine #(.LANES(LANES), .KEY_SLOTS(1 << SA_W), .USER_W(1)) u_gcm (
      .clk(clk), .rst(rst),
      .key_valid(key_valid), .key_ready(key_ready), .key_slot(key_slot), .key_256(key_256),
      .key_data(key_data),
      .s_tdata(a_tdata), .s_tkeep(a_tkeep), .s_tvalid(a_tvalid && !eng_empty),
      .s_tready(eng_ready), .s_tlast(a_tlast), .s_tuser(a_tuser),
      .s_slot(e_slot), .s_decrypt(1'b0), .s_iv({e_salt, e_iv8}), .s_aad(e_aad),
      .s_aad_len(e_aad_len), .s_tag_len(5'd16), .s_tag(128'd0),
      .m_tdata(c_tdata), .m_tkeep(c_tkeep), .m_tvalid(c_tvalid), .m_tready(c_tready),
      .m_tlast(c_tlast), .m_tuser(c_tuser), .m_tag(c_tag), .m_tag_ok(c_tag_ok),
      .m_error(c_error));

  // --- splice_out: outer headers ++ ciphertext ++ ICV ------------------------------
  wire [8*78-1:0] o_hdr;
  wire [7:0]      o_hdr_len;
  wire [4:0]      o_icv_len;
  assign {o_hdr, o_hdr_len, o_icv_len} = out_q;
  reg  [127:0] icv;   // the tag, first byte in [7:0]
  integer i;
  always @* for (i = 0; i < 16; i = i + 1) icv[8*i +: 8] = c_tag[127-8*i -: 8];

  wire so_ready;
  assign c_tready = so_ready && !out_empty;
  assign o_pop = c_tvalid && c_tready && c_tlast;
  wire m_tuser_unused;
  axis_splice #(.LANES(LANES), .HDR_MAX(78), .TAIL_MAX(16), .USER_W(1)) u_splice_out (
      .clk(clk), .rst(rst),
      .s_tdata(c_tdata), .s_tkeep(c_tkeep), .s_tvalid(c_tvalid && !out_empty),
      .s_tready(so_ready), .s_tlast(c_tlast), .s_tuser(c_tuser | c_tag_ok | c_error),
      .s_hdr(o_hdr), .s_hdr_len(o_hdr_len), .s_drop(16'd0), .s_keep(16'hffff),
      .s_tail(icv), .s_tail_len(o_icv_len),
      .m_tdata(m_tdata), .m_tkeep(m_tkeep), .m_tvalid(m_tvalid), .m_tready(m_tready),
      .m_tlast(m_tlast), .m_tuser(m_tuser_unused));
endmodule

`default_nettype wire
