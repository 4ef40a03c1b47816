// Verilator bench for rtl/card_dma.v: nicsec_card_bar driven as a host driver
// drives it, through BAR0 and host memory only (sim/unit/dma_host.h serves the
// DMA port from a byte array, with random latency and back-pressure), its LAN and
// WAN ports fed and drained with random gaps and back-pressure. The host is
// interrupt-driven: it looks at the rings only when irq is high (read INT_CAUSE,
// clear what it read, read both HEADs, then the descriptors), so an interrupt the
// card forgets to raise, or raises before HEAD has moved, leaves frames behind
// and fails the run. Every DMA write is checked as it lands: only in descriptors
// and buffers the card owns at that moment, never past a buffer's length, never
// into a buffer whose descriptor is already DONE; every DMA read only of the
// rings and of the frames of accepted transmit descriptors. A HEAD read is
// checked against the descriptors: all before it DONE.
//
//   registers    the DMA window: reset values, the bits each register holds,
//                CAP_FEATURES.dma; unmapped offsets in it read BAD_READ, writes
//                there and to HEAD and the counters are refused, flagged in ERR
//   transmit     frames of 14 .. 9,216 bytes through the transmit ring out of the
//                port each names, byte-exact, in order; descriptors written back
//                whole with DONE; host_tx counted
//   receive      ARP and IKE (UDP 500) frames into LAN and WAN, up to 9,216
//                bytes, land in receive buffers byte-exact, with length and port,
//                in order per port; host_rx counted; nothing dropped
//   both ways    both at once
//   wrap         rings of 2 and 4 descriptors both ways: every frame sent, every
//                frame for the host received or counted as dropped; writing SIZE
//                or BASE_LO sets HEAD to 0
//   drops        a ring off, a ring with no buffer, a ring with 3 buffers for 10
//                frames: dropped whole and counted, the card never held up
//                (frames taken at full speed)
//   truncation   buffers of 0 .. 1,000 bytes and misaligned ones: the frame cut
//                to the buffer, ERR, nothing written past it; a misaligned
//                buffer gets nothing and sets INT_CAUSE.dma_err
//   bad tx       descriptors with length 0, 13, 9,217, 65,535, port 2 or 255,
//                an address off 64: refused with DONE and ERR, nothing read or
//                sent, DMA_TX_ERRS counted, INT_CAUSE.dma_err; the ring goes on
//   interrupt    each cause of INT_CAUSE on its own: irq follows INT_MASK, write
//                1 to clear, bits written 0 untouched; and with a slow write
//                port, watched every cycle: neither HEAD nor irq moves before
//                the descriptor's write-back is in memory
//   soft reset   RESET.go in the middle of traffic both ways, three times: the
//                DMA registers back to 0, irq low, no DMA after the reset but
//                the one read and one write already offered, outstanding reads'
//                answers ignored; then rings set up afresh carry traffic exactly
//
//   dma-tb [frames] [stall-percent] [seed]
#include <verilated.h>
#include "Vnicsec_card_bar.h"
#include "tb_util.h"
#include "dma_host.h"

extern "C" {
#include "bar0.h"
}

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <functional>
#include <string>
#include <vector>

#ifndef LANES
#error "build with -DLANES"
#endif

namespace {
constexpr int kB = 16 * LANES;
constexpr int kRdLat = 3;                  // cycles from a BAR read to its answer
constexpr unsigned kMaxFrame = 9216;
constexpr uint64_t kStride = 0x2800;       // room for a buffer in host memory
constexpr uint8_t kDone = 1, kErr = 2;

int failures = 0;
#define CHECK(cond, ...)                                                     \
    do {                                                                     \
        if (!(cond)) {                                                       \
            if (++failures <= 40) {                                          \
                printf("dma-tb: %s:%d: ", __func__, __LINE__);               \
                printf(__VA_ARGS__);                                         \
                printf("\n");                                                \
            }                                                                \
        }                                                                    \
    } while (0)

using Port = DmaHost<Vnicsec_card_bar, LANES>;

struct Req {
    bool write;
    uint32_t off, data;
    unsigned be;
};

// --- the bench: the model, its ports, the BAR and host memory -----------------------
class Tb {
public:
    Tb(uint64_t seed, int stall_pct) : t(new Vnicsec_card_bar), rng(seed), dma(mem, rng), stall(stall_pct)
    {
        dma.stall = stall;
        dma.latency = stall ? 40 : 4;
        t->req_valid = 0;
        t->lan_rx_tvalid = 0;
        t->wan_rx_tvalid = 0;
        t->lan_tx_tready = 1;
        t->wan_tx_tready = 1;
        t->rst = 1;
        for (int i = 0; i < 4; i++) cycle();
        t->rst = 0;
    }
    ~Tb()
    {
        t->final();
        delete t;
    }

    Vnicsec_card_bar *t;
    std::mt19937_64 rng;
    HostMem mem;
    Port dma;
    int stall;
    uint64_t cyc = 0;
    // BAR requests go out one a cycle, in order; a read's answer goes to its callback
    std::deque<std::pair<Req, std::function<void(uint32_t)>>> barq;
    std::deque<std::pair<uint64_t, std::function<void(uint32_t)>>> answers;
    uint64_t reset_at = UINT64_MAX;        // stage-2 cycle of the last RESET.go write
    std::deque<Bytes> lan_in, wan_in;
    std::vector<Bytes> lan_out, wan_out;
    uint64_t irq_rises = 0;
    std::function<void()> after;           // the driver, after every cycle

    void post(const Req &r, std::function<void(uint32_t)> cb = nullptr) { barq.push_back({r, cb}); }

