// Verilator harness for rtl/gcm_engine.v.
//
// Drives messages through the engine cycle by cycle and checks every output byte,
// tag and verdict against an oracle that is not ours: the NIST CAVP vectors, or
// OpenSSL's EVP AES-GCM on random messages. Keys are loaded into slots by the
// engine's own key loader while messages stream, so consecutive messages use
// different keys with no idle cycles between them. Optional random back-pressure
// (m_tready low) and gaps (s_tvalid low) shake the handshakes.
//
//   gcm-tb --cavp FILE [--cavp FILE ...]     every 96-bit-IV, 128/256-bit-key vector
//   gcm-tb --random N [--seed S]             N random messages against OpenSSL
//   gcm-tb --bench [--json FILE]             throughput and latency, no stalls
//   common: --stall P --gap P (percent), --max-errors N, --quiet
//
// Built once per LANES value; the Makefile passes -DLANES.

#include <verilated.h>
#include "Vgcm_engine.h"

#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <random>
#include <string>
#include <vector>

#include "cavp.h"
#include "gcm_ref.h"
#include "tb_util.h"

#ifndef LANES
#error "build with -DLANES=1, 2 or 4"
#endif

namespace {

constexpr int kBeatBytes = 16 * LANES;
constexpr int kKeySlots = 16;  // the engine's default KEY_SLOTS

// One message and what the engine must make of it.
struct Msg {
    uint32_t id = 0;
    std::string name;     // for error messages
    Bytes key;            // 16 or 32 bytes
    uint8_t iv[12] = {};
    Bytes aad;
    Bytes text;           // input text (plaintext, or ciphertext to decrypt)
    bool decrypt = false;
    int tag_len = 16;     // bytes compared when decrypting
    uint8_t tag_in[16] = {};  // expected tag, decrypting
    // expected results
    Bytes out;            // expected output text
    uint8_t tag[16] = {}; // expected tag (encrypt: first tag_len bytes checked)
    bool check_out = true;
    bool ok = true;       // expected m_tag_ok
    // filled in by the driver
    int slot = -1;
    Bytes stream;         // stream AAD blocks + text, as beats carry it
};

// --- packing values into Verilator's port words ------------------------------
// Stream-order data puts byte 0 in bits [7:0].
template <typename W>
void put_le(W &w, const uint8_t *p, int n)
{
    for (int i = 0; i < kBeatBytes / 4; i++) w[i] = 0;
    for (int i = 0; i < n; i++) w[i / 4] |= uint32_t(p[i]) << (8 * (i % 4));
}

template <typename W>
void get_le(const W &w, uint8_t *p, int n)
{
    for (int i = 0; i < n; i++) p[i] = uint8_t(w[i / 4] >> (8 * (i % 4)));
}

std::string hex(const uint8_t *p, size_t n)
{
    static const char d[] = "0123456789abcdef";
    std::string s;
    for (size_t i = 0; i < n; i++) {
        s += d[p[i] >> 4];
        s += d[p[i] & 15];
    }
    return s;
}

struct Options {
    std::vector<std::string> cavp;
    long random = 0;
    uint64_t seed = 1;
    bool bench = false;
    std::string json;
    int stall = 0;  // percent of cycles m_tready is low
    int gap = 0;    // percent of cycles s_tvalid is held low between beats
    int max_errors = 10;
    bool quiet = false;
};

// The engine, its clock, and the bookkeeping of slots and messages in flight.
class Harness {
public:
    explicit Harness(const Options &o) : opt_(o), rng_(o.seed ^ 0x9e3779b97f4a7c15ull)
    {
        top_ = new Vgcm_engine;
        top_->clk = 0;
        top_->rst = 1;
        top_->key_valid = 0;
        top_->s_tvalid = 0;
        top_->m_tready = 1;
        for (int i = 0; i < 4; i++) tick();
        top_->rst = 0;
        top_->eval();
        slots_.resize(kKeySlots);
    }
    ~Harness()
    {
        top_->final();
        delete top_;
    }

    // Runs msgs through the engine; returns the number of failed messages.
    long run(std::deque<Msg> &msgs);

    uint64_t cycles() const { return cycles_; }
    uint64_t first_in = 0, first_out = 0, last_out = 0;  // cycle stamps
    bool started = false, got_output = false;
    uint64_t text_bytes = 0;
    uint64_t key_load_cycles = 0;  // the last key load, accept to key_ready

private:
    struct Slot {
        Bytes key;       // what is in it (or being loaded)
        int users = 0;   // messages assigned and not yet out
        bool loading = false;
        uint64_t last_use = 0;
    };

