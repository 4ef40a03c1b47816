// Frames through the card: the LAN and WAN input files and the host's frames
// for either port fed at once, a beat a cycle each (less with --stall), the
// LAN, WAN and host outputs collected into their files, until the card's own
// counters say it has taken every frame in and finished with it (sent or
// dropped: a Balance) and nothing is on its way out.
#include "Vnicsec_card.h"
#include "replay.h"
#include "tb_util.h"

extern "C" {
#include "pcap.h"
}

#include <algorithm>
#include <memory>
#include <random>
#include <type_traits>

namespace replay {

namespace {

constexpr int kB = 16 * LANES;  // bytes a beat

// Once everything is in: quiet cycles between looks at the counters (a look
// holds the outputs for a few cycles per SA), and the most there may be before
// the card counts as stuck with frames inside.
constexpr uint64_t kLook = 500;
constexpr uint64_t kDrainMax = 200000;
// Quiet cycles with input waiting before the card counts as stopped.
constexpr uint64_t kStuck = 200000;

// The signals of one stream port, by reference to the model's.
template <typename D, typename K> struct Ports {
    D &tdata;
    K &tkeep;
    CData &tvalid, &tready, &tlast;
};
template <typename D, typename K> Ports<D, K> ports(D &d, K &k, CData &v, CData &r, CData &l)
{
    return Ports<D, K>{d, k, v, r, l};
}

struct Input {
    explicit Input(const char *n) : name(n) {}
    const char *name;
    std::vector<Bytes> frames;
    std::vector<CData> port;  // host input only: host_tx_port of each frame
    size_t next = 0, beat = 0;
    bool valid = false;
    bool done() const { return next == frames.size(); }
};

std::string read_frames(const std::string &path, std::vector<Bytes> &out)
{
    if (path.empty()) return "";
    char err[512];
    struct pcap_reader *r = pcap_open_read(path.c_str(), err, sizeof err);
    if (!r) return err;
    const uint8_t *data;
    size_t len;
    uint64_t ts;
    int rc;
    while ((rc = pcap_next(r, &data, &len, &ts, err, sizeof err)) == 1) out.emplace_back(data, data + len);
    pcap_close_read(r);
    return rc < 0 ? std::string(err) : "";
}

// The host has one port, host_tx, for the frames it sends out of the LAN and
// the WAN, so its two files take turns on it a frame at a time, each in its
// own order; once one runs out the rest of the other follows.
std::string read_host_frames(const Options &o, Input &host)
{
    std::vector<Bytes> lan, wan;
    std::string err = read_frames(o.host_lan_in, lan);
    if (err.empty()) err = read_frames(o.host_wan_in, wan);
    if (!err.empty()) return err;
    for (size_t i = 0; i < std::max(lan.size(), wan.size()); i++) {
        if (i < lan.size()) {
            host.frames.push_back(std::move(lan[i]));
            host.port.push_back(0);
        }
        if (i < wan.size()) {
            host.frames.push_back(std::move(wan[i]));
            host.port.push_back(1);
        }
    }
    return "";
}

// Puts the input's next beat on the port, if it has one and is not stalling.
template <typename P> void offer(Input &in, P p, std::mt19937_64 &rng, int stall)
{
    // A beat once offered stays until taken (AXI-Stream); only a new one may wait.
    if (!in.valid && !in.done() && !chance(rng, stall / 2)) {
        const Bytes &f = in.frames[in.next];
        size_t off = in.beat * kB;
        int n = int(std::min<size_t>(kB, f.size() - off));
        put_bytes(p.tdata, kB / 4, f.data() + off, n);
        p.tkeep = std::remove_reference_t<decltype(p.tkeep)>(keep_mask(n));
        p.tlast = off + n == f.size();
        in.valid = true;
    }
    p.tvalid = in.valid;
}

// Moves on if the card took the beat this cycle (call after eval()).
template <typename P> bool taken(Input &in, P p)
{
    if (!(in.valid && p.tready)) return false;
    in.valid = false;
    if (p.tlast) {
        in.next++;
        in.beat = 0;
    } else {
        in.beat++;
    }
    return true;
}

struct Output {
    explicit Output(const char *n) : name(n) {}
    const char *name;
    struct pcap_writer *w = nullptr;
    Bytes frame;
    uint64_t frames = 0;
    bool holes = false;  // a beat whose bytes were not contiguous from byte 0
};

// Takes a beat if one is offered and accepted; returns true at a frame's end.
template <typename P> bool collect(Output &o, P p, uint64_t cycle, std::vector<std::string> &problems)
{
    if (!(p.tvalid && p.tready)) return false;
    uint64_t keep = uint64_t(p.tkeep);
    int n = 0;
    while (n < kB && (keep >> n & 1)) n++;
    if (n < kB && (keep >> n) != 0) o.holes = true;
    for (int i = 0; i < kB; i++)
        if (keep >> i & 1) o.frame.push_back(byte_at(p.tdata, i));
    if (!p.tlast) return false;
    char msg[256];
    o.frames++;
    if (o.holes) {
        snprintf(msg, sizeof msg, "%s output frame %llu: a beat's tkeep had gaps", o.name,
                 (unsigned long long)o.frames);
        problems.push_back(msg);
    }
    if (o.frame.size() < PCAP_MIN_FRAME || o.frame.size() > PCAP_MAX_FRAME) {
        snprintf(msg, sizeof msg, "%s output frame %llu: %zu bytes, not an Ethernet frame; not written",
                 o.name, (unsigned long long)o.frames, o.frame.size());
        problems.push_back(msg);
    } else if (o.w) {
        pcap_write(o.w, o.frame.data(), o.frame.size(), cycle);
    }
    o.frame.clear();
    o.holes = false;
    return true;
}

}  // namespace

std::string run_streams(Card &card, const Options &o, const Plan &plan, Result &r)
{
    Vnicsec_card *t = card.model();
    Input lan{"LAN"}, wan{"WAN"}, host{"host"};
    std::string err = read_frames(o.lan_in, lan.frames);
    if (err.empty()) err = read_frames(o.wan_in, wan.frames);
    if (err.empty()) err = read_host_frames(o, host);
    if (!err.empty()) return err;
    // Every frame fed must show in the card's lan_rx, wan_rx and host_tx.
    const uint64_t fed_frames = lan.frames.size() + wan.frames.size() + host.frames.size();

    Output lan_out{"LAN"}, wan_out{"WAN"}, host_out{"host"};
    char msg[512];
    struct Dest { const std::string &path; Output &o; } dests[] = {
        {o.lan_out, lan_out}, {o.wan_out, wan_out}, {o.host_out, host_out}};
    for (Dest &d : dests) {
        if (d.path.empty()) continue;
        d.o.w = pcap_open_write(d.path.c_str(), msg, sizeof msg);
        if (!d.o.w) {
            for (Dest &c : dests) pcap_close_write(c.o.w, msg, sizeof msg);
            return msg;
        }
    }

    auto lan_rx = ports(t->lan_rx_tdata, t->lan_rx_tkeep, t->lan_rx_tvalid, t->lan_rx_tready, t->lan_rx_tlast);
    auto wan_rx = ports(t->wan_rx_tdata, t->wan_rx_tkeep, t->wan_rx_tvalid, t->wan_rx_tready, t->wan_rx_tlast);
    auto host_tx = ports(t->host_tx_tdata, t->host_tx_tkeep, t->host_tx_tvalid, t->host_tx_tready,
                         t->host_tx_tlast);
    auto lan_tx = ports(t->lan_tx_tdata, t->lan_tx_tkeep, t->lan_tx_tvalid, t->lan_tx_tready, t->lan_tx_tlast);
    auto wan_tx = ports(t->wan_tx_tdata, t->wan_tx_tkeep, t->wan_tx_tvalid, t->wan_tx_tready, t->wan_tx_tlast);
    auto host_rx = ports(t->host_rx_tdata, t->host_rx_tkeep, t->host_rx_tvalid, t->host_rx_tready,
                         t->host_rx_tlast);

    std::mt19937_64 rng(o.seed);
    uint64_t quiet = 0, since_look = 0;
    int host_port = 0;  // of the frame coming out to the host, from its first beat
    for (;;) {
        offer(lan, lan_rx, rng, o.stall);
        offer(wan, wan_rx, rng, o.stall);
        // host_tx_port goes with every beat; it only changes between frames,
        // as the input moves on only after a frame's last beat
        t->host_tx_port = host.done() ? 0 : host.port[host.next];
        offer(host, host_tx, rng, o.stall);
        t->lan_tx_tready = !chance(rng, o.stall);
        t->wan_tx_tready = !chance(rng, o.stall);
        t->host_rx_tready = !chance(rng, o.stall);
        t->eval();
        bool busy = taken(lan, lan_rx);
        busy |= taken(wan, wan_rx);
        busy |= taken(host, host_tx);
        busy |= t->lan_tx_tvalid || t->wan_tx_tvalid || t->host_rx_tvalid;
        if (t->host_rx_tvalid && t->host_rx_tready && host_out.frame.empty()) host_port = t->host_rx_port;
        collect(lan_out, lan_tx, card.cycles(), r.problems);
        collect(wan_out, wan_tx, card.cycles(), r.problems);
        if (collect(host_out, host_rx, card.cycles(), r.problems))
            (host_port ? r.out.host_from_wan : r.out.host_from_lan)++;
        size_t before = r.events.size();
        card.take_event(r.events);
        busy |= r.events.size() != before;
        card.tick();
        quiet = busy ? 0 : quiet + 1;
        since_look++;
        bool fed = lan.done() && wan.done() && host.done() && !lan.valid && !wan.valid && !host.valid;
        if (fed && quiet >= kLook && since_look >= kLook) {
            // Outputs wait (tready low) while the counters are read.
            t->lan_tx_tready = t->wan_tx_tready = t->host_rx_tready = 0;
            r.balance = card.balance(plan, r.events);
            since_look = 0;
            t->eval();
            if (r.balance.in == fed_frames && r.balance.even() && !t->lan_tx_tvalid && !t->wan_tx_tvalid &&
                !t->host_rx_tvalid)
                break;
        }
        if (fed && quiet >= kDrainMax) {
            snprintf(msg, sizeof msg, "after %llu quiet cycles the card's counters still miss frames: "
                     "%llu in (of %llu fed), %llu out, %llu dropped", (unsigned long long)kDrainMax,
                     (unsigned long long)r.balance.in, (unsigned long long)fed_frames,
                     (unsigned long long)r.balance.out, (unsigned long long)r.balance.dropped);
            r.problems.push_back(msg);
            break;
        }
        if (!fed && quiet >= kStuck) {
            r.stuck = true;
            snprintf(msg, sizeof msg, "the card stopped taking frames: LAN input frame %zu of %zu, "
                     "WAN input frame %zu of %zu, host input frame %zu of %zu waiting for %llu cycles",
                     lan.next + 1, lan.frames.size(), wan.next + 1, wan.frames.size(), host.next + 1,
                     host.frames.size(), (unsigned long long)kStuck);
            r.problems.push_back(msg);
            break;
        }
    }
    t->lan_rx_tvalid = 0;
    t->wan_rx_tvalid = 0;
    t->host_tx_tvalid = 0;
    t->lan_tx_tready = 1;
    t->wan_tx_tready = 1;
    t->host_rx_tready = 1;
    r.out.lan = lan_out.frames;
    r.out.wan = wan_out.frames;
    r.out.host = host_out.frames;
    for (Dest &d : dests) {
        if (d.o.w && pcap_close_write(d.o.w, msg, sizeof msg) != 0) err = msg;
        d.o.w = nullptr;
    }
    return err;
}

}  // namespace replay