    void cycle()
    {
        bool bar = !barq.empty();
        if (bar) {
            const Req &r = barq.front().first;
            t->req_valid = 1;
            t->req_write = r.write;
            t->req_addr = r.off;
            t->req_wdata = r.data;
            t->req_be = r.be;
        } else {
            t->req_valid = 0;
        }
        feed(lan_in, lan_pos, lan_offer, t->lan_rx_tdata, t->lan_rx_tkeep, t->lan_rx_tvalid, t->lan_rx_tlast);
        feed(wan_in, wan_pos, wan_offer, t->wan_rx_tdata, t->wan_rx_tkeep, t->wan_rx_tvalid, t->wan_rx_tlast);
        t->lan_tx_tready = !chance(rng, stall);
        t->wan_tx_tready = !chance(rng, stall);
        dma.drive(t, cyc);
        t->eval();

        if (bar) {
            auto q = barq.front();
            barq.pop_front();
            if (!q.first.write) answers.push_back({cyc + kRdLat, q.second});
            if (q.first.write && q.first.off == BAR0_RESET && (q.first.be & 1) && (q.first.data & 1))
                reset_at = cyc + 2;
        }
        if (t->rsp_valid) {
            CHECK(!answers.empty() && answers.front().first == cyc, "a BAR read answered at the wrong time");
            if (!answers.empty()) {
                auto cb = answers.front().second;
                answers.pop_front();
                if (cb) cb(t->rsp_rdata);
            }
        }
        bool lan_take = t->lan_rx_tvalid && t->lan_rx_tready;
        bool wan_take = t->wan_rx_tvalid && t->wan_rx_tready;
        collect(t->lan_tx_tdata, t->lan_tx_tkeep, t->lan_tx_tvalid, t->lan_tx_tready, t->lan_tx_tlast, lan_cur,
                lan_out);
        collect(t->wan_tx_tdata, t->wan_tx_tkeep, t->wan_tx_tvalid, t->wan_tx_tready, t->wan_tx_tlast, wan_cur,
                wan_out);
        dma.sample(t, cyc);
        bool irq = t->irq;
        if (irq && !irq_last) irq_rises++;
        irq_last = irq;
        tick(t);
        cyc++;
        advance(lan_in, lan_pos, lan_offer, lan_take, t->lan_rx_tlast);
        advance(wan_in, wan_pos, wan_offer, wan_take, t->wan_rx_tlast);
        if (after) after();
    }
    void cycles(int n)
    {
        for (int i = 0; i < n; i++) cycle();
    }
    bool until(const std::function<bool()> &done, uint64_t limit)
    {
        for (uint64_t i = 0; i < limit; i++) {
            if (done()) return true;
            cycle();
        }
        return done();
    }
    // Requests after whatever is queued; the read answers, in order.
    std::vector<uint32_t> burst(const std::vector<Req> &reqs)
    {
        auto out = std::make_shared<std::vector<uint32_t>>();
        size_t reads = 0;
        for (const Req &r : reqs) {
            if (r.write) {
                post(r);
            } else {
                reads++;
                post(r, [out](uint32_t v) { out->push_back(v); });
            }
        }
        until([&] { return out->size() == reads && barq.empty(); }, 100000);
        return *out;
    }
    uint32_t rd(uint32_t off) { return burst({{false, off, 0, 0}})[0]; }
    void wr(uint32_t off, uint32_t v, unsigned be = 0xf) { burst({{true, off, v, be}}); }
    uint64_t global(int sel)
    {
        std::vector<uint32_t> v = burst({{true, BAR0_GLB_SEL, uint32_t(sel), 0xf}, {false, BAR0_GLB_LO, 0, 0},
                                         {false, BAR0_GLB_HI, 0, 0}});
        return uint64_t(v[1]) << 32 | v[0];
    }
    // frames fed but not yet taken
    bool feeding() const { return !lan_in.empty() || !wan_in.empty(); }
    // drops what is being fed and what came out part-way (a soft reset)
    void cut_ports()
    {
        lan_in.clear();
        wan_in.clear();
        lan_pos = wan_pos = 0;
        lan_offer = wan_offer = false;
        lan_cur.clear();
        wan_cur.clear();
    }

private:
    size_t lan_pos = 0, wan_pos = 0;
    bool lan_offer = false, wan_offer = false;
    bool irq_last = false;
    Bytes lan_cur, wan_cur;

    // a beat is offered after a random gap, and stays offered until taken
    template <typename D, typename K, typename V, typename L>
    void feed(std::deque<Bytes> &q, size_t pos, bool &offer, D &data, K &keep, V &valid, L &last)
    {
        if (q.empty()) {
            valid = 0;
            offer = false;
            return;
        }
        if (!offer) offer = !chance(rng, stall);
        valid = offer;
        const Bytes &f = q.front();
        int n = int(std::min<size_t>(kB, f.size() - pos));
        put_bytes(data, 4 * LANES, f.data() + pos, n);
        keep = keep_mask(n);
        last = pos + size_t(n) >= f.size();
    }
    static void advance(std::deque<Bytes> &q, size_t &pos, bool &offer, bool taken, bool last)
    {
        if (!taken) return;
        offer = false;
        if (last) {
            q.pop_front();
            pos = 0;
        } else {
            pos += kB;
        }
    }
    template <typename D, typename K>
    static void collect(const D &data, const K &keep, uint8_t valid, uint8_t ready, uint8_t last, Bytes &cur,
                        std::vector<Bytes> &out)
    {
        if (!(valid && ready)) return;
        for (int i = 0; i < kB; i++)
            if (uint64_t(keep) >> i & 1) cur.push_back(byte_at(data, i));
        if (last) {
            out.push_back(cur);
            cur.clear();
        }
    }
};

// --- the host driver: rings in host memory, interrupt-driven ------------------------------
struct TxItem {
    Bytes frame;
    int port = 0;
    bool bad = false;         // the card must refuse it
    uint64_t addr_add = 0;    // added to the buffer's address in the descriptor
    int len = -1;             // the descriptor's length, when not the frame's
    int dport = -1;           // the descriptor's port, when not `port`
};

class Driver {
public:
    explicit Driver(Tb &tb) : tb(tb)
    {
        tb.after = [this] { step(); };
        tb.dma.on_write = [this](uint64_t a, const uint8_t *d, uint64_t be) { on_write(a, d, be); };
        tb.dma.on_read = [this](uint64_t a, unsigned len) { on_read(a, len); };
    }
    Tb &tb;
    bool up = false;                 // rings set up
    bool resetting = false;          // RESET.go posted: the driver posts nothing more
    bool auto_irq = true;            // take interrupts as they come
    unsigned epoch = 0;
    // transmit
    uint64_t tx_base = 0, tx_bufs = 0;
    unsigned tx_size = 0, tx_tail = 0, tx_clean = 0;
    std::vector<TxItem> tx_slot;
    std::vector<bool> tx_own;
    std::deque<TxItem> tx_queue;
    bool tx_bell = false;
    std::vector<Bytes> sent[2];      // frames due out of LAN (0) and WAN (1), in order
    uint64_t tx_good = 0, tx_refused = 0;
    // receive
    uint64_t rx_base = 0, rx_bufs = 0;
    unsigned rx_size = 0, rx_tail = 0, rx_next = 0;
    std::vector<unsigned> rx_len;
    std::vector<uint64_t> rx_addr;
    std::vector<bool> rx_own;
    int rx_budget = -1;              // buffers still to give (-1: any number)
    std::function<unsigned()> rx_buf_len;       // the next buffer's size
    std::function<uint64_t()> rx_addr_add;      // the next buffer's offset from 64
    std::deque<Bytes> expect[2];     // frames for the host from LAN, WAN, in order
    uint64_t rx_got = 0, rx_cut = 0, rx_missed = 0, rx_mis = 0;
    uint64_t fed = 0;
    // interrupts
    bool in_handler = false;
    uint32_t causes = 0;
    uint64_t handlers = 0;
    // after a soft reset: the DMA already offered may still complete
    int stray_reads = 0, stray_writes = 0;
    int bad_writes = 0, bad_reads = 0;

    uint64_t tx_desc(unsigned i) const { return tx_base + 16 * uint64_t(i); }
    uint64_t rx_desc(unsigned i) const { return rx_base + 16 * uint64_t(i); }

    // Rings of tx and rx descriptors (0: off) in a fresh area of host memory, above
    // 4 GiB so BASE_HI counts; receive buffers armed.
    void setup(unsigned tx, unsigned rx)
    {
        epoch++;
        uint64_t area = uint64_t(epoch) << 32 | 0x1000000;
        tx_base = area + 0x1040;
        rx_base = area + 0x20040;
        tx_bufs = area + 0x100000;
        rx_bufs = area + 0x4000000;
        tx_size = tx;
        rx_size = rx;
        tx_tail = tx_clean = rx_tail = rx_next = 0;
        tx_slot.assign(std::max(tx, 1u), TxItem());
        tx_own.assign(std::max(tx, 1u), false);
        rx_len.assign(std::max(rx, 1u), 0);
        rx_addr.assign(std::max(rx, 1u), 0);
        rx_own.assign(std::max(rx, 1u), false);
        tx_queue.clear();
        tx_bell = false;
        in_handler = false;
        resetting = false;
        std::vector<uint32_t> v = tb.burst({
            {true, BAR0_TXR_SIZE, 0, 0xf}, {true, BAR0_RXR_SIZE, 0, 0xf},
            {true, BAR0_TXR_BASE_LO, uint32_t(tx_base), 0xf}, {true, BAR0_TXR_BASE_HI, uint32_t(tx_base >> 32), 0xf},
            {true, BAR0_TXR_TAIL, 0, 0xf}, {true, BAR0_TXR_SIZE, tx, 0xf},
            {true, BAR0_RXR_BASE_LO, uint32_t(rx_base), 0xf}, {true, BAR0_RXR_BASE_HI, uint32_t(rx_base >> 32), 0xf},
            {true, BAR0_RXR_TAIL, 0, 0xf}, {true, BAR0_RXR_SIZE, rx, 0xf},
            {false, BAR0_TXR_HEAD, 0, 0}, {false, BAR0_RXR_HEAD, 0, 0}});
        CHECK(v[0] == 0 && v[1] == 0, "HEADs %u %u after the set-up", v[0], v[1]);
        up = true;
        if (rx) rx_arm();
        tb.burst({{true, BAR0_INT_CAUSE, 0xffffffff, 0xf}, {true, BAR0_INT_MASK, 0x1f, 0xf}});
    }

