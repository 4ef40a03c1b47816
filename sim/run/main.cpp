// nicsec-sim run, for one LANES value (the dispatcher, sim/replay/dispatch.c,
// picks the build): the card live until SIGINT or SIGTERM.
//
// The model is stepped only while there is work: a frame going in or out, a
// register access or read waiting, DMA, or anything at all in the last
// kQuiet cycles (frames inside the card come out well within that). Then the
// loop sleeps in poll() on every descriptor, so an idle simulator costs no
// CPU. While it steps it looks at the descriptors every kPollEvery cycles
// (a cycle of the whole card takes tens of microseconds, a poll() that finds
// nothing about one: under 1%), and every cycle for kHot cycles after a
// client's message was answered, since a driver's next register access
// follows its last within microseconds: a read is answered in a few cycles,
// not a poll interval.
#include "run.h"

#include <verilated.h>

extern "C" {
#include "bar0.h"
}

#include <cerrno>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <poll.h>
#include <time.h>

using namespace run;

namespace {

constexpr uint64_t kQuiet = 4096;
constexpr uint64_t kPollEvery = 16;
constexpr uint64_t kHot = 256;

volatile sig_atomic_t g_signal = 0;

void on_signal(int sig)
{
    g_signal = sig;
}

double now()
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return double(ts.tv_sec) + double(ts.tv_nsec) * 1e-9;
}

int fail(const std::string &msg)
{
    fprintf(stderr, "nicsec-sim run: %s\n", msg.c_str());
    return kExitUsage;
}

struct Run {
    const Options &o;
    Wire &lan, &wan;
    Pcie &pcie;
    HostMem &mem;
    Card &card;
    double start = now(), busy = 0;

    void port_line(const char *what, const Wire &w) const
    {
        const PortStats &s = w.stats;
        std::string notes;
        auto note = [&](uint64_t n, const char *one, const char *many) {
            if (!n) return;
            notes += (notes.empty() ? "; " : ", ") + std::to_string(n) + " " + (n == 1 ? one : many);
        };
        note(s.csum_finished, "checksum finished", "checksums finished");
        note(s.vlan_tags, "VLAN tag put back", "VLAN tags put back");
        note(s.gso_drops, "GSO frame dropped", "GSO frames dropped");
        note(s.bad_drops, "bad frame dropped", "bad frames dropped");
        note(s.tx_errors, "frame not sent", "frames not sent");
        fprintf(stderr, "nicsec-sim run: %s %s: %llu frames in, %llu out%s\n", what, w.name().c_str(),
                (unsigned long long)s.in, (unsigned long long)s.out, notes.c_str());
    }

    void stats_line() const
    {
        fprintf(stderr,
                "nicsec-sim run: %.0f s: %llu cycles, %.0f cycles/s busy; LAN %llu in %llu out, "
                "WAN %llu in %llu out; %zu clients\n",
                now() - start, (unsigned long long)card.cycles(), busy > 0 ? double(card.cycles()) / busy : 0.0,
                (unsigned long long)lan.stats.in, (unsigned long long)lan.stats.out,
                (unsigned long long)wan.stats.in, (unsigned long long)wan.stats.out, pcie.clients());
    }

    void summary() const
    {
        fprintf(stderr, "nicsec-sim run: stopped by %s after %.1f s\n", strsignal(g_signal), now() - start);
        fprintf(stderr, "nicsec-sim run: %llu cycles simulated, busy %.3f s, %.0f cycles/s while busy\n",
                (unsigned long long)card.cycles(), busy, busy > 0 ? double(card.cycles()) / busy : 0.0);
        port_line("LAN", lan);
        port_line("WAN", wan);
        fprintf(stderr, "nicsec-sim run: BAR0 %llu reads, %llu writes; %llu interrupts; DMA %llu beats "
                        "read, %llu written\n",
                (unsigned long long)pcie.reads, (unsigned long long)pcie.writes,
                (unsigned long long)pcie.irqs, (unsigned long long)mem.read_beats,
                (unsigned long long)mem.write_beats);
    }

