// What a replay ends with: per-SA counters, the card's global counters and the
// events, as text for a person or as one JSON object for a script.
#include "replay.h"

#include <cinttypes>
#include <cstdio>
#include <string>

namespace replay {

const char *const kGlobalNames[kGlobals] = {
    "lan_rx", "wan_rx", "lan_tx", "wan_tx", "host_rx", "host_tx", "no_sa",
    "malformed", "too_short", "bypass", "policy_drop", "to_host", "events_lost", "oversize",
    "wan_to_host",
};

const char *const kDropNames[6] = {
    "replay", "icv", "trailer", "selector", "seq_exhausted", "lifetime",
};

const char *event_name(int type)
{
    switch (type) {
    case 1: return "soft_limit";
    case 2: return "hard_limit";
    case 3: return "seq_near_exhaustion";
    case 4: return "seq_exhausted";
    case 5: return "icv_failure";
    default: return "unknown";
    }
}

namespace {

struct EventView {
    int type;
    bool out;
    int sa;
    const Slot *slot;  // null if no SA of the file sits there
};

EventView view(const Plan &p, const Event &e)
{
    EventView v;
    v.type = int(e.data >> 28);
    v.out = e.data >> 27 & 1;
    v.sa = int(e.data & (kSaSlots - 1));
    v.slot = nullptr;
    for (const Slot &s : p.sas)
        if (s.index == v.sa) v.slot = &s;
    return v;
}

const char *dir_name(int dir) { return dir == SA_DIR_OUT ? "out" : "in"; }

std::string json_string(const std::string &s)
{
    std::string o = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\') o += '\\';
        if (uint8_t(c) < 0x20) {
            char b[8];
            snprintf(b, sizeof b, "\\u%04x", c);
            o += b;
        } else {
            o += c;
        }
    }
    return o + "\"";
}

}  // namespace

void print_text(const Plan &p, const Result &r, int lanes)
{
    printf("nicsec-sim replay: LANES=%d, %" PRIu64 " cycles\n", lanes, r.cycles);
    printf("frames: %" PRIu64 " in, %" PRIu64 " out, %" PRIu64 " dropped%s\n", r.balance.in, r.balance.out,
           r.balance.dropped, r.balance.even() ? "" : " (the card's counters do not add up)");
    printf("  written: LAN %" PRIu64 ", WAN %" PRIu64 ", host %" PRIu64 " (%" PRIu64 " from the LAN, %" PRIu64
           " from the WAN)\n\n",
           r.out.lan, r.out.wan, r.out.host, r.out.host_from_lan, r.out.host_from_wan);
    printf("SAs (%zu):\n", p.sas.size());
    printf("  %-6s %-4s %-11s %12s %14s  %s\n", "index", "dir", "spi", "packets", "bytes", "last seq");
    for (size_t i = 0; i < p.sas.size(); i++) {
        const Slot &s = p.sas[i];
        const SaCounters &c = r.sa[i];
        printf("  0x%03x  %-4s 0x%08x  %12" PRIu64 " %14" PRIu64, s.index, dir_name(s.sa.dir), s.sa.spi,
               c.packets, c.bytes);
        if (s.sa.dir == SA_DIR_OUT) printf("  %" PRIu64, c.seq);
        printf("\n");
        std::string drops;
        for (int k = 0; k < 6; k++) {
            if (!c.drops[k]) continue;
            char b[64];
            snprintf(b, sizeof b, "%s %s %" PRIu64, drops.empty() ? "" : ",", kDropNames[k], c.drops[k]);
            drops += b;
        }
        if (!drops.empty()) printf("         dropped:%s\n", drops.c_str());
    }
    printf("\nCard counters:\n");
    for (int k = 0; k < kGlobals; k++) printf("  %-12s %" PRIu64 "\n", kGlobalNames[k], r.global[k]);
    printf("\nEvents (%zu):\n", r.events.size());
    for (const Event &e : r.events) {
        EventView v = view(p, e);
        printf("  cycle %-10" PRIu64 " %-20s %-4s SA 0x%03x", e.cycle, event_name(v.type), v.out ? "out" : "in",
               v.sa);
        if (v.slot) printf("  spi 0x%08x", v.slot->sa.spi);
        printf("\n");
    }
}

void print_json(const Plan &p, const Result &r, int lanes)
{
    printf("{\"cycles\": %" PRIu64 ", \"lanes\": %d,\n \"global\": {", r.cycles, lanes);
    for (int k = 0; k < kGlobals; k++) printf("%s\"%s\": %" PRIu64, k ? ", " : "", kGlobalNames[k], r.global[k]);
    printf("},\n \"outputs\": {\"lan\": %" PRIu64 ", \"wan\": %" PRIu64 ", \"host\": %" PRIu64
           ", \"host_from_lan\": %" PRIu64 ", \"host_from_wan\": %" PRIu64 "},\n",
           r.out.lan, r.out.wan, r.out.host, r.out.host_from_lan, r.out.host_from_wan);
    printf(" \"balance\": {\"in\": %" PRIu64 ", \"out\": %" PRIu64 ", \"dropped\": %" PRIu64 "},\n \"sas\": [",
           r.balance.in, r.balance.out, r.balance.dropped);
    for (size_t i = 0; i < p.sas.size(); i++) {
        const Slot &s = p.sas[i];
        const SaCounters &c = r.sa[i];
        printf("%s\n  {\"index\": %d, \"line\": %d, \"dir\": \"%s\", \"spi\": %u, \"packets\": %" PRIu64
               ", \"bytes\": %" PRIu64 ", \"drops\": {",
               i ? "," : "", s.index, s.line, dir_name(s.sa.dir), s.sa.spi, c.packets, c.bytes);
        for (int k = 0; k < 6; k++) printf("%s\"%s\": %" PRIu64, k ? ", " : "", kDropNames[k], c.drops[k]);
        printf("}");
        if (s.sa.dir == SA_DIR_OUT) printf(", \"seq\": %" PRIu64, c.seq);
        printf("}");
    }
    printf("],\n \"events\": [");
    for (size_t i = 0; i < r.events.size(); i++) {
        EventView v = view(p, r.events[i]);
        printf("%s\n  {\"type\": \"%s\", \"dir\": \"%s\", \"sa\": %d, \"cycle\": %" PRIu64, i ? "," : "",
               event_name(v.type), v.out ? "out" : "in", v.sa, r.events[i].cycle);
        if (v.slot) printf(", \"spi\": %u", v.slot->sa.spi);
        printf("}");
    }
    printf("],\n \"problems\": [");
    for (size_t i = 0; i < r.problems.size(); i++)
        printf("%s%s", i ? ", " : "", json_string(r.problems[i]).c_str());
    printf("]}\n");
}

}  // namespace replay