    void tick()
    {
        top_->clk = 1;
        top_->eval();
        top_->clk = 0;
        top_->eval();
        cycles_++;
    }
    bool chance(int percent) { return percent > 0 && int(rng_() % 100) < percent; }
    bool assign_slot(Msg &m, bool &load);
    void build_stream(Msg &m);
    void drive_beat(const Msg &m, size_t beat, bool first, bool last);
    bool check(const Msg &m, const Bytes &out, const uint8_t *tag, bool ok, bool err);

    const Options &opt_;
    std::mt19937_64 rng_;
    Vgcm_engine *top_;
    std::vector<Slot> slots_;
    uint64_t cycles_ = 0;
    uint64_t load_start = 0;
    long errors_ = 0;
};

// Puts m's key in a slot: the one that already holds it (or is loading it), or
// a free one, where load says it must be loaded. Returns false when every slot
// is busy.
bool Harness::assign_slot(Msg &m, bool &load)
{
    int free_slot = -1;
    load = false;
    for (int s = 0; s < kKeySlots; s++) {
        if (slots_[s].key == m.key) {
            m.slot = s;
            slots_[s].users++;
            return true;
        }
        if (slots_[s].users == 0 && !slots_[s].loading &&
            (free_slot < 0 || slots_[s].last_use < slots_[free_slot].last_use))
            free_slot = s;
    }
    if (free_slot < 0) return false;
    Slot &sl = slots_[free_slot];
    sl.key = m.key;
    sl.users = 1;
    sl.loading = true;
    m.slot = free_slot;
    load = true;
    return true;
}

// The stream: AAD past its first 16 bytes in whole blocks (padded with junk the
// engine must ignore), then the text.
void Harness::build_stream(Msg &m)
{
    m.stream.clear();
    if (m.aad.size() > 16) {
        m.stream.assign(m.aad.begin() + 16, m.aad.end());
        while (m.stream.size() % 16) m.stream.push_back(uint8_t(rng_()));
    }
    m.stream.insert(m.stream.end(), m.text.begin(), m.text.end());
}

void Harness::drive_beat(const Msg &m, size_t beat, bool first, bool last)
{
    size_t off = beat * kBeatBytes;
    int n = int(std::min<size_t>(kBeatBytes, m.stream.size() - std::min(off, m.stream.size())));
    put_le(top_->s_tdata, m.stream.data() + off, n);
    uint64_t keep = n == 64 ? ~0ull : ((1ull << n) - 1);
    top_->s_tkeep = decltype(top_->s_tkeep)(keep);
    top_->s_tlast = last;
    top_->s_tuser = m.id & 0xffff;
    if (first) {
        top_->s_slot = m.slot;
        top_->s_decrypt = m.decrypt;
        put_be(top_->s_iv, 96, m.iv, 12);
        put_be(top_->s_aad, 128, m.aad.data(), int(std::min<size_t>(16, m.aad.size())));
        top_->s_aad_len = uint16_t(m.aad.size());
        top_->s_tag_len = m.tag_len;
    }
    if (last) put_be(top_->s_tag, 128, m.tag_in, 16);
}

bool Harness::check(const Msg &m, const Bytes &out, const uint8_t *tag, bool ok, bool err)
{
    std::string why;
    if (out.size() != m.stream.size())
        why = "output has " + std::to_string(out.size()) + " bytes, sent " +
              std::to_string(m.stream.size());
    size_t aad_stream = m.stream.size() - m.text.size();
    if (why.empty() && memcmp(out.data(), m.stream.data(), aad_stream) != 0)
        why = "stream AAD blocks changed";
    if (why.empty() && m.check_out &&
        memcmp(out.data() + aad_stream, m.out.data(), m.out.size()) != 0) {
        size_t i = 0;
        while (out[aad_stream + i] == m.out[i]) i++;
        why = "text differs from byte " + std::to_string(i);
    }
    if (why.empty() && !m.decrypt && memcmp(tag, m.tag, m.tag_len) != 0)
        why = "tag " + hex(tag, 16) + ", expected " + hex(m.tag, m.tag_len);
    if (why.empty() && ok != m.ok)
        why = std::string("tag_ok ") + (ok ? "1" : "0") + ", expected " + (m.ok ? "1" : "0");
    if (why.empty() && err) why = "m_error set";
    if (why.empty()) return true;
    if (++errors_ <= opt_.max_errors)
        fprintf(stderr, "FAIL %s (LANES=%d, slot %d, %s, key %zu bits, aad %zu, text %zu, tag %d): %s\n",
                m.name.c_str(), LANES, m.slot, m.decrypt ? "decrypt" : "encrypt", m.key.size() * 8,
                m.aad.size(), m.text.size(), m.tag_len, why.c_str());
    return false;
}

long Harness::run(std::deque<Msg> &msgs)
{
    std::deque<Msg> pending(std::move(msgs));   // not yet given a slot
    std::deque<Msg> ready;                      // slot assigned, not yet sent
    std::deque<Msg> inflight;                   // sent, output not complete
    std::deque<int> loads;                      // slots waiting for the key loader
    int loading_slot = -1;                      // slot the loader is working on
    bool loader_busy = false;
    size_t beat = 0;                            // next beat of the message being sent
    bool sending = false;                       // inflight.back() has beats still to send
    bool beat_valid = false;                    // a beat is on s_*
    Bytes out;
    long failed = 0;
    uint64_t idle = 0;

    auto beats_of = [](const Msg &m) {
        return std::max<size_t>(1, (m.stream.size() + kBeatBytes - 1) / kBeatBytes);
    };
    while (!pending.empty() || !ready.empty() || !inflight.empty()) {
        // Assign slots ahead of the stream, so keys load while others stream.
        bool load;
        while (!pending.empty() && ready.size() < 32 && assign_slot(pending.front(), load)) {
            Msg &m = pending.front();
            if (load) loads.push_back(m.slot);
            build_stream(m);
            ready.push_back(std::move(m));
            pending.pop_front();
        }

        // Key loader: offer the next key; a load is done when key_ready returns.
        bool key_offer = false;
        if (loader_busy) {
            if (top_->key_ready) {
                key_load_cycles = cycles_ - load_start;
                slots_[loading_slot].loading = false;
                loading_slot = -1;
                loader_busy = false;
            }
        }
        if (!loader_busy && !loads.empty()) {
            int s = loads.front();
            uint8_t k[32] = {};
            memcpy(k, slots_[s].key.data(), slots_[s].key.size());
            put_be(top_->key_data, 256, k, 32);
            top_->key_slot = s;
            top_->key_256 = slots_[s].key.size() == 32;
            key_offer = true;
        }
        top_->key_valid = key_offer;

        // Input: the next beat of the message being sent, or of the first ready
        // one whose key is loaded. A message moves to inflight with its first
        // beat: a long one's output starts before its input ends.
        if (!beat_valid && !chance(opt_.gap)) {
            const Msg *m = sending ? &inflight.back()
                         : (!ready.empty() && !slots_[ready.front().slot].loading) ? &ready.front()
                         : nullptr;
            if (m) {
                drive_beat(*m, beat, beat == 0, beat + 1 == beats_of(*m));
                beat_valid = true;
            }
        }
        top_->s_tvalid = beat_valid;
        top_->m_tready = !chance(opt_.stall);
        top_->eval();

        bool accepted = beat_valid && top_->s_tready;
        bool delivered = top_->m_tvalid && top_->m_tready;
        bool key_taken = key_offer && top_->key_ready;

        if (delivered) {
            if (inflight.empty()) {
                fprintf(stderr, "FAIL: output beat with no message in flight (LANES=%d)\n", LANES);
                return failed + 1;
            }
            Msg &m = inflight.front();
            if (sending && inflight.size() == 1 && out.size() >= m.stream.size()) {
                fprintf(stderr, "FAIL %s: more output than input\n", m.name.c_str());
                return failed + 1;
            }
            if (!got_output) {
                got_output = true;
                first_out = cycles_;
            }
            last_out = cycles_;
            uint8_t b[64];
            get_le(top_->m_tdata, b, kBeatBytes);
            uint64_t keep = uint64_t(top_->m_tkeep);
            for (int i = 0; i < kBeatBytes; i++)
                if (keep >> i & 1) out.push_back(b[i]);
            if (uint32_t(top_->m_tuser) != (m.id & 0xffff)) {
                fprintf(stderr, "FAIL %s: output beat carries tuser %u, expected %u\n",
                        m.name.c_str(), unsigned(top_->m_tuser), m.id & 0xffff);
                return failed + 1;
            }
            if (top_->m_tlast) {
                uint8_t tag[16];
                get_be(top_->m_tag, 128, tag, 16);
                if (!check(m, out, tag, top_->m_tag_ok, top_->m_error)) failed++;
                text_bytes += m.text.size();
                slots_[m.slot].users--;
                slots_[m.slot].last_use = cycles_;
                out.clear();
                inflight.pop_front();
            }
        }
        if (accepted) {
            if (!started) {
                started = true;
                first_in = cycles_;
            }
            if (!sending) {
                inflight.push_back(std::move(ready.front()));
                ready.pop_front();
                sending = true;
            }
            beat_valid = false;
            if (++beat == beats_of(inflight.back())) {
                beat = 0;
                sending = false;
            }
        }
        if (key_taken) {
            load_start = cycles_;
            loading_slot = loads.front();
            loads.pop_front();
            loader_busy = true;
        }
        tick();
        // after the edge, key_ready is low while the loader works
        idle = (accepted || delivered || key_taken) ? 0 : idle + 1;
        if (idle > 100000) {
            fprintf(stderr, "FAIL: engine stuck for 100000 cycles (LANES=%d, %zu in flight)\n",
                    LANES, inflight.size());
            return failed + 1 + long(inflight.size());
        }
    }
    return failed;
}

// --- message sources ------------------------------------------------------------

void fill(std::mt19937_64 &rng, uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++) p[i] = uint8_t(rng());
}

