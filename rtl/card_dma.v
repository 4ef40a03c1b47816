// The exception path's DMA engine: the card's host_rx frames written into the
// receive ring's buffers in host memory, and the transmit ring's frames read from
// host memory onto the card's host_tx port; the ring registers of BAR0's DMA
// window (0x800 ..) and the interrupt. docs/dma.md is the contract (descriptors,
// ownership, the order of writes); this header is how it is met.
//
// Registers: card_csr decodes the BAR and flags bad accesses; it hands this block
// the accesses that land in its window in their stage-2 cycle (reg_wr_i with
// reg_addr_i, reg_wdata_i, reg_be_i, already checked to be a writable register)
// and takes reg_rdata_o, for reg_addr_i, in that same cycle, so a DMA register
// reads with the block's 3-cycle latency and in order with every other access.
//
// Resets: rst and clr_i (RESET.go's write, the cycle card_csr resets its own
// registers) put every register here to its reset value; hold_i (the card in
// reset) keeps the engine idle besides, so registers written during a soft reset
// keep their values and the rings start when it ends. Two things only rst
// resets: the beat offered on each DMA port (a valid is not withdrawn before its
// ready) and the list of reads outstanding, whose answers still come and are
// dropped (every entry is marked dead).
//
// Reads from host memory (one request port, answers in request order): the
// transmit descriptor, the transmit frame's data in chunks, the receive
// descriptor prefetch. Each request pushes its kind onto `tag`, which routes the
// answer's beats and is popped on dma_rd_last. Every request is made only when
// its answer has somewhere to go (transmit data only into FIFO room already
// reserved), so dma_rd_ready is always 1: an answer never waits behind the card's
// ports, and the receive side's descriptor never waits behind a transmit frame
// stuck on a busy LAN.
//
// Transmit: one descriptor at a time. Fetch it, check it (length 14 ..
// MAX_FRAME, port 0 or 1, address a multiple of 64), read the frame in chunks of
// at most a quarter of the FIFO into the FIFO (beats with keep, last and port),
// write the descriptor back with DONE (or DONE and ERR, nothing read, for a
// refused one), then move HEAD and set INT_CAUSE.tx (and .dma_err, counted in
// DMA_TX_ERRS, for a refusal). The FIFO feeds host_tx on its own, so the
// descriptor is written back as soon as the whole frame has been read: the host
// may reuse the buffer, the frame is already the card's.
//
// Receive: a frame for the host is admitted or dropped at its first beat: admitted
// while the ring is on and holds more buffers than frames already admitted and not
// yet written back (`committed`), else dropped whole at full speed (host_rx_tready
// high) and counted. Admitted frames' beats wait in a small FIFO; the writer takes
// them with the descriptor prefetched for them (the one at HEAD, and the next one
// while a frame is being written, so back-to-back frames do not wait for a read),
// writes the bytes that fit the buffer, then the descriptor (length as stored,
// port, DONE, ERR if cut), and on that write's handshake moves HEAD and sets
// INT_CAUSE.rx. So the card waits for the host only as long as a posted write or a
// descriptor read takes, never for the host to give buffers back.
//
// The order docs/dma.md promises: the frame's writes, then the descriptor's, on
// one port that keeps order; HEAD and INT_CAUSE change on the descriptor write's
// handshake, together.
//
// A ring set up again (SIZE or BASE_LO written) while busy: HEAD goes to 0; the
// transmit descriptor in hand is finished (its frame still sent) but not written
// back; admitted receive frames are dropped (counted) rather than written to the
// old buffers; a prefetched descriptor is forgotten and one being read ignored.
`default_nettype none
`include "bar0.vh"

