// nicsec-sim replay, for one LANES value (the dispatcher, sim/replay/dispatch.c,
// picks the build): files in, the card run, counters out.
#include "Vnicsec_card.h"
#include "replay.h"

#include <verilated.h>

#include <cstdio>
#include <cstring>
#include <stdexcept>

using namespace replay;

namespace {

// The card's counters once the run is over. The outbound sequence number
// (sel 8) is only an outbound SA's.
void read_counters(Card &card, const Plan &p, Result &r)
{
    for (int k = 0; k < kGlobals; k++) r.global[k] = card.read_global(k, r.events);
    r.sa.resize(p.sas.size());
    for (size_t i = 0; i < p.sas.size(); i++) {
        SaCounters &c = r.sa[i];
        int idx = p.sas[i].index;
        c.packets = card.read_sa(idx, 0, r.events);
        c.bytes = card.read_sa(idx, 1, r.events);
        for (int k = 0; k < 6; k++) c.drops[k] = card.read_sa(idx, 2 + k, r.events);
        if (p.sas[i].sa.dir == SA_DIR_OUT) c.seq = card.read_sa(idx, 8, r.events);
    }
}

// The balance from the counters as read at the end (as Card::balance()).
Balance balance_of(const Plan &p, const Result &r)
{
    Balance b;
    for (int k : {kLanRx, kWanRx, kHostTx}) b.in += r.global[k];
    for (int k : {kLanTx, kWanTx, kHostRx}) b.out += r.global[k];
    for (int k : {kNoSa, kMalformed, kTooShort, kPolicyDrop, kOversize}) b.dropped += r.global[k];
    for (size_t i = 0; i < p.sas.size(); i++)
        for (uint64_t d : r.sa[i].drops) b.dropped += d;
    return b;
}

int fail(int code, const std::string &msg)
{
    fprintf(stderr, "nicsec-sim replay: %s\n", msg.c_str());
    return code;
}

}  // namespace

int main(int argc, char **argv)
{
    Options o;
    // argv[1] may be the subcommand, when run without the dispatcher
    int first = argc > 1 && !strcmp(argv[1], "replay") ? 2 : 1;
    std::string err = parse_options(argc - first, argv + first, o);
    if (err == "help") {
        fputs(usage(), stdout);
        return 0;
    }
    if (!err.empty()) return fail(kExitUsage, err);
    if (o.lanes && o.lanes != LANES)
        return fail(kExitUsage, "this build is LANES=" + std::to_string(LANES) + ", not --lanes " +
                                    std::to_string(o.lanes) + " (run it through nicsec-sim)");

    Plan plan;
    err = make_plan(o, plan);
    if (!err.empty()) return fail(kExitUsage, err);

    Result r;
    try {
        Card card(o.icv_interval);
        card.install(plan, r.events);
        err = run_streams(card, o, plan, r);
        if (!err.empty()) return fail(kExitUsage, err);
        read_counters(card, plan, r);
        r.cycles = card.cycles();
        r.balance = balance_of(plan, r);
        if (!r.balance.even())
            r.problems.push_back("the card's counters do not add up: " + std::to_string(r.balance.in) +
                                 " frames in, " + std::to_string(r.balance.out) + " out, " +
                                 std::to_string(r.balance.dropped) + " dropped");
    } catch (const std::exception &e) {
        return fail(kExitRun, e.what());
    }
    if (o.json)
        print_json(plan, r, LANES);
    else
        print_text(plan, r, LANES);
    for (Slot &s : plan.sas) explicit_bzero(&s.sa, sizeof s.sa);
    for (const std::string &m : r.problems) fprintf(stderr, "nicsec-sim replay: %s\n", m.c_str());
    return r.problems.empty() ? 0 : kExitRun;
}
