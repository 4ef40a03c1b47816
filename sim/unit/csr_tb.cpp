// Verilator bench for rtl/nicsec_card_bar.v: the card as the host sees it, driven
// only through its BAR0 registers (regmap/bar0.def, through the generated bar0.h)
// and its LAN and WAN ports. What it checks:
//   identity     ID, VERSION and the CAP registers (CAP_FEATURES.dma 1); reading
//                them flags nothing; the DMA window's registers read as registers
//   registers    every rw register and array word of the map: all ones read back as
//                the bits it holds, zero as zero, byte enables merge; write-only key
//                words read 0; every read answered exactly 3 cycles after it
//   ordering     random back-to-back bursts of reads and writes against a model:
//                a read sees every write before it and none after
//   SAs          outbound SAs (AES-128 and -256, ESN across 2^32, UDP-encapsulated)
//                and an inbound one installed with driver/sa_pack.h through the
//                staging registers and SA_COMMIT; LAN frames come out of the WAN
//                port as ESP that OpenSSL (sim/gcm/gcm_ref.h) decrypts to the
//                frame's packet, with the right SPI, sequence number, IV, padding;
//                ESP frames made with OpenSSL come out of the LAN port decapsulated
//   counters     per-SA and global counters over BAR0 agree with the traffic;
//                a select written on the cycle before the read is already seen;
//                CNT_HI / GLB_HI hold the half latched by the last _LO read
//   keys         the key words read 0 before the commit, and are cleared by it:
//                an SA committed without new key words encrypts under key 0
//   policy       rules written over BAR0 take effect: drop, bypass, a protocol
//                that does not match, punt to the host, removed again
//   events       soft and hard packet limits of 1 and 3, ICV failures under two
//                EV_ICV_INTERVAL values; EV_DATA reads 0 when empty, STATUS shows
//                a pending event; the lifetime drop counted; INT_CAUSE.event set
//                while the FIFO holds an event (set again after a clear), irq
//                with INT_MASK.event, and cleared for good once it is empty
//   busy         a commit while an install is busy is refused (ERR.busy, counted
//                nowhere) with the staging kept: the next commit installs it
//   read back    SAs installed over BAR0 read back with SA_COMMIT.read, every
//                record word as installed (and through sa_record_unpack the same
//                SA), busy until the copy is in; empty and deleted slots read 0;
//                SA_SEQ_LO/HI, SA_KEY_SIZE and SA_COMMITS untouched; a read-back
//                during an install, and an install during a read-back, refused;
//                go with read installs; traffic goes on
//   SA used      every word of SA_USED against the bench's own model of the slots
//                holding SAs (kept by the helpers that commit), after installs,
//                deletes, the churn (each install and delete's word too) and soft
//                reset; an install's or a delete's slot shows from the first read
//                after one of SA_COMMIT that gives busy 0, and never after one that
//                gives busy 1 (both phases of the read pairs); writes refused
//                (ERR.wr_ro), nothing changed; 0 from the access behind RESET.go
//   rule read back  SPD_COMMIT.read: random rules (IPv4 and IPv6, random prefixes
//                and bits past them, protocol any or one, every action, SA index)
//                read back word by word right behind the command (the staging
//                written with junk first), and in the commit's own burst, as
//                written; never-written and removed indices read all 0, an
//                overwritten one the new rule; SPD_INDEX kept, nothing flagged; go
//                with read writes; soft reset empties them; a read-back during a
//                reset is not refused, a rule commit is and leaves nothing
//   bad accesses every unmapped offset of the 4 KiB reads BAD_READ; writes to every
//                unmapped offset and read-only register change nothing (every
//                readable register, the counters and the traffic compared before
//                and after); ERR bits and ERR_ADDR, and ERR's write-1-to-clear
//   churn        install/delete cycles at random slots, each busy for a bounded
//                time, SA_COMMITS counting them, no busy left over, SA_USED showing
//                each; traffic after
//   soft reset   RESET empties the card and the block (SAs, rules, counters,
//                registers back to their reset values; SA_USED and every rule's
//                read-back 0), a commit during it is refused, and SAs install
//                again after it
//
//
// Frames for the host come through a receive ring in host memory
// (sim/unit/dma_host.h serves the DMA port; sim/unit/dma_tb.cpp tests the rings
// themselves): the bench reads each written-back descriptor as it appears.
//
//   csr-tb [churn-cycles] [seed]
#include <verilated.h>
#include "Vnicsec_card_bar.h"
#include "tb_util.h"
#include "dma_host.h"
#include "gcm_ref.h"

extern "C" {
#include "bar0.h"
#include "sa_pack.h"
#include "sa_parse.h"
}

#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <functional>
#include <map>
#include <string>

#ifndef LANES
#error "build with -DLANES"
#endif

static_assert(SA_REC_WORDS == BAR0_SA_REC_N, "SA_REC holds the record");
static_assert(SA_KEY_WORDS == BAR0_SA_KEY_N, "SA_KEY holds the key");