module card_dma #(
    parameter LANES     = 1,
    parameter MAX_FRAME = 9216,   // longest transmit frame taken (CAP_FRAME)
    parameter TXF_AW    = 5,      // transmit FIFO: 2^TXF_AW beats (at least 3)
    parameter RXF_AW    = 5       // receive FIFO: 2^RXF_AW beats
) (
    input  wire                   clk,
    input  wire                   rst,
    input  wire                   clr_i,       // RESET.go written: registers to reset values
    input  wire                   hold_i,      // the card is in reset: the engine idles
    // the DMA window's registers, from card_csr's stage 2
    input  wire                   reg_wr_i,
    input  wire [`BAR0_AW-1:0]    reg_addr_i,
    input  wire [31:0]            reg_wdata_i,
    input  wire [3:0]             reg_be_i,
    output reg  [31:0]            reg_rdata_o,
    input  wire                   ev_pending_i,  // the card's event FIFO is not empty
    output wire                   irq_o,
    // frames for the host, from the card
    input  wire [128*LANES-1:0]   host_rx_tdata,
    input  wire [16*LANES-1:0]    host_rx_tkeep,
    input  wire                   host_rx_tvalid,
    output wire                   host_rx_tready,
    input  wire                   host_rx_tlast,
    input  wire                   host_rx_port,
    // frames from the host, to the card
    output wire [128*LANES-1:0]   host_tx_tdata,
    output wire [16*LANES-1:0]    host_tx_tkeep,
    output wire                   host_tx_tvalid,
    input  wire                   host_tx_tready,
    output wire                   host_tx_tlast,
    output wire                   host_tx_port,
    // host memory
    output wire                   dma_rd_req_valid,
    input  wire                   dma_rd_req_ready,
    output wire [63:0]            dma_rd_req_addr,
    output wire [15:0]            dma_rd_req_len,
    input  wire                   dma_rd_valid,
    output wire                   dma_rd_ready,
    input  wire [128*LANES-1:0]   dma_rd_data,
    input  wire                   dma_rd_last,
    output wire                   dma_wr_valid,
    input  wire                   dma_wr_ready,
    output wire [63:0]            dma_wr_addr,
    output wire [128*LANES-1:0]   dma_wr_data,
    output wire [16*LANES-1:0]    dma_wr_be
);
  localparam W   = 128 * LANES;
  localparam B   = 16 * LANES;           // bytes a beat
  localparam BO  = $clog2(B);
  localparam TXD = 1 << TXF_AW;          // transmit FIFO beats
  localparam CHB = TXD / 4;              // beats a transmit data read asks for, at most
  localparam CHN = CHB * B;
  localparam [15:0] CH_BYTES = CHN[15:0];
  localparam [BO:0] B_N = B[BO:0];       // B, as a byte count

  localparam [7:0] F_DONE = 8'h01, F_ERR = 8'h02;

  wire erst = rst || clr_i || hold_i;    // the engine's reset
  wire rrst = rst || clr_i;              // the registers'
  wire run  = !(clr_i || hold_i);

  function automatic [31:0] merge(input [31:0] old, input [31:0] data, input [3:0] be,
                                  input [31:0] mask);
    reg [31:0] m;
    begin
      m     = {{8{be[3]}}, {8{be[2]}}, {8{be[1]}}, {8{be[0]}}} & mask;
      merge = (old & ~m) | (data & m);
    end
  endfunction
  // the first n bytes of a beat (n 0 .. B)
  function automatic [B-1:0] first_bytes(input [BO:0] n);
    first_bytes = ~({B{1'b1}} << n);
  endfunction
  // bytes a beat holds (its keep is contiguous from byte 0)
  function automatic [BO:0] nbytes(input [B-1:0] k);
    integer i;
    begin
      nbytes = {(BO+1){1'b0}};
      for (i = 0; i < B; i = i + 1) nbytes = nbytes + {{BO{1'b0}}, k[i]};
    end
  endfunction
  // a ring's size, if it turns the ring on: a power of 2 from 2 to 4,096
  function automatic size_ok(input [12:0] s);
    size_ok = s >= 13'd2 && (s & (s - 13'd1)) == 13'd0;
  endfunction
  // a 16-byte descriptor as the card writes it back
  function automatic [127:0] desc(input [63:0] addr, input [15:0] len, input [7:0] port,
                                  input [7:0] flags);
    desc = {32'd0, flags, port, len, addr};
  endfunction

  // --- registers --------------------------------------------------------------------------
  reg  [31:0] txr_base_lo, txr_base_hi, txr_size, txr_tail;
  reg  [31:0] rxr_base_lo, rxr_base_hi, rxr_size, rxr_tail;
  reg  [31:0] int_cause, int_mask, rx_drops, tx_errs;
  reg  [11:0] tx_head, rx_head;
  wire        wr_any  = reg_wr_i && reg_be_i != 4'd0;
  // a ring set up again: HEAD to 0 (see the top)
  wire        tx_cfg  = wr_any && (reg_addr_i == `BAR0_TXR_BASE_LO || reg_addr_i == `BAR0_TXR_SIZE);
  wire        rx_cfg  = wr_any && (reg_addr_i == `BAR0_RXR_BASE_LO || reg_addr_i == `BAR0_RXR_SIZE);

  wire        tx_on   = size_ok(txr_size[12:0]);
  wire        rx_on   = size_ok(rxr_size[12:0]);
  wire [11:0] tx_mask = txr_size[11:0] - 12'd1;
  wire [11:0] rx_mask = rxr_size[11:0] - 12'd1;
  wire [11:0] tx_tail = txr_tail[11:0] & tx_mask;
  wire [11:0] rx_tail = rxr_tail[11:0] & rx_mask;
  wire [11:0] rx_count = (rx_tail - rx_head) & rx_mask;    // buffers the card holds
  wire [63:0] tx_base = {txr_base_hi, txr_base_lo[31:6], 6'd0};
  wire [63:0] rx_base = {rxr_base_hi, rxr_base_lo[31:6], 6'd0};

  // events of this cycle, set below
  wire tx_fin, tx_fin_err, rx_fin, rx_fin_mis, rx_drop_adm, rx_drop_kill;
  reg  [31:0] cause_set, cause_clr;
  always @* begin
    cause_clr = (reg_wr_i && reg_addr_i == `BAR0_INT_CAUSE) ?
                merge(32'd0, reg_wdata_i, reg_be_i, `BAR0_INT_CAUSE_MASK) : 32'd0;
    cause_set = 32'd0;
    cause_set[`BAR0_INT_CAUSE_RX]      = rx_fin;
    cause_set[`BAR0_INT_CAUSE_TX]      = tx_fin;
    cause_set[`BAR0_INT_CAUSE_EVENT]   = ev_pending_i;
    cause_set[`BAR0_INT_CAUSE_RX_DROP] = rx_drop_adm || rx_drop_kill;
    cause_set[`BAR0_INT_CAUSE_DMA_ERR] = tx_fin_err || rx_fin_mis;
  end

  always @(posedge clk) begin
    if (rrst) begin
      txr_base_lo <= `BAR0_TXR_BASE_LO_RESET;
      txr_base_hi <= `BAR0_TXR_BASE_HI_RESET;
      txr_size    <= `BAR0_TXR_SIZE_RESET;
      txr_tail    <= `BAR0_TXR_TAIL_RESET;
      rxr_base_lo <= `BAR0_RXR_BASE_LO_RESET;
      rxr_base_hi <= `BAR0_RXR_BASE_HI_RESET;
      rxr_size    <= `BAR0_RXR_SIZE_RESET;
      rxr_tail    <= `BAR0_RXR_TAIL_RESET;
      int_mask    <= `BAR0_INT_MASK_RESET;
      int_cause   <= `BAR0_INT_CAUSE_RESET;
      rx_drops    <= `BAR0_DMA_RX_DROPS_RESET;
      tx_errs     <= `BAR0_DMA_TX_ERRS_RESET;
    end else begin
      if (reg_wr_i) case (reg_addr_i)
        `BAR0_TXR_BASE_LO: txr_base_lo <= merge(txr_base_lo, reg_wdata_i, reg_be_i, `BAR0_TXR_BASE_LO_MASK);
        `BAR0_TXR_BASE_HI: txr_base_hi <= merge(txr_base_hi, reg_wdata_i, reg_be_i, `BAR0_TXR_BASE_HI_MASK);
        `BAR0_TXR_SIZE:    txr_size    <= merge(txr_size, reg_wdata_i, reg_be_i, `BAR0_TXR_SIZE_MASK);
        `BAR0_TXR_TAIL:    txr_tail    <= merge(txr_tail, reg_wdata_i, reg_be_i, `BAR0_TXR_TAIL_MASK);
        `BAR0_RXR_BASE_LO: rxr_base_lo <= merge(rxr_base_lo, reg_wdata_i, reg_be_i, `BAR0_RXR_BASE_LO_MASK);
        `BAR0_RXR_BASE_HI: rxr_base_hi <= merge(rxr_base_hi, reg_wdata_i, reg_be_i, `BAR0_RXR_BASE_HI_MASK);
        `BAR0_RXR_SIZE:    rxr_size    <= merge(rxr_size, reg_wdata_i, reg_be_i, `BAR0_RXR_SIZE_MASK);
        `BAR0_RXR_TAIL:    rxr_tail    <= merge(rxr_tail, reg_wdata_i, reg_be_i, `BAR0_RXR_TAIL_MASK);
        `BAR0_INT_MASK:    int_mask    <= merge(int_mask, reg_wdata_i, reg_be_i, `BAR0_INT_MASK_MASK);
        default: ;
      endcase
      // write 1s to clear; a cause of this very cycle survives the clear
      int_cause <= (int_cause & ~cause_clr) | cause_set;
      rx_drops <= rx_drops + {30'd0, rx_drop_adm && rx_drop_kill, rx_drop_adm != rx_drop_kill};
      if (tx_fin_err) tx_errs <= tx_errs + 32'd1;
    end
  end
  assign irq_o = (int_cause & int_mask) != 32'd0;

  always @* begin
    reg_rdata_o = 32'd0;
    case (reg_addr_i)
      `BAR0_TXR_BASE_LO:  reg_rdata_o = txr_base_lo;
      `BAR0_TXR_BASE_HI:  reg_rdata_o = txr_base_hi;
      `BAR0_TXR_SIZE:     reg_rdata_o = txr_size;
      `BAR0_TXR_HEAD:     reg_rdata_o = {20'd0, tx_head};
      `BAR0_TXR_TAIL:     reg_rdata_o = txr_tail;
      `BAR0_RXR_BASE_LO:  reg_rdata_o = rxr_base_lo;
      `BAR0_RXR_BASE_HI:  reg_rdata_o = rxr_base_hi;
      `BAR0_RXR_SIZE:     reg_rdata_o = rxr_size;
      `BAR0_RXR_HEAD:     reg_rdata_o = {20'd0, rx_head};
      `BAR0_RXR_TAIL:     reg_rdata_o = rxr_tail;
      `BAR0_INT_CAUSE:    reg_rdata_o = int_cause;
      `BAR0_INT_MASK:     reg_rdata_o = int_mask;
      `BAR0_DMA_RX_DROPS: reg_rdata_o = rx_drops;
      `BAR0_DMA_TX_ERRS:  reg_rdata_o = tx_errs;
      default: ;
    endcase
  end

  // --- the read request port and the list of reads outstanding ----------------------------
  localparam [1:0] K_TXD = 2'd0, K_TXB = 2'd1, K_RXD = 2'd2;
  reg         rq_valid;
  reg  [63:0] rq_addr;
  reg  [15:0] rq_len;
  reg  [1:0]  tag_kind [0:7];
  reg  [7:0]  tag_live;
  reg  [3:0]  tag_wp, tag_rp;
  wire        tag_full = tag_wp == {~tag_rp[3], tag_rp[2:0]};
  wire        rq_go    = (!rq_valid || dma_rd_req_ready) && !tag_full;
  wire [1:0]  a_kind   = tag_kind[tag_rp[2:0]];
  wire        a_live   = tag_live[tag_rp[2:0]];
  wire        a_txd    = dma_rd_valid && a_live && a_kind == K_TXD;
  wire        a_txb    = dma_rd_valid && a_live && a_kind == K_TXB;
  wire        a_rxd    = dma_rd_valid && a_live && a_kind == K_RXD;
  assign dma_rd_ready     = 1'b1;        // every answer has room (see the top)
  assign dma_rd_req_valid = rq_valid;
  assign dma_rd_req_addr  = rq_addr;
  assign dma_rd_req_len   = rq_len;

  // the requests of this cycle, chosen below: the receive prefetch first
  wire        rxd_want, txd_want, txb_want;
  wire [63:0] rxd_addr, txd_addr, txb_addr;
  wire [15:0] txb_len;
  wire        rxd_go = rq_go && rxd_want;
  wire        txd_go = rq_go && !rxd_want && txd_want;
  wire        txb_go = rq_go && !rxd_want && !txd_want && txb_want;
  wire        rq_new = rxd_go || txd_go || txb_go;
  // a descriptor is read from the beat holding it: its offset in the beat, plus 16
  function automatic [15:0] desc_len(input [BO-1:0] a);
    desc_len = {{(16-BO){1'b0}}, a} + 16'd16;
  endfunction
  function automatic [63:0] beat_of(input [63:0] a);
    beat_of = a & ~{{(64-BO){1'b0}}, {BO{1'b1}}};
  endfunction

  integer t;
  always @(posedge clk) begin
    if (rst) begin
      rq_valid <= 1'b0;
      tag_wp   <= 4'd0;
      tag_rp   <= 4'd0;
      tag_live <= 8'd0;
    end else begin
      if (dma_rd_req_ready) rq_valid <= 1'b0;
      if (rq_new) begin
        rq_valid <= 1'b1;
        rq_addr  <= rxd_go ? beat_of(rxd_addr) : txd_go ? beat_of(txd_addr) : txb_addr;
        rq_len   <= rxd_go ? desc_len(rxd_addr[BO-1:0]) : txd_go ? desc_len(txd_addr[BO-1:0]) : txb_len;
        tag_kind[tag_wp[2:0]] <= rxd_go ? K_RXD : txd_go ? K_TXD : K_TXB;
        tag_wp <= tag_wp + 4'd1;
      end
      if (dma_rd_valid && dma_rd_last) tag_rp <= tag_rp + 4'd1;
      // the engine reset: what is outstanding is answered into nothing
      for (t = 0; t < 8; t = t + 1)
        if (erst) tag_live[t] <= 1'b0;
        else if (rq_new && tag_wp[2:0] == t[2:0]) tag_live[t] <= 1'b1;
    end
  end

  // --- the write port -------------------------------------------------------------------------
  localparam [1:0] WK_DATA = 2'd0, WK_RXWB = 2'd1, WK_TXWB = 2'd2;
  reg          wo_valid;
  reg  [63:0]  wo_addr;
  reg  [W-1:0] wo_data;
  reg  [B-1:0] wo_be;
  reg  [1:0]   wo_kind;
  wire         wo_free = !wo_valid || dma_wr_ready;
  wire         wo_hs   = wo_valid && dma_wr_ready;
  assign dma_wr_valid = wo_valid;
  assign dma_wr_addr  = wo_addr;
  assign dma_wr_data  = wo_data;
  assign dma_wr_be    = wo_be;
  // the writers: the transmit write-back first (a beat a frame, so the receive side
  // never waits long), else the receive side's beat
  wire          txw_want, rxw_want;
  wire [63:0]   txw_addr, rxw_addr;
  wire [127:0]  txw_desc;
  wire [W-1:0]  rxw_data;
  wire [B-1:0]  rxw_be;
  wire          rxw_wb;
  wire          txw_go = wo_free && txw_want;
  wire          rxw_go = wo_free && !txw_want && rxw_want;
  // a descriptor's 16 bytes in their place in a beat
  function automatic [B-1:0] desc_be(input [BO-1:0] a);
    desc_be = ~({B{1'b1}} << 16) << a;
  endfunction
  always @(posedge clk) begin
    if (rst) begin
      wo_valid <= 1'b0;
    end else begin
      if (dma_wr_ready) wo_valid <= 1'b0;
      if (txw_go || rxw_go) wo_valid <= 1'b1;
    end
    if (txw_go) begin
      wo_addr <= beat_of(txw_addr);
      wo_data <= {LANES{txw_desc}};
      wo_be   <= desc_be(txw_addr[BO-1:0]);
      wo_kind <= WK_TXWB;
    end else if (rxw_go) begin
      wo_addr <= rxw_wb ? beat_of(rxw_addr) : rxw_addr;
      wo_data <= rxw_data;
      wo_be   <= rxw_be;
      wo_kind <= rxw_wb ? WK_RXWB : WK_DATA;
    end
  end

  // --- transmit ---------------------------------------------------------------------------------
  localparam [2:0] T_IDLE = 3'd0, T_DESC = 3'd1, T_DATA = 3'd2, T_WB = 3'd3, T_WAIT = 3'd4;
  reg  [2:0]     tst, tst_n;
  reg            tx_stale;             // the ring was set up again: no write-back, no HEAD
  reg  [63:0]    tx_dsc;               // the descriptor's address
  reg  [63:0]    tx_addr;              // the frame's, as the descriptor gives it
  reg  [15:0]    tx_len;
  reg  [7:0]     tx_port;              // as the descriptor gives it: written back so
  reg            tx_err;
  reg  [63:0]    tx_req_addr;          // the next data read
  reg  [15:0]    tx_req_left, tx_rcv_left;
  reg  [TXF_AW:0] tx_used;             // FIFO beats held or asked for
  wire [127:0]   a_desc = dma_rd_data[{tx_dsc[BO-1:0], 3'd0} +: 128];
  wire [63:0]    d_addr = a_desc[63:0];
  wire [15:0]    d_len  = a_desc[79:64];
  wire [7:0]     d_port = a_desc[87:80];
  wire           d_ok   = d_len >= 16'd14 && d_len <= MAX_FRAME[15:0] && d_port <= 8'd1 &&
                          d_addr[5:0] == 6'd0;
  wire [15:0]    chunk  = tx_req_left < CH_BYTES ? tx_req_left : CH_BYTES;
  wire [15:0]    chunk_beats = (chunk + (B[15:0] - 16'd1)) >> BO;
  wire           tx_last_beat = tx_rcv_left <= {{(15-BO){1'b0}}, B_N};
  wire           txf_pop, txf_empty, txf_full_unused;

  assign txd_want = run && tst == T_IDLE && tx_on && tx_tail != tx_head;
  assign txd_addr = tx_base + {48'd0, tx_head, 4'd0};
  assign txb_want = run && tst == T_DATA && tx_req_left != 16'd0 &&
                    {{(15-TXF_AW){1'b0}}, tx_used} + chunk_beats <= TXD[15:0];
  assign txb_addr = tx_req_addr;
  assign txb_len  = chunk;
  assign txw_want = run && tst == T_WB && !tx_stale;
  assign txw_addr = tx_dsc;
  assign txw_desc = desc(tx_addr, tx_len, tx_port, tx_err ? (F_DONE | F_ERR) : F_DONE);
  assign tx_fin     = run && tst == T_WAIT && wo_hs && wo_kind == WK_TXWB;
  assign tx_fin_err = tx_fin && tx_err;

  always @* begin
    tst_n = tst;
    case (tst)
      T_IDLE: if (txd_go) tst_n = T_DESC;
      T_DESC: if (a_txd) tst_n = tx_stale ? T_IDLE : d_ok ? T_DATA : T_WB;
      T_DATA: if (a_txb && tx_last_beat) tst_n = tx_stale ? T_IDLE : T_WB;
      T_WB:   if (tx_stale) tst_n = T_IDLE;
              else if (txw_go) tst_n = T_WAIT;
      T_WAIT: if (tx_fin) tst_n = T_IDLE;
      default: tst_n = T_IDLE;
    endcase
    if (erst) tst_n = T_IDLE;
  end

  always @(posedge clk) begin
    tst <= tst_n;
    if (erst) begin
      tx_stale <= 1'b0;
      tx_head  <= 12'd0;
      tx_used  <= {(TXF_AW+1){1'b0}};
    end else begin
      // a set-up during a descriptor's handling spoils only that descriptor
      if (tx_cfg) tx_stale <= tst_n != T_IDLE;
      else if (tst_n == T_IDLE) tx_stale <= 1'b0;
      if (tx_cfg) tx_head <= 12'd0;
      else if (tx_fin && !tx_stale) tx_head <= (tx_head + 12'd1) & tx_mask;
      tx_used <= tx_used + (txb_go ? chunk_beats[TXF_AW:0] : {(TXF_AW+1){1'b0}})
                         - {{TXF_AW{1'b0}}, txf_pop};
    end
    if (txd_go) tx_dsc <= txd_addr;
    if (tst == T_DESC && a_txd) begin
      tx_addr     <= d_addr;
      tx_len      <= d_len;
      tx_port     <= d_port;
      tx_err      <= !d_ok;
      tx_req_addr <= d_addr;
      tx_req_left <= d_len;
      tx_rcv_left <= d_len;
    end
    if (txb_go) begin
      tx_req_addr <= tx_req_addr + {48'd0, chunk};
      tx_req_left <= tx_req_left - chunk;
    end
    if (a_txb) tx_rcv_left <= tx_rcv_left - (tx_last_beat ? tx_rcv_left : {{(15-BO){1'b0}}, B_N});
  end

  // the frame's beats, waiting for the card's port
  wire [W+B+1:0] txf_out;
  wire [BO:0]    txb_n = tx_last_beat ? tx_rcv_left[BO:0] : B_N;
  sync_fifo #(.WIDTH(W + B + 2), .ADDR_W(TXF_AW)) u_txf (
      .clk(clk), .rst(erst),
      .wr_i(a_txb), .wr_data_i({tx_port[0], tx_last_beat, first_bytes(txb_n), dma_rd_data}),
      .rd_i(txf_pop), .rd_data_o(txf_out), .empty_o(txf_empty), .full_o(txf_full_unused));
  assign host_tx_tvalid = !txf_empty;
  assign host_tx_port   = txf_out[W+B+1];
  assign host_tx_tlast  = txf_out[W+B];
  assign host_tx_tkeep  = txf_out[W +: B];
  assign host_tx_tdata  = txf_out[W-1:0];
  assign txf_pop        = host_tx_tvalid && host_tx_tready;

  // --- receive: admission -------------------------------------------------------------------------
  reg        rx_in, rx_adm;          // in a frame; that frame admitted
  reg [12:0] committed;              // frames admitted, not yet finished by the writer
  reg [12:0] rx_kill;                // of those, the oldest ones dropped by a ring set-up
  wire       rxf_full, rxf_empty;
  wire       rx_avail = rx_on && {1'b0, rx_count} > committed;
  wire       adm_now  = rx_in ? rx_adm : rx_avail;
  assign host_rx_tready = run && (adm_now ? !rxf_full : 1'b1);
  wire       rx_hs    = host_rx_tvalid && host_rx_tready;
  wire       rx_start = rx_hs && !rx_in;
  wire       rx_admit = rx_start && rx_avail;
  assign rx_drop_adm  = rx_start && !rx_avail;
  always @(posedge clk) begin
    if (erst) begin
      rx_in  <= 1'b0;
      rx_adm <= 1'b0;
    end else if (rx_hs) begin
      rx_in  <= !host_rx_tlast;
      if (rx_start) rx_adm <= rx_avail;
    end
  end

  wire [W+B+1:0] rxf_out;
  wire           rxf_pop;
  sync_fifo #(.WIDTH(W + B + 2), .ADDR_W(RXF_AW)) u_rxf (
      .clk(clk), .rst(erst),
      .wr_i(rx_hs && adm_now), .wr_data_i({host_rx_port, host_rx_tlast, host_rx_tkeep, host_rx_tdata}),
      .rd_i(rxf_pop), .rd_data_o(rxf_out), .empty_o(rxf_empty), .full_o(rxf_full));
  wire         f_port = rxf_out[W+B+1];
  wire         f_last = rxf_out[W+B];
  wire [B-1:0] f_keep = rxf_out[W +: B];
  wire [W-1:0] f_data = rxf_out[W-1:0];

  // --- receive: the descriptor prefetch -------------------------------------------------------------
  reg         pf_valid, pf_pending, pf_stale;
  reg  [63:0] pf_dsc, pf_addr;
  reg  [15:0] pf_len;
  reg         wd_valid;                 // the writer holds the descriptor at HEAD
  wire [127:0] r_desc = dma_rd_data[{pf_dsc[BO-1:0], 3'd0} +: 128];
  assign rxd_want = run && rx_on && !pf_valid && !pf_pending && rx_count > {11'd0, wd_valid};
  assign rxd_addr = rx_base + {48'd0, (rx_head + {11'd0, wd_valid}) & rx_mask, 4'd0};

  // --- receive: the writer ------------------------------------------------------------------------
  localparam [1:0] W_IDLE = 2'd0, W_DATA = 2'd1, W_WB = 2'd2, W_WAIT = 2'd3;
  reg  [1:0]  wst, wst_n;
  reg  [63:0] wd_dsc, wd_addr;
  reg  [15:0] wd_len;                   // the bytes the buffer takes (0: misaligned)
  reg         wd_mis;                   // the buffer's address is not a multiple of 64
  reg  [15:0] wd_off;                   // the frame's bytes so far
  reg  [15:0] wd_st;                    // the length written back
  reg         wd_cut, wd_port;
  wire        killed = rx_kill != 13'd0;   // the frame in hand is one of the dropped
  wire [15:0] room   = wd_off < wd_len ? wd_len - wd_off : 16'd0;
  wire [B-1:0] fit   = room >= {{(15-BO){1'b0}}, B_N} ? {B{1'b1}} : first_bytes(room[BO:0]);
  wire [B-1:0] w_be  = f_keep & fit;
  wire        w_beat = wst == W_DATA && !rxf_empty;
  wire        w_skip = killed || w_be == {B{1'b0}};   // a beat with nothing to write
  wire [15:0] f_len  = wd_off + {{(15-BO){1'b0}}, nbytes(f_keep)};
  wire        w_take = wst == W_IDLE && !rxf_empty && (killed || pf_valid);
  assign rxw_want = run && ((w_beat && !w_skip) || (wst == W_WB && !killed));
  assign rxw_wb   = wst == W_WB;
  assign rxw_addr = wst == W_WB ? wd_dsc : {wd_addr[63:6], 6'd0} + {48'd0, wd_off};
  assign rxw_data = wst == W_WB ? {LANES{desc(wd_addr, wd_st, {7'd0, wd_port}, wd_cut ? (F_DONE | F_ERR) : F_DONE)}}
                                : f_data;
  assign rxw_be   = wst == W_WB ? desc_be(wd_dsc[BO-1:0]) : w_be;
  assign rxf_pop  = run && w_beat && (w_skip || rxw_go);
  wire        w_end  = rxf_pop && f_last;
  wire        w_fin  = run && wst == W_WAIT && wo_hs && wo_kind == WK_RXWB;
  // a frame finished: written back (HEAD moves) or dropped after a set-up
  wire        fin_kill = run && ((w_end && killed) || (wst == W_WB && killed) || (w_fin && killed));
  assign rx_fin       = w_fin && !killed;
  assign rx_fin_mis   = rx_fin && wd_mis;
  assign rx_drop_kill = fin_kill;
  wire        fin_any = rx_fin || fin_kill;
  wire [12:0] committed_n = committed + {12'd0, rx_admit} - {12'd0, fin_any};

  always @* begin
    wst_n = wst;
    case (wst)
      W_IDLE: if (run && w_take) wst_n = W_DATA;
      W_DATA: if (w_end) wst_n = killed ? W_IDLE : W_WB;
      W_WB:   if (killed) wst_n = W_IDLE;
              else if (rxw_go) wst_n = W_WAIT;
      default: if (w_fin) wst_n = W_IDLE;     // W_WAIT
    endcase
    if (erst) wst_n = W_IDLE;
  end

  always @(posedge clk) begin
    wst <= wst_n;
    if (erst) begin
      rx_head    <= 12'd0;
      committed  <= 13'd0;
      rx_kill    <= 13'd0;
      pf_valid   <= 1'b0;
      pf_pending <= 1'b0;
      pf_stale   <= 1'b0;
      wd_valid   <= 1'b0;
    end else begin
      committed <= committed_n;
      // the prefetch
      if (rxd_go) begin
        pf_pending <= 1'b1;
        pf_dsc     <= rxd_addr;
      end
      if (a_rxd && dma_rd_last) begin
        pf_pending <= 1'b0;
        pf_stale   <= 1'b0;
        pf_valid   <= !pf_stale;
        pf_addr    <= r_desc[63:0];
        pf_len     <= r_desc[79:64];
      end
      // the writer
      if (wst == W_IDLE && run && w_take) begin
        wd_off <= 16'd0;
        if (!killed) begin
          pf_valid <= 1'b0;
          wd_valid <= 1'b1;
          wd_dsc   <= pf_dsc;
          wd_addr  <= pf_addr;
          wd_mis   <= pf_addr[5:0] != 6'd0;
          wd_len   <= pf_addr[5:0] == 6'd0 ? pf_len : 16'd0;
        end
      end
      if (rxf_pop) begin
        wd_off <= wd_off + {{(15-BO){1'b0}}, B_N};
        if (f_last) begin
          wd_st   <= f_len < wd_len ? f_len : wd_len;
          wd_cut  <= f_len > wd_len;
          wd_port <= f_port;
        end
      end
      if (fin_any) wd_valid <= 1'b0;
      if (fin_kill) rx_kill <= rx_kill - 13'd1;
      if (rx_cfg) rx_head <= 12'd0;
      else if (rx_fin) rx_head <= (rx_head + 12'd1) & rx_mask;
      // a set-up: what was admitted is dropped, what was prefetched forgotten
      if (rx_cfg) begin
        rx_kill    <= committed_n;
        pf_valid   <= 1'b0;
        pf_stale   <= (pf_pending && !(a_rxd && dma_rd_last)) || rxd_go;
        wd_valid   <= 1'b0;
      end
    end
  end

  wire unused = &{1'b0, txf_full_unused, txr_size[31:13], rxr_size[31:13], txr_tail[31:12],
                  rxr_tail[31:12], r_desc[127:80], a_desc[127:88], chunk_beats[15:TXF_AW+1]};
endmodule

`default_nettype wire
