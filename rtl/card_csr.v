// The card's BAR0 register block: 32-bit register requests from the PCIe side
// (simulated or real) turned into the card's host-side ports (docs/card.md):
// SA installs, policy rule writes, counter reads, the event FIFO, the ICV event
// interval, a soft reset, and the DMA engine's registers (card_dma). The register map is regmap/bar0.def, through the
// generated bar0.vh; docs/bar0.md describes it for the host.
//
// Request interface: at most one request a cycle, never refused: req_valid with
// req_write, req_addr (a byte offset; bits 1:0 are ignored, req_be picks the
// bytes), req_wdata and req_be. A read is answered exactly 3 cycles after its
// request's cycle (rsp_valid high for that cycle, with rsp_rdata); a write gets
// no answer. Every access is carried out in the third cycle of its request
// ("stage 2"): reads sample there and writes land at its end, so accesses take
// effect strictly in order, back to back.
//
// Why three: a read of CNT_LO or GLB_LO must see the select written by the
// request just before it, and the card answers a select two cycles after it
// sees it. So the selects go to the card straight from the request (cnt_rd_idx,
// cnt_rd_sel and glb_rd_sel are registered from req_* at the end of the
// request's cycle), and the read samples cnt_rd_value / glb_rd_value in its
// stage-2 cycle: three cycles after a select written the cycle before, the
// first cycle the card's answer is there.
//
// SA install: the staging registers drive sa_wr_idx/rec/key/key_256/seq all the
// time, and a write of SA_COMMIT.go raises sa_wr_valid for its stage-2 cycle, but
// only when sa_wr_ready is high then, so every raise is a handshake; the card
// copies the staging registers at that edge and the key words are cleared at the
// same edge. A commit while sa_wr_ready is low (an install in progress, the card
// in reset) is refused: nothing is raised, the staging is kept and ERR.busy is
// set. SA read-back (SA_COMMIT.read, go 0): the index is latched (sa_rd_idx) and
// the card's record for it, there RD_LAT cycles later on sa_rd_rec, is copied
// into the SA_REC words; SA_COMMIT.busy is high from the cycle after the command
// until the copy is in, and a commit or a read meanwhile is refused as above.
//
// SA_USED: which slots hold an SA is the SA table's own valid bits (sa_table's
// word port), not a copy kept here, so it can never disagree with what the
// pipelines look up. The table answers a cycle after the word index, so the
// index (sa_used_word) comes from stage 1's address, the way CNT_SEL's early copy
// goes ahead of its read, and the word is on sa_used in the read's stage 2. A
// slot changes in the table the cycle its record is written, and sa_wr_ready is
// high again the cycle after: a read that follows one that saw SA_COMMIT.busy 0
// samples the table after the write. While the card is in reset the table is
// being emptied, and SA_USED reads 0, so a read right behind RESET.go already
// sees no SA. Words past this card's table (CAP_SA/32) read 0.
//
// Policy rules: a write of SPD_COMMIT.go raises spd_wr_valid for its stage-2
// cycle (refused while the card is in reset, where spd_lookup would drop it).
// spd_lookup holds its rules masked to their prefixes in registers it compares
// all at once, with no read port, so the rules as the host wrote them are kept
// here too for SPD_COMMIT.read: whether each index holds a rule in a vector of
// registers that resets with spd_lookup's (rst and the soft reset; no write can
// come between this block's reset and the card's), and the rest in a LUT-RAM
// (rule_mem, read asynchronously at SPD_INDEX, no reset: only a set valid bit
// makes a word of it mean anything), both written only by spd_wr_valid, so
// they hold exactly what spd_lookup took. A read (SPD_COMMIT.read with go 0)
// copies the rule at SPD_INDEX, or all zeros, into the staging registers at the
// end of its own stage-2 cycle, so the next access reads the copy; it is never
// refused (during a reset there is simply no rule to copy).
//
// Events: a read of EV_DATA raises ev_ready in its stage-2 cycle and returns
// ev_data, or 0 if ev_valid is low.
//
// Bad accesses (unmapped offsets, as bar0.def maps them; writes to read-only
// registers; refused commits) change nothing but ERR and ERR_ADDR; an unmapped
// read returns BAR0_BAD_READ.
//
// The DMA window (0x800 .. 0x8ff) belongs to card_dma, which keeps its own
// registers beside its engine: its accesses are decided here like any other
// (mapped, writable, flagged in ERR when not), and those that are good are handed
// on in their stage-2 cycle (dma_reg_wr with the offset, data and byte enables);
// a read takes dma_reg_rdata, which card_dma gives for dma_reg_addr in that same
// cycle. So the window answers with the same latency and in the same order as
// the rest. dma_clr_o is the soft reset's write, for card_dma's registers.
//
// Soft reset (RESET.go): card_rst_o is held for RESET_CYCLES cycles, and every
// register here goes to its reset value at once, but CNT_SEL and GLB_SEL (a
// select written right behind the reset reaches the card before the reset
// lands, and must not be undone by it) and the request pipeline.
`default_nettype none
`include "sa_record.vh"
`include "bar0.vh"

module card_csr #(
    parameter LANES        = 1,
    parameter SA_W         = 12,    // at most 12: the map's SA index fields
    parameter N_RULES      = 64,    // at most 64: SPD_INDEX.idx
    parameter MAX_FRAME    = 9216,  // what CAP_FRAME says: the card's frame_front limit
    parameter RESET_CYCLES = 16,    // 1 .. 31
    parameter UW           = SA_W > 5 ? SA_W - 5 : 1    // sa_used_word: a word of 32 slots
) (
    input  wire                       clk,
    input  wire                       rst,
    // register requests, from the PCIe side
    input  wire                       req_valid,
    input  wire                       req_write,
    input  wire [`BAR0_AW-1:0]        req_addr,
    input  wire [31:0]                req_wdata,
    input  wire [3:0]                 req_be,
    output reg                        rsp_valid,
    output reg  [31:0]                rsp_rdata,
    // the card's reset, besides rst
    output wire                       card_rst_o,
    // SA table
    output wire                       sa_wr_valid,
    input  wire                       sa_wr_ready,
    output wire [SA_W-1:0]            sa_wr_idx,
    output wire [`SA_REC_W-1:0]       sa_wr_rec,
    output wire                       sa_wr_key_256,
    output wire [255:0]               sa_wr_key,
    output wire [63:0]                sa_wr_seq,
    output reg  [SA_W-1:0]            sa_rd_idx,
    input  wire [`SA_REC_W-1:0]       sa_rd_rec,
    output wire [UW-1:0]              sa_used_word,    // from stage 1 (see the top)
    input  wire [31:0]                sa_used,         // that word, in stage 2
    // policy table
    output wire                       spd_wr_valid,
    output wire [$clog2(N_RULES)-1:0] spd_wr_idx,
    output wire                       spd_wr_en,
    output wire                       spd_wr_v6,
    output wire [127:0]               spd_wr_src,
    output wire [7:0]                 spd_wr_src_plen,
    output wire [127:0]               spd_wr_dst,
    output wire [7:0]                 spd_wr_dst_plen,
    output wire                       spd_wr_proto_any,
    output wire [7:0]                 spd_wr_proto,
    output wire [1:0]                 spd_wr_action,
    output wire [SA_W-1:0]            spd_wr_sa,
    // counters
    output wire [SA_W-1:0]            cnt_rd_idx,
    output wire [3:0]                 cnt_rd_sel,
    input  wire [63:0]                cnt_rd_value,
    output wire [4:0]                 glb_rd_sel,
    input  wire [63:0]                glb_rd_value,
    // events
    input  wire                       ev_valid,
    output wire                       ev_ready,
    input  wire [31:0]                ev_data,
    output reg  [31:0]                ev_icv_interval,
    // the DMA window (card_dma)
    output wire                       dma_clr_o,
    output wire                       dma_reg_wr,
    output wire [`BAR0_AW-1:0]        dma_reg_addr,
    output wire [31:0]                dma_reg_wdata,
    output wire [3:0]                 dma_reg_be,
    input  wire [31:0]                dma_reg_rdata
);
  localparam AW = `BAR0_AW;
  localparam RI = $clog2(N_RULES);
  localparam RW = `BAR0_SA_REC_N;                  // the record's words
  localparam RB = $clog2(RW);
  localparam [32*RW-1:0] REC_MASK = {(32*RW){1'b1}} >> (32*RW - `SA_REC_W);
  // The record's salt is keying material (RFC 4106 8.1: the last 4 bytes of the
  // key), so like the key it never reads back: its bits of SA_REC read 0, it is
  // cleared from the staging at each commit the card takes, and a read-back
  // copies the installed record without it.
  function automatic [32*RW-1:0] with_salt(input [32*RW-1:0] rec);
    begin
      with_salt = rec;
      with_salt[`SA_REC_SALT] = {32{1'b1}};
    end
  endfunction
  localparam [32*RW-1:0] SALT_MASK = with_salt({(32*RW){1'b0}});
  // the bits each register holds: the map's, an index field cut to this card's size
  function automatic [31:0] cut(input [31:0] reg_mask, input [31:0] field_mask, input integer lsb,
                                input integer width);
    cut = reg_mask & ~(field_mask & ~(((32'd1 << width) - 32'd1) << lsb));
  endfunction
  localparam [31:0] SA_INDEX_M  = cut(`BAR0_SA_INDEX_MASK, `BAR0_SA_INDEX_IDX_MASK,
                                     `BAR0_SA_INDEX_IDX_LSB, SA_W);
  localparam [31:0] SPD_INDEX_M = cut(`BAR0_SPD_INDEX_MASK, `BAR0_SPD_INDEX_IDX_MASK,
                                     `BAR0_SPD_INDEX_IDX_LSB, RI);
  localparam [31:0] SPD_SA_M    = cut(`BAR0_SPD_SA_MASK, `BAR0_SPD_SA_SA_MASK, `BAR0_SPD_SA_SA_LSB, SA_W);
  localparam [31:0] CNT_SEL_M   = cut(`BAR0_CNT_SEL_MASK, `BAR0_CNT_SEL_IDX_MASK,
                                     `BAR0_CNT_SEL_IDX_LSB, SA_W);
  localparam [31:0] ALL          = 32'hffffffff;
  localparam        RD_LAT       = 1;                // the card's record, after sa_rd_idx

  // a write's bytes, into a register holding `mask`
  function automatic [31:0] merge(input [31:0] old, input [31:0] data, input [3:0] be,
                                  input [31:0] mask);
    reg [31:0] m;
    begin
      m     = {{8{be[3]}}, {8{be[2]}}, {8{be[1]}}, {8{be[0]}}} & mask;
      merge = (old & ~m) | (data & m);
    end
  endfunction

  // --- the request pipeline: stage 1 a delay, stage 2 where accesses happen -------------
  wire [AW-1:0] req_off = {req_addr[AW-1:2], 2'b00};
  reg           s1_valid, s1_write, s2_valid, s2_write;
  reg  [AW-1:0] s1_addr, s2_addr;
  reg  [31:0]   s1_wdata, s2_wdata;
  reg  [3:0]    s1_be, s2_be;
  reg           s2_mapped, s2_writable;
  always @(posedge clk) begin
    s1_valid    <= req_valid && !rst;
    s1_write    <= req_write;
    s1_addr     <= req_off;
    s1_wdata    <= req_wdata;
    s1_be       <= req_be;
    s2_valid    <= s1_valid && !rst;
    s2_write    <= s1_write;
    s2_addr     <= s1_addr;
    s2_wdata    <= s1_wdata;
    s2_be       <= s1_be;
    s2_mapped   <= `BAR0_IS_MAPPED(s1_addr);
    s2_writable <= `BAR0_IS_WRITABLE(s1_addr);
  end

  wire rd = s2_valid && !s2_write;
  wire wr = s2_valid && s2_write && s2_mapped && s2_writable;
  wire go = s2_be[0] && s2_wdata[0];               // a command's bit 0, written
  // the register of an array
  wire [AW-1:0] key_rel = s2_addr - `BAR0_SA_KEY;
  wire [AW-1:0] rec_rel = s2_addr - `BAR0_SA_REC;
  wire [AW-1:0] src_rel = s2_addr - `BAR0_SPD_SRC;
  wire [AW-1:0] dst_rel = s2_addr - `BAR0_SPD_DST;
  wire          in_key  = key_rel < 4 * `BAR0_SA_KEY_N;
  wire          in_rec  = rec_rel < 4 * `BAR0_SA_REC_N;
  wire          in_src  = src_rel < 4 * `BAR0_SPD_SRC_N;
  wire          in_dst  = dst_rel < 4 * `BAR0_SPD_DST_N;
  wire [2:0]    key_w   = key_rel[4:2];
  wire [RB-1:0] rec_w   = rec_rel[RB+1:2];
  wire [1:0]    src_w   = src_rel[3:2];
  wire [1:0]    dst_w   = dst_rel[3:2];
  localparam [AW-1:0] DMA_BASE = `BAR0_TXR_BASE_LO;     // the window's first register
  wire          in_dma  = s2_addr[AW-1:8] == DMA_BASE[AW-1:8];

  // SA_USED: the word asked of the SA table from stage 1, so that its answer, a
  // cycle later, is there in stage 2 (see the top)
  localparam NW = ((1 << SA_W) + 31) / 32;             // the words this card's table has
  wire [AW-1:0] used_rel_s1 = s1_addr - `BAR0_SA_USED;
  wire [AW-1:0] used_rel    = s2_addr - `BAR0_SA_USED;
  wire          in_used     = used_rel < 4 * `BAR0_SA_USED_N;
  reg           s2_used_have;                           // a word of this card's table
  always @(posedge clk) s2_used_have <= used_rel_s1 < 4 * NW;
  assign sa_used_word = used_rel_s1[UW+1:2];

  // --- state ---------------------------------------------------------------------------
  reg  [31:0]      scratch, sa_index, sa_key_size, sa_seq_lo, sa_seq_hi, sa_commits;
  reg  [255:0]     sa_key;
  reg  [32*RW-1:0] sa_rec;
  reg  [31:0]      spd_index, spd_flags, spd_plen, spd_proto, spd_action, spd_sa;
  reg  [127:0]     spd_src, spd_dst;
  reg  [31:0]      cnt_sel, glb_sel;          // as read back; cnt_sel_e, glb_sel_e drive the card
  reg  [31:0]      cnt_hi, glb_hi;
  reg  [31:0]      err, err_addr;
  reg  [4:0]       rst_left;                  // cycles of the card's reset to go
  wire             resetting = rst_left != 5'd0;
  reg  [1:0]       rd_left;                   // an SA read-back: cycles to its copy

  wire sa_go   = wr && s2_addr == `BAR0_SA_COMMIT && go;
  // a read-back: SA_COMMIT's read bit written with go 0 (go and read: an install)
  wire sa_rd   = wr && s2_addr == `BAR0_SA_COMMIT && s2_be[0] && s2_wdata[`BAR0_SA_COMMIT_READ_LSB] && !go;
  wire spd_go  = wr && s2_addr == `BAR0_SPD_COMMIT && go;
  // a rule's read-back: SPD_COMMIT's read bit written with go 0
  wire spd_rd  = wr && s2_addr == `BAR0_SPD_COMMIT && s2_be[0] && s2_wdata[`BAR0_SPD_COMMIT_READ_LSB] && !go;
  wire sa_busy = !sa_wr_ready || rd_left != 2'd0;
  wire rd_copy = rd_left == 2'd1;             // the record is on sa_rd_rec
  wire soft_rst = wr && s2_addr == `BAR0_RESET && go;     // again during one: starts over
  assign sa_wr_valid  = sa_go && !sa_busy;
  assign spd_wr_valid = spd_go && !resetting;

  // what went wrong this cycle
  reg [31:0] err_new;
  always @* begin
    err_new = 32'd0;
    err_new[`BAR0_ERR_RD_UNMAPPED] = rd && !s2_mapped;
    err_new[`BAR0_ERR_WR_UNMAPPED] = s2_valid && s2_write && !s2_mapped;
    err_new[`BAR0_ERR_WR_RO]       = s2_valid && s2_write && s2_mapped && !s2_writable;
    err_new[`BAR0_ERR_BUSY]        = ((sa_go || sa_rd) && sa_busy) || (spd_go && resetting);
  end
  reg [31:0] err_here;                            // ERR_ADDR for this access
  always @* begin
    err_here = 32'd0;
    err_here[`BAR0_ERR_ADDR_OFFSET] = s2_addr;
    err_here[`BAR0_ERR_ADDR_WRITE]  = s2_write;
  end

  // --- the policy rules as written, for SPD_COMMIT.read (see the top) -------------------
  localparam SHW = 1 + 1 + 16 + 8 + 2 + SA_W + 128 + 128;  // v6, proto_any, plen, proto, action, sa, src, dst
  reg  [N_RULES-1:0] rule_used;                 // resets: which indices hold a rule
  reg  [SHW-1:0]     rule_mem [0:N_RULES-1];    // LUT-RAM: no reset, read asynchronously
  always @(posedge clk) begin
    if (rst || soft_rst) rule_used <= {N_RULES{1'b0}};
    else if (spd_wr_valid) rule_used[spd_wr_idx] <= spd_wr_en;
  end
  always @(posedge clk)
    if (spd_wr_valid)
      rule_mem[spd_wr_idx] <= {spd_wr_v6, spd_wr_proto_any, spd_wr_dst_plen, spd_wr_src_plen, spd_wr_proto,
                               spd_wr_action, spd_wr_sa, spd_wr_src, spd_wr_dst};
  wire            q_v6, q_proto_any;
  wire [7:0]      q_dst_plen, q_src_plen, q_proto;
  wire [1:0]      q_action;
  wire [SA_W-1:0] q_sa;
  wire [127:0]    q_src, q_dst;
  assign {q_v6, q_proto_any, q_dst_plen, q_src_plen, q_proto, q_action, q_sa, q_src, q_dst} = rule_mem[spd_wr_idx];
  // the staging registers' values for the rule at SPD_INDEX: all 0 if it holds none
  reg  [31:0]  rb_flags, rb_plen, rb_proto, rb_action, rb_sa;
  reg  [127:0] rb_src, rb_dst;
  always @* begin
    rb_flags  = 32'd0;
    rb_plen   = 32'd0;
    rb_proto  = 32'd0;
    rb_action = 32'd0;
    rb_sa     = 32'd0;
    rb_src    = 128'd0;
    rb_dst    = 128'd0;
    if (rule_used[spd_wr_idx]) begin
      rb_flags[`BAR0_SPD_FLAGS_VALID]     = 1'b1;
      rb_flags[`BAR0_SPD_FLAGS_V6]        = q_v6;
      rb_flags[`BAR0_SPD_FLAGS_PROTO_ANY] = q_proto_any;
      rb_plen[`BAR0_SPD_PLEN_SRC]         = q_src_plen;
      rb_plen[`BAR0_SPD_PLEN_DST]         = q_dst_plen;
      rb_proto[`BAR0_SPD_PROTO_PROTO]     = q_proto;
      rb_action[`BAR0_SPD_ACTION_ACTION]  = q_action;
      rb_sa[`BAR0_SPD_SA_SA_LSB +: SA_W]  = q_sa;
      rb_src                              = q_src;
      rb_dst                              = q_dst;
    end
  end

  always @(posedge clk) begin
    if (rst || soft_rst) begin
      scratch         <= `BAR0_SCRATCH_RESET;
      sa_index        <= `BAR0_SA_INDEX_RESET;
      sa_key_size     <= `BAR0_SA_KEY_SIZE_RESET;
      sa_seq_lo       <= `BAR0_SA_SEQ_LO_RESET;
      sa_seq_hi       <= `BAR0_SA_SEQ_HI_RESET;
      sa_commits      <= `BAR0_SA_COMMITS_RESET;
      sa_key          <= {`BAR0_SA_KEY_N{`BAR0_SA_KEY_RESET}};
      sa_rec          <= {`BAR0_SA_REC_N{`BAR0_SA_REC_RESET}} & REC_MASK;
      spd_index       <= `BAR0_SPD_INDEX_RESET;
      spd_flags       <= `BAR0_SPD_FLAGS_RESET;
      spd_plen        <= `BAR0_SPD_PLEN_RESET;
      spd_proto       <= `BAR0_SPD_PROTO_RESET;
      spd_action      <= `BAR0_SPD_ACTION_RESET;
      spd_sa          <= `BAR0_SPD_SA_RESET;
      spd_src         <= {`BAR0_SPD_SRC_N{`BAR0_SPD_SRC_RESET}};
      spd_dst         <= {`BAR0_SPD_DST_N{`BAR0_SPD_DST_RESET}};
      cnt_hi          <= `BAR0_CNT_HI_RESET;
      glb_hi          <= `BAR0_GLB_HI_RESET;
      err             <= `BAR0_ERR_RESET;
      err_addr        <= `BAR0_ERR_ADDR_RESET;
      ev_icv_interval <= `BAR0_EV_ICV_INTERVAL_RESET;
    end else begin
      if (wr) case (s2_addr)
        `BAR0_SCRATCH:     scratch     <= merge(scratch, s2_wdata, s2_be, `BAR0_SCRATCH_MASK);
        `BAR0_SA_INDEX:    sa_index    <= merge(sa_index, s2_wdata, s2_be, SA_INDEX_M);
        `BAR0_SA_KEY_SIZE: sa_key_size <= merge(sa_key_size, s2_wdata, s2_be, `BAR0_SA_KEY_SIZE_MASK);
        `BAR0_SA_SEQ_LO:   sa_seq_lo   <= merge(sa_seq_lo, s2_wdata, s2_be, `BAR0_SA_SEQ_LO_MASK);
        `BAR0_SA_SEQ_HI:   sa_seq_hi   <= merge(sa_seq_hi, s2_wdata, s2_be, `BAR0_SA_SEQ_HI_MASK);
        `BAR0_SPD_INDEX:   spd_index   <= merge(spd_index, s2_wdata, s2_be, SPD_INDEX_M);
        `BAR0_SPD_FLAGS:   spd_flags   <= merge(spd_flags, s2_wdata, s2_be, `BAR0_SPD_FLAGS_MASK);
        `BAR0_SPD_PLEN:    spd_plen    <= merge(spd_plen, s2_wdata, s2_be, `BAR0_SPD_PLEN_MASK);
        `BAR0_SPD_PROTO:   spd_proto   <= merge(spd_proto, s2_wdata, s2_be, `BAR0_SPD_PROTO_MASK);
        `BAR0_SPD_ACTION:  spd_action  <= merge(spd_action, s2_wdata, s2_be, `BAR0_SPD_ACTION_MASK);
        `BAR0_SPD_SA:      spd_sa      <= merge(spd_sa, s2_wdata, s2_be, SPD_SA_M);
        `BAR0_EV_ICV_INTERVAL:
          ev_icv_interval <= merge(ev_icv_interval, s2_wdata, s2_be, `BAR0_EV_ICV_INTERVAL_MASK);
        `BAR0_ERR:         err         <= err & ~merge(32'd0, s2_wdata, s2_be, `BAR0_ERR_MASK);
        default: ;
      endcase
      // the read-back's copy wins over a write of the same cycle (the host does not
      // write SA_REC while a read is busy)
      if (rd_copy) sa_rec <= {{(32*RW-`SA_REC_W){1'b0}}, sa_rd_rec} & ~SALT_MASK;
      else if (sa_wr_valid) sa_rec <= sa_rec & ~SALT_MASK;   // (no SA_REC write in that cycle)
      else if (wr && in_rec)
        sa_rec[32*rec_w +: 32] <= merge(sa_rec[32*rec_w +: 32], s2_wdata, s2_be, REC_MASK[32*rec_w +: 32]);
      if (wr && in_src) spd_src[32*src_w +: 32] <= merge(spd_src[32*src_w +: 32], s2_wdata, s2_be, ALL);
      if (wr && in_dst) spd_dst[32*dst_w +: 32] <= merge(spd_dst[32*dst_w +: 32], s2_wdata, s2_be, ALL);
      // a rule read back: the command is this cycle's only access, so nothing above
      // writes these registers in it
      if (spd_rd) begin
        spd_flags  <= rb_flags;
        spd_plen   <= rb_plen;
        spd_proto  <= rb_proto;
        spd_action <= rb_action;
        spd_sa     <= rb_sa;
        spd_src    <= rb_src;
        spd_dst    <= rb_dst;
      end
      // the key: written a word at a time, gone once the card has taken it
      if (sa_wr_valid) sa_key <= 256'd0;
      else if (wr && in_key) sa_key[32*key_w +: 32] <= merge(sa_key[32*key_w +: 32], s2_wdata, s2_be, ALL);
      if (sa_wr_valid) sa_commits <= sa_commits + 32'd1;
      // high halves, latched by the low half's read
      if (rd && s2_addr == `BAR0_CNT_LO) cnt_hi <= cnt_rd_value[63:32];
      if (rd && s2_addr == `BAR0_GLB_LO) glb_hi <= glb_rd_value[63:32];
      // bad accesses; ERR_ADDR keeps the first
      if (err_new != 32'd0) begin
        err <= err | err_new;
        if (err == 32'd0) err_addr <= err_here;
      end
    end
  end

  // the selects, as read back: with every other register, in stage 2
  always @(posedge clk) begin
    if (rst) begin
      cnt_sel <= `BAR0_CNT_SEL_RESET;
      glb_sel <= `BAR0_GLB_SEL_RESET;
    end else if (wr && s2_addr == `BAR0_CNT_SEL) begin
      cnt_sel <= merge(cnt_sel, s2_wdata, s2_be, CNT_SEL_M);
    end else if (wr && s2_addr == `BAR0_GLB_SEL) begin
      glb_sel <= merge(glb_sel, s2_wdata, s2_be, `BAR0_GLB_SEL_MASK);
    end
  end
  // ... and as the card sees them: from the request itself, two stages early (see the top)
  reg  [31:0] cnt_sel_e, glb_sel_e;
  wire        req_wr = req_valid && req_write && !rst;
  always @(posedge clk) begin
    if (rst) begin
      cnt_sel_e <= `BAR0_CNT_SEL_RESET;
      glb_sel_e <= `BAR0_GLB_SEL_RESET;
    end else if (req_wr && req_off == `BAR0_CNT_SEL) begin
      cnt_sel_e <= merge(cnt_sel_e, req_wdata, req_be, CNT_SEL_M);
    end else if (req_wr && req_off == `BAR0_GLB_SEL) begin
      glb_sel_e <= merge(glb_sel_e, req_wdata, req_be, `BAR0_GLB_SEL_MASK);
    end
  end
  assign cnt_rd_idx = cnt_sel_e[`BAR0_CNT_SEL_IDX_LSB +: SA_W];
  assign cnt_rd_sel = cnt_sel_e[`BAR0_CNT_SEL_SEL];
  assign glb_rd_sel = glb_sel_e[`BAR0_GLB_SEL_SEL];

  // the read-back: the index latched at the command, the copy RD_LAT cycles on
  always @(posedge clk) begin
    if (rst || soft_rst) begin
      rd_left <= 2'd0;
    end else if (sa_rd && !sa_busy) begin
      rd_left   <= RD_LAT[1:0] + 2'd1;
      sa_rd_idx <= sa_index[`BAR0_SA_INDEX_IDX_LSB +: SA_W];
    end else if (rd_left != 2'd0) begin
      rd_left <= rd_left - 2'd1;
    end
  end

  // the card's reset
  always @(posedge clk) begin
    if (rst) rst_left <= 5'd0;
    else if (soft_rst) rst_left <= RESET_CYCLES[4:0];
    else if (resetting) rst_left <= rst_left - 5'd1;
  end
  assign card_rst_o = resetting;

  // --- the card's inputs ---------------------------------------------------------------
  assign sa_wr_idx        = sa_index[`BAR0_SA_INDEX_IDX_LSB +: SA_W];
  assign sa_wr_rec        = sa_rec[`SA_REC_W-1:0];
  assign sa_wr_key_256    = sa_key_size[`BAR0_SA_KEY_SIZE_K256];
  assign sa_wr_key        = sa_key;
  assign sa_wr_seq        = {sa_seq_hi, sa_seq_lo};
  assign spd_wr_idx       = spd_index[`BAR0_SPD_INDEX_IDX_LSB +: RI];
  assign spd_wr_en        = spd_flags[`BAR0_SPD_FLAGS_VALID];
  assign spd_wr_v6        = spd_flags[`BAR0_SPD_FLAGS_V6];
  assign spd_wr_proto_any = spd_flags[`BAR0_SPD_FLAGS_PROTO_ANY];
  assign spd_wr_src       = spd_src;
  assign spd_wr_src_plen  = spd_plen[`BAR0_SPD_PLEN_SRC];
  assign spd_wr_dst       = spd_dst;
  assign spd_wr_dst_plen  = spd_plen[`BAR0_SPD_PLEN_DST];
  assign spd_wr_proto     = spd_proto[`BAR0_SPD_PROTO_PROTO];
  assign spd_wr_action    = spd_action[`BAR0_SPD_ACTION_ACTION];
  assign spd_wr_sa        = spd_sa[`BAR0_SPD_SA_SA_LSB +: SA_W];
  assign ev_ready         = rd && s2_addr == `BAR0_EV_DATA;
  assign dma_clr_o        = soft_rst;
  assign dma_reg_wr       = wr && in_dma;
  assign dma_reg_addr     = s2_addr;
  assign dma_reg_wdata    = s2_wdata;
  assign dma_reg_be       = s2_be;

  // --- reads ---------------------------------------------------------------------------
  reg [31:0] rdata;
  always @* begin
    rdata = s2_mapped ? 32'd0 : `BAR0_BAD_READ;
    case (s2_addr)
      `BAR0_ID:              rdata = `BAR0_ID_MAGIC;
      `BAR0_VERSION:         rdata = `BAR0_VERSION_VALUE;
      `BAR0_CAP_SA:          rdata = 32'd1 << SA_W;
      `BAR0_CAP_LANES:       rdata = LANES;
      `BAR0_CAP_RULES:       rdata = N_RULES;
      `BAR0_CAP_FRAME:       rdata = MAX_FRAME;
      `BAR0_CAP_COUNTERS: begin
        rdata[`BAR0_CAP_COUNTERS_SA]  = 9;    // cnt_rd_sel 0 .. 8 (docs/card.md)
        rdata[`BAR0_CAP_COUNTERS_GLB] = 15;   // glb_rd_sel 0 .. 14
      end
      `BAR0_CAP_FEATURES:    rdata[`BAR0_CAP_FEATURES_DMA] = 1'b1;
      `BAR0_SCRATCH:         rdata = scratch;
      `BAR0_RESET:           rdata[`BAR0_RESET_GO] = resetting;
      `BAR0_STATUS: begin
        rdata[`BAR0_STATUS_SA_BUSY]    = sa_busy;
        rdata[`BAR0_STATUS_EV_PENDING] = ev_valid;
        rdata[`BAR0_STATUS_RESETTING]  = resetting;
        rdata[`BAR0_STATUS_ERROR]      = err != 32'd0;
      end
      `BAR0_ERR:             rdata = err;
      `BAR0_ERR_ADDR:        rdata = err_addr;
      `BAR0_SA_INDEX:        rdata = sa_index;
      `BAR0_SA_KEY_SIZE:     rdata = sa_key_size;
      `BAR0_SA_SEQ_LO:       rdata = sa_seq_lo;
      `BAR0_SA_SEQ_HI:       rdata = sa_seq_hi;
      `BAR0_SA_COMMIT:       rdata[`BAR0_SA_COMMIT_BUSY] = sa_busy;
      `BAR0_SA_COMMITS:      rdata = sa_commits;
      `BAR0_SPD_INDEX:       rdata = spd_index;
      `BAR0_SPD_FLAGS:       rdata = spd_flags;
      `BAR0_SPD_PLEN:        rdata = spd_plen;
      `BAR0_SPD_PROTO:       rdata = spd_proto;
      `BAR0_SPD_ACTION:      rdata = spd_action;
      `BAR0_SPD_SA:          rdata = spd_sa;
      `BAR0_CNT_SEL:         rdata = cnt_sel;
      `BAR0_CNT_LO:          rdata = cnt_rd_value[31:0];
      `BAR0_CNT_HI:          rdata = cnt_hi;
      `BAR0_GLB_SEL:         rdata = glb_sel;
      `BAR0_GLB_LO:          rdata = glb_rd_value[31:0];
      `BAR0_GLB_HI:          rdata = glb_hi;
      `BAR0_EV_DATA:         rdata = ev_valid ? ev_data : 32'd0;
      `BAR0_EV_ICV_INTERVAL: rdata = ev_icv_interval;
      default: ;
    endcase
    if (in_rec) rdata = sa_rec[32*rec_w +: 32] & ~SALT_MASK[32*rec_w +: 32];
    if (in_src) rdata = spd_src[32*src_w +: 32];
    if (in_dst) rdata = spd_dst[32*dst_w +: 32];
    // no SA while the card is in reset, though the table empties on its first cycle
    if (in_used) rdata = s2_used_have && !resetting ? sa_used : 32'd0;
    if (in_dma && s2_mapped) rdata = dma_reg_rdata;
    // SA_KEY is write-only: 0, as set above
  end

  always @(posedge clk) begin
    rsp_valid <= rd && !rst;
    rsp_rdata <= rdata;
  end

  // bits the card does not take
  wire unused = &{1'b0, req_addr[1:0], cnt_sel_e, glb_sel_e, sa_index, sa_key_size, spd_index, spd_flags, spd_plen,
                  spd_proto, spd_action, spd_sa, sa_rec, key_rel, rec_rel, src_rel, dst_rel,
                  used_rel, used_rel_s1};
endmodule

`default_nettype wire