namespace {
constexpr int kB = 16 * LANES;
constexpr int kRdLat = 3;            // cycles from a read's request to its data
constexpr int kRules = 64;           // CAP_RULES
constexpr int kRuleWords = 13;       // a policy rule's staging registers (kRuleRegs)

int failures = 0;
#define CHECK(cond, ...)                                                     \
    do {                                                                     \
        if (!(cond)) {                                                       \
            if (++failures <= 40) {                                          \
                printf("csr-tb: %s:%d: ", __func__, __LINE__);               \
                printf(__VA_ARGS__);                                         \
                printf("\n");                                                \
            }                                                                \
        }                                                                    \
    } while (0)

struct Req {
    bool write;
    uint32_t off, data;
    unsigned be;
};

// --- the bench: the model, its ports, and the BAR ---------------------------------
class Tb {
public:
    Tb() : t(new Vnicsec_card_bar), rng(99), dma(mem, rng)
    {
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
    uint64_t cyc = 0;
    std::deque<Bytes> lan_in, wan_in;            // frames waiting to go in
    std::vector<Bytes> lan_out, wan_out, host_out;
    std::vector<int> host_port;                  // where each host_out frame came in
    std::mt19937_64 rng;
    HostMem mem;
    DmaHost<Vnicsec_card_bar, LANES> dma;
    // the receive ring host frames arrive in (rx_ring), read as the card fills it
    uint64_t rx_base = 0;
    unsigned rx_size = 0, rx_next = 0, rx_epoch = 0;
    std::deque<std::pair<uint64_t, uint32_t>> rsp;  // (cycle, data) of read answers
    // the bench's own model of what the card holds: which SA slots hold an SA (kept by
    // the helpers that stage and commit), and each policy rule as a read-back gives it
    std::vector<bool> held = std::vector<bool>(BAR0_SA_USED_N * 32);
    int staged_idx = 0;                          // what SA_INDEX and SA_REC's valid hold
    bool staged_valid = false;
    std::vector<std::vector<uint32_t>> rules =   // per index, as a read-back gives it (kRuleRegs)
        std::vector<std::vector<uint32_t>>(kRules, std::vector<uint32_t>(kRuleWords, 0));

    // One clock cycle: the port beats and answers of this cycle, then the edge.
    void cycle()
    {
        feed(lan_in, lan_pos, t->lan_rx_tdata, t->lan_rx_tkeep, t->lan_rx_tvalid, t->lan_rx_tlast);
        feed(wan_in, wan_pos, t->wan_rx_tdata, t->wan_rx_tkeep, t->wan_rx_tvalid, t->wan_rx_tlast);
        t->eval();
        bool lan_take = t->lan_rx_tvalid && t->lan_rx_tready;
        bool wan_take = t->wan_rx_tvalid && t->wan_rx_tready;
        collect(t->lan_tx_tdata, t->lan_tx_tkeep, t->lan_tx_tvalid, t->lan_tx_tready, t->lan_tx_tlast,
                lan_cur, lan_out);
        collect(t->wan_tx_tdata, t->wan_tx_tkeep, t->wan_tx_tvalid, t->wan_tx_tready, t->wan_tx_tlast,
                wan_cur, wan_out);
        dma.drive(t, cyc);
        t->eval();
        dma.sample(t, cyc);
        if (t->rsp_valid) rsp.push_back({cyc, t->rsp_rdata});
        tick(t);
        cyc++;
        advance(lan_in, lan_pos, lan_take, t->lan_rx_tlast);
        advance(wan_in, wan_pos, wan_take, t->wan_rx_tlast);
        // the host's side of the receive ring: frames in the order they are written back
        while (rx_size && rx_next + 1 < rx_size && (mem.get(rx_base + 16 * rx_next + 11) & 1)) {
            uint64_t d = rx_base + 16 * rx_next++;
            host_out.push_back(mem.bytes(mem.le(d, 8), size_t(mem.le(d + 8, 2))));
            host_port.push_back(mem.get(d + 10));
        }
    }
    // A receive ring of 1,024 buffers in a fresh area of host memory (enough for
    // every frame the bench sends the host, so no buffer is ever given back).
    void rx_ring()
    {
        const unsigned n = 1024;
        rx_base = uint64_t(++rx_epoch) << 32;
        rx_size = n;
        rx_next = 0;
        for (unsigned i = 0; i < n; i++) {
            uint64_t d = rx_base + 16 * i;
            mem.put_le(d, rx_base + 0x100000 + 0x2800 * uint64_t(i), 8);
            mem.put_le(d + 8, 9216, 2);
            mem.put_le(d + 10, 0, 6);
        }
        burst({{true, BAR0_RXR_SIZE, 0, 0xf}, {true, BAR0_RXR_BASE_LO, uint32_t(rx_base), 0xf},
               {true, BAR0_RXR_BASE_HI, uint32_t(rx_base >> 32), 0xf}, {true, BAR0_RXR_TAIL, n - 1, 0xf},
               {true, BAR0_RXR_SIZE, n, 0xf}});
    }
    void cycles(int n)
    {
        for (int i = 0; i < n; i++) cycle();
    }
    // Cycles until done() or limit cycles; false on the limit.
    bool until(const std::function<bool()> &done, int limit)
    {
        for (int i = 0; i < limit; i++) {
            if (done()) return true;
            cycle();
        }
        return done();
    }

    // Requests on consecutive cycles; the read answers, in order, each checked to
    // come exactly kRdLat cycles after its request.
    // SA_USED[i] as the model has it
    uint32_t held_word(int i) const
    {
        uint32_t v = 0;
        for (int j = 0; j < 32; j++)
            if (held[size_t(32 * i + j)]) v |= 1u << j;
        return v;
    }
    std::vector<uint32_t> burst(const std::vector<Req> &reqs)
    {
        std::vector<uint64_t> at;
        rsp.clear();
        for (const Req &r : reqs) {
            t->req_valid = 1;
            t->req_write = r.write;
            t->req_addr = r.off;
            t->req_wdata = r.data;
            t->req_be = r.be;
            if (!r.write) at.push_back(cyc);
            cycle();
        }
        t->req_valid = 0;
        t->req_write = 0;
        t->req_wdata = 0;
        cycles(kRdLat + 1);
        std::vector<uint32_t> out;
        CHECK(rsp.size() == at.size(), "%zu answers to %zu reads", rsp.size(), at.size());
        for (size_t i = 0; i < at.size() && i < rsp.size(); i++) {
            CHECK(rsp[i].first == at[i] + kRdLat, "read answered %" PRIu64 " cycles after it",
                  rsp[i].first - at[i]);
            out.push_back(rsp[i].second);
        }
        while (out.size() < at.size()) out.push_back(0);
        return out;
    }
    uint32_t rd(uint32_t off) { return burst({{false, off, 0, 0}})[0]; }
    void wr(uint32_t off, uint32_t v, unsigned be = 0xf) { burst({{true, off, v, be}}); }
    uint64_t counter(int idx, int sel)
    {
        std::vector<uint32_t> v = burst({{true, BAR0_CNT_SEL, uint32_t(sel) << BAR0_CNT_SEL_SEL_SHIFT |
                                          uint32_t(idx), 0xf},
                                         {false, BAR0_CNT_LO, 0, 0}, {false, BAR0_CNT_HI, 0, 0}});
        return uint64_t(v[1]) << 32 | v[0];
    }
    uint64_t global(int sel)
    {
        std::vector<uint32_t> v = burst({{true, BAR0_GLB_SEL, uint32_t(sel), 0xf},
                                         {false, BAR0_GLB_LO, 0, 0}, {false, BAR0_GLB_HI, 0, 0}});
        return uint64_t(v[1]) << 32 | v[0];
    }
    // Runs until `lan`, `wan` and `host` frames have come out in all, and then some
    // quiet cycles so that anything more would show.
    bool drain(size_t lan, size_t wan, size_t host, int limit = 200000)
    {
        bool ok = until([&] {
            return lan_in.empty() && wan_in.empty() && lan_out.size() >= lan && wan_out.size() >= wan &&
                   host_out.size() >= host;
        }, limit);
        cycles(3000);
        return ok && lan_out.size() == lan && wan_out.size() == wan && host_out.size() == host;
    }

private:
    size_t lan_pos = 0, wan_pos = 0;
    Bytes lan_cur, wan_cur;

    template <typename D, typename K, typename V, typename L>
    void feed(std::deque<Bytes> &q, size_t pos, D &data, K &keep, V &valid, L &last)
    {
        if (q.empty()) {
            valid = 0;
            return;
        }
        const Bytes &f = q.front();
        int n = int(std::min<size_t>(kB, f.size() - pos));
        put_bytes(data, 4 * LANES, f.data() + pos, n);
        keep = keep_mask(n);
        valid = 1;
        last = pos + size_t(n) >= f.size();
    }
    static void advance(std::deque<Bytes> &q, size_t &pos, bool taken, bool last)
    {
        if (!taken) return;
        if (last) {
            q.pop_front();
            pos = 0;
        } else {
            pos += kB;
        }
    }
    template <typename D, typename K>
    static void collect(const D &data, const K &keep, uint8_t valid, uint8_t ready, uint8_t last,
                        Bytes &cur, std::vector<Bytes> &out)
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

// --- SAs and frames -------------------------------------------------------------------
struct nicsec_sa parse_sa(const std::string &line)
{
    struct nicsec_sa sa;
    char err[256];
    if (sa_parse_line(line.c_str(), &sa, err, sizeof err) != 1) {
        printf("csr-tb: bad SA line in the bench: %s\n", err);
        exit(2);
    }
    return sa;
}

std::string hex(const uint8_t *p, size_t n)
{
    std::string s;
    char b[3];
    for (size_t i = 0; i < n; i++) {
        snprintf(b, sizeof b, "%02x", p[i]);
        s += b;
    }
    return s;
}

// An SA line with a random key of klen bytes (kept in key) and salt.
std::string sa_line(const std::string &head, int klen, std::mt19937_64 &rng, Bytes &key, int icv_bits,
                    const std::string &tail)
{
    Bytes ks(size_t(klen + 4));
    for (auto &b : ks) b = uint8_t(rng());
    key.assign(ks.begin(), ks.begin() + klen);
    return head + " mode tunnel aead 'rfc4106(gcm(aes))' 0x" + hex(ks.data(), ks.size()) + " " +
           std::to_string(icv_bits) + " " + tail;
}

void put16(Bytes &b, size_t at, unsigned v)
{
    b[at] = uint8_t(v >> 8);
    b[at + 1] = uint8_t(v);
}
unsigned get16(const Bytes &b, size_t at) { return unsigned(b[at]) << 8 | b[at + 1]; }
uint32_t get32(const Bytes &b, size_t at) { return uint32_t(get16(b, at)) << 16 | get16(b, at + 2); }

void ip_checksum(Bytes &b, size_t at)
{
    b[at + 10] = b[at + 11] = 0;
    uint32_t s = 0;
    for (int i = 0; i < 20; i += 2) s += get16(b, at + size_t(i));
    while (s >> 16) s = (s & 0xffff) + (s >> 16);
    put16(b, at + 10, ~s & 0xffff);
}

// An IPv4 packet, src and dst as a.b.c.d, proto 17 (UDP) or 6 (TCP) with a
// header of its kind, and `payload` random bytes.
Bytes ipv4(uint32_t src, uint32_t dst, int proto, int payload, std::mt19937_64 &rng)
{
    int l4 = proto == 6 ? 20 : 8;
    Bytes p(size_t(20 + l4 + payload));
    p[0] = 0x45;
    put16(p, 2, unsigned(p.size()));
    put16(p, 4, unsigned(rng() & 0xffff));
    p[8] = 64;
    p[9] = uint8_t(proto);
    for (int i = 0; i < 4; i++) {
        p[12 + size_t(i)] = uint8_t(src >> (24 - 8 * i));
        p[16 + size_t(i)] = uint8_t(dst >> (24 - 8 * i));
    }
    ip_checksum(p, 0);
    put16(p, 20, 1024 + unsigned(rng() % 1000));
    put16(p, 22, 2000 + unsigned(rng() % 1000));
    if (proto == 17) put16(p, 24, unsigned(8 + payload));
    else p[32] = 0x50;
    for (size_t i = size_t(20 + l4); i < p.size(); i++) p[i] = uint8_t(rng());
    return p;
}

Bytes ether(const uint8_t dst[6], const uint8_t src[6], const Bytes &ip)
{
    Bytes f(dst, dst + 6);
    f.insert(f.end(), src, src + 6);
    f.push_back(0x08);
    f.push_back(0x00);
    f.insert(f.end(), ip.begin(), ip.end());
    return f;
}

const uint8_t kLanMac[6] = {0x02, 0x10, 0x00, 0x00, 0x00, 0x01};
const uint8_t kGwMac[6] = {0x02, 0x10, 0x00, 0x00, 0x00, 0xfe};

// What an outbound SA is expected to do with the next packet.
struct Out {
    struct nicsec_sa sa;
    Bytes key;              // the key the card holds for it
    int idx;
    uint64_t seq;           // the last sequence number sent
};

// Checks that `wan` is `inner` as ESP under o (advancing o.seq); "" or what is wrong.
std::string check_esp(const Bytes &wan, const Bytes &inner, Out &o)
{
    const struct nicsec_sa &sa = o.sa;
    char why[200];
    if (wan.size() < 14 + 20) return "frame too short";
    if (memcmp(wan.data(), sa.ether_dst, 6) || memcmp(wan.data() + 6, sa.ether_src, 6) ||
        get16(wan, 12) != 0x0800)
        return "Ethernet header";
    Bytes ip(wan.begin() + 14, wan.end());
    Bytes hdr(ip.begin(), ip.begin() + 20);
    ip_checksum(hdr, 0);
    if (ip[0] != 0x45 || get16(ip, 2) != ip.size() || ip[8] != 64 || get16(ip, 10) != get16(hdr, 10))
        return "outer IPv4 header (version, length, TTL or checksum)";
    if (memcmp(ip.data() + 12, sa.src, 4) || memcmp(ip.data() + 16, sa.dst, 4)) return "outer addresses";
    size_t esp = 20;
    if (sa.encap) {
        if (ip[9] != 17 || get16(ip, 20) != sa.encap_sport || get16(ip, 22) != sa.encap_dport ||
            get16(ip, 24) != ip.size() - 20)
            return "UDP header";
        esp = 28;
    } else if (ip[9] != 50) {
        return "not ESP";
    }
    size_t icv = size_t(sa.icv_len);
    if (ip.size() < esp + 16 + icv + 4) return "ESP too short";
    uint64_t seq = o.seq + 1;
    if (get32(ip, esp) != sa.spi || get32(ip, esp + 4) != uint32_t(seq)) {
        snprintf(why, sizeof why, "SPI %08x seq %u, expected %08x seq %u", get32(ip, esp),
                 get32(ip, esp + 4), sa.spi, uint32_t(seq));
        return why;
    }
    for (int i = 0; i < 8; i++)
        if (ip[esp + 8 + size_t(i)] != uint8_t(seq >> (56 - 8 * i))) return "IV is not the sequence number";
    Bytes aad(ip.begin() + long(esp), ip.begin() + long(esp) + 4);
    if (sa.esn)
        for (int i = 0; i < 4; i++) aad.push_back(uint8_t(seq >> (56 - 8 * i)));
    aad.insert(aad.end(), ip.begin() + long(esp) + 4, ip.begin() + long(esp) + 8);
    uint8_t nonce[12];
    memcpy(nonce, sa.salt, 4);
    memcpy(nonce + 4, ip.data() + esp + 8, 8);
    size_t ct = esp + 16, n = ip.size() - ct - icv;
    Bytes plain(n);
    int ok = gcm_ref_decrypt(o.key.data(), o.key.size(), nonce, 12, aad.data(), aad.size(), ip.data() + ct,
                             n, ip.data() + ct + n, icv, plain.data());
    if (ok != 1) return "the ICV does not verify under the SA's key";
    o.seq = seq;
    size_t pad = plain[n - 2];
    if (plain[n - 1] != 4) return "next header";
    if (n % 4 || pad > 3 || n < pad + 2) return "padding length";
    for (size_t i = 0; i < pad; i++)
        if (plain[n - 2 - pad + i] != i + 1) return "padding bytes";
    if (Bytes(plain.begin(), plain.end() - long(pad) - 2) != inner) return "decrypted packet differs";
    return "";
}

// An ESP frame for an inbound SA: inner under key, sequence number seq.
Bytes make_esp(const struct nicsec_sa &sa, const Bytes &key, uint64_t seq, const Bytes &inner, bool bad_icv)
{
    Bytes plain = inner;
    size_t pad = (4 - (inner.size() + 2) % 4) % 4;
    for (size_t i = 1; i <= pad; i++) plain.push_back(uint8_t(i));
    plain.push_back(uint8_t(pad));
    plain.push_back(4);
    Bytes esp(8 + 8);
    for (int i = 0; i < 4; i++) esp[size_t(i)] = uint8_t(sa.spi >> (24 - 8 * i));
    for (int i = 0; i < 4; i++) esp[4 + size_t(i)] = uint8_t(seq >> (24 - 8 * i));
    for (int i = 0; i < 8; i++) esp[8 + size_t(i)] = uint8_t(0xa5 ^ i ^ seq);
    uint8_t nonce[12], tag[16];
    memcpy(nonce, sa.salt, 4);
    memcpy(nonce + 4, esp.data() + 8, 8);
    Bytes ct(plain.size());
    gcm_ref_encrypt(key.data(), key.size(), nonce, 12, esp.data(), 8, plain.data(), plain.size(), ct.data(),
                    tag);
    if (bad_icv) tag[0] ^= 1;
    esp.insert(esp.end(), ct.begin(), ct.end());
    esp.insert(esp.end(), tag, tag + sa.icv_len);
    Bytes ip(20);
    ip[0] = 0x45;
    put16(ip, 2, unsigned(20 + esp.size()));
    ip[8] = 64;
    ip[9] = 50;
    memcpy(ip.data() + 12, sa.src, 4);   // an inbound SA's src is the peer
    memcpy(ip.data() + 16, sa.dst, 4);
    ip_checksum(ip, 0);
    ip.insert(ip.end(), esp.begin(), esp.end());
    return ether(kGwMac, kLanMac, ip);
}

// --- the host's side: installing SAs and rules over BAR0 -----------------------------
void stage_sa(Tb &tb, const struct nicsec_sa &sa, int idx, bool with_key = true)
{
    uint32_t rec[SA_REC_WORDS], key[SA_KEY_WORDS];
    sa_record_pack(&sa, rec);
    int k256 = sa_key_words(&sa, key);
    uint64_t seq = sa_start_seq(&sa);
    std::vector<Req> w = {{true, BAR0_SA_INDEX, uint32_t(idx), 0xf},
                          {true, BAR0_SA_KEY_SIZE, uint32_t(k256), 0xf},
                          {true, BAR0_SA_SEQ_LO, uint32_t(seq), 0xf},
                          {true, BAR0_SA_SEQ_HI, uint32_t(seq >> 32), 0xf}};
    for (int i = 0; i < SA_REC_WORDS; i++) w.push_back({true, uint32_t(BAR0_SA_REC_AT(i)), rec[i], 0xf});
    if (with_key) {
        for (int i = 0; i < SA_KEY_WORDS; i++) w.push_back({true, uint32_t(BAR0_SA_KEY_AT(i)), key[i], 0xf});
        // and the key can't be read back
        for (int i = 0; i < SA_KEY_WORDS; i++) w.push_back({false, uint32_t(BAR0_SA_KEY_AT(i)), 0, 0});
    }
    std::vector<uint32_t> r = tb.burst(w);
    for (uint32_t v : r) CHECK(v == 0, "a key word read back %08x", v);
    memset(key, 0, sizeof key);
    tb.staged_idx = idx;
    tb.staged_valid = true;
}

// The model: the staged SA (or delete) was committed, and the card took it.
void committed(Tb &tb) { tb.held[size_t(tb.staged_idx)] = tb.staged_valid; }

// Polls SA_COMMIT.busy; the cycles it took, or -1 past limit.
int wait_idle(Tb &tb, int limit = 5000)
{
    uint64_t c0 = tb.cyc;
    while (tb.rd(BAR0_SA_COMMIT) & BAR0_SA_COMMIT_BUSY_MASK)
        if (tb.cyc - c0 > uint64_t(limit)) return -1;
    return int(tb.cyc - c0);
}

void commit_sa(Tb &tb)
{
    tb.wr(BAR0_SA_COMMIT, BAR0_SA_COMMIT_GO_MASK);
    CHECK(wait_idle(tb) >= 0, "SA_COMMIT stayed busy");
    committed(tb);
}

void install(Tb &tb, const struct nicsec_sa &sa, int idx)
{
    stage_sa(tb, sa, idx);
    commit_sa(tb);
}

void delete_sa(Tb &tb, int idx)
{
    tb.burst({{true, BAR0_SA_INDEX, uint32_t(idx), 0xf}, {true, uint32_t(BAR0_SA_REC_AT(0)), 0, 0xf}});
    tb.staged_idx = idx;
    tb.staged_valid = false;
    commit_sa(tb);
}

// Every word of SA_USED, in one burst, against the model.
void check_used(Tb &tb, const char *what)
{
    std::vector<Req> q;
    for (int i = 0; i < BAR0_SA_USED_N; i++) q.push_back({false, uint32_t(BAR0_SA_USED_AT(i)), 0, 0});
    std::vector<uint32_t> v = tb.burst(q);
    int bad = 0;
    for (int i = 0; i < BAR0_SA_USED_N; i++)
        if (v[size_t(i)] != tb.held_word(i) && ++bad <= 3)
            CHECK(false, "%s: SA_USED[%d] reads %08x, the slots held are %08x", what, i, v[size_t(i)],
                  tb.held_word(i));
}

struct Rule {
    bool valid = true;
    uint32_t src = 0, dst = 0;
    int src_plen = 0, dst_plen = 0;
    int proto = -1;      // any
    int action = 0;
    int sa = 0;
};

// A rule's staging registers, in this order: what a read-back gives.
const uint32_t kRuleRegs[kRuleWords] = {
    BAR0_SPD_FLAGS, BAR0_SPD_PLEN, BAR0_SPD_PROTO, BAR0_SPD_ACTION, BAR0_SPD_SA,
    BAR0_SPD_SRC_AT(0), BAR0_SPD_SRC_AT(1), BAR0_SPD_SRC_AT(2), BAR0_SPD_SRC_AT(3),
    BAR0_SPD_DST_AT(0), BAR0_SPD_DST_AT(1), BAR0_SPD_DST_AT(2), BAR0_SPD_DST_AT(3)};
const char *const kRuleNames[kRuleWords] = {"SPD_FLAGS", "SPD_PLEN", "SPD_PROTO", "SPD_ACTION", "SPD_SA",
                                            "SPD_SRC[0]", "SPD_SRC[1]", "SPD_SRC[2]", "SPD_SRC[3]",
                                            "SPD_DST[0]", "SPD_DST[1]", "SPD_DST[2]", "SPD_DST[3]"};

// The requests that stage the words and commit them at idx; the model keeps the rule
// (or none: a rule written with valid 0 reads back as nothing).
std::vector<Req> rule_reqs(Tb &tb, int idx, const std::vector<uint32_t> &words)
{
    std::vector<Req> w = {{true, BAR0_SPD_INDEX, uint32_t(idx), 0xf}};
    for (int i = 0; i < kRuleWords; i++) w.push_back({true, kRuleRegs[i], words[size_t(i)], 0xf});
    w.push_back({true, BAR0_SPD_COMMIT, BAR0_SPD_COMMIT_GO_MASK, 0xf});
    tb.rules[size_t(idx)] = words[0] & BAR0_SPD_FLAGS_VALID_MASK ? words : std::vector<uint32_t>(kRuleWords, 0);
    return w;
}

void write_words(Tb &tb, int idx, const std::vector<uint32_t> &words) { tb.burst(rule_reqs(tb, idx, words)); }

void write_rule(Tb &tb, int idx, const Rule &r)
{
    uint32_t flags = (r.valid ? BAR0_SPD_FLAGS_VALID_MASK : 0) | (r.proto < 0 ? BAR0_SPD_FLAGS_PROTO_ANY_MASK : 0);
    std::vector<uint32_t> words(kRuleWords, 0);
    words[0] = flags;
    words[1] = uint32_t(r.src_plen) << BAR0_SPD_PLEN_SRC_SHIFT | uint32_t(r.dst_plen) << BAR0_SPD_PLEN_DST_SHIFT;
    words[2] = uint32_t(r.proto < 0 ? 0 : r.proto);
    words[3] = uint32_t(r.action);
    words[4] = uint32_t(r.sa);
    words[5] = r.src;
    words[9] = r.dst;
    write_words(tb, idx, words);
}

Rule protect(const struct nicsec_sa &sa, int idx)
{
    Rule r;
    r.src = get32(Bytes(sa.sel.src, sa.sel.src + 4), 0);
    r.dst = get32(Bytes(sa.sel.dst, sa.sel.dst + 4), 0);
    r.src_plen = sa.sel.src_plen;
    r.dst_plen = sa.sel.dst_plen;
    r.proto = sa.sel.proto;
    r.action = 0;
    r.sa = idx;
    return r;
}

std::vector<uint32_t> events(Tb &tb)
{
    std::vector<uint32_t> ev;
    for (int i = 0; i < 300; i++) {
        uint32_t e = tb.rd(BAR0_EV_DATA);
        if (e == 0) break;
        ev.push_back(e);
    }
    return ev;
}

uint32_t ev_word(int type, bool out, int idx)
{
    return uint32_t(type) << BAR0_EV_DATA_TYPE_SHIFT | (out ? BAR0_EV_DATA_OUT_MASK : 0) | uint32_t(idx);
}

// The registers a read leaves as they are, with their values (for before/after).
std::map<uint32_t, uint32_t> snapshot(Tb &tb)
{
    std::vector<Req> r;
#define SNAP(name, off, n, acc, mask, reset)                                                        \
    if (acc != BAR0_ACC_RSVD && BAR0_##name != BAR0_EV_DATA && BAR0_##name != BAR0_CNT_LO && \
        BAR0_##name != BAR0_GLB_LO)                                                     \
        for (int i = 0; i < n; i++) r.push_back({false, uint32_t(off + 4 * i), 0, 0});
    BAR0_REGS(SNAP)
#undef SNAP
    std::vector<uint32_t> v = tb.burst(r);
    std::map<uint32_t, uint32_t> m;
    for (size_t i = 0; i < r.size(); i++) m[r[i].off] = v[i];
    return m;
}

// --- the scenarios ----------------------------------------------------------------------
struct World {
    Tb tb;
    std::mt19937_64 rng;
    Out a, b, e;                 // outbound SAs
    struct nicsec_sa c;          // inbound
    Bytes c_key;
    int c_idx = 0;
    uint64_t c_seq = 0;          // the last one sent to it
    explicit World(uint64_t seed) : rng(seed) {}
};

void identity(World &w)
{
    Tb &tb = w.tb;
    std::vector<uint32_t> v = tb.burst({{false, BAR0_ID, 0, 0}, {false, BAR0_VERSION, 0, 0},
                                        {false, BAR0_CAP_SA, 0, 0}, {false, BAR0_CAP_LANES, 0, 0},
                                        {false, BAR0_CAP_RULES, 0, 0}, {false, BAR0_CAP_FRAME, 0, 0},
                                        {false, BAR0_CAP_COUNTERS, 0, 0}, {false, BAR0_CAP_FEATURES, 0, 0},
                                        {false, BAR0_ERR, 0, 0}, {false, BAR0_STATUS, 0, 0}});
    CHECK(v[0] == BAR0_ID_MAGIC, "ID %08x", v[0]);
    CHECK(v[1] == BAR0_VERSION_VALUE, "VERSION %08x", v[1]);
    CHECK(v[2] == 4096, "CAP_SA %u", v[2]);
    CHECK(v[3] == LANES, "CAP_LANES %u", v[3]);
    CHECK(v[4] == 64, "CAP_RULES %u", v[4]);
    CHECK(v[5] == 9216, "CAP_FRAME %u", v[5]);
    CHECK(v[6] == (15u << BAR0_CAP_COUNTERS_GLB_SHIFT | 9u), "CAP_COUNTERS %08x", v[6]);
    CHECK(v[7] == BAR0_CAP_FEATURES_DMA_MASK, "CAP_FEATURES %08x: DMA rings expected", v[7]);
    CHECK(v[8] == 0 && v[9] == 0, "ERR %08x STATUS %08x after reset", v[8], v[9]);
    // the DMA window holds registers now: they read their reset values, flagging nothing
    std::vector<Req> q;
    std::vector<uint32_t> want;
#define DMAREG(name, off, n, acc, mask, reset)                                      \
    if ((off) >= BAR0_TXR_BASE_LO && (off) < BAR0_TXR_BASE_LO + 0x100)            \
        for (int i = 0; i < n; i++) {                                                \
            q.push_back({false, uint32_t(off + 4 * i), 0, 0});                      \
            want.push_back(reset);                                                   \
        }
    BAR0_REGS(DMAREG)
#undef DMAREG
    q.push_back({false, BAR0_ERR, 0, 0});
    want.push_back(0);
    v = tb.burst(q);
    CHECK(q.size() == 15, "%zu registers in the DMA window", q.size() - 1);
    for (size_t i = 0; i < q.size(); i++)
        CHECK(v[i] == want[i], "%03x reads %08x after reset, not %08x", q[i].off, v[i], want[i]);
}

// What an rw register's word reads after all ones is written (this card's sizes
// are the map's, so the map's masks hold).
// The record's salt bits in record word i: they read 0 (keying material, as
// the key).
uint32_t salt_bits(int i)
{
    uint32_t m = 0;
    for (int b = SA_REC_SALT_LSB; b < SA_REC_SALT_LSB + SA_REC_SALT_BITS; b++)
        if (b / 32 == i) m |= 1u << (b % 32);
    return m;
}

uint32_t holds(uint32_t off, uint32_t mask)
{
    uint32_t last = BAR0_SA_REC_AT(SA_REC_WORDS - 1);
    if (off >= BAR0_SA_REC && off <= last) mask &= ~salt_bits(int((off - BAR0_SA_REC) / 4));
    if (off == last && SA_REC_BITS % 32) return mask & ((1u << (SA_REC_BITS % 32)) - 1);
    return mask;
}

void registers(World &w)
{
    Tb &tb = w.tb;
    struct R {
        uint32_t off, mask, reset;
    };
    std::vector<R> rw;
#define RWREG(name, off, n, acc, mask, reset)                                        \
    if (acc == BAR0_ACC_RW)                                                          \
        for (int i = 0; i < n; i++) rw.push_back({uint32_t(off + 4 * i), mask, reset});
    BAR0_REGS(RWREG)
#undef RWREG
    CHECK(rw.size() > 50, "%zu rw registers", rw.size());
    std::map<uint32_t, uint32_t> model;
    for (const R &r : rw) {
        uint32_t m = holds(r.off, r.mask);
        std::vector<uint32_t> v = tb.burst({{false, r.off, 0, 0}, {true, r.off, 0xffffffff, 0xf},
                                            {false, r.off, 0, 0}, {true, r.off, 0, 0xf},
                                            {false, r.off, 0, 0}, {true, r.off, 0x5a5aa5a5, 0x5},
                                            {false, r.off, 0, 0}, {true, r.off, 0xffffffff, 0},
                                            {false, r.off, 0, 0}});
        CHECK(v[0] == r.reset, "%03x reads %08x after reset, not %08x", r.off, v[0], r.reset);
        CHECK(v[1] == m, "%03x: all ones read back %08x, not %08x", r.off, v[1], m);
        CHECK(v[2] == 0, "%03x: zero read back %08x", r.off, v[2]);
        CHECK(v[3] == (0x5a5aa5a5 & 0x00ff00ff & m), "%03x: bytes 0 and 2 read back %08x", r.off, v[3]);
        CHECK(v[4] == v[3], "%03x: a write with no byte enables changed it to %08x", r.off, v[4]);
        uint32_t x = uint32_t(w.rng()) & m;
        tb.wr(r.off, x);
        model[r.off] = x;
    }
    // all of them at once, after all the writes: no write reached another register
    std::vector<Req> reads;
    for (const R &r : rw) reads.push_back({false, r.off, 0, 0});
    std::vector<uint32_t> v = tb.burst(reads);
    for (size_t i = 0; i < rw.size(); i++)
        CHECK(v[i] == model[rw[i].off], "%03x reads %08x, written %08x", rw[i].off, v[i], model[rw[i].off]);
    // write-only: the key
    for (int i = 0; i < SA_KEY_WORDS; i++) {
        tb.wr(BAR0_SA_KEY_AT(i), 0xffffffff);
        CHECK(tb.rd(BAR0_SA_KEY_AT(i)) == 0, "SA_KEY[%d] read back", i);
    }
    CHECK(tb.rd(BAR0_ERR) == 0, "ERR %08x after good accesses", tb.rd(BAR0_ERR));
    // a command with bit 0's byte not enabled does nothing
    uint32_t n0 = tb.rd(BAR0_SA_COMMITS);
    tb.wr(BAR0_SA_COMMIT, 0xffffffff, 0xe);
    tb.cycles(10);
    CHECK(tb.rd(BAR0_SA_COMMITS) == n0, "SA_COMMIT without byte 0 committed");
    // leave every register as reset left it
    for (const R &r : rw) tb.wr(r.off, r.reset);
    for (int i = 0; i < SA_KEY_WORDS; i++) tb.wr(BAR0_SA_KEY_AT(i), 0);
}

// Random back-to-back reads and writes of storage registers against a model.
void ordering(World &w)
{
    Tb &tb = w.tb;
    const uint32_t regs[] = {BAR0_SCRATCH, BAR0_SA_SEQ_LO, BAR0_SA_SEQ_HI, (uint32_t)BAR0_SPD_SRC_AT(0),
                             (uint32_t)BAR0_SPD_SRC_AT(3), (uint32_t)BAR0_SA_REC_AT(5), BAR0_SPD_PLEN};
    const uint32_t masks[] = {0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff,
                              BAR0_SPD_PLEN_MASK};
    std::map<uint32_t, uint32_t> model;
    for (uint32_t r : regs) model[r] = tb.rd(r);
    for (int round = 0; round < 50; round++) {
        std::vector<Req> q;
        std::vector<uint32_t> want;
        for (int i = 0; i < 40; i++) {
            int k = int(w.rng() % 7);
            if (w.rng() & 1) {
                uint32_t v = uint32_t(w.rng());
                unsigned be = unsigned(w.rng() % 16);
                uint32_t m = 0;
                for (int b = 0; b < 4; b++)
                    if (be >> b & 1) m |= 0xffu << (8 * b);
                m &= masks[k];
                model[regs[k]] = (model[regs[k]] & ~m) | (v & m);
                q.push_back({true, regs[k], v, be});
            } else {
                q.push_back({false, regs[k], 0, 0});
                want.push_back(model[regs[k]]);
            }
        }
        std::vector<uint32_t> got = tb.burst(q);
        for (size_t i = 0; i < want.size(); i++)
            CHECK(got[i] == want[i], "round %d, read %zu: %08x, expected %08x", round, i, got[i], want[i]);
    }
    for (uint32_t r : regs) tb.wr(r, 0);
}

void send_lan(World &w, const Bytes &ip) { w.tb.lan_in.push_back(ether(kGwMac, kLanMac, ip)); }

// n packets from the SA's selector through it; each ESP frame checked.
void through(World &w, Out &o, int n, const char *what)
{
    Tb &tb = w.tb;
    size_t w0 = tb.wan_out.size(), l0 = tb.lan_out.size(), h0 = tb.host_out.size();
    std::vector<Bytes> inner;
    uint32_t src = get32(Bytes(o.sa.sel.src, o.sa.sel.src + 4), 0) | 5;
    uint32_t dst = get32(Bytes(o.sa.sel.dst, o.sa.sel.dst + 4), 0) | 9;
    for (int i = 0; i < n; i++) {
        inner.push_back(ipv4(src, dst, 17, int(w.rng() % 300), w.rng));
        send_lan(w, inner.back());
    }
    CHECK(tb.drain(l0, w0 + size_t(n), h0), "%s: %zu ESP frames out of %d", what, tb.wan_out.size() - w0, n);
    for (int i = 0; i < n && w0 + size_t(i) < tb.wan_out.size(); i++) {
        std::string why = check_esp(tb.wan_out[w0 + size_t(i)], inner[size_t(i)], o);
        CHECK(why.empty(), "%s: ESP frame %d (SA %d): %s", what, i, o.idx, why.c_str());
    }
}

void sas(World &w)
{
    Tb &tb = w.tb;
    tb.rx_ring();
    w.a.sa = parse_sa(sa_line("src 198.51.100.1 dst 203.0.113.2 proto esp spi 0xc0000101", 16, w.rng, w.a.key,
                              128, "sel src 10.1.0.0/24 dst 10.2.0.0/24 dir out "
                                   "ether src 02:aa:00:00:00:01 dst 02:bb:00:00:00:02"));
    w.a.idx = 0;
    w.a.seq = 0;
    w.b.sa = parse_sa(sa_line("src 198.51.100.1 dst 203.0.113.9 proto esp spi 0xc0000202", 32, w.rng, w.b.key,
                              96, "flag esn replay-window 32 replay-oseq 0xfffffffe sel src 10.1.1.0/24 dst 10.3.0.0/16 "
                                  "encap espinudp 4500 4501 0.0.0.0 dir out"));
    w.b.idx = 5;
    w.b.seq = 0xfffffffe;
    w.c = parse_sa(sa_line("src 203.0.113.2 dst 198.51.100.1 proto esp spi 0xc0000a07", 32, w.rng, w.c_key, 128,
                           "replay-window 64 sel src 10.2.0.0/24 dst 10.1.0.0/24 dir in "
                           "ether src 02:cc:00:00:00:01 dst 02:dd:00:00:00:02"));
    w.c_idx = int(w.c.spi & 0xfff);
    install(tb, w.a.sa, w.a.idx);
    install(tb, w.b.sa, w.b.idx);
    install(tb, w.c, w.c_idx);
    write_rule(tb, 10, protect(w.a.sa, w.a.idx));
    write_rule(tb, 11, protect(w.b.sa, w.b.idx));
    CHECK(tb.rd(BAR0_SA_COMMITS) == 3, "SA_COMMITS %u after 3 installs", tb.rd(BAR0_SA_COMMITS));

    through(w, w.a, 5, "AES-128");
    through(w, w.b, 3, "AES-256, ESN across 2^32, UDP");
    check_used(tb, "after the first installs");

    // inbound: ESP from the peer, decapsulated onto the LAN
    size_t l0 = tb.lan_out.size();
    std::vector<Bytes> inner;
    uint64_t in_bytes = 0;
    for (int i = 0; i < 4; i++) {
        inner.push_back(ipv4(0x0a020003, 0x0a010004, 17, int(w.rng() % 200), w.rng));
        in_bytes += inner.back().size();
        tb.wan_in.push_back(make_esp(w.c, w.c_key, ++w.c_seq, inner.back(), false));
    }
    CHECK(tb.drain(l0 + 4, tb.wan_out.size(), tb.host_out.size()), "inbound: %zu frames out of 4",
          tb.lan_out.size() - l0);
    for (size_t i = 0; i < 4 && l0 + i < tb.lan_out.size(); i++)
        CHECK(tb.lan_out[l0 + i] == ether(w.c.ether_dst, w.c.ether_src, inner[i]),
              "inbound frame %zu is not its packet behind the SA's Ethernet header", i);

    // counters over BAR0
    CHECK(tb.counter(w.a.idx, 0) == 5, "SA A packets %" PRIu64, tb.counter(w.a.idx, 0));
    CHECK(tb.counter(w.a.idx, 8) == 5, "SA A last sequence number %" PRIu64, tb.counter(w.a.idx, 8));
    CHECK(tb.counter(w.b.idx, 0) == 3, "SA B packets %" PRIu64, tb.counter(w.b.idx, 0));
    CHECK(tb.counter(w.b.idx, 8) == 0x100000001ull, "SA B last sequence number %" PRIx64,
          tb.counter(w.b.idx, 8));
    CHECK(tb.counter(w.c_idx, 0) == 4, "SA C packets %" PRIu64, tb.counter(w.c_idx, 0));
    CHECK(tb.counter(w.c_idx, 1) == in_bytes, "SA C bytes %" PRIu64 ", sent %" PRIu64,
          tb.counter(w.c_idx, 1), in_bytes);
    for (int sel = 2; sel <= 7; sel++)
        CHECK(tb.counter(w.c_idx, sel) == 0 && tb.counter(w.a.idx, sel) == 0, "drop counter %d", sel);
    CHECK(tb.global(0) == 8 && tb.global(3) == 8, "lan_rx %" PRIu64 " wan_tx %" PRIu64, tb.global(0),
          tb.global(3));
    CHECK(tb.global(1) == 4 && tb.global(2) == 4, "wan_rx %" PRIu64 " lan_tx %" PRIu64, tb.global(1),
          tb.global(2));
    // a select written just before: seen by the very next read
    std::vector<uint32_t> v = tb.burst(
        {{true, BAR0_CNT_SEL, 0u << 16 | uint32_t(w.a.idx), 0xf}, {false, BAR0_CNT_LO, 0, 0},
         {true, BAR0_CNT_SEL, 0u << 16 | uint32_t(w.b.idx), 0xf}, {false, BAR0_CNT_LO, 0, 0},
         {true, BAR0_CNT_SEL, 0u << 16 | uint32_t(w.c_idx), 0xf}, {false, BAR0_CNT_LO, 0, 0},
         {true, BAR0_GLB_SEL, 0, 0xf}, {false, BAR0_GLB_LO, 0, 0},
         {true, BAR0_GLB_SEL, 1, 0xf}, {false, BAR0_GLB_LO, 0, 0}, {false, BAR0_CNT_SEL, 0, 0}});
    CHECK(v[0] == 5 && v[1] == 3 && v[2] == 4, "back-to-back counter reads %u %u %u", v[0], v[1], v[2]);
    CHECK(v[3] == 8 && v[4] == 4, "back-to-back global reads %u %u", v[3], v[4]);
    CHECK(v[5] == uint32_t(w.c_idx), "CNT_SEL reads %08x", v[5]);
    // the high half is the one latched by the last low read
    v = tb.burst({{true, BAR0_CNT_SEL, 8u << 16 | uint32_t(w.b.idx), 0xf}, {false, BAR0_CNT_LO, 0, 0},
                  {true, BAR0_CNT_SEL, 8u << 16 | uint32_t(w.a.idx), 0xf}, {false, BAR0_CNT_HI, 0, 0},
                  {false, BAR0_CNT_LO, 0, 0}, {false, BAR0_CNT_HI, 0, 0}});
    CHECK(v[0] == 1 && v[1] == 1, "SA B sequence %08x:%08x", v[1], v[0]);
    CHECK(v[2] == 5 && v[3] == 0, "SA A sequence %08x:%08x after B's", v[3], v[2]);
}

// The key words after a commit are 0: an SA committed without writing them
// encrypts under an all-zero key.
void keys(World &w)
{
    Tb &tb = w.tb;
    Bytes k;
    w.e.sa = parse_sa(sa_line("src 198.51.100.1 dst 203.0.113.77 proto esp spi 0xc0000303", 16, w.rng, k, 128,
                              "sel src 10.1.7.0/24 dst 10.7.0.0/24 dir out"));
    w.e.idx = 77;
    w.e.seq = 0;
    stage_sa(tb, w.e.sa, w.e.idx, false);     // the last commit's key words stay as it left them
    commit_sa(tb);
    w.e.key.assign(16, 0);
    write_rule(tb, 12, protect(w.e.sa, w.e.idx));
    through(w, w.e, 2, "key words cleared by the commit before");
    // and with its own key written, the SA takes it
    install(tb, w.e.sa, w.e.idx);
    w.e.key = k;
    w.e.seq = 0;
    through(w, w.e, 2, "the key written");
}

void policy(World &w)
{
    Tb &tb = w.tb;
    uint32_t src = 0x0a010005, dst = 0x0a020009;   // in SA A's selector
    auto one = [&](const char *what, size_t lan, size_t wan, size_t host) {
        size_t l0 = tb.lan_out.size(), w0 = tb.wan_out.size(), h0 = tb.host_out.size();
        Bytes ip = ipv4(src, dst, 17, 64, w.rng);
        send_lan(w, ip);
        CHECK(tb.drain(l0 + lan, w0 + wan, h0 + host), "%s: frames out LAN %zu WAN %zu host %zu", what,
              tb.lan_out.size() - l0, tb.wan_out.size() - w0, tb.host_out.size() - h0);
        return ip;
    };
    uint64_t drops = tb.global(10), byp = tb.global(9), to_host = tb.global(11);
    uint64_t a_pkts = tb.counter(w.a.idx, 0);
    Rule r;
    r.src = 0x0a010000;
    r.src_plen = 24;
    r.dst = 0x0a020000;
    r.dst_plen = 16;
    r.proto = 17;
    r.action = 2;                                   // drop
    write_rule(tb, 0, r);
    one("drop rule", 0, 0, 0);
    CHECK(tb.global(10) == drops + 1, "policy_drop %" PRIu64, tb.global(10));
    r.action = 1;                                   // bypass
    write_rule(tb, 0, r);
    Bytes ip = one("bypass rule", 0, 1, 0);
    if (!tb.wan_out.empty())
        CHECK(tb.wan_out.back() == ether(kGwMac, kLanMac, ip), "bypassed frame changed");
    CHECK(tb.global(9) == byp + 1, "bypass %" PRIu64, tb.global(9));
    r.proto = 6;                                    // TCP only: the UDP packet goes on to rule 10
    write_rule(tb, 0, r);
    ip = one("TCP bypass rule, a UDP packet", 0, 1, 0);
    if (!tb.wan_out.empty()) {
        std::string why = check_esp(tb.wan_out.back(), ip, w.a);
        CHECK(why.empty(), "protected after a rule that does not match: %s", why.c_str());
    }
    r.proto = -1;
    r.action = 3;                                   // punt
    write_rule(tb, 0, r);
    ip = one("punt rule", 0, 0, 1);
    if (!tb.host_out.empty())
        CHECK(tb.host_out.back() == ether(kGwMac, kLanMac, ip) && tb.host_port.back() == 0,
              "punted frame changed or on the wrong port");
    CHECK(tb.global(11) == to_host + 1, "to_host %" PRIu64, tb.global(11));
    r.valid = false;                                // removed
    write_rule(tb, 0, r);
    ip = one("rule removed", 0, 1, 0);
    if (!tb.wan_out.empty()) {
        std::string why = check_esp(tb.wan_out.back(), ip, w.a);
        CHECK(why.empty(), "protected after the rule's removal: %s", why.c_str());
    }
    CHECK(tb.counter(w.a.idx, 0) == a_pkts + 2, "SA A packets %" PRIu64 ", expected %" PRIu64,
          tb.counter(w.a.idx, 0), a_pkts + 2);
}

void event_checks(World &w)
{
    Tb &tb = w.tb;
    CHECK(events(tb).empty(), "events before any limit");
    CHECK(!(tb.rd(BAR0_STATUS) & BAR0_STATUS_EV_PENDING_MASK), "STATUS shows an event");
    Out f;
    f.sa = parse_sa(sa_line("src 198.51.100.1 dst 203.0.113.50 proto esp spi 0xc0000505", 16, w.rng, f.key, 64,
                            "limit packet-soft 1 limit packet-hard 3 sel src 10.1.5.0/24 dst 10.5.0.0/24 "
                            "dir out"));
    f.idx = 300;
    f.seq = 0;
    install(tb, f.sa, f.idx);
    write_rule(tb, 13, protect(f.sa, f.idx));
    through(w, f, 1, "soft limit 1");
    tb.cycles(200);
    CHECK(tb.rd(BAR0_STATUS) & BAR0_STATUS_EV_PENDING_MASK, "STATUS shows no event");
    // INT_CAUSE.event: set while the FIFO holds an event, even right after a clear
    std::vector<uint32_t> c = tb.burst({{true, BAR0_INT_MASK, 0, 0xf}, {true, BAR0_INT_CAUSE, 0x1f, 0xf},
                                        {false, BAR0_INT_CAUSE, 0, 0}});
    CHECK(c[0] == BAR0_INT_CAUSE_EVENT_MASK, "INT_CAUSE %08x with an event pending", c[0]);
    tb.cycles(3);
    CHECK(!tb.t->irq, "irq with INT_MASK 0");
    tb.wr(BAR0_INT_MASK, BAR0_INT_MASK_EVENT_MASK);
    tb.cycles(3);
    CHECK(tb.t->irq, "no irq with an event pending and INT_MASK.event");
    std::vector<uint32_t> ev = events(tb);
    tb.wr(BAR0_INT_CAUSE, BAR0_INT_CAUSE_EVENT_MASK);
    tb.cycles(3);
    CHECK(tb.rd(BAR0_INT_CAUSE) == 0 && !tb.t->irq, "INT_CAUSE.event or irq after the events were read");
    tb.wr(BAR0_INT_MASK, 0);
    CHECK(ev.size() == 1 && ev[0] == ev_word(1, true, f.idx), "after the soft limit: %zu events, first %08x",
          ev.size(), ev.empty() ? 0 : ev[0]);
    through(w, f, 2, "up to the hard limit");
    // the fourth is refused
    size_t w0 = tb.wan_out.size();
    send_lan(w, ipv4(0x0a010505, 0x0a050009, 17, 10, w.rng));
    CHECK(tb.drain(tb.lan_out.size(), w0, tb.host_out.size()), "a packet past the hard limit was sent");
    ev = events(tb);
    CHECK(ev.size() == 1 && ev[0] == ev_word(2, true, f.idx), "after the hard limit: %zu events, first %08x",
          ev.size(), ev.empty() ? 0 : ev[0]);
    CHECK(tb.counter(f.idx, 7) == 1, "lifetime drops %" PRIu64, tb.counter(f.idx, 7));
    CHECK(tb.rd(BAR0_EV_DATA) == 0, "EV_DATA not 0 when empty");

    // ICV failures: one event per SA and interval
    auto bad = [&](int n) {
        size_t l0 = tb.lan_out.size();
        for (int i = 0; i < n; i++)
            tb.wan_in.push_back(make_esp(w.c, w.c_key, ++w.c_seq, ipv4(0x0a020003, 0x0a010004, 17, 40, w.rng),
                                         true));
        CHECK(tb.drain(l0, tb.wan_out.size(), tb.host_out.size()), "a frame with a bad ICV came out");
    };
    tb.wr(BAR0_EV_ICV_INTERVAL, 0xffffffff);
    CHECK(tb.rd(BAR0_EV_ICV_INTERVAL) == 0xffffffff, "EV_ICV_INTERVAL reads %08x", tb.rd(BAR0_EV_ICV_INTERVAL));
    bad(3);
    ev = events(tb);
    CHECK(ev.size() == 1 && ev[0] == ev_word(5, false, w.c_idx), "3 ICV failures in an interval: %zu events",
          ev.size());
    tb.wr(BAR0_EV_ICV_INTERVAL, 0);
    bad(2);
    ev = events(tb);
    CHECK(ev.size() == 2 && ev[0] == ev_word(5, false, w.c_idx) && ev[1] == ev[0],
          "2 ICV failures, interval 0: %zu events", ev.size());
    CHECK(tb.counter(w.c_idx, 3) == 5, "ICV drops %" PRIu64, tb.counter(w.c_idx, 3));
    tb.wr(BAR0_EV_ICV_INTERVAL, BAR0_EV_ICV_INTERVAL_RESET);
}

void busy(World &w)
{
    Tb &tb = w.tb;
    Out g, h;
    g.sa = parse_sa(sa_line("src 198.51.100.1 dst 203.0.113.60 proto esp spi 0xc0000606", 32, w.rng, g.key, 128,
                            "sel src 10.1.6.0/24 dst 10.6.0.0/24 dir out"));
    h.sa = parse_sa(sa_line("src 198.51.100.1 dst 203.0.113.61 proto esp spi 0xc0000607", 16, w.rng, h.key, 128,
                            "sel src 10.1.8.0/24 dst 10.8.0.0/24 dir out"));
    g.idx = 400;
    h.idx = 401;
    g.seq = h.seq = 0;
    tb.wr(BAR0_ERR, 0xffffffff);
    uint32_t n0 = tb.rd(BAR0_SA_COMMITS);
    stage_sa(tb, g.sa, g.idx);
    tb.wr(BAR0_SA_COMMIT, 1);
    committed(tb);
    // staged while G installs, then committed too early
    stage_sa(tb, h.sa, h.idx);
    std::vector<uint32_t> v = tb.burst({{false, BAR0_SA_COMMIT, 0, 0}, {true, BAR0_SA_COMMIT, 1, 0xf},
                                        {false, BAR0_ERR, 0, 0}, {false, BAR0_ERR_ADDR, 0, 0},
                                        {false, BAR0_STATUS, 0, 0}});
    CHECK(v[0] & BAR0_SA_COMMIT_BUSY_MASK, "not busy right after a commit");
    CHECK(v[1] == BAR0_ERR_BUSY_MASK, "ERR %08x after a commit while busy", v[1]);
    CHECK(v[2] == (BAR0_SA_COMMIT | BAR0_ERR_ADDR_WRITE_MASK), "ERR_ADDR %08x", v[2]);
    CHECK((v[3] & (BAR0_STATUS_SA_BUSY_MASK | BAR0_STATUS_ERROR_MASK)) ==
              (BAR0_STATUS_SA_BUSY_MASK | BAR0_STATUS_ERROR_MASK), "STATUS %08x", v[3]);
    CHECK(wait_idle(tb) >= 0, "busy for good");
    CHECK(tb.rd(BAR0_SA_COMMITS) == n0 + 1, "SA_COMMITS counted a refused commit");
    commit_sa(tb);                                   // H, as staged
    CHECK(tb.rd(BAR0_SA_COMMITS) == n0 + 2, "SA_COMMITS %u", tb.rd(BAR0_SA_COMMITS) - n0);
    write_rule(tb, 14, protect(g.sa, g.idx));
    write_rule(tb, 15, protect(h.sa, h.idx));
    through(w, g, 2, "the SA committed first");
    through(w, h, 2, "the SA staged during the install, committed after a refusal");
    tb.wr(BAR0_ERR, BAR0_ERR_BUSY_MASK);
    CHECK(tb.rd(BAR0_ERR) == 0, "ERR not cleared by writing its bit");
}

// Reads the record at idx back through SA_COMMIT.read: the SA_REC words.
std::vector<uint32_t> read_rec(Tb &tb, int idx)
{
    std::vector<uint32_t> v = tb.burst({{true, BAR0_SA_INDEX, uint32_t(idx), 0xf},
                                        {true, BAR0_SA_COMMIT, BAR0_SA_COMMIT_READ_MASK, 0xf},
                                        {false, BAR0_SA_COMMIT, 0, 0}, {false, BAR0_STATUS, 0, 0}});
    CHECK(v[0] & BAR0_SA_COMMIT_BUSY_MASK, "slot %d: not busy right after the read-back command", idx);
    CHECK(v[1] & BAR0_STATUS_SA_BUSY_MASK, "slot %d: STATUS.sa_busy not set by a read-back", idx);
    int c = wait_idle(tb, 100);
    CHECK(c >= 0 && c <= 2 * kRdLat + 2, "slot %d: a read-back busy for %d cycles", idx, c);
    std::vector<Req> q;
    for (int i = 0; i < SA_REC_WORDS; i++) q.push_back({false, uint32_t(BAR0_SA_REC_AT(i)), 0, 0});
    return tb.burst(q);
}

// sa's record as the host can read it back: packed, the salt 0.
std::vector<uint32_t> packed(const struct nicsec_sa &sa)
{
    std::vector<uint32_t> rec(SA_REC_WORDS);
    sa_record_pack(&sa, rec.data());
    for (int i = 0; i < SA_REC_WORDS; i++) rec[size_t(i)] &= ~salt_bits(i);
    return rec;
}

// The read-back words against what was installed, word by word; and through
// sa_record_unpack, the same SA again.
void same_rec(const std::vector<uint32_t> &got, const std::vector<uint32_t> &want, const char *what)
{
    int bad = 0;
    for (int i = 0; i < SA_REC_WORDS; i++)
        if (got[size_t(i)] != want[size_t(i)] && ++bad <= 3)
            CHECK(false, "%s: record word %d reads %08x, installed %08x", what, i, got[size_t(i)], want[size_t(i)]);
    struct nicsec_sa sa;
    if (sa_record_unpack(got.data(), &sa) == 1) CHECK(packed(sa) == got, "%s: unpacked and packed again, differs", what);
}

void read_back(World &w)
{
    Tb &tb = w.tb;
    const std::vector<uint32_t> none(SA_REC_WORDS, 0);
    tb.wr(BAR0_ERR, 0xffffffff);
    // what a read-back must leave as the host wrote it
    tb.burst({{true, BAR0_SA_KEY_SIZE, 1, 0xf}, {true, BAR0_SA_SEQ_LO, 0x13572468, 0xf},
              {true, BAR0_SA_SEQ_HI, 0x24681357, 0xf}});
    uint32_t n0 = tb.rd(BAR0_SA_COMMITS);
    const struct {
        const struct nicsec_sa *sa;
        int idx;
        const char *name;
    } ins[] = {{&w.a.sa, w.a.idx, "SA A"}, {&w.b.sa, w.b.idx, "SA B (ESN, UDP)"}, {&w.c, w.c_idx, "SA C (inbound)"},
               {&w.e.sa, w.e.idx, "SA E"}};
    for (const auto &x : ins) same_rec(read_rec(tb, x.idx), packed(*x.sa), x.name);
    same_rec(read_rec(tb, 4095), none, "slot 4095, never used");
    same_rec(read_rec(tb, 2), none, "slot 2, never used");
    same_rec(read_rec(tb, w.a.idx), packed(w.a.sa), "SA A again");
    std::vector<uint32_t> v = tb.burst({{false, BAR0_SA_SEQ_LO, 0, 0}, {false, BAR0_SA_SEQ_HI, 0, 0},
                                        {false, BAR0_SA_KEY_SIZE, 0, 0}, {false, BAR0_SA_INDEX, 0, 0},
                                        {false, BAR0_SA_COMMITS, 0, 0}, {false, BAR0_ERR, 0, 0}});
    CHECK(v[0] == 0x13572468 && v[1] == 0x24681357 && v[2] == 1,
          "read-backs changed SA_SEQ_LO %08x, SA_SEQ_HI %08x or SA_KEY_SIZE %u", v[0], v[1], v[2]);
    CHECK(v[3] == uint32_t(w.a.idx) && v[4] == n0 && v[5] == 0, "SA_INDEX %u, SA_COMMITS +%u, ERR %08x after read-backs",
          v[3], v[4] - n0, v[5]);

    // installed, read back; deleted, read back empty
    Out x, y;
    x.sa = parse_sa(sa_line("src 198.51.100.1 dst 203.0.113.70 proto esp spi 0xc0000707", 32, w.rng, x.key, 96,
                            "flag esn replay-window 32 limit byte-soft 1000000 limit packet-hard 77 sel src 10.1.9.0/24 "
                            "dst 10.9.0.0/24 dir out ether src 02:aa:00:00:00:07 dst 02:bb:00:00:00:07"));
    y.sa = parse_sa(sa_line("src 2001:db8::1 dst 2001:db8::70 proto esp spi 0xc0000fa2", 16, w.rng, y.key, 64,
                            "replay-window 128 sel src 10.9.0.0/24 dst 10.1.9.0/24 dir in"));
    install(tb, x.sa, 4001);
    same_rec(read_rec(tb, 4001), packed(x.sa), "an SA just installed");
    delete_sa(tb, 4001);
    same_rec(read_rec(tb, 4001), none, "the SA deleted");

    // a read-back during an install is refused, and leaves SA_REC as staged
    stage_sa(tb, y.sa, 0xfa2);
    v = tb.burst({{true, BAR0_SA_COMMIT, BAR0_SA_COMMIT_GO_MASK, 0xf},
                  {true, BAR0_SA_COMMIT, BAR0_SA_COMMIT_READ_MASK, 0xf}, {false, BAR0_ERR, 0, 0},
                  {false, BAR0_ERR_ADDR, 0, 0}});
    CHECK(v[0] == BAR0_ERR_BUSY_MASK && v[1] == (BAR0_SA_COMMIT | BAR0_ERR_ADDR_WRITE_MASK),
          "a read-back during an install: ERR %08x ERR_ADDR %08x", v[0], v[1]);
    CHECK(wait_idle(tb) >= 0, "install stuck");
    committed(tb);
    tb.wr(BAR0_ERR, 0xffffffff);
    std::vector<Req> q;
    for (int i = 0; i < SA_REC_WORDS; i++) q.push_back({false, uint32_t(BAR0_SA_REC_AT(i)), 0, 0});
    same_rec(tb.burst(q), packed(y.sa), "SA_REC after a refused read-back");
    same_rec(read_rec(tb, 0xfa2), packed(y.sa), "SA Y (IPv6 outside, inbound)");

    // an install during a read-back is refused; the read-back goes on
    uint32_t n1 = tb.rd(BAR0_SA_COMMITS);
    v = tb.burst({{true, BAR0_SA_INDEX, uint32_t(w.b.idx), 0xf},
                  {true, BAR0_SA_COMMIT, BAR0_SA_COMMIT_READ_MASK, 0xf},
                  {true, BAR0_SA_COMMIT, BAR0_SA_COMMIT_GO_MASK, 0xf}, {false, BAR0_ERR, 0, 0}});
    CHECK(v[0] == BAR0_ERR_BUSY_MASK, "an install during a read-back: ERR %08x", v[0]);
    CHECK(wait_idle(tb) >= 0, "read-back stuck");
    tb.wr(BAR0_ERR, 0xffffffff);
    q.push_back({false, BAR0_SA_COMMITS, 0, 0});
    v = tb.burst(q);
    CHECK(v.back() == n1, "SA_COMMITS %u: the refused install counted", v.back() - n1);
    v.pop_back();
    same_rec(v, packed(w.b.sa), "SA B, read while an install was refused");

    // go and read together: an install
    stage_sa(tb, x.sa, 4003);
    tb.wr(BAR0_SA_COMMIT, BAR0_SA_COMMIT_GO_MASK | BAR0_SA_COMMIT_READ_MASK);
    CHECK(wait_idle(tb) >= 0, "install stuck");
    committed(tb);
    CHECK(tb.rd(BAR0_SA_COMMITS) == n1 + 1, "go with read was not an install");
    same_rec(read_rec(tb, 4003), packed(x.sa), "installed by go and read together");
    delete_sa(tb, 4003);
    CHECK(tb.rd(BAR0_ERR) == 0, "ERR %08x", tb.rd(BAR0_ERR));
    check_used(tb, "after the read-backs' installs and deletes");
    // the pipelines' lookups untouched
    through(w, w.a, 2, "after the read-backs");
}

// --- SA_USED: which slots hold an SA ---------------------------------------------------
void sa_used(World &w)
{
    Tb &tb = w.tb;
    check_used(tb, "before");
    CHECK(tb.held[size_t(w.a.idx)] && tb.held[size_t(w.b.idx)] && tb.held[size_t(w.c_idx)],
          "the model lost SAs A, B or C");
    // A commit's change shows from the first read after SA_COMMIT reads busy 0, and not
    // before: SA_COMMIT and the slot's word read in turn, back to back, right behind the
    // command (with `shift`, one cycle later, for the other phase of the pairs).
    auto watch = [&](std::vector<Req> q, int slot, bool now, bool shift, bool must_see_busy, const char *what) {
        int wi = slot / 32;
        uint32_t bit = 1u << (slot % 32), others = tb.held_word(wi) & ~bit;
        bool was = tb.held[size_t(slot)];
        size_t r0 = 0;
        if (shift) {
            q.push_back({false, BAR0_SCRATCH, 0, 0});
            r0 = 1;
        }
        for (int i = 0; i < 400; i++) {
            q.push_back({false, BAR0_SA_COMMIT, 0, 0});
            q.push_back({false, uint32_t(BAR0_SA_USED_AT(wi)), 0, 0});
        }
        std::vector<uint32_t> v = tb.burst(q);
        int busy_pairs = 0;
        bool idle = false;
        for (size_t i = r0; i + 1 < v.size(); i += 2) {
            bool busy = v[i] & BAR0_SA_COMMIT_BUSY_MASK, set = v[i + 1] & bit;
            CHECK((v[i + 1] & ~bit) == others, "%s: SA_USED[%d] %08x, other slots changed", what, wi, v[i + 1]);
            if (busy) {
                CHECK(!idle, "%s: SA_COMMIT busy again after idle", what);
                CHECK(set == was, "%s: slot %d shows %d right after a read of busy 1", what, slot, set);
                busy_pairs++;
            } else {
                CHECK(set == now, "%s: slot %d shows %d right after a read of busy 0", what, slot, set);
                idle = true;
            }
        }
        CHECK(idle, "%s: SA_COMMIT still busy after %zu reads", what, (v.size() - r0) / 2);
        CHECK(!must_see_busy || busy_pairs > 0, "%s: SA_COMMIT never seen busy", what);
        tb.held[size_t(slot)] = now;
    };
    for (int k = 0; k < 8; k++) {
        int slot;
        do slot = 2048 + int(w.rng() % 1024);
        while (tb.held[size_t(slot)]);
        Bytes key;
        char spi[16];
        snprintf(spi, sizeof spi, "0x%08x", 0xe0000000u | uint32_t(slot));
        bool out = k & 1;
        struct nicsec_sa sa = parse_sa(sa_line(std::string("src 198.51.100.1 dst 203.0.113.88 proto esp spi ") + spi,
                                               (k & 2) ? 32 : 16, w.rng, key, 128,
                                               out ? "sel src 10.8.0.0/16 dst 10.88.0.0/16 dir out" : "dir in"));
        stage_sa(tb, sa, slot);
        watch({{true, BAR0_SA_COMMIT, BAR0_SA_COMMIT_GO_MASK, 0xf}}, slot, true, k & 1, true, "an install");
        watch({{true, BAR0_SA_INDEX, uint32_t(slot), 0xf}, {true, uint32_t(BAR0_SA_REC_AT(0)), 0, 0xf},
               {true, BAR0_SA_COMMIT, BAR0_SA_COMMIT_GO_MASK, 0xf}},
              slot, false, k & 2, false, "a delete");
        if (k == 7) {
            // and one left installed, for the words below
            stage_sa(tb, sa, slot);
            commit_sa(tb);
        }
    }
    check_used(tb, "after installs and deletes watched");

    // read-only: writes are refused and change nothing
    tb.wr(BAR0_ERR, 0xffffffff);
    int wi = tb.staged_idx / 32;
    std::vector<uint32_t> v = tb.burst({{true, uint32_t(BAR0_SA_USED_AT(0)), 0, 0xf},
                                        {true, uint32_t(BAR0_SA_USED_AT(1)), 0xffffffff, 0xf},
                                        {true, uint32_t(BAR0_SA_USED_AT(wi)), 0, 0xf},
                                        {false, uint32_t(BAR0_SA_USED_AT(0)), 0, 0},
                                        {false, uint32_t(BAR0_SA_USED_AT(1)), 0, 0},
                                        {false, uint32_t(BAR0_SA_USED_AT(wi)), 0, 0},
                                        {false, BAR0_ERR, 0, 0}, {false, BAR0_ERR_ADDR, 0, 0}});
    CHECK(v[0] == tb.held_word(0) && v[1] == tb.held_word(1) && v[2] == tb.held_word(wi),
          "SA_USED written: words 0, 1, %d read %08x %08x %08x", wi, v[0], v[1], v[2]);
    CHECK(v[3] == BAR0_ERR_WR_RO_MASK, "ERR %08x after writes to SA_USED", v[3]);
    CHECK(v[4] == (BAR0_ERR_ADDR_WRITE_MASK | uint32_t(BAR0_SA_USED_AT(0))), "ERR_ADDR %08x", v[4]);
    tb.wr(BAR0_ERR, 0xffffffff);
    check_used(tb, "after writes to SA_USED");
    // the SAs are still there
    same_rec(read_rec(tb, w.a.idx), packed(w.a.sa), "SA A, after writes to SA_USED");
    through(w, w.a, 2, "after writes to SA_USED");
}

// --- policy rules read back --------------------------------------------------------------
// Reads the rule at idx back with SPD_COMMIT.read: the staging registers first written
// with junk (so a copy that did not happen would show), then the index, the command
// and the 13 words, back to back, after `pre` (requests to go first in the same burst).
// SPD_INDEX must keep idx, and nothing is flagged.
std::vector<uint32_t> read_rule(Tb &tb, int idx, std::vector<Req> pre = {})
{
    std::vector<Req> q = pre;
    q.push_back({true, BAR0_ERR, 0xffffffff, 0xf});
    for (uint32_t r : kRuleRegs) q.push_back({true, r, uint32_t(tb.rng()) | 1, 0xf});
    q.push_back({true, BAR0_SPD_INDEX, uint32_t(idx), 0xf});
    q.push_back({true, BAR0_SPD_COMMIT, BAR0_SPD_COMMIT_READ_MASK, 0xf});
    for (uint32_t r : kRuleRegs) q.push_back({false, r, 0, 0});
    q.push_back({false, BAR0_SPD_INDEX, 0, 0});
    q.push_back({false, BAR0_ERR, 0, 0});
    std::vector<uint32_t> v = tb.burst(q);
    v.erase(v.begin(), v.end() - (kRuleWords + 2));   // the reads of `pre`
    CHECK(v[kRuleWords] == uint32_t(idx), "rule %d: SPD_INDEX reads %u after the read-back", idx, v[kRuleWords]);
    CHECK(v[kRuleWords + 1] == 0, "rule %d: ERR %08x after the read-back", idx, v[kRuleWords + 1]);
    v.resize(kRuleWords);
    return v;
}

void same_rule(const std::vector<uint32_t> &got, const std::vector<uint32_t> &want, int idx, const char *what)
{
    int bad = 0;
    for (int i = 0; i < kRuleWords; i++)
        if (got[size_t(i)] != want[size_t(i)] && ++bad <= 3)
            CHECK(false, "rule %d, %s: %s reads %08x, expected %08x", idx, what, kRuleNames[i], got[size_t(i)],
                  want[size_t(i)]);
}

void check_rules(Tb &tb, const char *what)
{
    for (int i = 0; i < kRules; i++) same_rule(read_rule(tb, i), tb.rules[size_t(i)], i, what);
}

// A rule as a host may write it: IPv4 or IPv6, random prefix lengths, any protocol or
// one (the protocol register written either way), the SA index, the addresses' bits
// past their prefixes random (the card ignores them, and must give them back); an IPv4
// rule's address in word 0, now and then with bits in the words above too.
std::vector<uint32_t> random_rule(std::mt19937_64 &rng, int action)
{
    std::vector<uint32_t> r(kRuleWords, 0);
    bool v6 = rng() & 1, any = rng() % 3 == 0;
    uint32_t maxp = v6 ? 128 : 32;
    r[0] = BAR0_SPD_FLAGS_VALID_MASK | (v6 ? BAR0_SPD_FLAGS_V6_MASK : 0) | (any ? BAR0_SPD_FLAGS_PROTO_ANY_MASK : 0);
    r[1] = uint32_t(rng() % (maxp + 1)) << BAR0_SPD_PLEN_SRC_SHIFT | uint32_t(rng() % (maxp + 1)) << BAR0_SPD_PLEN_DST_SHIFT;
    r[2] = uint32_t(rng() & 0xff);
    r[3] = uint32_t(action);
    r[4] = uint32_t(rng() % 4096);
    bool junk = rng() % 4 == 0;
    for (int i = 0; i < 4; i++) {
        bool live = v6 || i == 0 || junk;
        r[size_t(5 + i)] = live ? uint32_t(rng()) : 0;
        r[size_t(9 + i)] = live ? uint32_t(rng()) : 0;
    }
    return r;
}

void spd_read_back(World &w)
{
    Tb &tb = w.tb;
    const std::vector<uint32_t> none(kRuleWords, 0);
    // what the earlier steps wrote: IPv4 protect rules at 10 .. 15, 0 removed, the rest never written
    int n = 0;
    for (const auto &r : tb.rules) n += r[0] != 0;
    CHECK(n == 6, "%d rules in the model, expected 6", n);
    check_rules(tb, "the earlier steps' rules");

    // random rules at 16 .. 62 (after 10 .. 15, which the traffic below still needs
    // first), each read back right behind its commit: half in a burst of their own,
    // half in the commit's burst
    int kinds[4] = {0, 0, 0, 0};
    for (int k = 0; k < 120; k++) {
        int idx = 16 + int(w.rng() % 47);
        std::vector<uint32_t> r = random_rule(w.rng, k % 4);
        kinds[(r[0] & BAR0_SPD_FLAGS_V6_MASK ? 1 : 0) + (r[0] & BAR0_SPD_FLAGS_PROTO_ANY_MASK ? 2 : 0)]++;
        if (k & 1) {
            write_words(tb, idx, r);
            same_rule(read_rule(tb, idx), r, idx, "read back after its write");
        } else {
            std::vector<Req> wr = rule_reqs(tb, idx, r);
            same_rule(read_rule(tb, idx, wr), r, idx, "read back right behind its commit");
        }
    }
    for (int i = 0; i < 4; i++) CHECK(kinds[i] > 5, "only %d random rules of kind %d", kinds[i], i);
    check_rules(tb, "after the random rules");

    // an index never written reads all zeros, right after one that holds a rule (so the
    // read has every staging register to clear)
    CHECK(tb.rules[63] == none, "rule 63 written");
    std::vector<uint32_t> r = random_rule(w.rng, 3);
    write_words(tb, 62, r);
    same_rule(read_rule(tb, 62), r, 62, "written");
    same_rule(read_rule(tb, 63), none, 63, "never written, read after a rule");
    // a removed rule reads all zeros, though the staging held a whole rule as it was removed
    r = random_rule(w.rng, 1);
    write_words(tb, 40, r);
    same_rule(read_rule(tb, 40), r, 40, "written");
    r[0] &= ~BAR0_SPD_FLAGS_VALID_MASK;
    write_words(tb, 40, r);
    same_rule(read_rule(tb, 40), none, 40, "removed with the rest of the rule staged");
    // overwritten at the same index: the new rule, however different
    std::vector<uint32_t> a = random_rule(w.rng, 0), b;
    do b = random_rule(w.rng, 2);
    while ((b[0] ^ a[0]) == 0);
    write_words(tb, 41, a);
    same_rule(read_rule(tb, 41), a, 41, "the first rule");
    write_words(tb, 41, b);
    same_rule(read_rule(tb, 41), b, 41, "overwritten");
    same_rule(read_rule(tb, 41, rule_reqs(tb, 41, a)), a, 41, "overwritten again, read right behind");
    // go and read together: a write, the staging left as it was
    r = random_rule(w.rng, 3);
    std::vector<Req> q = rule_reqs(tb, 42, r);
    q.back().data = BAR0_SPD_COMMIT_GO_MASK | BAR0_SPD_COMMIT_READ_MASK;
    for (uint32_t reg : kRuleRegs) q.push_back({false, reg, 0, 0});
    same_rule(tb.burst(q), r, 42, "staging after go and read together");
    same_rule(read_rule(tb, 42), r, 42, "written by go and read together");
    // a read with bit 0's byte not enabled does nothing (the read bit is in byte 0 too)
    q = {{true, BAR0_SPD_INDEX, 63, 0xf}, {true, BAR0_SPD_COMMIT, 0xfffffffe, 0xe}};
    for (uint32_t reg : kRuleRegs) q.push_back({false, reg, 0, 0});
    same_rule(tb.burst(q), r, 42, "staging after a read-back without byte 0");
    CHECK(tb.rd(BAR0_ERR) == 0, "ERR %08x", tb.rd(BAR0_ERR));
    check_rules(tb, "at the end");
    // the protect rules still come first
    through(w, w.a, 2, "after the rule read-backs");
}

void bad_accesses(World &w)
{
    Tb &tb = w.tb;
    std::vector<bool> mapped(BAR0_SIZE / 4, false);
    std::vector<uint32_t> ro;
#define MAPPED(name, off, n, acc, mask, reset)                                       \
    for (int i = 0; i < n; i++) {                                          \
        if (acc != BAR0_ACC_RSVD) mapped[(off) / 4 + i] = true;            \
        if (acc == BAR0_ACC_RO) ro.push_back(uint32_t(off + 4 * i));       \
    }
    BAR0_REGS(MAPPED)
#undef MAPPED
    tb.wr(BAR0_ERR, 0xffffffff);
    // put an event in the FIFO, which a write to EV_DATA must not take
    tb.wr(BAR0_EV_ICV_INTERVAL, 0);
    size_t l0 = tb.lan_out.size();
    tb.wan_in.push_back(make_esp(w.c, w.c_key, ++w.c_seq, ipv4(0x0a020003, 0x0a010004, 17, 40, w.rng), true));
    tb.drain(l0, tb.wan_out.size(), tb.host_out.size());
    tb.wr(BAR0_EV_ICV_INTERVAL, BAR0_EV_ICV_INTERVAL_RESET);
    tb.wr(BAR0_SCRATCH, 0x600dcafe);
    uint64_t a_pkts = tb.counter(w.a.idx, 0), lan_rx = tb.global(0);
    std::map<uint32_t, uint32_t> before = snapshot(tb);

    // every unmapped offset: reads give BAD_READ
    std::vector<Req> q;
    uint32_t first = 0;
    bool have_first = false;
    for (uint32_t off = 0; off < BAR0_SIZE; off += 4)
        if (!mapped[off / 4]) {
            q.push_back({false, off, 0, 0});
            if (!have_first) first = off;
            have_first = true;
        }
    std::vector<uint32_t> v = tb.burst(q);
    int bad = 0;
    for (size_t i = 0; i < v.size(); i++)
        if (v[i] != BAR0_BAD_READ && ++bad <= 3) CHECK(false, "unmapped %03x reads %08x", q[i].off, v[i]);
    CHECK(q.size() > 700, "%zu unmapped offsets", q.size());
    v = tb.burst({{false, BAR0_ERR, 0, 0}, {false, BAR0_ERR_ADDR, 0, 0}});
    CHECK(v[0] == BAR0_ERR_RD_UNMAPPED_MASK, "ERR %08x after unmapped reads", v[0]);
    CHECK(v[1] == first, "ERR_ADDR %08x, the first was %03x", v[1], first);
    // writes there, and to every read-only register
    for (Req &r : q) {
        r.write = true;
        r.data = uint32_t(w.rng());
        r.be = 0xf;
    }
    for (uint32_t off : ro) q.push_back({true, off, 0xffffffff, 0xf});
    tb.burst(q);
    v = tb.burst({{false, BAR0_ERR, 0, 0}, {false, BAR0_ERR_ADDR, 0, 0}});
    CHECK(v[0] == (BAR0_ERR_RD_UNMAPPED_MASK | BAR0_ERR_WR_UNMAPPED_MASK | BAR0_ERR_WR_RO_MASK),
          "ERR %08x after bad writes", v[0]);
    CHECK(v[1] == first, "ERR_ADDR %08x changed: it keeps the first", v[1]);
    // write 1 to clear, a bit at a time
    tb.wr(BAR0_ERR, BAR0_ERR_RD_UNMAPPED_MASK);
    CHECK(tb.rd(BAR0_ERR) == (BAR0_ERR_WR_UNMAPPED_MASK | BAR0_ERR_WR_RO_MASK), "ERR %08x", tb.rd(BAR0_ERR));
    tb.wr(BAR0_ERR, 0xffffffff);
    CHECK(tb.rd(BAR0_ERR) == 0, "ERR not cleared");
    tb.wr(BAR0_ID, 0);
    v = tb.burst({{false, BAR0_ERR, 0, 0}, {false, BAR0_ERR_ADDR, 0, 0}});
    CHECK(v[0] == BAR0_ERR_WR_RO_MASK && v[1] == (BAR0_ERR_ADDR_WRITE_MASK | BAR0_ID), "ERR %08x ERR_ADDR %08x",
          v[0], v[1]);
    tb.wr(BAR0_ERR, 0xffffffff);

    // nothing changed
    std::map<uint32_t, uint32_t> after = snapshot(tb);
    for (auto &kv : before)
        if (kv.first != BAR0_ERR && kv.first != BAR0_ERR_ADDR && kv.first != BAR0_STATUS)
            CHECK(after[kv.first] == kv.second, "%03x was %08x, now %08x", kv.first, kv.second, after[kv.first]);
    CHECK(tb.counter(w.a.idx, 0) == a_pkts && tb.global(0) == lan_rx, "counters changed");
    std::vector<uint32_t> ev = events(tb);
    CHECK(ev.size() == 1 && ev[0] == ev_word(5, false, w.c_idx), "%zu events kept, expected the one", ev.size());
    through(w, w.a, 2, "after the bad accesses");
}

// Install/delete cycles at random slots: each bounded, all counted, none stuck.
void churn(World &w, int n)
{
    Tb &tb = w.tb;
    uint32_t n0 = tb.rd(BAR0_SA_COMMITS);
    int worst = 0, commits = 0;
    for (int i = 0; i < n; i++) {
        Bytes k;
        bool out = w.rng() & 1;
        int idx = 1000 + int(w.rng() % 3000);
        char spi[16];
        snprintf(spi, sizeof spi, "0x%08x", 0xd0000000u | uint32_t(idx));
        std::string head = std::string("src 198.51.100.1 dst 203.0.113.99 proto esp spi ") + spi;
        struct nicsec_sa sa = parse_sa(sa_line(head, (w.rng() & 1) ? 32 : 16, w.rng, k, 128,
                                               out ? "sel src 10.9.0.0/16 dst 10.10.0.0/16 dir out" : "dir in"));
        stage_sa(tb, sa, idx, true);
        tb.wr(BAR0_SA_COMMIT, 1);
        int c = wait_idle(tb, 2000);
        CHECK(c >= 0, "install %d at %d stuck busy", i, idx);
        committed(tb);
        worst = std::max(worst, c);
        uint32_t u = tb.rd(BAR0_SA_USED_AT(idx / 32));
        CHECK(u == tb.held_word(idx / 32), "install %d at %d: SA_USED[%d] %08x, expected %08x", i, idx, idx / 32, u,
              tb.held_word(idx / 32));
        delete_sa(tb, idx);
        u = tb.rd(BAR0_SA_USED_AT(idx / 32));
        CHECK(u == tb.held_word(idx / 32), "delete %d at %d: SA_USED[%d] %08x, expected %08x", i, idx, idx / 32, u,
              tb.held_word(idx / 32));
        commits += 2;
    }
    check_used(tb, "after the churn");
    std::vector<uint32_t> v = tb.burst({{false, BAR0_SA_COMMITS, 0, 0}, {false, BAR0_STATUS, 0, 0},
                                        {false, BAR0_ERR, 0, 0}});
    CHECK(v[0] - n0 == uint32_t(commits), "SA_COMMITS %u after %d commits", v[0] - n0, commits);
    CHECK(v[1] == 0 && v[2] == 0, "STATUS %08x ERR %08x after the churn", v[1], v[2]);
    printf("csr-tb: %d install/delete cycles, the longest install %d cycles to idle (polled)\n", n, worst);
    through(w, w.a, 2, "after the churn");
    // the deleted slots hold nothing: ESP for one of them is dropped as no_sa
    uint64_t no_sa = tb.global(6);
    struct nicsec_sa gone = w.c;
    gone.spi = 0xd0000000u | 1500u;
    size_t l0 = tb.lan_out.size();
    tb.wan_in.push_back(make_esp(gone, w.c_key, 1, ipv4(0x0a020003, 0x0a010004, 17, 40, w.rng), false));
    CHECK(tb.drain(l0, tb.wan_out.size(), tb.host_out.size()), "ESP for a deleted SA came out");
    CHECK(tb.global(6) == no_sa + 1, "no_sa %" PRIu64 ", was %" PRIu64, tb.global(6), no_sa);
}

void soft_reset(World &w)
{
    Tb &tb = w.tb;
    tb.wr(BAR0_SCRATCH, 0x12345678);
    tb.wr(BAR0_EV_ICV_INTERVAL, 7);
    check_used(tb, "before the reset");
    CHECK(tb.held_word(w.a.idx / 32) != 0, "the model has no SA in SA A's word");
    uint32_t a_word = uint32_t(BAR0_SA_USED_AT(w.a.idx / 32));
    CHECK(tb.rd(a_word) != 0, "SA A's word of SA_USED reads 0 before the reset");
    // SA_USED reads no SA from the access right behind the reset's write on
    std::vector<uint32_t> v = tb.burst({{true, BAR0_RESET, 1, 0xf}, {false, a_word, 0, 0}, {false, BAR0_RESET, 0, 0},
                                        {false, BAR0_STATUS, 0, 0}, {false, BAR0_SA_COMMIT, 0, 0},
                                        {true, BAR0_SA_COMMIT, 1, 0xf}, {true, BAR0_SPD_COMMIT, 1, 0xf},
                                        {false, BAR0_ERR, 0, 0}, {false, BAR0_ID, 0, 0}, {false, a_word, 0, 0}});
    CHECK(v[0] == 0 && v[6] == 0, "SA_USED reads %08x, then %08x, during the reset", v[0], v[6]);
    v.erase(v.begin());
    CHECK(v[0] == 1, "RESET reads %08x during the reset", v[0]);
    CHECK((v[1] & (BAR0_STATUS_RESETTING_MASK | BAR0_STATUS_SA_BUSY_MASK)) ==
              (BAR0_STATUS_RESETTING_MASK | BAR0_STATUS_SA_BUSY_MASK), "STATUS %08x during the reset", v[1]);
    CHECK(v[2] & BAR0_SA_COMMIT_BUSY_MASK, "SA_COMMIT not busy during the reset");
    CHECK(v[3] == BAR0_ERR_BUSY_MASK, "ERR %08x after commits during the reset", v[3]);
    CHECK(v[4] == BAR0_ID_MAGIC, "ID %08x during the reset", v[4]);
    CHECK(tb.until([&] { return tb.rd(BAR0_RESET) == 0; }, 200), "RESET stays 1");
    // the card holds nothing now
    tb.held.assign(tb.held.size(), false);
    tb.rules.assign(size_t(kRules), std::vector<uint32_t>(kRuleWords, 0));
    check_used(tb, "after the reset");
    check_rules(tb, "after the reset");
    // during a reset a rule's commit is refused, and a read-back is not: it copies the
    // nothing there is (over a rule staged), and the refused commit left nothing either
    v = tb.burst({{true, BAR0_RESET, 1, 0xf}, {true, BAR0_SPD_INDEX, 5, 0xf},
                  {true, BAR0_SPD_FLAGS, BAR0_SPD_FLAGS_VALID_MASK | BAR0_SPD_FLAGS_V6_MASK, 0xf},
                  {true, BAR0_SPD_PLEN, 0x4040, 0xf}, {true, BAR0_SPD_COMMIT, BAR0_SPD_COMMIT_GO_MASK, 0xf},
                  {false, BAR0_ERR, 0, 0}, {true, BAR0_ERR, 0xffffffff, 0xf},
                  {true, BAR0_SPD_COMMIT, BAR0_SPD_COMMIT_READ_MASK, 0xf}, {false, BAR0_SPD_FLAGS, 0, 0},
                  {false, BAR0_SPD_PLEN, 0, 0}, {false, BAR0_ERR, 0, 0}, {false, BAR0_SPD_INDEX, 0, 0},
                  {false, BAR0_RESET, 0, 0}});
    CHECK(v[0] == BAR0_ERR_BUSY_MASK, "ERR %08x after a rule's commit during the reset", v[0]);
    CHECK(v[1] == 0 && v[2] == 0, "a read-back during the reset: SPD_FLAGS %08x SPD_PLEN %08x", v[1], v[2]);
    CHECK(v[3] == 0, "ERR %08x after a read-back during the reset", v[3]);
    CHECK(v[4] == 5 && v[5] == 1, "SPD_INDEX %u, RESET %u", v[4], v[5]);
    CHECK(tb.until([&] { return tb.rd(BAR0_RESET) == 0; }, 200), "RESET stays 1");
    same_rule(read_rule(tb, 5), std::vector<uint32_t>(kRuleWords, 0), 5, "committed during a reset");
    check_used(tb, "after a second reset");
    tb.wr(BAR0_ERR, 0xffffffff);
    v = tb.burst({{false, BAR0_SCRATCH, 0, 0}, {false, BAR0_EV_ICV_INTERVAL, 0, 0},
                  {false, BAR0_SA_COMMITS, 0, 0}, {false, BAR0_STATUS, 0, 0}});
    CHECK(v[0] == 0 && v[1] == BAR0_EV_ICV_INTERVAL_RESET && v[2] == 0 && v[3] == 0,
          "after the reset: SCRATCH %08x EV_ICV_INTERVAL %u SA_COMMITS %u STATUS %08x", v[0], v[1], v[2], v[3]);
    for (int g = 0; g < 15; g++) CHECK(tb.global(g) == 0, "global counter %d not zeroed", g);
    CHECK(tb.rd(BAR0_RXR_SIZE) == 0, "the receive ring still on after the reset");
    // no SA, no rule: the LAN packet goes to the host, through a ring set up again
    tb.rx_ring();
    size_t h0 = tb.host_out.size();
    send_lan(w, ipv4(0x0a010005, 0x0a020009, 17, 30, w.rng));
    CHECK(tb.drain(tb.lan_out.size(), tb.wan_out.size(), h0 + 1), "after the reset a LAN packet did not go to the host");
    install(tb, w.a.sa, w.a.idx);
    write_rule(tb, 0, protect(w.a.sa, w.a.idx));
    w.a.seq = 0;
    through(w, w.a, 3, "installed again after the reset");
    CHECK(tb.counter(w.a.idx, 0) == 3, "SA A packets %" PRIu64 " after the reset", tb.counter(w.a.idx, 0));
    check_used(tb, "SA A installed again");
    check_rules(tb, "rule 0 written again");
}

}  // namespace

int main(int argc, char **argv)
{
    Verilated::commandArgs(argc, argv);
    int churn_n = argc > 1 ? atoi(argv[1]) : 300;
    uint64_t seed = argc > 2 ? strtoull(argv[2], nullptr, 0) : 1;
    printf("csr-tb: LANES %d, seed %" PRIu64 "\n", LANES, seed);
    World w(seed);
    const struct {
        const char *name;
        std::function<void()> run;
    } steps[] = {
        {"identity", [&] { identity(w); }},
        {"registers", [&] { registers(w); }},
        {"ordering", [&] { ordering(w); }},
        {"SAs and counters", [&] { sas(w); }},
        {"keys", [&] { keys(w); }},
        {"policy", [&] { policy(w); }},
        {"events", [&] { event_checks(w); }},
        {"busy", [&] { busy(w); }},
        {"read back", [&] { read_back(w); }},
        {"SA used", [&] { sa_used(w); }},
        {"rule read back", [&] { spd_read_back(w); }},
        {"bad accesses", [&] { bad_accesses(w); }},
        {"churn", [&] { churn(w, churn_n); }},
        {"soft reset", [&] { soft_reset(w); }},
    };
    int passed = 0, failed = 0;
    for (const auto &s : steps) {
        int f0 = failures;
        s.run();
        for (const std::string &p : w.tb.dma.problems) CHECK(false, "DMA port: %s", p.c_str());
        w.tb.dma.problems.clear();
        bool ok = failures == f0;
        printf("csr-tb: %-18s %s\n", s.name, ok ? "ok" : "FAILED");
        (ok ? passed : failed)++;
    }
    printf("csr-tb: %" PRIu64 " cycles; %d passed, %d failed\n", w.tb.cyc, passed, failed);
    return failed ? 1 : 0;
}