// Every vector of the file with a 96-bit IV and a 128- or 256-bit key.
bool load_cavp(const std::string &path, std::deque<Msg> &msgs, uint32_t &id)
{
    struct gcm_vec *v;
    size_t n;
    char err[256];
    if (cavp_load(path.c_str(), &v, &n, err, sizeof err) != 0) {
        fprintf(stderr, "gcm-tb: %s\n", err);
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        if (v[i].ivlen != 12 || (v[i].keylen != 16 && v[i].keylen != 32)) continue;
        Msg m;
        m.id = id++;
        m.name = std::string(v[i].file) + ":" + std::to_string(v[i].line);
        m.key.assign(v[i].key, v[i].key + v[i].keylen);
        memcpy(m.iv, v[i].iv, 12);
        m.aad.assign(v[i].aad, v[i].aad + v[i].aadlen);
        m.decrypt = v[i].decrypt;
        m.tag_len = int(v[i].taglen);
        if (m.decrypt) {
            m.text.assign(v[i].ct, v[i].ct + v[i].textlen);
            memcpy(m.tag_in, v[i].tag, v[i].taglen);
            m.ok = !v[i].fail;
            m.check_out = !v[i].fail;   // a FAIL vector has no plaintext to compare
            if (!v[i].fail) m.out.assign(v[i].pt, v[i].pt + v[i].textlen);
        } else {
            m.text.assign(v[i].pt, v[i].pt + v[i].textlen);
            m.out.assign(v[i].ct, v[i].ct + v[i].textlen);
            memcpy(m.tag, v[i].tag, v[i].taglen);
        }
        msgs.push_back(std::move(m));
    }
    cavp_free(v, n);
    return true;
}

