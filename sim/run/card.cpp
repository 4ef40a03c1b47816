// The card's model (rtl/nicsec_card_bar.v) and what sits on its ports, one
// clock cycle at a time: frames from the interfaces fed a beat a cycle,
// frames out collected and sent, the clients' register accesses on the BAR
// request port, the DMA port served from host memory, and the irq line's
// rising edges sent to the clients.
//
// Each step observes the handshakes of the cycle whose inputs were set and
// evaluated at the end of the previous step, clocks the edge, then sets the
// next cycle's inputs: two evaluations a cycle.
#include "Vnicsec_card_bar.h"
#include "run.h"
#include "tb_util.h"

#include <algorithm>

namespace run {

namespace {

constexpr int kWords = kBeat / 4;
// DMA read requests the port takes before it holds off (a PCIe link has a
// handful of read tags in flight).
constexpr size_t kDmaReadsMax = 32;

struct Feed {
    Bytes frame;
    size_t off = 0;
    bool active = false;
};

// A DMA read request waiting for, or in the middle of, its data beats.
struct DmaRead {
    uint64_t addr;    // the next beat's
    uint32_t beats;   // left
};

template <typename D, typename K>
void drive(Feed &f, Wire &w, D &tdata, K &tkeep, CData &tvalid, CData &tlast)
{
    if (!f.active && w.readable && w.receive(f.frame)) {
        f.off = 0;
        f.active = true;
    }
    tvalid = f.active;
    if (!f.active) return;
    int n = int(std::min<size_t>(kBeat, f.frame.size() - f.off));
    put_bytes(tdata, kWords, f.frame.data() + f.off, n);
    tkeep = K(keep_mask(n));
    tlast = f.off + size_t(n) >= f.frame.size();
}

// A beat in: true when it moved.
bool fed(Feed &f, Wire &w, CData tvalid, CData tready)
{
    if (!f.active || !tvalid || !tready) return false;
    f.off += kBeat;
    if (f.off >= f.frame.size()) {
        f.active = false;
        w.stats.in++;
    }
    return true;
}

// A beat out: true when it moved; the frame is sent at its last beat.
template <typename D, typename K>
bool collect(Bytes &frame, Wire &w, const D &tdata, K tkeep, CData tvalid, CData tlast)
{
    if (!tvalid) return false;
    for (int i = 0; i < kBeat; i++)
        if (uint64_t(tkeep) >> i & 1) frame.push_back(byte_at(tdata, i));
    if (tlast) {
        w.send(frame.data(), frame.size());
        frame.clear();
    }
    return true;
}

}  // namespace

struct Card::Impl {
    Vnicsec_card_bar t;
    Wire &lan, &wan;
    Pcie &pcie;
    HostMem &mem;
    Feed in_lan, in_wan;
    Bytes out_lan, out_wan;
    std::deque<DmaRead> rd;
    bool irq = false;
    Impl(Wire &l, Wire &w, Pcie &p, HostMem &m) : lan(l), wan(w), pcie(p), mem(m) {}
};

Card::Card(Wire &lan, Wire &wan, Pcie &pcie, HostMem &mem) : p_(new Impl(lan, wan, pcie, mem))
{
    auto &t = p_->t;
    t.lan_rx_tvalid = 0;
    t.wan_rx_tvalid = 0;
    t.lan_tx_tready = 1;
    t.wan_tx_tready = 1;
    t.req_valid = 0;
    t.dma_rd_req_ready = 1;
    t.dma_rd_valid = 0;
    t.dma_wr_ready = 1;
    t.rst = 1;
    for (int i = 0; i < 4; i++) tick(&t);
    t.rst = 0;
    t.eval();
}

Card::~Card()
{
    p_->t.final();
}

bool Card::busy() const
{
    return p_->in_lan.active || p_->in_wan.active || !p_->out_lan.empty() || !p_->out_wan.empty() ||
           !p_->rd.empty();
}

bool Card::step()
{
    Impl &s = *p_;
    auto &t = s.t;
    bool act = false;

    // --- this cycle's handshakes
    act |= fed(s.in_lan, s.lan, t.lan_rx_tvalid, t.lan_rx_tready);
    act |= fed(s.in_wan, s.wan, t.wan_rx_tvalid, t.wan_rx_tready);
    act |= collect(s.out_lan, s.lan, t.lan_tx_tdata, t.lan_tx_tkeep, t.lan_tx_tvalid, t.lan_tx_tlast);
    act |= collect(s.out_wan, s.wan, t.wan_tx_tdata, t.wan_tx_tkeep, t.wan_tx_tvalid, t.wan_tx_tlast);
    if (t.rsp_valid) {
        s.pcie.read_data(t.rsp_rdata);
        act = true;
    }
    act |= t.req_valid;
    if (t.dma_rd_req_valid && t.dma_rd_req_ready) {
        uint32_t len = t.dma_rd_req_len;
        s.rd.push_back(DmaRead{t.dma_rd_req_addr, std::max<uint32_t>(1, (len + kBeat - 1) / kBeat)});
        act = true;
    }
    if (t.dma_rd_valid && t.dma_rd_ready) {
        DmaRead &r = s.rd.front();
        r.addr += kBeat;
        if (--r.beats == 0) s.rd.pop_front();
        s.mem.read_beats++;
        act = true;
    }
    if (t.dma_wr_valid && t.dma_wr_ready) {
        uint8_t b[kBeat];
        for (int i = 0; i < kBeat; i++) b[i] = byte_at(t.dma_wr_data, i);
        s.mem.write(t.dma_wr_addr, b, uint64_t(t.dma_wr_be), kBeat);
        s.mem.write_beats++;
        act = true;
    }
    if (t.irq && !s.irq) s.pcie.interrupt();
    s.irq = t.irq;

    // --- the edge
    t.clk = 1;
    t.eval();
    cycles_++;

    // --- the next cycle's inputs
    drive(s.in_lan, s.lan, t.lan_rx_tdata, t.lan_rx_tkeep, t.lan_rx_tvalid, t.lan_rx_tlast);
    drive(s.in_wan, s.wan, t.wan_rx_tdata, t.wan_rx_tkeep, t.wan_rx_tvalid, t.wan_rx_tlast);
    BarReq r;
    if (s.pcie.take_req(r)) {
        t.req_valid = 1;
        t.req_write = r.write;
        t.req_addr = r.off;
        t.req_wdata = r.val;
        t.req_be = 0xf;
    } else {
        t.req_valid = 0;
    }
    t.dma_rd_req_ready = s.rd.size() < kDmaReadsMax;
    t.dma_rd_valid = !s.rd.empty();
    if (!s.rd.empty()) {
        uint8_t b[kBeat];
        s.mem.read(s.rd.front().addr, b, kBeat);
        put_bytes(t.dma_rd_data, kWords, b, kBeat);
        t.dma_rd_last = s.rd.front().beats == 1;
    }
    t.clk = 0;
    t.eval();
    return act;
}

}  // namespace run