    void send(const TxItem &it)
    {
        tx_queue.push_back(it);
        if (!it.bad) {
            sent[it.port].push_back(it.frame);
            tx_good++;
        }
    }
    void to_lan(const Bytes &f)
    {
        tb.lan_in.push_back(f);
        expect[0].push_back(f);
        fed++;
    }
    void to_wan(const Bytes &f)
    {
        tb.wan_in.push_back(f);
        expect[1].push_back(f);
        fed++;
    }

    // the driver's work after every cycle
    void step()
    {
        if (!up || resetting) return;
        while (tx_size && !tx_queue.empty() && (tx_tail + 1) % tx_size != tx_clean) {
            TxItem it = tx_queue.front();
            tx_queue.pop_front();
            unsigned s = tx_tail;
            uint64_t buf = tx_bufs + kStride * s;
            tb.mem.write(buf, it.frame.data(), it.frame.size());
            uint64_t d = tx_desc(s);
            tb.mem.put_le(d, buf + it.addr_add, 8);
            tb.mem.put_le(d + 8, uint64_t(it.len < 0 ? int(it.frame.size()) : it.len), 2);
            tb.mem.set(d + 10, uint8_t(it.dport < 0 ? it.port : it.dport));
            tb.mem.set(d + 11, 0);
            tb.mem.put_le(d + 12, 0, 4);
            tx_slot[s] = it;
            tx_own[s] = true;
            tx_tail = (s + 1) % tx_size;
            tx_bell = true;
        }
        // doorbells now and then cover several descriptors
        if (tx_bell && !chance(tb.rng, 40)) {
            tb.post({true, BAR0_TXR_TAIL, tx_tail, 0xf});
            tx_bell = false;
        }
        if (auto_irq && tb.t->irq && !in_handler) handler();
    }

    // The interrupt handler: INT_CAUSE read and cleared, then HEADs, then the rings.
    void handler()
    {
        in_handler = true;
        handlers++;
        unsigned e = epoch;
        tb.post({false, BAR0_INT_CAUSE, 0, 0}, [this, e](uint32_t c) {
            if (e != epoch || resetting) return;
            causes |= c;
            CHECK(!(c & BAR0_INT_CAUSE_EVENT_MASK), "INT_CAUSE.event with no event");
            tb.post({true, BAR0_INT_CAUSE, c, 0xf});
            tb.post({false, BAR0_RXR_HEAD, 0, 0}, [this, e](uint32_t h) {
                if (e == epoch && !resetting) check_head(h, rx_next, rx_tail, rx_size, rx_base, rx_own, "receive");
            });
            tb.post({false, BAR0_TXR_HEAD, 0, 0}, [this, e](uint32_t h) {
                if (e != epoch || resetting) return;
                check_head(h, tx_clean, tx_tail, tx_size, tx_base, tx_own, "transmit");
                harvest();
                reclaim();
                in_handler = false;
            });
        });
    }

    // Every descriptor before HEAD is written back with DONE.
    void check_head(uint32_t h, unsigned from, unsigned tail, unsigned size, uint64_t base,
                    const std::vector<bool> &own, const char *ring)
    {
        if (!size) {
            CHECK(h == 0, "%s HEAD %u with the ring off", ring, h);
            return;
        }
        unsigned n = (h + size - from) % size, held = (tail + size - from) % size;
        CHECK(h < size && n <= held, "%s HEAD %u: the host's next is %u, its tail %u", ring, h, from, tail);
        for (unsigned i = 0; i < n && i <= held; i++) {
            unsigned s = (from + i) % size;
            CHECK(own[s] && (tb.mem.get(base + 16 * s + 11) & kDone), "%s HEAD %u before descriptor %u is DONE",
                  ring, h, s);
        }
    }

    // Receive buffers given to the card, as many as the ring holds (or the budget).
    void rx_arm()
    {
        bool any = false;
        while (rx_size && (rx_tail + 1) % rx_size != rx_next && rx_budget != 0) {
            unsigned s = rx_tail;
            unsigned len = rx_buf_len ? rx_buf_len() : kMaxFrame;
            uint64_t addr = rx_bufs + kStride * s + (rx_addr_add ? rx_addr_add() : 0);
            uint64_t d = rx_desc(s);
            tb.mem.put_le(d, addr, 8);
            tb.mem.put_le(d + 8, len, 2);
            tb.mem.set(d + 10, 0);
            tb.mem.set(d + 11, 0);
            tb.mem.put_le(d + 12, 0, 4);
            rx_len[s] = len;
            rx_addr[s] = addr;
            rx_own[s] = true;
            rx_tail = (s + 1) % rx_size;
            if (rx_budget > 0) rx_budget--;
            any = true;
        }
        if (any) tb.post({true, BAR0_RXR_TAIL, rx_tail, 0xf});
    }

    // Frames the card wrote back, checked against what was sent, then buffers again.
    void harvest()
    {
        while (rx_size && rx_own[rx_next] && (tb.mem.get(rx_desc(rx_next) + 11) & kDone)) {
            unsigned s = rx_next;
            uint64_t d = rx_desc(s);
            uint64_t addr = tb.mem.le(d, 8);
            unsigned len = unsigned(tb.mem.le(d + 8, 2));
            int port = tb.mem.get(d + 10);
            uint8_t flags = tb.mem.get(d + 11);
            CHECK(addr == rx_addr[s] && tb.mem.le(d + 12, 4) == 0 && (flags & ~3) == 0 && port <= 1,
                  "receive descriptor %u written back as addr %#" PRIx64 " port %d flags %02x", s, addr, port, flags);
            bool mis = rx_addr[s] % 64 != 0;
            unsigned room = mis ? 0 : rx_len[s];
            Bytes got = tb.mem.bytes(addr, len);
            match(got, port & 1, len, room, flags);
            if (mis) rx_mis++;
            rx_own[s] = false;
            rx_next = (s + 1) % rx_size;
        }
        rx_arm();
    }

    // The next frame from its port, or one after frames that were dropped.
    void match(const Bytes &got, int port, unsigned len, unsigned room, uint8_t flags)
    {
        std::deque<Bytes> &q = expect[port];
        for (size_t k = 0; k < q.size(); k++) {
            const Bytes &f = q[k];
            bool cut = f.size() > room;
            if (len != std::min<size_t>(f.size(), room) || flags != (cut ? kDone | kErr : kDone) ||
                !std::equal(got.begin(), got.end(), f.begin()))
                continue;
            rx_missed += k;
            rx_got++;
            if (cut) rx_cut++;
            q.erase(q.begin(), q.begin() + long(k) + 1);
            return;
        }
        CHECK(false, "a frame of %u bytes (flags %02x) from port %d that was not sent, or not next", len, flags, port);
    }