// n random ESP-like messages, expected results from OpenSSL: AAD of 8 or 12 bytes
// (and now and then up to 64, to cover stream AAD), text of 0 to 9000 bytes, a
// third decrypted, some of those with a corrupted tag or text.
bool make_random(long n, std::mt19937_64 &rng, std::deque<Msg> &msgs, uint32_t &id)
{
    std::vector<Bytes> keys;  // recent keys, so some messages share one
    for (long i = 0; i < n; i++) {
        Msg m;
        m.id = id++;
        m.name = "random#" + std::to_string(i);
        if (keys.empty() || rng() % 100 < 30) {
            Bytes k(rng() % 2 ? 32 : 16);
            fill(rng, k.data(), k.size());
            keys.push_back(k);
            if (keys.size() > 8) keys.erase(keys.begin());
        }
        m.key = keys[rng() % keys.size()];
        fill(rng, m.iv, 12);
        int r = int(rng() % 100);
        m.aad.resize(r < 45 ? 8 : r < 90 ? 12 : rng() % 65);
        fill(rng, m.aad.data(), m.aad.size());
        Bytes plain(rng() % 9001);
        fill(rng, plain.data(), plain.size());
        int t = int(rng() % 10);
        m.tag_len = t < 6 ? 16 : t < 8 ? 12 : 8;

        Bytes ct(plain.size());
        uint8_t tag[16];
        if (gcm_ref_encrypt(m.key.data(), m.key.size(), m.iv, 12, m.aad.data(), m.aad.size(),
                            plain.data(), plain.size(), ct.data(), tag) != 0) {
            fprintf(stderr, "gcm-tb: OpenSSL encrypt failed\n");
            return false;
        }
        m.decrypt = rng() % 3 == 0;
        if (!m.decrypt) {
            m.text = plain;
            m.out = ct;
            memcpy(m.tag, tag, 16);
        } else {
            m.text = ct;
            memcpy(m.tag_in, tag, 16);
            int bad = int(rng() % 10);
            if (bad == 0) m.tag_in[rng() % m.tag_len] ^= uint8_t(1 + rng() % 255);
            if (bad == 1 && !m.text.empty()) m.text[rng() % m.text.size()] ^= 0x80;
            m.out.resize(m.text.size());
            int v = gcm_ref_decrypt(m.key.data(), m.key.size(), m.iv, 12, m.aad.data(),
                                    m.aad.size(), m.text.data(), m.text.size(), m.tag_in,
                                    size_t(m.tag_len), m.out.data());
            if (v < 0) {
                fprintf(stderr, "gcm-tb: OpenSSL decrypt failed\n");
                return false;
            }
            m.ok = v == 1;
        }
        msgs.push_back(std::move(m));
    }
    return true;
}

