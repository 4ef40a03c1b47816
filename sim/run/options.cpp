// The command line of `nicsec-sim run`.
#include "run.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <set>

namespace run {

const char *usage()
{
    return "usage: nicsec-sim run --lan IFNAME --wan IFNAME --pcie PATH [--lanes 1|4]\n"
           "         [--dma-mem MB] [--stats-interval S]\n"
           "Runs the card's RTL with its LAN and WAN ports on two interfaces and its BAR0\n"
           "and DMA served at PATH to libnicsec (sim:PATH), until SIGINT or SIGTERM\n"
           "(docs/nicsec-sim.md).\n";
}

void warn_once(const std::string &key, const std::string &msg)
{
    static std::set<std::string> said;
    if (said.insert(key).second) fprintf(stderr, "nicsec-sim run: %s\n", msg.c_str());
}

std::string parse_options(int argc, char **argv, Options &o)
{
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
        if ((arg == "-h" || arg == "--help") && !has_val) return "help";
        auto value = [&]() -> bool {
            if (has_val) return true;
            if (i + 1 >= argc) return false;
            val = argv[++i];
            return true;
        };
        if (arg == "--lan" || arg == "--wan" || arg == "--pcie") {
            if (!value() || val.empty())
                return arg + (arg == "--pcie" ? " needs a socket path" : " needs an interface name");
            (arg == "--lan" ? o.lan : arg == "--wan" ? o.wan : o.pcie) = val;
            continue;
        }
        if (arg != "--lanes" && arg != "--dma-mem" && arg != "--stats-interval")
            return "unknown option '" + std::string(argv[i]) + "' (nicsec-sim run --help lists them)";
        if (!value()) return arg + " needs a value";
        char *end;
        errno = 0;
        if (arg == "--stats-interval") {
            double s = strtod(val.c_str(), &end);
            if (val.empty() || *end || errno || !(s >= 0) || s > 86400)
                return "--stats-interval takes seconds, 0..86400, not '" + val + "'";
            o.stats_interval = s;
            continue;
        }
        unsigned long long n = val.empty() || val[0] == '-' ? 0 : strtoull(val.c_str(), &end, 10);
        bool ok = !val.empty() && val[0] != '-' && !*end && !errno;
        if (arg == "--lanes") {
            if (!ok || (n != 1 && n != 2 && n != 4)) return "--lanes takes 1, 2 or 4, not '" + val + "'";
            o.lanes = int(n);
        } else {
            if (!ok || n < 1 || n > 4096) return "--dma-mem takes megabytes, 1..4096, not '" + val + "'";
            o.dma_mb = n;
        }
    }
    if (o.lan.empty()) return "--lan IFNAME is required";
    if (o.wan.empty()) return "--wan IFNAME is required";
    if (o.pcie.empty()) return "--pcie PATH is required";
    if (o.lan == o.wan) return "--lan and --wan are both " + o.lan + ": the card's ports need an interface each";
    return "";
}

}  // namespace run