    void reclaim()
    {
        while (tx_size && tx_own[tx_clean] && (tb.mem.get(tx_desc(tx_clean) + 11) & kDone)) {
            unsigned s = tx_clean;
            const TxItem &it = tx_slot[s];
            uint64_t d = tx_desc(s);
            uint64_t buf = tx_bufs + kStride * s + it.addr_add;
            unsigned len = unsigned(it.len < 0 ? int(it.frame.size()) : it.len);
            unsigned port = unsigned(it.dport < 0 ? it.port : it.dport);
            uint8_t flags = tb.mem.get(d + 11);
            CHECK(tb.mem.le(d, 8) == buf && tb.mem.le(d + 8, 2) == len && tb.mem.get(d + 10) == port &&
                      tb.mem.le(d + 12, 4) == 0,
                  "transmit descriptor %u not written back as it was", s);
            CHECK(flags == (it.bad ? kDone | kErr : kDone), "transmit descriptor %u: flags %02x, %s", s, flags,
                  it.bad ? "refused" : "sent");
            if (it.bad) tx_refused++;
            tx_own[s] = false;
            tx_clean = (s + 1) % tx_size;
        }
    }

    // Where the card may write: descriptors and buffers it owns, within the buffer,
    // and a buffer only before its descriptor says DONE.
    void on_write(uint64_t a, const uint8_t *, uint64_t be)
    {
        if (resetting && tb.cyc >= tb.reset_at) {
            if (stray_writes-- <= 0) CHECK(++bad_writes <= 5, "a DMA write after the soft reset, to %#" PRIx64, a);
            return;
        }
        for (int i = 0; i < kB; i++) {
            if (!(be >> i & 1)) continue;
            uint64_t b = a + uint64_t(i);
            std::string why;
            if (up && tx_size && b >= tx_base && b < tx_base + 16 * tx_size) {
                if (!tx_own[(b - tx_base) / 16]) why = "a transmit descriptor the host holds";
            } else if (up && rx_size && b >= rx_base && b < rx_base + 16 * rx_size) {
                if (!rx_own[(b - rx_base) / 16]) why = "a receive descriptor the host holds";
            } else if (up && rx_size && b >= rx_bufs && b < rx_bufs + kStride * rx_size) {
                unsigned s = unsigned((b - rx_bufs) / kStride);
                if (!rx_own[s]) why = "a receive buffer the host holds";
                else if (b < rx_addr[s] || b >= rx_addr[s] + rx_len[s] || rx_addr[s] % 64) why = "past a receive buffer";
                else if (tb.mem.get(rx_desc(s) + 11) & kDone) why = "a buffer after its descriptor's DONE";
            } else {
                why = "outside the rings and buffers";
            }
            if (!why.empty()) {
                CHECK(++bad_writes > 5, "cycle %" PRIu64 ": a DMA write to %#" PRIx64 ": %s", tb.cyc, b, why.c_str());
                return;
            }
        }
    }

    // Where the card may read: the rings, and the frames of descriptors it may send.
    void on_read(uint64_t a, unsigned len)
    {
        if (resetting && tb.cyc >= tb.reset_at) {
            if (stray_reads-- <= 0) CHECK(++bad_reads <= 5, "a DMA read after the soft reset, at %#" PRIx64, a);
            return;
        }
        uint64_t end = a + len;
        bool ok = false;
        if (up && tx_size && a >= tx_base && end <= tx_base + 16 * tx_size) ok = true;
        if (up && rx_size && a >= rx_base && end <= rx_base + 16 * rx_size) ok = true;
        if (up && tx_size && a >= tx_bufs && a < tx_bufs + kStride * tx_size) {
            unsigned s = unsigned((a - tx_bufs) / kStride);
            const TxItem &it = tx_slot[s];
            uint64_t buf = tx_bufs + kStride * s;
            ok = tx_own[s] && !it.bad && end <= buf + it.frame.size();
        }
        CHECK(ok || ++bad_reads > 5, "cycle %" PRIu64 ": a DMA read of %u bytes at %#" PRIx64, tb.cyc, len, a);
    }

    // RESET.go posted: nothing more from the driver
    void begin_reset()
    {
        resetting = true;
        tb.reset_at = UINT64_MAX;
        tb.post({true, BAR0_RESET, 1, 0xf});
    }