    void loop()
    {
        double next_stats = o.stats_interval > 0 ? start + o.stats_interval : INFINITY;
        double busy_from = now();
        uint64_t quiet = 0, hot_until = 0, answers = 0;
        std::vector<pollfd> fds;
        while (!g_signal) {
            bool idle = quiet >= kQuiet && !card.busy() && !pcie.busy() && !lan.readable && !wan.readable;
            if (pcie.answers != answers) {
                answers = pcie.answers;
                hot_until = card.cycles() + kHot;
            }
            if (idle || card.cycles() % kPollEvery == 0 || card.cycles() < hot_until) {
                fds.clear();
                fds.push_back(pollfd{lan.fd(), POLLIN, 0});
                fds.push_back(pollfd{wan.fd(), POLLIN, 0});
                pcie.add_pollfds(fds);
                int timeout = 0;
                double t = now();
                if (idle) {
                    busy += t - busy_from;
                    timeout = std::isinf(next_stats) ? -1 : int(std::max(0.0, next_stats - t) * 1000) + 1;
                }
                int n = poll(fds.data(), fds.size(), timeout);
                if (idle) busy_from = now();
                if (n < 0 && errno != EINTR) {
                    fprintf(stderr, "nicsec-sim run: poll: %s\n", strerror(errno));
                    break;
                }
                if (n > 0) {
                    if (fds[0].revents) lan.readable = true;
                    if (fds[1].revents) wan.readable = true;
                    for (size_t i = 2; i < fds.size(); i++) pcie.handle(fds[i]);
                }
                if (now() >= next_stats) {
                    double t2 = now();
                    if (!idle) busy += t2 - busy_from, busy_from = t2;
                    stats_line();
                    next_stats += o.stats_interval * std::ceil((t2 - next_stats) / o.stats_interval + 1e-9);
                }
                if (idle) continue;
            }
            quiet = card.step() ? 0 : quiet + 1;
        }
        busy += now() - busy_from;
    }
};

}  // namespace

int main(int argc, char **argv)
{
    Options o;
    // argv[1] may be the subcommand, when run without the dispatcher
    int first = argc > 1 && !strcmp(argv[1], "run") ? 2 : 1;
    std::string err = parse_options(argc - first, argv + first, o);
    if (err == "help") {
        fputs(usage(), stdout);
        return 0;
    }
    if (!err.empty()) return fail(err);
    if (o.lanes && o.lanes != LANES)
        return fail("this build is LANES=" + std::to_string(LANES) + ", not --lanes " + std::to_string(o.lanes) +
                    " (run it through nicsec-sim)");

    Wire lan, wan;
    if (!(err = lan.open("--lan", o.lan)).empty()) return fail(err);
    if (!(err = wan.open("--wan", o.wan)).empty()) return fail(err);
    HostMem mem;
    if (!(err = mem.open(o.dma_mb)).empty()) return fail(err);
    Pcie pcie(mem, BAR0_SIZE);
    if (!(err = pcie.open(o.pcie)).empty()) return fail(err);

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;  // no SA_RESTART: poll() returns at once
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
    signal(SIGPIPE, SIG_IGN);

    Verilated::commandArgs(argc, argv);
    Card card(lan, wan, pcie, mem);
    fprintf(stderr, "nicsec-sim run: LANES=%d, LAN %s, WAN %s; BAR0 and %llu MB of host memory (at 0x%llx) "
                    "served at %s (sim:%s)\n",
            LANES, o.lan.c_str(), o.wan.c_str(), (unsigned long long)o.dma_mb,
            (unsigned long long)mem.iova(), o.pcie.c_str(), o.pcie.c_str());
    Run r{o, lan, wan, pcie, mem, card};
    r.loop();
    r.summary();
    return 0;
}
