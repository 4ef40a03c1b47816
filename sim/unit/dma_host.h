// Host memory behind nicsec_card_bar's DMA port (docs/dma.md, "The DMA port"), for
// the Verilator benches: a sparse byte array that answers the card's read requests
// in order, after a random latency and with random gaps between beats, and takes
// its posted writes, with random back-pressure on the request and write ports.
//
// It checks the port's rules as it goes (into `problems`): addresses a multiple
// of the beat, lengths 1 .. 65,535, a request or write that is offered stays
// offered, unchanged, until it is taken. A bench checks where writes land and
// what is read through on_write (called for each write before it reaches
// memory) and on_read (for each read request taken).
//
// A read's data is taken from memory when its request is taken, after the writes
// taken in that cycle: writes reach memory before any read requested after them.
#ifndef NICSEC_DMA_HOST_H
#define NICSEC_DMA_HOST_H

#include <array>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <deque>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include "tb_util.h"

class HostMem {
public:
    uint8_t get(uint64_t a) const
    {
        auto it = pages_.find(a >> 12);
        return it == pages_.end() ? 0 : (*it->second)[a & 4095];
    }
    void set(uint64_t a, uint8_t v) { page(a)[a & 4095] = v; }
    void write(uint64_t a, const uint8_t *p, size_t n)
    {
        for (size_t i = 0; i < n; i++) set(a + i, p[i]);
    }
    Bytes bytes(uint64_t a, size_t n) const
    {
        Bytes b(n);
        for (size_t i = 0; i < n; i++) b[i] = get(a + i);
        return b;
    }
    // little-endian numbers, as descriptors hold them
    uint64_t le(uint64_t a, int n) const
    {
        uint64_t v = 0;
        for (int i = n - 1; i >= 0; i--) v = v << 8 | get(a + uint64_t(i));
        return v;
    }
    void put_le(uint64_t a, uint64_t v, int n)
    {
        for (int i = 0; i < n; i++) set(a + uint64_t(i), uint8_t(v >> (8 * i)));
    }

private:
    std::unordered_map<uint64_t, std::unique_ptr<std::array<uint8_t, 4096>>> pages_;
    std::array<uint8_t, 4096> &page(uint64_t a)
    {
        auto &p = pages_[a >> 12];
        if (!p) {
            p.reset(new std::array<uint8_t, 4096>);
            p->fill(0);
        }
        return *p;
    }
};

template <typename T, int LANES_> class DmaHost {
public:
    static constexpr int kB = 16 * LANES_;

    DmaHost(HostMem &m, std::mt19937_64 &rng) : mem_(m), rng_(rng) {}

    int stall = 0;      // percent: each ready low, each answer beat held back, in a cycle
    int wr_stall = -1;  // the write port's, when not `stall`
    int latency = 0;    // a read's answer waits 1 .. 1 + latency cycles
    // a write about to land: its beat's address, its kB bytes and byte enables
    std::function<void(uint64_t addr, const uint8_t *data, uint64_t be)> on_write;
    // a read request taken: its address and length
    std::function<void(uint64_t addr, unsigned len)> on_read;
    std::vector<std::string> problems;
    uint64_t reads = 0, writes = 0;

    bool busy() const { return !rd_.empty(); }

    // Before eval: this cycle's readies and answer beat.
    void drive(T *t, uint64_t cyc)
    {
        t->dma_rd_req_ready = !chance(rng_, stall);
        t->dma_wr_ready = !chance(rng_, wr_stall < 0 ? stall : wr_stall);
        if (!showing_) showing_ = !rd_.empty() && rd_.front().at <= cyc && !chance(rng_, stall);
        t->dma_rd_valid = showing_;
        t->dma_rd_last = 0;
        if (showing_) {
            const Read &r = rd_.front();
            put_bytes(t->dma_rd_data, 4 * LANES_, r.data.data() + size_t(r.beat) * kB, kB);
            t->dma_rd_last = r.beat + 1 == r.beats;
        }
    }

    // After eval, before the clock edge: this cycle's handshakes.
    void sample(T *t, uint64_t cyc)
    {
        // writes first: a read requested in the same cycle sees them
        bool wv = t->dma_wr_valid;
        uint64_t wa = t->dma_wr_addr, wbe = uint64_t(t->dma_wr_be);
        uint8_t wd[kB];
        for (int i = 0; i < kB; i++) wd[i] = byte_at(t->dma_wr_data, i);
        if (held_wr_ && (!wv || wa != wr_addr_ || wbe != wr_be_ || memcmp(wd, wr_data_, kB)))
            problem(cyc, "a write changed or was withdrawn before it was taken");
        held_wr_ = false;
        if (wv && t->dma_wr_ready) {
            if (wa % kB) problem(cyc, "write to %#llx, not a multiple of %d", (unsigned long long)wa, kB);
            if (on_write) on_write(wa, wd, wbe);
            for (int i = 0; i < kB; i++)
                if (wbe >> i & 1) mem_.set(wa + uint64_t(i), wd[i]);
            writes++;
        } else if (wv) {
            held_wr_ = true;
            wr_addr_ = wa;
            wr_be_ = wbe;
            memcpy(wr_data_, wd, kB);
        }

        bool qv = t->dma_rd_req_valid;
        uint64_t qa = t->dma_rd_req_addr;
        unsigned ql = t->dma_rd_req_len;
        if (held_req_ && (!qv || qa != req_addr_ || ql != req_len_))
            problem(cyc, "a read request changed or was withdrawn before it was taken");
        held_req_ = false;
        if (qv && t->dma_rd_req_ready) {
            if (qa % kB) problem(cyc, "read at %#llx, not a multiple of %d", (unsigned long long)qa, kB);
            if (ql == 0) problem(cyc, "read of 0 bytes");
            if (on_read) on_read(qa, ql);
            Read r;
            r.beats = int((ql + kB - 1) / kB);
            r.data = mem_.bytes(qa, size_t(r.beats) * kB);
            r.at = cyc + 1 + (latency > 0 ? rng_() % uint64_t(latency + 1) : 0);
            rd_.push_back(std::move(r));
            reads++;
        } else if (qv) {
            held_req_ = true;
            req_addr_ = qa;
            req_len_ = ql;
        }

        if (showing_ && t->dma_rd_ready) {
            showing_ = false;
            if (++rd_.front().beat == rd_.front().beats) rd_.pop_front();
        }
    }

private:
    struct Read {
        Bytes data;
        int beats = 0, beat = 0;
        uint64_t at = 0;
    };
    HostMem &mem_;
    std::mt19937_64 &rng_;
    std::deque<Read> rd_;
    bool showing_ = false;
    bool held_req_ = false, held_wr_ = false;
    uint64_t req_addr_ = 0, wr_addr_ = 0, wr_be_ = 0;
    unsigned req_len_ = 0;
    uint8_t wr_data_[kB] = {};

    void problem(uint64_t cyc, const char *fmt, ...)
    {
        char b[256];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(b, sizeof b, fmt, ap);
        va_end(ap);
        if (problems.size() < 20) problems.push_back("cycle " + std::to_string(cyc) + ": " + b);
    }
};

#endif