    // Everything handed over has come back, and nothing more is coming.
    bool idle() const
    {
        return tx_queue.empty() && !tx_bell && tx_clean == tx_tail && !tb.feeding() && !tb.dma.busy();
    }
};

// --- frames --------------------------------------------------------------------------------
void put16(Bytes &b, size_t at, unsigned v)
{
    b[at] = uint8_t(v >> 8);
    b[at + 1] = uint8_t(v);
}

Bytes random_bytes(std::mt19937_64 &rng, size_t n)
{
    Bytes b(n);
    for (auto &x : b) x = uint8_t(rng());
    return b;
}

unsigned pick_len(std::mt19937_64 &rng, unsigned lo)
{
    unsigned r = unsigned(rng() % 100);
    if (r < 35) return lo + unsigned(rng() % (129 - lo));
    if (r < 75) return 129 + unsigned(rng() % 1472);
    if (r < 93) return lo + unsigned(rng() % (kMaxFrame - lo + 1));
    return kMaxFrame;
}

// An ARP frame, padded to len (at least 42) bytes.
Bytes arp(std::mt19937_64 &rng, unsigned len)
{
    Bytes f = random_bytes(rng, len);
    for (int i = 0; i < 6; i++) f[size_t(i)] = 0xff;
    f[6] = 0x02;
    put16(f, 12, 0x0806);
    put16(f, 14, 1);
    put16(f, 16, 0x0800);
    f[18] = 6;
    f[19] = 4;
    put16(f, 20, 1 + unsigned(rng() & 1));
    return f;
}

// IKE: IPv4, UDP 500 to 500, len (at least 42) bytes in all.
Bytes ike(std::mt19937_64 &rng, unsigned len)
{
    Bytes f = random_bytes(rng, len);
    f[0] = 0x02;
    f[6] = 0x02;
    put16(f, 12, 0x0800);
    f[14] = 0x45;
    f[15] = 0;
    put16(f, 16, len - 14);
    put16(f, 20, 0);
    f[22] = 64;
    f[23] = 17;
    f[24] = f[25] = 0;
    uint32_t s = 0;
    for (int i = 0; i < 20; i += 2) s += unsigned(f[14 + size_t(i)]) << 8 | f[15 + size_t(i)];
    while (s >> 16) s = (s & 0xffff) + (s >> 16);
    put16(f, 24, ~s & 0xffff);
    put16(f, 34, 500);
    put16(f, 36, 500);
    put16(f, 38, len - 34);
    put16(f, 40, 0);
    return f;
}

Bytes host_frame(std::mt19937_64 &rng, unsigned len) { return (rng() & 1) ? arp(rng, len) : ike(rng, len); }

TxItem tx_item(std::mt19937_64 &rng, unsigned len)
{
    TxItem it;
    it.frame = random_bytes(rng, len);
    it.port = int(rng() & 1);
    return it;
}

// --- the scenarios -----------------------------------------------------------------------------
struct World {
    Tb tb;
    Driver drv;
    int n;
    World(uint64_t seed, int stall, int frames) : tb(seed, stall), drv(tb), n(frames) {}
};

// The counters a scenario is judged by, as it starts.
struct Mark {
    uint64_t drops, errs, host_rx, host_tx;
    uint64_t got, missed, fed, good, refused, writes;
};

Mark mark(World &w)
{
    Mark m;
    std::vector<uint32_t> v = w.tb.burst({{false, BAR0_DMA_RX_DROPS, 0, 0}, {false, BAR0_DMA_TX_ERRS, 0, 0}});
    m.drops = v[0];
    m.errs = v[1];
    m.host_rx = w.tb.global(4);
    m.host_tx = w.tb.global(5);
    m.got = w.drv.rx_got;
    m.missed = w.drv.rx_missed;
    m.fed = w.drv.fed;
    m.good = w.drv.tx_good;
    m.refused = w.drv.tx_refused;
    m.writes = w.tb.dma.writes;
    return m;
}

// Runs until every frame sent has come out of its port, every frame for the host
// has left the card and been received or counted as dropped, and every transmit
// descriptor is back; false if that takes more than `limit` cycles.
bool wait_done(World &w, const Mark &m, uint64_t limit = 2000000)
{
    Tb &tb = w.tb;
    Driver &d = w.drv;
    uint64_t c0 = tb.cyc;
    for (;;) {
        tb.cycles(200);
        if (d.idle() && !d.in_handler && tb.lan_out.size() >= d.sent[0].size() &&
            tb.wan_out.size() >= d.sent[1].size()) {
            uint64_t drops = tb.rd(BAR0_DMA_RX_DROPS) - m.drops;
            uint64_t left = tb.global(4) - m.host_rx;
            if (left == d.fed - m.fed && (d.rx_got - m.got) + drops == d.fed - m.fed && !d.in_handler) break;
        }
        if (tb.cyc - c0 > limit) return false;
    }
    tb.cycles(500);        // anything more would show
    return true;
}

// What came out against what went in; then the slate wiped for the next scenario.
void check_done(World &w, const Mark &m, const char *what, bool drops_ok)
{
    Tb &tb = w.tb;
    Driver &d = w.drv;
    for (int p = 0; p < 2; p++) {
        const std::vector<Bytes> &out = p ? tb.wan_out : tb.lan_out;
        const char *port = p ? "WAN" : "LAN";
        CHECK(out.size() == d.sent[p].size(), "%s: %zu frames out of the %s port, %zu sent", what, out.size(), port,
              d.sent[p].size());
        for (size_t i = 0; i < out.size() && i < d.sent[p].size(); i++)
            if (out[i] != d.sent[p][i]) {
                CHECK(false, "%s: frame %zu out of the %s port (%zu bytes) is not the one sent (%zu bytes)", what, i,
                      port, out[i].size(), d.sent[p][i].size());
                break;
            }
    }
    std::vector<uint32_t> v = tb.burst({{false, BAR0_DMA_RX_DROPS, 0, 0}, {false, BAR0_DMA_TX_ERRS, 0, 0},
                                        {false, BAR0_TXR_HEAD, 0, 0}, {false, BAR0_RXR_HEAD, 0, 0}});
    uint64_t drops = v[0] - m.drops, errs = v[1] - m.errs;
    uint64_t missed = d.rx_missed - m.missed + d.expect[0].size() + d.expect[1].size();
    CHECK(missed == drops, "%s: %" PRIu64 " frames for the host never came, DMA_RX_DROPS counted %" PRIu64, what,
          missed, drops);
    CHECK(drops_ok || drops == 0, "%s: %" PRIu64 " frames dropped with buffers to spare", what, drops);
    CHECK(errs == d.tx_refused - m.refused, "%s: DMA_TX_ERRS counted %" PRIu64 ", %" PRIu64 " refused", what, errs,
          d.tx_refused - m.refused);
    CHECK(tb.global(5) - m.host_tx == d.tx_good - m.good, "%s: host_tx counted %" PRIu64 ", %" PRIu64 " sent", what,
          tb.global(5) - m.host_tx, d.tx_good - m.good);
    CHECK(tb.global(4) - m.host_rx == d.fed - m.fed, "%s: host_rx counted %" PRIu64 ", %" PRIu64 " fed", what,
          tb.global(4) - m.host_rx, d.fed - m.fed);
    if (d.tx_size) CHECK(v[2] == d.tx_tail, "%s: TXR_HEAD %u, the host's tail %u", what, v[2], d.tx_tail);
    if (d.rx_size) CHECK(v[3] == d.rx_next, "%s: RXR_HEAD %u, the host's next %u", what, v[3], d.rx_next);
    for (const std::string &p : tb.dma.problems) CHECK(false, "%s: DMA port: %s", what, p.c_str());
    tb.dma.problems.clear();
    tb.lan_out.clear();
    tb.wan_out.clear();
    d.sent[0].clear();
    d.sent[1].clear();
    d.expect[0].clear();
    d.expect[1].clear();
    d.rx_missed = m.missed;
}

void finish(World &w, const Mark &m, const char *what, bool drops_ok)
{
    CHECK(wait_done(w, m), "%s: traffic not done (%zu and %zu of %zu and %zu frames out, %zu queued)", what,
          w.tb.lan_out.size(), w.tb.wan_out.size(), w.drv.sent[0].size(), w.drv.sent[1].size(),
          w.drv.tx_queue.size());
    check_done(w, m, what, drops_ok);
}

void registers(World &w)
{
    Tb &tb = w.tb;
    const uint32_t regs[] = {BAR0_TXR_BASE_LO, BAR0_TXR_BASE_HI, BAR0_TXR_SIZE, BAR0_TXR_HEAD, BAR0_TXR_TAIL,
                             BAR0_RXR_BASE_LO, BAR0_RXR_BASE_HI, BAR0_RXR_SIZE, BAR0_RXR_HEAD, BAR0_RXR_TAIL,
                             BAR0_INT_CAUSE,   BAR0_INT_MASK,    BAR0_DMA_RX_DROPS, BAR0_DMA_TX_ERRS};
    std::vector<Req> q = {{false, BAR0_CAP_FEATURES, 0, 0}, {false, BAR0_VERSION, 0, 0}, {false, BAR0_ERR, 0, 0}};
    for (uint32_t r : regs) q.push_back({false, r, 0, 0});
    std::vector<uint32_t> v = tb.burst(q);
    CHECK(v[0] == BAR0_CAP_FEATURES_DMA_MASK, "CAP_FEATURES %08x", v[0]);
    CHECK(v[1] == BAR0_VERSION_VALUE, "VERSION %08x", v[1]);
    CHECK(v[2] == 0, "ERR %08x after reading the DMA window", v[2]);
    for (size_t i = 0; i < sizeof regs / sizeof regs[0]; i++)
        CHECK(v[3 + i] == 0, "%03x reads %08x after reset", regs[i], v[3 + i]);
    CHECK(!tb.t->irq, "irq after reset");
    // the bits each holds
    const struct {
        uint32_t off, mask;
    } rw[] = {{BAR0_TXR_BASE_LO, 0xffffffc0}, {BAR0_TXR_BASE_HI, 0xffffffff}, {BAR0_TXR_SIZE, 0x1fff},
              {BAR0_TXR_TAIL, 0xfff},         {BAR0_RXR_BASE_LO, 0xffffffc0}, {BAR0_RXR_BASE_HI, 0xffffffff},
              {BAR0_RXR_SIZE, 0x1fff},        {BAR0_RXR_TAIL, 0xfff},         {BAR0_INT_MASK, 0x1f}};
    for (const auto &r : rw) {
        v = tb.burst({{true, r.off, 0xffffffff, 0xf}, {false, r.off, 0, 0}, {true, r.off, 0x12345678, 0x3},
                      {false, r.off, 0, 0}, {true, r.off, 0, 0xf}, {false, r.off, 0, 0}});
        CHECK(v[0] == r.mask, "%03x: all ones read back %08x", r.off, v[0]);
        CHECK(v[1] == ((0xffff0000u | 0x5678u) & r.mask), "%03x: bytes 0 and 1 read back %08x", r.off, v[1]);
        CHECK(v[2] == 0, "%03x: zero read back %08x", r.off, v[2]);
    }
    v = tb.burst({{true, BAR0_INT_CAUSE, 0xffffffff, 0xf}, {false, BAR0_INT_CAUSE, 0, 0}, {false, BAR0_ERR, 0, 0}});
    CHECK(v[0] == 0 && v[1] == 0, "INT_CAUSE %08x ERR %08x after writing INT_CAUSE", v[0], v[1]);
    // offsets in the window the map does not hold
    const uint32_t holes[] = {0x814, 0x818, 0x81c, 0x834, 0x838, 0x83c, 0x850, 0x854, 0x87c, 0x8fc};
    q.clear();
    for (uint32_t h : holes) q.push_back({false, h, 0, 0});
    q.push_back({false, BAR0_ERR, 0, 0});
    q.push_back({false, BAR0_ERR_ADDR, 0, 0});
    v = tb.burst(q);
    for (size_t i = 0; i < sizeof holes / sizeof holes[0]; i++)
        CHECK(v[i] == BAR0_BAD_READ, "unmapped %03x reads %08x", holes[i], v[i]);
    CHECK(v[10] == BAR0_ERR_RD_UNMAPPED_MASK && v[11] == holes[0], "ERR %08x ERR_ADDR %08x after unmapped reads",
          v[10], v[11]);
    tb.wr(BAR0_ERR, 0xffffffff);
    q.clear();
    for (uint32_t h : holes) q.push_back({true, h, 0xffffffff, 0xf});
    q.push_back({false, BAR0_ERR, 0, 0});
    q.push_back({false, BAR0_ERR_ADDR, 0, 0});
    v = tb.burst(q);
    CHECK(v[0] == BAR0_ERR_WR_UNMAPPED_MASK && v[1] == (BAR0_ERR_ADDR_WRITE_MASK | holes[0]),
          "ERR %08x ERR_ADDR %08x after unmapped writes", v[0], v[1]);
    tb.wr(BAR0_ERR, 0xffffffff);
    const uint32_t ro[] = {BAR0_TXR_HEAD, BAR0_RXR_HEAD, BAR0_DMA_RX_DROPS, BAR0_DMA_TX_ERRS};
    q.clear();
    for (uint32_t r : ro) q.push_back({true, r, 0xffffffff, 0xf});
    for (uint32_t r : ro) q.push_back({false, r, 0, 0});
    q.push_back({false, BAR0_ERR, 0, 0});
    q.push_back({false, BAR0_ERR_ADDR, 0, 0});
    v = tb.burst(q);
    CHECK(v[0] == 0 && v[1] == 0 && v[2] == 0 && v[3] == 0, "a read-only DMA register took a write");
    CHECK(v[4] == BAR0_ERR_WR_RO_MASK && v[5] == (BAR0_ERR_ADDR_WRITE_MASK | ro[0]),
          "ERR %08x ERR_ADDR %08x after writes to read-only registers", v[4], v[5]);
    tb.wr(BAR0_ERR, 0xffffffff);
    CHECK(tb.dma.reads == 0 && tb.dma.writes == 0, "DMA with the rings off");
}

void transmit(World &w)
{
    Driver &d = w.drv;
    d.setup(64, 64);
    Mark m = mark(w);
    const unsigned edge[] = {14, kMaxFrame, 15, kMaxFrame - 1, kMaxFrame, 64, 65};
    for (int i = 0; i < w.n; i++)
        d.send(tx_item(w.tb.rng, i < 7 ? edge[i] : pick_len(w.tb.rng, 14)));
    finish(w, m, "transmit", false);
    CHECK(d.causes & BAR0_INT_CAUSE_TX_MASK, "no INT_CAUSE.tx");
}

void feed_host(World &w, int n)
{
    for (int i = 0; i < n; i++) {
        unsigned len = i < 2 ? kMaxFrame : pick_len(w.tb.rng, 42);
        Bytes f = host_frame(w.tb.rng, len);
        if (w.tb.rng() & 1) w.drv.to_wan(f);
        else w.drv.to_lan(f);
    }
}

void receive(World &w)
{
    Driver &d = w.drv;
    d.setup(64, 64);
    Mark m = mark(w);
    feed_host(w, w.n);
    finish(w, m, "receive", false);
    CHECK(d.causes & BAR0_INT_CAUSE_RX_MASK, "no INT_CAUSE.rx");
    CHECK(d.rx_got - m.got == uint64_t(w.n), "%" PRIu64 " frames received of %d", d.rx_got - m.got, w.n);
}

void both(World &w)
{
    Driver &d = w.drv;
    d.setup(64, 64);
    Mark m = mark(w);
    for (int i = 0; i < w.n; i++) d.send(tx_item(w.tb.rng, pick_len(w.tb.rng, 14)));
    feed_host(w, w.n);
    finish(w, m, "both ways", false);
}

void wrap(World &w)
{
    Tb &tb = w.tb;
    Driver &d = w.drv;
    const unsigned sizes[][2] = {{2, 2}, {4, 4}, {2, 4}, {4, 2}};
    for (const auto &s : sizes) {
        d.setup(s[0], s[1]);
        Mark m = mark(w);
        int k = w.n / 4 + 1;
        for (int i = 0; i < k; i++) d.send(tx_item(tb.rng, pick_len(tb.rng, 14)));
        feed_host(w, k);
        char what[64];
        snprintf(what, sizeof what, "rings of %u and %u", s[0], s[1]);
        finish(w, m, what, true);
        CHECK(d.rx_got - m.got > 0, "%s: nothing received", what);
    }
    // writing BASE_LO or SIZE sets HEAD to 0 (each ring turned off right after)
    std::vector<uint32_t> v = tb.burst({{false, BAR0_TXR_HEAD, 0, 0}, {false, BAR0_RXR_HEAD, 0, 0},
                                        {true, BAR0_TXR_BASE_LO, uint32_t(d.tx_base), 0xf},
                                        {false, BAR0_TXR_HEAD, 0, 0}, {true, BAR0_TXR_SIZE, 0, 0xf},
                                        {true, BAR0_RXR_SIZE, d.rx_size, 0xf}, {false, BAR0_RXR_HEAD, 0, 0},
                                        {true, BAR0_RXR_SIZE, 0, 0xf}});
    CHECK(v[0] == d.tx_tail && v[1] == d.rx_next, "HEADs %u %u, the host's %u %u", v[0], v[1], d.tx_tail, d.rx_next);
    CHECK(v[2] == 0 && v[3] == 0, "HEADs %u %u after BASE_LO and SIZE were written", v[2], v[3]);
    tb.cycles(500);
}

void drops(World &w)
{
    Tb &tb = w.tb;
    Driver &d = w.drv;
    // off, then on with no buffer: all dropped, taken at full speed
    for (int with_ring = 0; with_ring < 2; with_ring++) {
        d.rx_budget = 0;
        d.setup(16, with_ring ? 16 : 0);
        Mark m = mark(w);
        int k = 30;
        feed_host(w, k);
        uint64_t beats = 0;
        for (const Bytes &f : tb.lan_in) beats += (f.size() + kB - 1) / kB;
        for (const Bytes &f : tb.wan_in) beats += (f.size() + kB - 1) / kB;
        uint64_t c0 = tb.cyc;
        // both ports' frames share the host port: a beat a cycle, and the ports' gaps
        uint64_t bound = beats * 100 / uint64_t(100 - tb.stall) + 60 * uint64_t(k) + 500;
        CHECK(tb.until([&] { return !tb.feeding(); }, bound * 4), "frames for the host held up with no buffer");
        CHECK(tb.cyc - c0 <= bound, "%" PRIu64 " beats for the host took %" PRIu64 " cycles with no buffer", beats,
              tb.cyc - c0);
        finish(w, m, with_ring ? "no buffer" : "ring off", true);
        CHECK(d.rx_got == m.got, "a frame received with no buffer");
        CHECK(tb.dma.writes == m.writes, "DMA writes with no buffer");
        CHECK(d.causes & BAR0_INT_CAUSE_RX_DROP_MASK, "no INT_CAUSE.rx_drop");
        d.rx_budget = -1;
    }
    // three buffers, ten frames: the first three land, the others are dropped
    d.rx_budget = 3;
    d.setup(16, 16);
    Mark m = mark(w);
    std::vector<Bytes> ten;
    for (int i = 0; i < 10; i++) {
        ten.push_back(host_frame(tb.rng, 42 + unsigned(tb.rng() % 400)));
        d.to_lan(ten.back());
    }
    CHECK(wait_done(w, m), "three buffers: traffic not done");
    CHECK(d.rx_got - m.got == 3 && d.expect[0].size() == 7 &&
              std::equal(d.expect[0].begin(), d.expect[0].end(), ten.begin() + 3),
          "three buffers: %" PRIu64 " received, %zu left, not the first three", d.rx_got - m.got, d.expect[0].size());
    check_done(w, m, "three buffers", true);
    // and buffers again: nothing dropped
    d.rx_budget = -1;
    d.rx_arm();
    m = mark(w);
    feed_host(w, 12);
    finish(w, m, "buffers again", false);
}

void truncation(World &w)
{
    Driver &d = w.drv;
    const unsigned lens[] = {0, 1, 15, 16, 17, 63, 64, 65, 100, 1000, kMaxFrame, 200, 42};
    size_t li = 0, ai = 0;
    d.rx_buf_len = [&] { return lens[li++ % (sizeof lens / sizeof lens[0])]; };
    d.rx_addr_add = [&] { return (ai++ % 5 == 3) ? uint64_t(8 << (ai % 3)) : uint64_t(0); };
    d.setup(16, 16);
    Mark m = mark(w);
    uint64_t cut0 = d.rx_cut, mis0 = d.rx_mis;
    for (int i = 0; i < 60; i++) {
        Bytes f = host_frame(w.tb.rng, i % 7 == 0 ? kMaxFrame : 42 + unsigned(w.tb.rng() % 1500));
        if (w.tb.rng() & 1) d.to_wan(f);
        else d.to_lan(f);
    }
    finish(w, m, "truncation", false);
    CHECK(d.rx_cut - cut0 > 20 && d.rx_mis - mis0 > 5, "%" PRIu64 " frames cut, %" PRIu64 " misaligned buffers",
          d.rx_cut - cut0, d.rx_mis - mis0);
    CHECK(d.causes & BAR0_INT_CAUSE_DMA_ERR_MASK, "no INT_CAUSE.dma_err for a misaligned buffer");
    d.rx_buf_len = nullptr;
    d.rx_addr_add = nullptr;
}

void bad_tx(World &w)
{
    Tb &tb = w.tb;
    Driver &d = w.drv;
    d.setup(8, 16);
    d.causes = 0;
    Mark m = mark(w);
    for (int round = 0; round < 3; round++) {
        for (int kind = 0; kind < 9; kind++) {
            d.send(tx_item(tb.rng, pick_len(tb.rng, 14)));
            TxItem it = tx_item(tb.rng, 100 + unsigned(tb.rng() % 100));
            it.bad = true;
            switch (kind) {
            case 0: it.len = 0; break;
            case 1: it.len = 13; break;
            case 2: it.len = int(kMaxFrame) + 1; break;
            case 3: it.len = 65535; break;
            case 4: it.dport = 2; break;
            case 5: it.dport = 255; break;
            case 6: it.addr_add = 1; break;
            case 7: it.addr_add = 32; break;
            default: it.addr_add = 63; break;
            }
            d.send(it);
        }
    }
    TxItem e = tx_item(tb.rng, 14);
    e.port = 1;
    d.send(e);
    finish(w, m, "bad transmit descriptors", false);
    CHECK(d.tx_refused - m.refused == 27, "%" PRIu64 " descriptors refused of 27", d.tx_refused - m.refused);
    CHECK(d.causes & BAR0_INT_CAUSE_DMA_ERR_MASK, "no INT_CAUSE.dma_err");
}

void interrupt(World &w)
{
    Tb &tb = w.tb;
    Driver &d = w.drv;
    d.auto_irq = false;
    d.setup(16, 16);
    Mark m = mark(w);
    tb.burst({{true, BAR0_INT_MASK, 0, 0xf}, {true, BAR0_INT_CAUSE, 0xffffffff, 0xf}});
    auto irq = [&] {
        tb.cycles(4);
        return bool(tb.t->irq);
    };
    // each cause alone: irq while it is set and masked in; cleared by its own bit
    auto one = [&](uint32_t want, const char *what) {
        tb.cycles(50);
        uint32_t c = tb.rd(BAR0_INT_CAUSE);
        CHECK(c == want, "%s: INT_CAUSE %08x, expected %08x", what, c, want);
        CHECK(!irq(), "%s: irq with INT_MASK 0", what);
        tb.wr(BAR0_INT_MASK, 0x1f & ~want);
        CHECK(!irq(), "%s: irq with its bits masked out", what);
        for (uint32_t b = 1; b < 0x20; b <<= 1) {
            if (!(want & b)) continue;
            tb.wr(BAR0_INT_MASK, b);
            CHECK(irq(), "%s: no irq with INT_MASK %02x", what, b);
        }
        tb.wr(BAR0_INT_MASK, 0x1f);
        tb.wr(BAR0_INT_CAUSE, 0x1f & ~want);
        CHECK(tb.rd(BAR0_INT_CAUSE) == want && irq(), "%s: writing 0s cleared a cause", what);
        for (uint32_t b = 1; b < 0x20; b <<= 1) {
            if (!(want & b)) continue;
            tb.wr(BAR0_INT_CAUSE, b);
            bool more = (want & ~(2 * b - 1)) != 0;
            CHECK(irq() == more, "%s: irq %s after clearing %02x", what, more ? "low" : "high", b);
        }
        CHECK(tb.rd(BAR0_INT_CAUSE) == 0, "%s: INT_CAUSE not cleared", what);
        tb.wr(BAR0_INT_MASK, 0);
    };
    d.to_lan(arp(tb.rng, 60));
    CHECK(tb.until([&] { return (tb.mem.get(d.rx_desc(d.rx_next) + 11) & kDone) != 0; }, 20000), "no frame received");
    one(BAR0_INT_CAUSE_RX_MASK, "a frame received");
    d.harvest();
    d.send(tx_item(tb.rng, 64));
    tb.cycles(1);
    CHECK(tb.until([&] { return (tb.mem.get(d.tx_desc(d.tx_clean) + 11) & kDone) != 0; }, 20000), "no frame sent");
    one(BAR0_INT_CAUSE_TX_MASK, "a frame sent");
    d.reclaim();
    TxItem bad = tx_item(tb.rng, 64);
    bad.bad = true;
    bad.len = 0;
    d.send(bad);
    tb.cycles(1);
    CHECK(tb.until([&] { return (tb.mem.get(d.tx_desc(d.tx_clean) + 11) & kDone) != 0; }, 20000), "no refusal");
    one(BAR0_INT_CAUSE_TX_MASK | BAR0_INT_CAUSE_DMA_ERR_MASK, "a descriptor refused");
    d.reclaim();
    // the order, watched cycle by cycle with a slow write port: the descriptor's
    // DONE is in memory before HEAD moves and before its cause raises irq
    tb.dma.wr_stall = 90;
    auto watch = [&](uint32_t bit, uint32_t head_reg, uint64_t dsc, const char *what) {
        tb.wr(BAR0_INT_MASK, bit);
        uint32_t h0 = tb.rd(head_reg);
        int early_head = 0, early_irq = 0;
        bool moved = false;
        for (int i = 0; i < 50000 && !(moved && tb.t->irq); i++) {
            if (tb.barq.empty())
                tb.post({false, head_reg, 0, 0}, [&, h0, dsc](uint32_t h) {
                    if (h == h0) return;
                    moved = true;
                    if (!(tb.mem.get(dsc + 11) & kDone)) early_head++;
                });
            tb.cycle();
            if (tb.t->irq && !(tb.mem.get(dsc + 11) & kDone)) early_irq++;
        }
        tb.cycles(10);       // the last HEAD reads answered
        CHECK(moved && tb.t->irq, "%s: HEAD did not move or no irq", what);
        CHECK(early_head == 0, "%s: HEAD moved before the descriptor was written back", what);
        CHECK(early_irq == 0, "%s: irq before the descriptor was written back", what);
        tb.burst({{true, BAR0_INT_MASK, 0, 0xf}, {true, BAR0_INT_CAUSE, 0x1f, 0xf}});
    };
    for (int i = 0; i < 4; i++) {
        d.to_lan(arp(tb.rng, 42 + unsigned(tb.rng() % 2000)));
        watch(BAR0_INT_CAUSE_RX_MASK, BAR0_RXR_HEAD, d.rx_desc(d.rx_next), "receive");
        d.harvest();
        d.send(tx_item(tb.rng, 14 + unsigned(tb.rng() % 2000)));
        tb.cycles(1);
        watch(BAR0_INT_CAUSE_TX_MASK, BAR0_TXR_HEAD, d.tx_desc(d.tx_clean), "transmit");
        d.reclaim();
    }
    tb.dma.wr_stall = -1;
    tb.wr(BAR0_RXR_SIZE, 0);
    d.to_wan(ike(tb.rng, 300));
    CHECK(tb.until([&] { return !tb.feeding(); }, 20000), "a frame with the ring off held up");
    tb.cycles(200);
    one(BAR0_INT_CAUSE_RX_DROP_MASK, "a frame dropped");
    d.auto_irq = true;
    d.setup(16, 16);
    finish(w, m, "interrupts", true);
}

void soft_reset(World &w)
{
    Tb &tb = w.tb;
    Driver &d = w.drv;
    for (int round = 0; round < 3; round++) {
        d.setup(64, 64);
        for (int i = 0; i < w.n / 2; i++) d.send(tx_item(tb.rng, i % 5 == 0 ? kMaxFrame : pick_len(tb.rng, 14)));
        feed_host(w, w.n / 2);
        tb.cycles(300 + int(tb.rng() % 4000));
        d.stray_reads = d.stray_writes = 1;
        d.begin_reset();
        CHECK(tb.until([&] { return tb.cyc > tb.reset_at; }, 10000), "RESET.go not sent");
        tb.cut_ports();
        CHECK(tb.until([&] { return tb.rd(BAR0_RESET) == 0; }, 1000), "RESET.go stays 1");
        std::vector<Req> q;
        const uint32_t regs[] = {BAR0_TXR_BASE_LO, BAR0_TXR_BASE_HI, BAR0_TXR_SIZE, BAR0_TXR_HEAD,
                                 BAR0_TXR_TAIL,    BAR0_RXR_BASE_LO, BAR0_RXR_BASE_HI, BAR0_RXR_SIZE,
                                 BAR0_RXR_HEAD,    BAR0_RXR_TAIL,    BAR0_INT_MASK,    BAR0_DMA_RX_DROPS,
                                 BAR0_DMA_TX_ERRS, BAR0_INT_CAUSE};
        for (uint32_t r : regs) q.push_back({false, r, 0, 0});
        std::vector<uint32_t> v = tb.burst(q);
        for (size_t i = 0; i < q.size(); i++)
            CHECK(v[i] == 0, "round %d: %03x reads %08x after the soft reset", round, regs[i], v[i]);
        CHECK(!tb.t->irq, "round %d: irq after the soft reset", round);
        uint64_t r0 = tb.dma.reads, w0 = tb.dma.writes;
        tb.cycles(3000);
        CHECK(tb.dma.reads - r0 <= 1 && tb.dma.writes - w0 <= 1, "round %d: %" PRIu64 " reads, %" PRIu64
              " writes after the soft reset", round, tb.dma.reads - r0, tb.dma.writes - w0);
        CHECK(!tb.dma.busy(), "round %d: reads outstanding for good", round);
        for (const std::string &p : tb.dma.problems) CHECK(false, "round %d: DMA port: %s", round, p.c_str());
        tb.dma.problems.clear();
        tb.lan_out.clear();
        tb.wan_out.clear();
        for (int p = 0; p < 2; p++) {
            d.sent[p].clear();
            d.expect[p].clear();
        }
        d.tx_queue.clear();
        // the engine carries on as new
        d.setup(64, 64);
        Mark m = mark(w);
        CHECK(m.drops == 0 && m.errs == 0 && m.host_rx == 0 && m.host_tx == 0, "round %d: counters not zeroed",
              round);
        for (int i = 0; i < w.n / 2; i++) d.send(tx_item(tb.rng, pick_len(tb.rng, 14)));
        feed_host(w, w.n / 2);
        finish(w, m, "after a soft reset", false);
    }
}

}  // namespace

