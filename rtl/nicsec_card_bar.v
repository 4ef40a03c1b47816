// The card as the host sees it: nicsec_card with its host side behind the BAR0
// register block (card_csr, regmap/bar0.def, docs/bar0.md) and its exception
// path's frames behind the DMA engine (card_dma, docs/dma.md). The host reaches
// SAs, policy rules, counters, events, the rings and the soft reset only through
// 32-bit register requests, and frames only through host memory; the LAN and WAN
// ports stay ports. This is the top that `nicsec-sim run` and the PCIe wrapper
// put their BAR, their host memory and their interrupt in front of.
//
// Register requests (card_csr): at most one a cycle, never refused; a read's
// data comes back exactly 3 cycles after its request, with rsp_valid; accesses
// take effect in order. The card and the DMA engine are held in reset by rst or
// by a soft reset (RESET.go). Between card_csr and the card: the SA install and
// read-back, which slots hold an SA (SA_USED: the SA table's own bits, a word
// asked for from card_csr's stage 1), the policy rule write (card_csr keeps the
// rules as written, for SPD_COMMIT.read), counters and events.
//
// Host memory (card_dma, W = 128*LANES bits, B = W/8 bytes a beat): read requests
// (dma_rd_req_*: a B-aligned address, a length in bytes) answered in order on
// dma_rd_* (ceil(len/B) beats, the last with dma_rd_last; byte i of a beat is the
// byte at the beat's address + i); posted writes of a beat each (dma_wr_*, a
// B-aligned address, byte enables), reaching memory in order and before any read
// requested after them. irq is high while INT_CAUSE & INT_MASK is not 0.
`default_nettype none
`include "sa_record.vh"
`include "bar0.vh"

module nicsec_card_bar #(
    parameter LANES   = 1,
    parameter SA_W    = 12,
    parameter N_RULES = 64
) (
    input  wire                 clk,
    input  wire                 rst,
    // BAR0
    input  wire                 req_valid,
    input  wire                 req_write,
    input  wire [`BAR0_AW-1:0]  req_addr,
    input  wire [31:0]          req_wdata,
    input  wire [3:0]           req_be,
    output wire                 rsp_valid,
    output wire [31:0]          rsp_rdata,
    // LAN
    input  wire [128*LANES-1:0] lan_rx_tdata,
    input  wire [16*LANES-1:0]  lan_rx_tkeep,
    input  wire                 lan_rx_tvalid,
    output wire                 lan_rx_tready,
    input  wire                 lan_rx_tlast,
    output wire [128*LANES-1:0] lan_tx_tdata,
    output wire [16*LANES-1:0]  lan_tx_tkeep,
    output wire                 lan_tx_tvalid,
    input  wire                 lan_tx_tready,
    output wire                 lan_tx_tlast,
    // WAN
    input  wire [128*LANES-1:0] wan_rx_tdata,
    input  wire [16*LANES-1:0]  wan_rx_tkeep,
    input  wire                 wan_rx_tvalid,
    output wire                 wan_rx_tready,
    input  wire                 wan_rx_tlast,
    output wire [128*LANES-1:0] wan_tx_tdata,
    output wire [16*LANES-1:0]  wan_tx_tkeep,
    output wire                 wan_tx_tvalid,
    input  wire                 wan_tx_tready,
    output wire                 wan_tx_tlast,
    // host memory (the exception path's rings and frames) and the interrupt
    output wire                 dma_rd_req_valid,
    input  wire                 dma_rd_req_ready,
    output wire [63:0]          dma_rd_req_addr,
    output wire [15:0]          dma_rd_req_len,
    input  wire                 dma_rd_valid,
    output wire                 dma_rd_ready,
    input  wire [128*LANES-1:0] dma_rd_data,
    input  wire                 dma_rd_last,
    output wire                 dma_wr_valid,
    input  wire                 dma_wr_ready,
    output wire [63:0]          dma_wr_addr,
    output wire [128*LANES-1:0] dma_wr_data,
    output wire [16*LANES-1:0]  dma_wr_be,
    output wire                 irq
);
  localparam RI = $clog2(N_RULES);
  localparam UW = SA_W > 5 ? SA_W - 5 : 1;          // a word of SA_USED's index

  wire                  card_rst_soft;
  wire                  sa_wr_valid, sa_wr_ready, sa_wr_key_256;
  wire [SA_W-1:0]       sa_wr_idx;
  wire [`SA_REC_W-1:0]  sa_wr_rec;
  wire [255:0]          sa_wr_key;
  wire [63:0]           sa_wr_seq;
  wire [SA_W-1:0]       sa_rd_idx;
  wire [`SA_REC_W-1:0]  sa_rd_rec;
  wire [UW-1:0]         sa_used_word;
  wire [31:0]           sa_used;
  wire                  spd_wr_valid, spd_wr_en, spd_wr_v6, spd_wr_proto_any;
  wire [RI-1:0]         spd_wr_idx;
  wire [127:0]          spd_wr_src, spd_wr_dst;
  wire [7:0]            spd_wr_src_plen, spd_wr_dst_plen, spd_wr_proto;
  wire [1:0]            spd_wr_action;
  wire [SA_W-1:0]       spd_wr_sa, cnt_rd_idx;
  wire [3:0]            cnt_rd_sel;
  wire [4:0]            glb_rd_sel;
  wire [63:0]           cnt_rd_value, glb_rd_value;
  wire                  ev_valid, ev_ready;
  wire [31:0]           ev_data, ev_icv_interval;
  wire                  dma_clr, dma_reg_wr;
  wire [`BAR0_AW-1:0]   dma_reg_addr;
  wire [31:0]           dma_reg_wdata, dma_reg_rdata;
  wire [3:0]            dma_reg_be;
  // the exception path, between the card and the DMA engine
  wire [128*LANES-1:0]  host_rx_tdata, host_tx_tdata;
  wire [16*LANES-1:0]   host_rx_tkeep, host_tx_tkeep;
  wire                  host_rx_tvalid, host_rx_tready, host_rx_tlast, host_rx_port;
  wire                  host_tx_tvalid, host_tx_tready, host_tx_tlast, host_tx_port;

  card_csr #(.LANES(LANES), .SA_W(SA_W), .N_RULES(N_RULES), .UW(UW)) u_csr (
      .clk(clk), .rst(rst),
      .req_valid(req_valid), .req_write(req_write), .req_addr(req_addr), .req_wdata(req_wdata),
      .req_be(req_be), .rsp_valid(rsp_valid), .rsp_rdata(rsp_rdata),
      .card_rst_o(card_rst_soft),
      .sa_wr_valid(sa_wr_valid), .sa_wr_ready(sa_wr_ready), .sa_wr_idx(sa_wr_idx), .sa_wr_rec(sa_wr_rec),
      .sa_wr_key_256(sa_wr_key_256), .sa_wr_key(sa_wr_key), .sa_wr_seq(sa_wr_seq),
      .sa_rd_idx(sa_rd_idx), .sa_rd_rec(sa_rd_rec), .sa_used_word(sa_used_word), .sa_used(sa_used),
      .spd_wr_valid(spd_wr_valid), .spd_wr_idx(spd_wr_idx), .spd_wr_en(spd_wr_en), .spd_wr_v6(spd_wr_v6),
      .spd_wr_src(spd_wr_src), .spd_wr_src_plen(spd_wr_src_plen), .spd_wr_dst(spd_wr_dst),
      .spd_wr_dst_plen(spd_wr_dst_plen), .spd_wr_proto_any(spd_wr_proto_any), .spd_wr_proto(spd_wr_proto),
      .spd_wr_action(spd_wr_action), .spd_wr_sa(spd_wr_sa),
      .cnt_rd_idx(cnt_rd_idx), .cnt_rd_sel(cnt_rd_sel), .cnt_rd_value(cnt_rd_value),
      .glb_rd_sel(glb_rd_sel), .glb_rd_value(glb_rd_value),
      .ev_valid(ev_valid), .ev_ready(ev_ready), .ev_data(ev_data), .ev_icv_interval(ev_icv_interval),
      .dma_clr_o(dma_clr), .dma_reg_wr(dma_reg_wr), .dma_reg_addr(dma_reg_addr),
      .dma_reg_wdata(dma_reg_wdata), .dma_reg_be(dma_reg_be), .dma_reg_rdata(dma_reg_rdata));

  card_dma #(.LANES(LANES)) u_dma (
      .clk(clk), .rst(rst), .clr_i(dma_clr), .hold_i(card_rst_soft),
      .reg_wr_i(dma_reg_wr), .reg_addr_i(dma_reg_addr), .reg_wdata_i(dma_reg_wdata),
      .reg_be_i(dma_reg_be), .reg_rdata_o(dma_reg_rdata),
      .ev_pending_i(ev_valid), .irq_o(irq),
      .host_rx_tdata(host_rx_tdata), .host_rx_tkeep(host_rx_tkeep), .host_rx_tvalid(host_rx_tvalid),
      .host_rx_tready(host_rx_tready), .host_rx_tlast(host_rx_tlast), .host_rx_port(host_rx_port),
      .host_tx_tdata(host_tx_tdata), .host_tx_tkeep(host_tx_tkeep), .host_tx_tvalid(host_tx_tvalid),
      .host_tx_tready(host_tx_tready), .host_tx_tlast(host_tx_tlast), .host_tx_port(host_tx_port),
      .dma_rd_req_valid(dma_rd_req_valid), .dma_rd_req_ready(dma_rd_req_ready),
      .dma_rd_req_addr(dma_rd_req_addr), .dma_rd_req_len(dma_rd_req_len),
      .dma_rd_valid(dma_rd_valid), .dma_rd_ready(dma_rd_ready), .dma_rd_data(dma_rd_data),
      .dma_rd_last(dma_rd_last),
      .dma_wr_valid(dma_wr_valid), .dma_wr_ready(dma_wr_ready), .dma_wr_addr(dma_wr_addr),
      .dma_wr_data(dma_wr_data), .dma_wr_be(dma_wr_be));

  nicsec_card #(.LANES(LANES), .SA_W(SA_W), .N_RULES(N_RULES), .UW(UW)) u_card (
      .clk(clk), .rst(rst || card_rst_soft),
      .lan_rx_tdata(lan_rx_tdata), .lan_rx_tkeep(lan_rx_tkeep), .lan_rx_tvalid(lan_rx_tvalid),
      .lan_rx_tready(lan_rx_tready), .lan_rx_tlast(lan_rx_tlast),
      .lan_tx_tdata(lan_tx_tdata), .lan_tx_tkeep(lan_tx_tkeep), .lan_tx_tvalid(lan_tx_tvalid),
      .lan_tx_tready(lan_tx_tready), .lan_tx_tlast(lan_tx_tlast),
      .wan_rx_tdata(wan_rx_tdata), .wan_rx_tkeep(wan_rx_tkeep), .wan_rx_tvalid(wan_rx_tvalid),
      .wan_rx_tready(wan_rx_tready), .wan_rx_tlast(wan_rx_tlast),
      .wan_tx_tdata(wan_tx_tdata), .wan_tx_tkeep(wan_tx_tkeep), .wan_tx_tvalid(wan_tx_tvalid),
      .wan_tx_tready(wan_tx_tready), .wan_tx_tlast(wan_tx_tlast),
      .host_rx_tdata(host_rx_tdata), .host_rx_tkeep(host_rx_tkeep), .host_rx_tvalid(host_rx_tvalid),
      .host_rx_tready(host_rx_tready), .host_rx_tlast(host_rx_tlast), .host_rx_port(host_rx_port),
      .host_tx_tdata(host_tx_tdata), .host_tx_tkeep(host_tx_tkeep), .host_tx_tvalid(host_tx_tvalid),
      .host_tx_tready(host_tx_tready), .host_tx_tlast(host_tx_tlast), .host_tx_port(host_tx_port),
      .sa_wr_valid(sa_wr_valid), .sa_wr_ready(sa_wr_ready), .sa_wr_idx(sa_wr_idx), .sa_wr_rec(sa_wr_rec),
      .sa_wr_key_256(sa_wr_key_256), .sa_wr_key(sa_wr_key), .sa_wr_seq(sa_wr_seq),
      .sa_rd_idx(sa_rd_idx), .sa_rd_rec(sa_rd_rec), .sa_used_word(sa_used_word), .sa_used(sa_used),
      .spd_wr_valid(spd_wr_valid), .spd_wr_idx(spd_wr_idx), .spd_wr_en(spd_wr_en), .spd_wr_v6(spd_wr_v6),
      .spd_wr_src(spd_wr_src), .spd_wr_src_plen(spd_wr_src_plen), .spd_wr_dst(spd_wr_dst),
      .spd_wr_dst_plen(spd_wr_dst_plen), .spd_wr_proto_any(spd_wr_proto_any), .spd_wr_proto(spd_wr_proto),
      .spd_wr_action(spd_wr_action), .spd_wr_sa(spd_wr_sa),
      .cnt_rd_idx(cnt_rd_idx), .cnt_rd_sel(cnt_rd_sel), .cnt_rd_value(cnt_rd_value),
      .glb_rd_sel(glb_rd_sel), .glb_rd_value(glb_rd_value),
      .ev_valid(ev_valid), .ev_ready(ev_ready), .ev_data(ev_data), .ev_icv_interval(ev_icv_interval));
endmodule

`default_nettype wire