// Throughput for one message size: back-to-back messages, each under a different
// key than the one before (keys rotate over the slots), 8-byte ESP AAD, no stalls.
struct BenchResult {
    size_t bytes;
    double bits_per_cycle;
    uint64_t latency;
    uint64_t key_load;
    uint64_t cycles;
    long messages;
    long failed;
};

BenchResult bench_size(size_t bytes)
{
    Options o;
    Harness h(o);
    std::mt19937_64 rng(bytes);
    std::vector<Bytes> keys(kKeySlots);
    for (int s = 0; s < kKeySlots; s++) {
        keys[s].resize(s % 2 ? 32 : 16);
        fill(rng, keys[s].data(), keys[s].size());
    }
    // prime the slots so the measured run has no key loads in it
    std::deque<Msg> warm;
    uint32_t id = 0;
    for (int s = 0; s < kKeySlots; s++) {
        Msg m;
        m.id = id++;
        m.name = "warm";
        m.key = keys[s];
        m.check_out = false;
        m.ok = true;
        gcm_ref_encrypt(m.key.data(), m.key.size(), m.iv, 12, nullptr, 0, nullptr, 0, nullptr, m.tag);
        warm.push_back(std::move(m));
    }
    long failed = h.run(warm);
    uint64_t key_load = h.key_load_cycles;

    long n = long(std::max<size_t>(64, (400000 / (bytes + 16)) + 1));
    std::deque<Msg> msgs;
    for (long i = 0; i < n; i++) {
        Msg m;
        m.id = id++;
        m.name = "bench#" + std::to_string(i);
        m.key = keys[i % kKeySlots];
        fill(rng, m.iv, 12);
        m.aad.resize(8);
        fill(rng, m.aad.data(), 8);
        m.text.resize(bytes);
        fill(rng, m.text.data(), bytes);
        m.out.resize(bytes);
        gcm_ref_encrypt(m.key.data(), m.key.size(), m.iv, 12, m.aad.data(), 8, m.text.data(),
                        bytes, m.out.data(), m.tag);
        msgs.push_back(std::move(m));
    }
    h.started = h.got_output = false;
    h.text_bytes = 0;
    failed += h.run(msgs);
    BenchResult r;
    r.bytes = bytes;
    r.messages = n;
    r.failed = failed;
    r.cycles = h.last_out - h.first_in + 1;
    r.bits_per_cycle = double(h.text_bytes) * 8.0 / double(r.cycles);
    r.latency = h.first_out - h.first_in;
    r.key_load = key_load;
    return r;
}

