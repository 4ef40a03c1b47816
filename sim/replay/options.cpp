// The command line of `nicsec-sim replay`.
#include "replay.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace replay {

const char *usage()
{
    return "usage: nicsec-sim replay --sa FILE [--spd FILE] [--lan-in PCAP] [--wan-in PCAP]\n"
           "         [--host-lan-in PCAP] [--host-wan-in PCAP]\n"
           "         [--lan-out PCAP] [--wan-out PCAP] [--host-out PCAP] [--json] [--lanes 1|4]\n"
           "         [--icv-interval CYCLES] [--stall PERCENT] [--seed N]\n"
           "Runs Ethernet pcap files through the card's RTL and prints its counters and\n"
           "events (docs/nicsec-sim.md).\n";
}

namespace {

bool number(const char *s, uint64_t max, uint64_t &v)
{
    if (!*s || *s == '-') return false;
    char *end;
    errno = 0;
    unsigned long long x = strtoull(s, &end, 0);
    if (*end || errno || x > max) return false;
    v = x;
    return true;
}

}  // namespace

std::string parse_options(int argc, char **argv, Options &o)
{
    struct Path { const char *name; std::string *dst; };
    const Path paths[] = {
        {"--sa", &o.sa}, {"--spd", &o.spd}, {"--lan-in", &o.lan_in}, {"--wan-in", &o.wan_in},
        {"--host-lan-in", &o.host_lan_in}, {"--host-wan-in", &o.host_wan_in},
        {"--lan-out", &o.lan_out}, {"--wan-out", &o.wan_out}, {"--host-out", &o.host_out},
    };
    for (int i = 0; i < argc; i++) {
        std::string arg = argv[i], val;
        bool has_val = false;
        // --opt=VALUE and --opt VALUE both work
        size_t eq = arg.find('=');
        if (arg.compare(0, 2, "--") == 0 && eq != std::string::npos) {
            val = arg.substr(eq + 1);
            arg = arg.substr(0, eq);
            has_val = true;
        }
        auto value = [&](std::string &out) -> bool {
            if (has_val) { out = val; return true; }
            if (i + 1 >= argc) return false;
            out = argv[++i];
            return true;
        };
        if (arg == "--json" && !has_val) { o.json = true; continue; }
        bool done = false;
        for (const Path &p : paths) {
            if (arg != p.name) continue;
            if (!value(*p.dst) || p.dst->empty()) return arg + " needs a file name";
            done = true;
        }
        if (done) continue;
        std::string v;
        uint64_t n;
        if (arg == "--lanes") {
            if (!value(v) || !number(v.c_str(), 4, n) || (n != 1 && n != 2 && n != 4))
                return "--lanes takes 1, 2 or 4, not '" + v + "'";
            o.lanes = int(n);
        } else if (arg == "--icv-interval") {
            if (!value(v) || !number(v.c_str(), UINT32_MAX, n) || n == 0)
                return "--icv-interval takes a number of cycles, 1..4294967295, not '" + v + "'";
            o.icv_interval = n;
        } else if (arg == "--stall") {
            if (!value(v) || !number(v.c_str(), 90, n))
                return "--stall takes a percentage, 0..90, not '" + v + "'";
            o.stall = int(n);
        } else if (arg == "--seed") {
            if (!value(v) || !number(v.c_str(), UINT64_MAX, n))
                return "--seed takes a number, not '" + v + "'";
            o.seed = n;
        } else if (arg == "-h" || arg == "--help") {
            return "help";
        } else {
            return "unknown option '" + arg + "' (nicsec-sim replay --help lists them)";
        }
    }
    if (o.sa.empty()) return "--sa FILE is required (the SAs to install)";
    return "";
}

}  // namespace replay
