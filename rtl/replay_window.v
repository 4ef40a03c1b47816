// Anti-replay for inbound SAs (RFC 4303 section 3.4.3 and Appendix A), with ESN.
//
// Per SA: T, the highest sequence number authenticated so far, and a bitmap of
// which of the numbers near T have been seen. The bitmap is kept as WORDS words
// of 64 bits, each tagged with the block (sequence / 64) it holds, so a word left
// from an older block reads as empty: moving the window clears nothing and a
// check or an update touches one word. WORDS*64 - 64 must be at least the largest
// window (4096), or a word could be reused by a newer block while its own block
// is still inside the window; hence 128 words.
//
// check (before decryption): infers the high half of an ESN sequence number
// (Appendix A2.2), and says whether the packet is new. It may see a T that is
// a cycle or two old; it is only the early filter.
// update (after the ICV verified): checks again against the current state, which
// catches two copies of one packet that both passed the check, then records the
// number and advances T. Updates may come every cycle; each sees the one before.
// init (when the host installs an SA): sets T and empties the bitmap, one word a
// cycle in cycles with no update. Inbound ESP frames are at least two beats long,
// so at most every other cycle has an update and an init ends within 2*WORDS
// cycles; init_busy_o is high until then.
`default_nettype none

module replay_window #(
    parameter SA_W = 12
) (
    input  wire            clk,
    input  wire            rst,
    // check: result three cycles later
    input  wire            chk_valid_i,
    input  wire [SA_W-1:0] chk_sa_i,
    input  wire [31:0]     chk_seq_i,    // as on the wire
    input  wire            chk_esn_i,
    input  wire [12:0]     chk_win_i,    // window size, 0 = no check
    output reg             chk_valid_o,
    output reg             chk_ok_o,
    output reg  [63:0]     chk_seq_o,    // the full sequence number
    output reg             chk_old_o,    // left of the window
    output reg             chk_dup_o,    // seen before
    output reg             chk_zero_o,   // sequence number 0 never comes
    // update: result two cycles later
    input  wire            upd_valid_i,
    input  wire [SA_W-1:0] upd_sa_i,
    input  wire [63:0]     upd_seq_i,
    input  wire [12:0]     upd_win_i,
    output reg             upd_valid_o,
    output reg             upd_ok_o,     // recorded; 0: a replay after all
    // init
    input  wire            init_valid_i,
    input  wire [SA_W-1:0] init_sa_i,
    input  wire [63:0]     init_top_i,   // the SA's starting T (0 for a new SA)
    output wire            init_busy_o
);
  localparam WIDX_W = 7;                  // 128 words
  localparam TAG_W  = 64 - 6 - WIDX_W;    // block bits above the word index
  localparam WW     = TAG_W + 64;

  // --- state: T per SA, and the words; one copy per read port -------------------
  reg              top_we, word_we;
  reg [SA_W-1:0]   top_waddr;
  reg [63:0]       top_wdata;
  reg [SA_W+WIDX_W-1:0] word_waddr;
  reg [WW-1:0]     word_wdata;

  wire [63:0]      chk_top, upd_top;
  wire [WW-1:0]    chk_word, upd_word;
  reg  [SA_W+WIDX_W-1:0] chk_word_addr;

  ram_sdp #(.WIDTH(64), .ADDR_W(SA_W)) u_top_chk (
      .clk(clk), .we_i(top_we), .waddr_i(top_waddr), .wdata_i(top_wdata),
      .raddr_i(chk_sa_i), .rdata_o(chk_top));
  ram_sdp #(.WIDTH(64), .ADDR_W(SA_W)) u_top_upd (
      .clk(clk), .we_i(top_we), .waddr_i(top_waddr), .wdata_i(top_wdata),
      .raddr_i(upd_sa_i), .rdata_o(upd_top));
  ram_sdp #(.WIDTH(WW), .ADDR_W(SA_W + WIDX_W)) u_word_chk (
      .clk(clk), .we_i(word_we), .waddr_i(word_waddr), .wdata_i(word_wdata),
      .raddr_i(chk_word_addr), .rdata_o(chk_word));
  ram_sdp #(.WIDTH(WW), .ADDR_W(SA_W + WIDX_W)) u_word_upd (
      .clk(clk), .we_i(word_we), .waddr_i(word_waddr), .wdata_i(word_wdata),
      .raddr_i({upd_sa_i, upd_seq_i[6 +: WIDX_W]}), .rdata_o(upd_word));

  // Does word w, if it holds the block with tag `tag`, have bit `b` set?
  function automatic seen(input [WW-1:0] w, input [TAG_W-1:0] tag, input [5:0] b);
    seen = w[WW-1:64] == tag && w[{1'b0, b}];
  endfunction

  // --- check --------------------------------------------------------------------
  // c1: T is back; infer the high half and read the word
  reg            c1_valid, c1_esn;
  reg [SA_W-1:0] c1_sa;
  reg [31:0]     c1_seql;
  reg [12:0]     c1_win;
  always @(posedge clk) begin
    c1_valid <= chk_valid_i;
    c1_sa    <= chk_sa_i;
    c1_seql  <= chk_seq_i;
    c1_esn   <= chk_esn_i;
    c1_win   <= chk_win_i;
  end

  // RFC 4303 A2.2: Tl, Th the halves of T, W the window.
  wire [31:0] tl = chk_top[31:0];
  wire [31:0] th = chk_top[63:32];
  wire [31:0] bottom = tl - {19'd0, c1_win} + 32'd1;          // Tl - W + 1, mod 2^32
  wire        one_subspace = tl >= {19'd0, c1_win} - 32'd1;   // case A
  wire [31:0] seqh = !c1_esn ? 32'd0
                   : one_subspace ? ((c1_seql >= bottom) ? th : th + 32'd1)
                                  : ((c1_seql >= bottom) ? th - 32'd1 : th);
  wire [63:0] c1_seq = {seqh, c1_seql};
  always @* chk_word_addr = {c1_sa, c1_seq[6 +: WIDX_W]};

  reg            c2_valid;
  reg [63:0]     c2_seq, c2_top;
  reg [12:0]     c2_win;
  always @(posedge clk) begin
    c2_valid <= c1_valid;
    c2_seq   <= c1_seq;
    c2_top   <= chk_top;
    c2_win   <= c1_win;
  end

  // c2: the word is back; decide
  wire c2_zero = c2_seq == 64'd0;
  wire c2_new  = c2_seq > c2_top;
  wire c2_old  = !c2_new && (c2_top - c2_seq >= {51'd0, c2_win});
  wire c2_dup  = !c2_new && !c2_old && seen(chk_word, c2_seq[63:64-TAG_W], c2_seq[5:0]);
  wire c2_skip = c2_win == 13'd0;
  always @(posedge clk) begin
    chk_valid_o <= c2_valid;
    chk_seq_o   <= c2_seq;
    chk_zero_o  <= c2_zero;
    chk_old_o   <= !c2_skip && c2_old;
    chk_dup_o   <= !c2_skip && c2_dup;
    chk_ok_o    <= !c2_zero && (c2_skip || !(c2_old || c2_dup));
    if (rst) chk_valid_o <= 1'b0;
  end

  // --- update -------------------------------------------------------------------
  reg            u1_valid;
  reg [SA_W-1:0] u1_sa;
  reg [63:0]     u1_seq;
  reg [12:0]     u1_win;
  always @(posedge clk) begin
    u1_valid <= upd_valid_i && !rst;
    u1_sa    <= upd_sa_i;
    u1_seq   <= upd_seq_i;
    u1_win   <= upd_win_i;
  end

  // What the update before this one wrote, which the memories returned too early
  // to show.
  reg            w_top_valid, w_word_valid;
  reg [SA_W-1:0] w_sa;
  reg [WIDX_W-1:0] w_widx;
  reg [63:0]     w_top;
  reg [WW-1:0]   w_word;
  wire [63:0]   top_now  = (w_top_valid && w_sa == u1_sa) ? w_top : upd_top;
  wire [WW-1:0] word_now = (w_word_valid && w_sa == u1_sa && w_widx == u1_seq[6 +: WIDX_W])
                         ? w_word : upd_word;

  wire u1_new = u1_seq > top_now;
  wire u1_old = !u1_new && (top_now - u1_seq >= {51'd0, u1_win});
  wire u1_dup = !u1_new && !u1_old && seen(word_now, u1_seq[63:64-TAG_W], u1_seq[5:0]);
  wire u1_ok  = u1_valid && u1_seq != 64'd0 && (u1_win == 13'd0 || !(u1_old || u1_dup));
  wire [63:0] u1_bits = (word_now[WW-1:64] == u1_seq[63:64-TAG_W]) ? word_now[63:0] : 64'd0;
  wire [WW-1:0] u1_word = {u1_seq[63:64-TAG_W], u1_bits | (64'd1 << u1_seq[5:0])};

  always @(posedge clk) begin
    upd_valid_o <= u1_valid;
    upd_ok_o    <= u1_ok;
  end

  // --- init -----------------------------------------------------------------------
  reg            init_busy, init_top_done;
  reg [SA_W-1:0] init_sa;
  reg [63:0]     init_top;
  reg [WIDX_W:0] init_widx;     // words cleared so far
  assign init_busy_o = init_busy;

  // --- writes: an update's, else an init step ------------------------------------
  wire init_slot = !u1_ok;      // the write ports are free this cycle
  always @* begin
    top_we     = u1_ok && u1_new;
    top_waddr  = u1_sa;
    top_wdata  = u1_seq;
    word_we    = u1_ok;
    word_waddr = {u1_sa, u1_seq[6 +: WIDX_W]};
    word_wdata = u1_word;
    if (init_busy && init_slot) begin
      top_we     = !init_top_done;
      top_waddr  = init_sa;
      top_wdata  = init_top;
      word_we    = init_top_done;
      word_waddr = {init_sa, init_widx[WIDX_W-1:0]};
      word_wdata = {{TAG_W{1'b1}}, 64'd0};   // the last block of all: in practice, none
    end
  end

  always @(posedge clk) begin
    w_top_valid  <= top_we;
    w_word_valid <= word_we;
    w_sa         <= init_busy && init_slot ? init_sa : u1_sa;
    w_widx       <= word_waddr[WIDX_W-1:0];
    w_top        <= top_wdata;
    w_word       <= word_wdata;
    if (rst) begin
      init_busy <= 1'b0;
    end else if (!init_busy) begin
      if (init_valid_i) begin
        init_busy     <= 1'b1;
        init_top_done <= 1'b0;
        init_sa       <= init_sa_i;
        init_top      <= init_top_i;
        init_widx     <= 0;
      end
    end else if (init_slot) begin
      if (!init_top_done) init_top_done <= 1'b1;
      else begin
        init_widx <= init_widx + 1'b1;
        if (init_widx == {1'b0, {WIDX_W{1'b1}}}) init_busy <= 1'b0;
      end
    end
  end
endmodule

`default_nettype wire