int bench(const Options &opt)
{
    const size_t sizes[] = {64, 128, 256, 512, 1500, 9000};
    std::vector<BenchResult> res;
    long failed = 0;
    printf("LANES=%d  peak %d bits/cycle\n", LANES, 128 * LANES);
    printf("%8s %10s %14s %8s %10s\n", "bytes", "messages", "bits/cycle", "of peak", "cycles");
    for (size_t b : sizes) {
        BenchResult r = bench_size(b);
        failed += r.failed;
        printf("%8zu %10ld %14.1f %7.1f%% %10" PRIu64 "\n", r.bytes, r.messages,
               r.bits_per_cycle, 100.0 * r.bits_per_cycle / (128.0 * LANES), r.cycles);
        res.push_back(r);
    }
    printf("latency, first input beat to first output beat: %" PRIu64 " cycles\n",
           res[0].latency);
    printf("key load, key accepted to key_ready: %" PRIu64 " cycles\n", res[0].key_load);
    if (!opt.json.empty()) {
        FILE *f = fopen(opt.json.c_str(), "w");
        if (!f) {
            perror(opt.json.c_str());
            return 1;
        }
        fprintf(f, "[\n");
        for (const BenchResult &r : res)
            fprintf(f,
                    "  {\"name\": \"rtl.gcm.bits_per_cycle\", \"params\": {\"lanes\": %d, "
                    "\"bytes\": %zu, \"peak\": %d}, \"value\": %.2f, \"unit\": \"bits/cycle\"},\n",
                    LANES, r.bytes, 128 * LANES, r.bits_per_cycle);
        fprintf(f,
                "  {\"name\": \"rtl.gcm.latency_cycles\", \"params\": {\"lanes\": %d}, "
                "\"value\": %" PRIu64 ", \"unit\": \"cycles\"},\n",
                LANES, res[0].latency);
        fprintf(f,
                "  {\"name\": \"rtl.gcm.key_load_cycles\", \"params\": {\"lanes\": %d}, "
                "\"value\": %" PRIu64 ", \"unit\": \"cycles\"}\n]\n",
                LANES, res[0].key_load);
        fclose(f);
    }
    if (failed) fprintf(stderr, "gcm-tb: %ld bench messages came out wrong\n", failed);
    return failed ? 1 : 0;
}

void usage()
{
    fprintf(stderr,
            "usage: gcm-tb [--cavp FILE]... [--random N] [--seed S] [--stall P] [--gap P]\n"
            "              [--bench [--json FILE]] [--max-errors N] [--quiet]\n");
}

}  // namespace

int main(int argc, char **argv)
{
    Verilated::commandArgs(argc, argv);
    Options opt;
    for (int i = 1; i < argc; i++) {
        std::string a = argv[i];
        auto next = [&]() -> const char * {
            if (i + 1 >= argc) {
                fprintf(stderr, "gcm-tb: %s needs a value\n", a.c_str());
                exit(2);
            }
            return argv[++i];
        };
        if (a == "--cavp") opt.cavp.push_back(next());
        else if (a == "--random") opt.random = atol(next());
        else if (a == "--seed") opt.seed = strtoull(next(), nullptr, 0);
        else if (a == "--stall") opt.stall = atoi(next());
        else if (a == "--gap") opt.gap = atoi(next());
        else if (a == "--bench") opt.bench = true;
        else if (a == "--json") opt.json = next();
        else if (a == "--max-errors") opt.max_errors = atoi(next());
        else if (a == "--quiet") opt.quiet = true;
        else if (a.rfind("+verilator", 0) == 0) continue;
        else {
            usage();
            return 2;
        }
    }
    if (opt.bench) return bench(opt);
    if (opt.cavp.empty() && opt.random == 0) {
        usage();
        return 2;
    }

    std::deque<Msg> msgs;
    uint32_t id = 0;
    for (const std::string &f : opt.cavp)
        if (!load_cavp(f, msgs, id)) return 2;
    std::mt19937_64 rng(opt.seed);
    if (opt.random && !make_random(opt.random, rng, msgs, id)) return 2;

    size_t total = msgs.size();
    long enc = 0, dec = 0, fail_expected = 0;
    for (const Msg &m : msgs) {
        (m.decrypt ? dec : enc)++;
        fail_expected += !m.ok;
    }
    Harness h(opt);
    long failed = h.run(msgs);
    printf("gcm-tb LANES=%d: %zu messages (%ld encrypt, %ld decrypt, %ld must fail the tag), "
           "stall %d%%, gap %d%%: %zu passed, %ld failed, %" PRIu64 " cycles\n",
           LANES, total, enc, dec, fail_expected, opt.stall, opt.gap, total - size_t(failed),
           failed, h.cycles());
    return failed ? 1 : 0;
}