int main(int argc, char **argv)
{
    Verilated::commandArgs(argc, argv);
    int n = argc > 1 ? atoi(argv[1]) : 200;
    int stall = argc > 2 ? atoi(argv[2]) : 0;
    uint64_t seed = argc > 3 ? strtoull(argv[3], nullptr, 0) : 1;
    if (n < 8 || stall < 0 || stall > 90) {
        printf("usage: dma-tb [frames >= 8] [stall-percent 0..90] [seed]\n");
        return 2;
    }
    printf("dma-tb: LANES %d, %d frames, stalls %d%%, seed %" PRIu64 "\n", LANES, n, stall, seed);
    World w(seed, stall, n);
    const struct {
        const char *name;
        std::function<void()> run;
    } steps[] = {
        {"registers", [&] { registers(w); }},
        {"transmit", [&] { transmit(w); }},
        {"receive", [&] { receive(w); }},
        {"both ways", [&] { both(w); }},
        {"wrap", [&] { wrap(w); }},
        {"drops", [&] { drops(w); }},
        {"truncation", [&] { truncation(w); }},
        {"bad tx", [&] { bad_tx(w); }},
        {"interrupt", [&] { interrupt(w); }},
        {"soft reset", [&] { soft_reset(w); }},
    };
    int passed = 0, failed = 0;
    for (const auto &s : steps) {
        int f0 = failures;
        s.run();
        bool ok = failures == f0;
        printf("dma-tb: %-12s %s\n", s.name, ok ? "ok" : "FAILED");
        fflush(stdout);
        (ok ? passed : failed)++;
    }
    printf("dma-tb: %" PRIu64 " cycles, %" PRIu64 " frames sent, %" PRIu64 " received (%" PRIu64 " cut), %" PRIu64
           " interrupts; %d passed, %d failed\n",
           w.tb.cyc, w.drv.tx_good, w.drv.rx_got, w.drv.rx_cut, w.tb.irq_rises, passed, failed);
    return failed ? 1 : 0;
}
