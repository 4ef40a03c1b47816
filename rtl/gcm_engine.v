// AES-GCM engine: encrypts or decrypts one message after another at one beat of
// LANES blocks a cycle, each message under the key in its own key slot. See
// docs/gcm-engine.md for the interface and the message format.
//
//   s_* -> front -> aes_pipe (LANES+1 lanes) -> xor -> ghash_acc -> tag -> fifo -> m_*
//
// The pipeline never stalls: a beat is accepted only while the output FIFO has a
// place for it and for every beat already inside, so back-pressure on m_* is
// absorbed by the FIFO and a steady stream moves at one beat a cycle.
`default_nettype none

module gcm_engine #(
    parameter LANES     = 1,
    parameter KEY_SLOTS = 16,
    parameter USER_W    = 1
) (
    input  wire                  clk,
    input  wire                  rst,
    // key loading
    input  wire                  key_valid,
    output wire                  key_ready,
    input  wire [SLOT_W-1:0]     key_slot,
    input  wire                  key_256,
    input  wire [255:0]          key_data,
    // messages in
    input  wire [128*LANES-1:0]  s_tdata,
    input  wire [16*LANES-1:0]   s_tkeep,
    input  wire                  s_tvalid,
    output wire                  s_tready,
    input  wire                  s_tlast,
    input  wire [USER_W-1:0]     s_tuser,
    input  wire [SLOT_W-1:0]     s_slot,      // with the first beat
    input  wire                  s_decrypt,
    input  wire [95:0]           s_iv,
    input  wire [127:0]          s_aad,
    input  wire [15:0]           s_aad_len,
    input  wire [4:0]            s_tag_len,
    input  wire [127:0]          s_tag,       // with the last beat
    // messages out
    output wire [128*LANES-1:0]  m_tdata,
    output wire [16*LANES-1:0]   m_tkeep,
    output wire                  m_tvalid,
    input  wire                  m_tready,
    output wire                  m_tlast,
    output wire [USER_W-1:0]     m_tuser,
    output wire [127:0]          m_tag,       // with the last beat
    output wire                  m_tag_ok,
    output wire                  m_error
);
  localparam SLOT_W  = (KEY_SLOTS > 1) ? $clog2(KEY_SLOTS) : 1;
  localparam K_W     = 3;
  localparam D       = 128 * LANES;
  localparam KB      = 16 * LANES;
  localparam AES_LAT = 16;
  localparam FIFO_AW = 6;             // 64 beats: more than the 22 inside the pipeline

  // --- credit: beats accepted and not yet delivered ---------------------------
  reg  [FIFO_AW:0] occupancy;
  wire accept  = s_tvalid && s_tready;
  wire deliver = m_tvalid && m_tready;
  assign s_tready = (occupancy != (1 << FIFO_AW)) && !rst;
  always @(posedge clk) begin
    if (rst) occupancy <= 0;
    else     occupancy <= occupancy + {{FIFO_AW{1'b0}}, accept} - {{FIFO_AW{1'b0}}, deliver};
  end

  // --- keys ---------------------------------------------------------------------
  wire [14:0]       rk_we;
  wire [SLOT_W-1:0] rk_wslot, hp_wslot;
  wire [128:0]      rk_wdata;
  wire [LANES:0]    hp_we;
  wire [127:0]      hp_wdata;
  gcm_key_loader #(.SLOT_W(SLOT_W), .N_POW(LANES + 1)) u_loader (
      .clk(clk), .rst(rst), .key_valid_i(key_valid), .key_ready_o(key_ready),
      .key_slot_i(key_slot), .key_256_i(key_256), .key_data_i(key_data),
      .rk_we_o(rk_we), .rk_wslot_o(rk_wslot), .rk_wdata_o(rk_wdata),
      .hp_we_o(hp_we), .hp_wslot_o(hp_wslot), .hp_wdata_o(hp_wdata));

  // --- input register: the beat, and the one sum the front would otherwise chain --
  reg               r_valid, r_tlast, r_decrypt;
  reg [D-1:0]       r_tdata;
  reg [KB-1:0]      r_tkeep;
  reg [USER_W-1:0]  r_tuser;
  reg [SLOT_W-1:0]  r_slot;
  reg [95:0]        r_iv;
  reg [127:0]       r_aad, r_tag;
  reg [15:0]        r_aad_len, r_aad_sbytes;
  reg [4:0]         r_tag_len;
  always @(posedge clk) begin
    r_tdata      <= s_tdata;
    r_tkeep      <= s_tkeep;
    r_tlast      <= s_tlast;
    r_tuser      <= s_tuser;
    r_slot       <= s_slot;
    r_decrypt    <= s_decrypt;
    r_iv         <= s_iv;
    r_aad        <= s_aad;
    r_aad_len    <= s_aad_len;
    r_aad_sbytes <= (s_aad_len > 16'd16) ? s_aad_len - 16'd16 : 16'd0;
    r_tag_len    <= s_tag_len;
    r_tag        <= s_tag;
  end
  always @(posedge clk) begin
    if (rst) r_valid <= 1'b0;
    else     r_valid <= accept;
  end

  // --- front --------------------------------------------------------------------
  wire              f_first, f_decrypt;
  wire [SLOT_W-1:0] f_slot;
  wire [4:0]        f_tag_len;
  wire [15:0]       f_aad_len;
  wire [128*(LANES+1)-1:0] f_ctr;
  wire [LANES-1:0]  f_text_lane;
  wire [KB-1:0]     f_hmask;
  wire [K_W-1:0]    f_k;
  wire [127:0]      f_aad;
  wire [17:0]       f_stream_len;
  gcm_front #(.LANES(LANES), .SLOT_W(SLOT_W), .K_W(K_W)) u_front (
      .clk(clk), .rst(rst), .beat_i(r_valid), .keep_i(r_tkeep), .last_i(r_tlast),
      .slot_i(r_slot), .decrypt_i(r_decrypt), .iv_i(r_iv), .aad_i(r_aad),
      .aad_len_i(r_aad_len), .aad_sbytes_i(r_aad_sbytes), .tag_len_i(r_tag_len),
      .first_o(f_first), .slot_o(f_slot), .decrypt_o(f_decrypt), .tag_len_o(f_tag_len),
      .aad_len_o(f_aad_len), .ctr_o(f_ctr), .text_lane_o(f_text_lane), .hmask_o(f_hmask),
      .k_o(f_k), .aad_blk_o(f_aad), .stream_len_o(f_stream_len));

  // --- AES, with everything else riding beside it ------------------------------
  wire                 a_valid;
  wire [128*(LANES+1)-1:0] a_ks;
  aes_pipe #(.N_LANES(LANES + 1), .SLOT_W(SLOT_W)) u_aes (
      .clk(clk), .rst(rst), .in_valid_i(r_valid), .in_slot_i(f_slot), .in_blocks_i(f_ctr),
      .out_valid_o(a_valid), .out_blocks_o(a_ks),
      .rk_we_i(rk_we), .rk_wslot_i(rk_wslot), .rk_wdata_i(rk_wdata));

  localparam SIDE_W = D + KB + 1 + USER_W + 1 + SLOT_W + 1 + LANES + KB + K_W + 128 + 16
                    + 16 + 18 + 5 + 128;
  wire [SIDE_W-1:0] side_in = {r_tdata, r_tkeep, r_tlast, r_tuser, f_first, f_slot,
                               f_decrypt, f_text_lane, f_hmask, f_k, f_aad, f_aad_len,
                               r_aad_sbytes, f_stream_len, f_tag_len, r_tag};
  wire [SIDE_W-1:0] side_a;
  delay_line #(.WIDTH(SIDE_W), .DEPTH(AES_LAT)) u_side (.clk(clk), .d_i(side_in), .q_o(side_a));

  wire [D-1:0]      a_data;
  wire [KB-1:0]     a_keep, a_hmask;
  wire              a_last, a_first, a_decrypt;
  wire [USER_W-1:0] a_user;
  wire [SLOT_W-1:0] a_slot;
  wire [LANES-1:0]  a_text_lane;
  wire [K_W-1:0]    a_k;
  wire [127:0]      a_aad, a_tag;
  wire [15:0]       a_aad_len, a_aad_sbytes;
  wire [17:0]       a_stream_len;
  wire [4:0]        a_tag_len;
  assign {a_data, a_keep, a_last, a_user, a_first, a_slot, a_decrypt, a_text_lane, a_hmask,
          a_k, a_aad, a_aad_len, a_aad_sbytes, a_stream_len, a_tag_len, a_tag} = side_a;

  // The text is the stream past its AAD blocks. A stream that ends inside them, or
  // text over 65535 bytes, is an error (meaningful on the last beat).
  wire [17:0] a_aad_blocks = {2'b00, a_aad_sbytes + 16'd15} & 18'h3fff0;
  wire [17:0] a_text_len   = a_stream_len - a_aad_blocks;
  wire        a_err        = (a_stream_len < a_aad_blocks) || a_text_len[17:16] != 2'b00;

  // --- xor: apply the keystream; the ciphertext is what GHASH takes ------------
  // Lanes travel in stream order (byte 0 in bits [7:0]); AES and GHASH blocks are
  // in block order (byte 0 in bits [127:120]).
  function automatic [127:0] bswap(input [127:0] v);
    integer b;
    for (b = 0; b < 16; b = b + 1) bswap[8*b +: 8] = v[127-8*b -: 8];
  endfunction

  reg [D-1:0] x_out, x_hash_in;
  integer j, b;
  always @* begin
    for (j = 0; j < LANES; j = j + 1) begin
      x_out[128*j +: 128] = a_data[128*j +: 128]
                          ^ (a_text_lane[j] ? bswap(a_ks[128*j +: 128]) : 128'd0);
      for (b = 0; b < 16; b = b + 1)
        if (!a_hmask[16*j + b]) x_hash_in[128*j + 8*b +: 8] = 8'd0;
        else x_hash_in[128*j + 8*b +: 8] = a_decrypt ? a_data[128*j + 8*b +: 8]
                                                     : x_out[128*j + 8*b +: 8];
      x_hash_in[128*j +: 128] = bswap(x_hash_in[128*j +: 128]);
    end
  end

  // E(K, J0), from the extra lane on a message's first beat, kept to its last
  reg  [127:0] ekj0_held;
  wire [127:0] ekj0 = a_first ? a_ks[128*LANES +: 128] : ekj0_held;
  always @(posedge clk) if (a_valid) ekj0_held <= ekj0;

  reg               x_valid, x_first, x_last, x_decrypt, x_err;
  reg [D-1:0]       x_data, x_hash;
  reg [KB-1:0]      x_keep;
  reg [USER_W-1:0]  x_user;
  reg [K_W-1:0]     x_k;
  reg [127:0]       x_aad, x_len, x_tag, x_ekj0;
  reg [4:0]         x_tag_len;
  always @(posedge clk) begin
    x_data    <= x_out;
    x_hash    <= x_hash_in;
    x_keep    <= a_keep;
    x_last    <= a_last;
    x_user    <= a_user;
    x_first   <= a_first;
    x_k       <= a_k;
    x_aad     <= a_aad;
    x_len     <= {45'd0, a_aad_len, 3'd0, 45'd0, a_text_len[15:0], 3'd0};  // in bits
    x_decrypt <= a_decrypt;
    x_tag     <= a_tag;
    x_tag_len <= a_tag_len;
    x_err     <= a_err;
    x_ekj0    <= ekj0;
  end
  always @(posedge clk) begin
    if (rst) x_valid <= 1'b0;
    else     x_valid <= a_valid;
  end

  // --- GHASH ----------------------------------------------------------------------
  localparam GH_LAT = 3;
  wire [127:0] g_hash;
  ghash_acc #(.LANES(LANES), .SLOT_W(SLOT_W), .K_W(K_W)) u_ghash (
      .clk(clk), .rst(rst), .rd_slot_i(a_slot), .valid_i(x_valid), .first_i(x_first),
      .k_i(x_k), .x_i(x_hash), .aad_i(x_aad), .len_i(x_len), .hash_o(g_hash),
      .hp_we_i(hp_we), .hp_wslot_i(hp_wslot), .hp_wdata_i(hp_wdata));

  localparam OUT_W = D + KB + 1 + USER_W + 1 + 128 + 5 + 1 + 128;
  wire [OUT_W-1:0] g_side;
  delay_line #(.WIDTH(OUT_W), .DEPTH(GH_LAT)) u_gside (
      .clk(clk), .d_i({x_data, x_keep, x_last, x_user, x_decrypt, x_tag, x_tag_len, x_err, x_ekj0}),
      .q_o(g_side));
  reg [GH_LAT-1:0] g_valid;
  always @(posedge clk) begin
    if (rst) g_valid <= {GH_LAT{1'b0}};
    else     g_valid <= {g_valid[GH_LAT-2:0], x_valid};
  end

  wire [D-1:0]      t_data;
  wire [KB-1:0]     t_keep;
  wire              t_last, t_decrypt, t_err;
  wire [USER_W-1:0] t_user;
  wire [127:0]      t_expect, t_ekj0;
  wire [4:0]        t_tag_len;
  assign {t_data, t_keep, t_last, t_user, t_decrypt, t_expect, t_tag_len, t_err, t_ekj0} = g_side;

  // --- tag: T = GHASH ^ E(K, J0), checked over the first tag_len bytes -------------
  wire [127:0] t_tag = g_hash ^ t_ekj0;
  reg  [127:0] t_cmp_mask;
  integer m;
  always @* begin
    for (m = 0; m < 16; m = m + 1)
      t_cmp_mask[127-8*m -: 8] = ({27'd0, t_tag_len} > m) ? 8'hff : 8'h00;
  end
  wire t_match  = ((t_tag ^ t_expect) & t_cmp_mask) == 128'd0;
  wire t_tag_ok = !t_err && (!t_decrypt || t_match);

  // --- output FIFO: the credit check keeps it from ever being written when full ------
  localparam FIFO_W = D + KB + 1 + USER_W + 128 + 2;
  wire fifo_empty;
  /* verilator lint_off PINCONNECTEMPTY */
  sync_fifo #(.WIDTH(FIFO_W), .ADDR_W(FIFO_AW)) u_fifo (
      .clk(clk), .rst(rst), .wr_i(g_valid[GH_LAT-1]),
      .wr_data_i({t_data, t_keep, t_last, t_user, t_tag, t_tag_ok, t_err}),
      .rd_i(deliver),
      .rd_data_o({m_tdata, m_tkeep, m_tlast, m_tuser, m_tag, m_tag_ok, m_error}),
      .empty_o(fifo_empty), .full_o());
  /* verilator lint_on PINCONNECTEMPTY */
  assign m_tvalid = !fifo_empty;
endmodule

`default_nettype wire
