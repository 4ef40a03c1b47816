// `nicsec-sim run`: the card's RTL (rtl/nicsec_card_bar.v) live, its LAN and
// WAN ports on Linux interfaces and its BAR0 and DMA served to libnicsec's sim
// backend over a Unix socket. The pieces, one file each:
//
//   options.cpp   the command line
//   wire.cpp      a port on an interface: an AF_PACKET socket, frames in and out,
//                 VLAN tags the kernel took off put back
//   offload.cpp   what a peer's offloads leave undone (virtio_net_hdr):
//                 partial checksums completed, GSO frames refused
//   pcie.cpp      the --pcie socket: clients, their register ops, the lock,
//                 interrupts (driver/sim_proto.h is the wire)
//   hostmem.cpp   the host-memory region (a memfd) and the card's DMA into it
//   card.cpp      the Verilator model and its ports, a cycle at a time (the
//                 only file that touches the model)
//   main.cpp      the loop: step while there is work, sleep in poll() when not
//
// docs/nicsec-sim.md is the user's description.
#ifndef NICSEC_RUN_H
#define NICSEC_RUN_H

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

extern "C" {
#include "sim_proto.h"
}

struct pollfd;

namespace run {

constexpr int kExitUsage = 2;
constexpr int kBeat = 16 * LANES;  // bytes a beat of the card's ports and DMA

using Bytes = std::vector<uint8_t>;

struct Options {
    std::string lan, wan, pcie;
    int lanes = 0;              // 0: not given
    uint64_t dma_mb = 16;
    double stats_interval = 0;  // seconds; 0: off
};

// Parses argv (after "run"). Returns "" or the one-line error; "help" for --help.
std::string parse_options(int argc, char **argv, Options &o);
const char *usage();

// Prints "nicsec-sim run: ..." once per key (warnings that would repeat
// for every frame).
void warn_once(const std::string &key, const std::string &msg);

// --- offload.cpp --------------------------------------------------------
// Bytes of the virtio_net_hdr in front of each frame on a packet socket
// with PACKET_VNET_HDR.
constexpr size_t kVnetHdr = 10;
// What to do with a frame that came with a virtio_net_hdr.
enum class Offload { kOk, kFinished, kGso, kBad };
// Completes a partial checksum in place (kFinished); says whether the frame
// is a GSO super-frame (left as is) or has a header that makes no sense.
Offload finish_offloads(const uint8_t *vnet_hdr, uint8_t *frame, size_t len);

// --- wire.cpp -----------------------------------------------------------
struct PortStats {
    uint64_t in = 0, out = 0;          // frames into, out of the card
    uint64_t csum_finished = 0;        // frames whose checksum the peer left to us
    uint64_t vlan_tags = 0;            // frames whose 802.1Q tag was put back
    uint64_t gso_drops = 0, bad_drops = 0, tx_errors = 0;
};

class Wire {
public:
    // "" or the error ("--lan veth9: no such interface").
    std::string open(const char *opt, const std::string &ifname);
    ~Wire();
    int fd() const { return fd_; }
    const std::string &name() const { return name_; }
    // Takes one frame from the interface into `frame`, without blocking.
    // false: none waiting (the socket is drained until poll says more).
    bool receive(Bytes &frame);
    void send(const uint8_t *frame, size_t len);
    bool readable = false;   // poll said so, and receive() has not drained it
    PortStats stats;

private:
    int fd_ = -1;
    std::string opt_, name_;
    Bytes buf_;
};

// --- hostmem.cpp --------------------------------------------------------
class HostMem {
public:
    std::string open(uint64_t mb);   // "" or the error
    ~HostMem();
    int fd() const { return fd_; }
    uint64_t iova() const { return NSIM_DMA_IOVA; }
    uint64_t len() const { return len_; }
    // A beat's worth of bytes at addr; what lies outside reads as zeros.
    void read(uint64_t addr, uint8_t *out, size_t n);
    // The bytes of a beat whose bit in be is set; outside is dropped.
    void write(uint64_t addr, const uint8_t *data, uint64_t be, size_t n);
    uint64_t read_beats = 0, write_beats = 0;   // the card's, counted by card.cpp

private:
    int fd_ = -1;
    uint8_t *mem_ = nullptr;
    uint64_t len_ = 0;
};

// --- pcie.cpp -----------------------------------------------------------
struct BarReq {
    bool write;
    uint32_t off, val;
};

class Pcie {
public:
    Pcie(const HostMem &mem, uint32_t bar_size);
    ~Pcie();
    std::string open(const std::string &path);   // "" or the error
    // Descriptors to poll: the listening socket and each client that may be
    // read now; after poll(), handle() takes what they had.
    void add_pollfds(std::vector<pollfd> &fds) const;
    void handle(const pollfd &p);
    // This cycle's register access, if a client has one the lock allows
    // (taken: the card's request port never refuses one).
    bool take_req(BarReq &r);
    void read_data(uint32_t val);       // the card's answer to the oldest read
    void interrupt();                   // a rising edge of irq
    // Ops that can go now, or reads the card has not answered.
    bool busy() const;
    size_t clients() const { return conns_.size(); }
    uint64_t reads = 0, writes = 0, irqs = 0;
    uint64_t answers = 0;               // messages answered

private:
    struct Conn;
    Conn *find(uint64_t id);
    Conn *pick();
    void accept_client();
    void receive(Conn &c);
    void hello(Conn &c, const void *msg, size_t len);
    void finish(Conn &c);
    void drop(uint64_t id, const std::string &why);

    const HostMem &mem_;
    uint32_t bar_size_;
    std::string path_;
    int listen_fd_ = -1;
    uint64_t next_id_ = 1;
    std::vector<std::unique_ptr<Conn>> conns_;
    uint64_t serving_ = 0;              // the connection whose message is going in
    uint64_t lock_ = 0;                 // the connection holding the lock, or 0
    size_t rr_ = 0;                     // round robin among the others
    struct Inflight { uint64_t conn; size_t slot; };
    std::deque<Inflight> inflight_;     // reads issued, oldest first
};

// --- card.cpp -----------------------------------------------------------
class Card {
public:
    Card(Wire &lan, Wire &wan, Pcie &pcie, HostMem &mem);
    ~Card();
    // One clock cycle; says whether anything happened in it.
    bool step();
    uint64_t cycles() const { return cycles_; }
    // Work the card is in the middle of that needs cycles: a frame going in
    // or out, DMA outstanding.
    bool busy() const;

private:
    struct Impl;
    std::unique_ptr<Impl> p_;
    uint64_t cycles_ = 0;
};

}  // namespace run

#endif
