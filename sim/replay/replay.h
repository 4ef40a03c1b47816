// `nicsec-sim replay`: pcap files through the card's RTL (rtl/nicsec_card.v),
// offline. The pieces, one file each:
//
//   options.cpp   the command line
//   plan.cpp      SA and policy files -> SA indices and policy rules
//   card.cpp      the Verilator model: reset, installing SAs and rules,
//                 reading counters (the only file that touches its ports,
//                 with stream.cpp)
//   stream.cpp    frames in on the LAN, WAN and host ports, out of the LAN,
//                 WAN and host ports, until everything has drained; events as
//                 they come
//   report.cpp    counters and events, as text or JSON
//   main.cpp      the order of it all
//
// docs/nicsec-sim.md is the user's description.
#ifndef NICSEC_REPLAY_H
#define NICSEC_REPLAY_H

#include <cstdint>
#include <string>
#include <vector>

extern "C" {
#include "sa_parse.h"
#include "spd_parse.h"
}

class Vnicsec_card;

namespace replay {

// Exit statuses: bad arguments or input files; the run went wrong (the card
// stopped, or sent a frame that can not be written).
constexpr int kExitUsage = 2;
constexpr int kExitRun = 1;

// The card's table sizes (nicsec_card's SA_W and N_RULES).
constexpr int kSaIndexBits = 12;
constexpr int kSaSlots = 1 << kSaIndexBits;
constexpr int kRules = 64;
// Global counters (glb_rd_sel 0..kGlobals-1).
constexpr int kGlobals = 15;

struct Options {
    std::string sa, spd;
    std::string lan_in, wan_in, lan_out, wan_out, host_out;
    std::string host_lan_in, host_wan_in;  // the host's frames out of the LAN, WAN port
    bool json = false;
    int lanes = 0;                         // 0: not given
    uint64_t icv_interval = 250000000;     // cycles: one second at 250 MHz
    int stall = 0;                         // percent of cycles with back-pressure
    uint64_t seed = 1;
};

// Parses argv (after "replay"). Returns "" or the one-line error.
std::string parse_options(int argc, char **argv, Options &o);
const char *usage();

// One installed SA: where it sits and where it came from.
struct Slot {
    int index;
    int line;                // in the SA file
    struct nicsec_sa sa;
};

// One policy rule as the card takes it.
struct Rule {
    int family;
    uint8_t src[16], dst[16];
    int src_plen, dst_plen;
    int proto;               // -1 any
    int action;              // SPD_PROTECT .. SPD_PUNT
    int sa;                  // SA index, for protect rules
};

struct Plan {
    std::vector<Slot> sas;   // in file order
    std::vector<Rule> rules; // in the card's order: the policy file's, then protect rules
};

// Reads the SA and policy files and places everything. Returns "" or the
// one-line error ("FILE:LINE: ...").
std::string make_plan(const Options &o, Plan &p);

// What a run gives.
struct Event {
    uint64_t cycle;
    uint32_t data;           // as the card gives it
};

struct Outputs {             // frames the harness collected, by port
    uint64_t lan = 0, wan = 0, host = 0, host_from_lan = 0, host_from_wan = 0;
};

struct SaCounters {
    uint64_t packets = 0, bytes = 0;
    uint64_t drops[6] = {};  // cnt_rd_sel 2..7
    uint64_t seq = 0;        // outbound: the last sequence number sent
};

// Frames the card has taken in, and finished with by its own counters: sent
// out of a port, or dropped and counted. Every frame is one or the other once
// the card is empty.
struct Balance {
    uint64_t in = 0, out = 0, dropped = 0;
    bool even() const { return in == out + dropped; }
};

struct Result {
    uint64_t cycles = 0;
    Balance balance;
    bool stuck = false;      // the card stopped taking frames
    std::vector<std::string> problems;  // frames that could not be written, ...
    Outputs out;
    std::vector<Event> events;
    uint64_t global[kGlobals] = {};
    std::vector<SaCounters> sa;         // by Plan::sas order
};

// Counter and event names, as the card numbers them.
extern const char *const kGlobalNames[kGlobals];
extern const char *const kDropNames[6];
const char *event_name(int type);

// The card (card.cpp).
class Card {
public:
    explicit Card(uint64_t icv_interval);
    ~Card();
    Vnicsec_card *model() { return t_; }
    void tick();
    uint64_t cycles() const { return cycles_; }
    // Writes every SA and rule. Events that come meanwhile go to ev.
    void install(const Plan &p, std::vector<Event> &ev);
    uint64_t read_sa(int index, int sel, std::vector<Event> &ev);
    uint64_t read_global(int sel, std::vector<Event> &ev);
    Balance balance(const Plan &p, std::vector<Event> &ev);
    // Takes an event if one is offered this cycle (call before tick()).
    void take_event(std::vector<Event> &ev);

private:
    Vnicsec_card *t_;
    uint64_t cycles_ = 0;
};

// Runs the input frames through the card until it has finished with every one
// (stream.cpp). Returns "" or an error about the files.
std::string run_streams(Card &card, const Options &o, const Plan &p, Result &r);

// Global counter numbers that the balance and the report use.
enum GlobalSel {
    kLanRx = 0, kWanRx = 1, kLanTx = 2, kWanTx = 3, kHostRx = 4, kHostTx = 5, kNoSa = 6,
    kMalformed = 7, kTooShort = 8, kPolicyDrop = 10, kOversize = 13,
};

// Prints the result (report.cpp).
void print_text(const Plan &p, const Result &r, int lanes);
void print_json(const Plan &p, const Result &r, int lanes);

}  // namespace replay

#endif
