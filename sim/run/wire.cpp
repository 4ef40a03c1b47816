// A port of the card on a Linux interface: an AF_PACKET socket bound to it,
// promiscuous, every protocol, with a virtio_net_hdr on each frame so that
// the peer's offloads can be finished or refused (offload.cpp), and the VLAN
// tag the kernel took off put back. What we send is not read back
// (PACKET_IGNORE_OUTGOING).
#include "run.h"

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <sys/socket.h>
#include <unistd.h>

namespace run {

namespace {

constexpr size_t kVnet = kVnetHdr;
constexpr size_t kVlan = 4;   // an 802.1Q tag
// A GSO frame can be 64 KiB; anything longer than the card's 9,216 bytes is
// still fed whole, for the card to count as oversize.
constexpr size_t kMaxFrame = 65536 + 256;
// Frames wait here while the card is busy: the simulation is slow beside the
// kernel, and a burst should queue, not drop.
constexpr int kRcvBuf = 8 << 20;

}  // namespace

std::string Wire::open(const char *opt, const std::string &ifname)
{
    opt_ = opt;
    name_ = ifname;
    std::string me = opt_ + " " + ifname + ": ";
    unsigned idx = if_nametoindex(ifname.c_str());
    if (ifname.size() >= IFNAMSIZ || idx == 0) return me + "no such interface";
    // Protocol 0 until bound, so no other interface's frames slip in first.
    fd_ = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
    if (fd_ < 0) {
        int e = errno;
        if (e == EPERM || e == EACCES)
            return me + "cannot open a packet socket: " + strerror(e) +
                   " (needs CAP_NET_RAW: run as root)";
        return me + "cannot open a packet socket: " + strerror(e);
    }
    int one = 1;
    if (setsockopt(fd_, SOL_PACKET, PACKET_VNET_HDR, &one, sizeof one) != 0)
        return me + "PACKET_VNET_HDR: " + strerror(errno);
    if (setsockopt(fd_, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof one) != 0)
        return me + "PACKET_IGNORE_OUTGOING: " + strerror(errno);
    int rcv = kRcvBuf;
    // FORCE passes the system's rmem_max, as root may; if not, the default.
    if (setsockopt(fd_, SOL_SOCKET, SO_RCVBUFFORCE, &rcv, sizeof rcv) != 0)
        setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof rcv);
    struct sockaddr_ll sll;
    memset(&sll, 0, sizeof sll);
    sll.sll_family = AF_PACKET;
    sll.sll_protocol = htons(ETH_P_ALL);
    sll.sll_ifindex = int(idx);
    if (bind(fd_, (struct sockaddr *)&sll, sizeof sll) != 0)
        return me + "cannot bind a packet socket to it: " + strerror(errno);
    struct packet_mreq mr;
    memset(&mr, 0, sizeof mr);
    mr.mr_ifindex = int(idx);
    mr.mr_type = PACKET_MR_PROMISC;
    if (setsockopt(fd_, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr, sizeof mr) != 0)
        return me + "cannot make it promiscuous: " + strerror(errno);
    if (setsockopt(fd_, SOL_PACKET, PACKET_AUXDATA, &one, sizeof one) != 0)
        return me + "PACKET_AUXDATA: " + strerror(errno);
    buf_.resize(kVnet + kVlan + kMaxFrame);
    readable = true;
    return "";
}

Wire::~Wire()
{
    if (fd_ >= 0) close(fd_);
}

bool Wire::receive(Bytes &frame)
{
    for (;;) {
        // [virtio_net_hdr][room for a VLAN tag][the frame]
        union {
            struct cmsghdr c;
            char b[CMSG_SPACE(sizeof(struct tpacket_auxdata))];
        } ctl;
        struct iovec iov[2] = {{buf_.data(), kVnet}, {buf_.data() + kVnet + kVlan, buf_.size() - kVnet - kVlan}};
        struct msghdr m;
        memset(&m, 0, sizeof m);
        m.msg_iov = iov;
        m.msg_iovlen = 2;
        m.msg_control = ctl.b;
        m.msg_controllen = sizeof ctl.b;
        ssize_t n = recvmsg(fd_, &m, MSG_DONTWAIT | MSG_TRUNC);
        if (n < 0) {
            if (errno == EINTR) continue;
            if (errno != EAGAIN && errno != EWOULDBLOCK)
                warn_once(opt_ + "rx", opt_ + " " + name_ + ": receive: " + strerror(errno));
            readable = false;
            return false;
        }
        if (size_t(n) > buf_.size() - kVlan || size_t(n) < kVnet + ETH_HLEN) {
            stats.bad_drops++;
            continue;
        }
        size_t len = size_t(n) - kVnet;
        uint8_t *f = buf_.data() + kVnet + kVlan;
        // The kernel takes an 802.1Q tag off every frame it receives and
        // hands it over beside the frame; the wire had it in the frame, and
        // so must the card (csum_start counts it already).
        for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
            if (c->cmsg_level != SOL_PACKET || c->cmsg_type != PACKET_AUXDATA) continue;
            struct tpacket_auxdata a;
            memcpy(&a, CMSG_DATA(c), sizeof a);
            if (!(a.tp_status & TP_STATUS_VLAN_VALID)) continue;
            uint16_t tpid = a.tp_status & TP_STATUS_VLAN_TPID_VALID ? a.tp_vlan_tpid : ETH_P_8021Q;
            memmove(f - kVlan, f, 2 * ETH_ALEN);
            f -= kVlan;
            len += kVlan;
            const uint8_t tag[kVlan] = {uint8_t(tpid >> 8), uint8_t(tpid), uint8_t(a.tp_vlan_tci >> 8),
                                        uint8_t(a.tp_vlan_tci)};
            memcpy(f + 2 * ETH_ALEN, tag, kVlan);
            stats.vlan_tags++;
        }
        switch (finish_offloads(buf_.data(), f, len)) {
        case Offload::kFinished:
            stats.csum_finished++;
            [[fallthrough]];
        case Offload::kOk:
            frame.assign(f, f + len);
            return true;
        case Offload::kGso:
            stats.gso_drops++;
            warn_once(opt_ + "gso", opt_ + " " + name_ + ": dropping GSO frames (the first of " +
                                        std::to_string(len) + " bytes): a wire carries no "
                                        "segmentation offload; on the peer of " + name_ +
                                        ", run `ethtool -K PEER tso off gso off "
                                        "tx-udp-segmentation off`");
            continue;
        case Offload::kBad:
            stats.bad_drops++;
            warn_once(opt_ + "bad", opt_ + " " + name_ + ": dropping a frame whose checksum "
                                        "offload points past its end");
            continue;
        }
    }
}

void Wire::send(const uint8_t *frame, size_t len)
{
    // A zero virtio_net_hdr: the frame is whole, checksums and all.
    uint8_t h[kVnetHdr] = {};
    struct iovec iov[2] = {{h, kVnet}, {const_cast<uint8_t *>(frame), len}};
    struct msghdr m;
    memset(&m, 0, sizeof m);
    m.msg_iov = iov;
    m.msg_iovlen = 2;
    ssize_t n;
    do n = sendmsg(fd_, &m, MSG_NOSIGNAL);
    while (n < 0 && errno == EINTR);
    if (n < 0) {
        stats.tx_errors++;
        warn_once(opt_ + "tx" + std::to_string(errno),
                  opt_ + " " + name_ + ": a frame of " + std::to_string(len) +
                      " bytes could not be sent: " + strerror(errno) +
                      " (further ones are counted, not logged)");
        return;
    }
    stats.out++;
}

}  // namespace run
