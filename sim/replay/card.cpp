// The card model: reset, SA and policy writes, counter reads, events.
#include "Vnicsec_card.h"
#include "replay.h"
#include "tb_util.h"

extern "C" {
#include "sa_pack.h"
}

#include <cstring>
#include <stdexcept>
#include <sys/socket.h>

namespace replay {

namespace {

// An address as the card's 128-bit ports take it: IPv4 in the low 32 bits,
// the first byte of any address on top (the SA record's numbering).
void addr_words(int family, const uint8_t *a, uint32_t w[4])
{
    memset(w, 0, 4 * sizeof w[0]);
    sa_record_put_bytes(w, 0, 128, a, family == AF_INET ? 4 : 16);
}

template <typename W> void set_words(W &port, const uint32_t *w, int n)
{
    for (int i = 0; i < n; i++) port[i] = w[i];
}

// Longer than any key expansion (tens of cycles) by far.
constexpr int kInstallTimeout = 100000;

}  // namespace

Card::Card(uint64_t icv_interval) : t_(new Vnicsec_card)
{
    t_->lan_rx_tvalid = 0;
    t_->wan_rx_tvalid = 0;
    t_->host_tx_tvalid = 0;
    t_->lan_tx_tready = 1;
    t_->wan_tx_tready = 1;
    t_->host_rx_tready = 1;
    t_->sa_wr_valid = 0;
    t_->spd_wr_valid = 0;
    t_->ev_ready = 1;
    t_->ev_icv_interval = uint32_t(icv_interval);
    t_->cnt_rd_idx = 0;
    t_->cnt_rd_sel = 0;
    t_->glb_rd_sel = 0;
    t_->rst = 1;
    for (int i = 0; i < 4; i++) tick();
    t_->rst = 0;
}

Card::~Card()
{
    t_->final();
    delete t_;
}

void Card::tick()
{
    t_->clk = 1;
    t_->eval();
    t_->clk = 0;
    t_->eval();
    cycles_++;
}

void Card::take_event(std::vector<Event> &ev)
{
    t_->eval();
    if (t_->ev_valid && t_->ev_ready) ev.push_back(Event{cycles_, t_->ev_data});
}

void Card::install(const Plan &p, std::vector<Event> &ev)
{
    for (const Slot &s : p.sas) {
        uint32_t rec[SA_REC_WORDS], key[SA_KEY_WORDS];
        sa_record_pack(&s.sa, rec);
        int k256 = sa_key_words(&s.sa, key);
        set_words(t_->sa_wr_rec, rec, SA_REC_WORDS);
        set_words(t_->sa_wr_key, key, SA_KEY_WORDS);
        t_->sa_wr_key_256 = k256;
        t_->sa_wr_idx = s.index;
        t_->sa_wr_seq = sa_start_seq(&s.sa);
        t_->sa_wr_valid = 1;
        int waited = 0;
        for (bool taken = false; !taken; waited++) {
            if (waited == kInstallTimeout)
                throw std::runtime_error("the card never took the SA at index " +
                                         std::to_string(s.index) + " (sa_wr_ready stayed low)");
            t_->eval();
            taken = t_->sa_wr_ready;
            take_event(ev);
            tick();
        }
        t_->sa_wr_valid = 0;
        // Key material does not linger on the port.
        memset(key, 0, sizeof key);
        set_words(t_->sa_wr_key, key, SA_KEY_WORDS);
    }
    for (size_t i = 0; i < p.rules.size(); i++) {
        const Rule &r = p.rules[i];
        uint32_t w[4];
        t_->spd_wr_idx = uint32_t(i);
        t_->spd_wr_en = 1;
        t_->spd_wr_v6 = r.family == AF_INET6;
        addr_words(r.family, r.src, w);
        set_words(t_->spd_wr_src, w, 4);
        addr_words(r.family, r.dst, w);
        set_words(t_->spd_wr_dst, w, 4);
        t_->spd_wr_src_plen = uint32_t(r.src_plen);
        t_->spd_wr_dst_plen = uint32_t(r.dst_plen);
        t_->spd_wr_proto_any = r.proto < 0;
        t_->spd_wr_proto = r.proto < 0 ? 0 : uint32_t(r.proto);
        t_->spd_wr_action = uint32_t(r.action);
        t_->spd_wr_sa = uint32_t(r.sa);
        t_->spd_wr_valid = 1;
        take_event(ev);
        tick();
    }
    t_->spd_wr_valid = 0;
    // The last key is still being expanded: traffic waits until it is done.
    for (int waited = 0; !t_->sa_wr_ready; waited++) {
        if (waited == kInstallTimeout)
            throw std::runtime_error("sa_wr_ready stayed low after the last SA was written");
        take_event(ev);
        tick();
    }
}

uint64_t Card::read_sa(int index, int sel, std::vector<Event> &ev)
{
    t_->cnt_rd_idx = uint32_t(index);
    t_->cnt_rd_sel = uint32_t(sel);
    // the value is there two cycles later
    for (int i = 0; i < 2; i++) {
        take_event(ev);
        tick();
    }
    t_->eval();
    return t_->cnt_rd_value;
}

uint64_t Card::read_global(int sel, std::vector<Event> &ev)
{
    t_->glb_rd_sel = uint32_t(sel);
    for (int i = 0; i < 2; i++) {
        take_event(ev);
        tick();
    }
    t_->eval();
    return t_->glb_rd_value;
}

Balance Card::balance(const Plan &p, std::vector<Event> &ev)
{
    Balance b;
    for (int k : {kLanRx, kWanRx, kHostTx}) b.in += read_global(k, ev);
    for (int k : {kLanTx, kWanTx, kHostRx}) b.out += read_global(k, ev);
    for (int k : {kNoSa, kMalformed, kTooShort, kPolicyDrop, kOversize}) b.dropped += read_global(k, ev);
    for (const Slot &s : p.sas)
        for (int sel = 2; sel <= 7; sel++) b.dropped += read_sa(s.index, sel, ev);
    return b;
}

}  // namespace replay
