// What a peer's offloads leave undone. A veth hands its frames over as the
// sender's kernel left them: the TCP or UDP checksum maybe only begun (the
// sender counted on hardware to finish it) and maybe a GSO super-frame of many
// segments. A wire carries neither, so the card must not see them:
// PACKET_VNET_HDR tells us which frame is which (struct virtio_net_hdr), and
// a partial checksum is finished here as the NIC would have. GSO frames are
// refused: wire.cpp drops them and says once how to turn the offload off.
#include "run.h"

#include <cstring>

namespace run {

namespace {

// struct virtio_net_hdr of <linux/virtio_net.h>, which C++ can't include (a
// field there is named `class`); the packet socket's, in host byte order.
struct VnetHdr {
    uint8_t flags;
    uint8_t gso_type;
    uint16_t hdr_len, gso_size, csum_start, csum_offset;
};
static_assert(sizeof(VnetHdr) == kVnetHdr, "virtio_net_hdr is 10 bytes");
constexpr uint8_t kNeedsCsum = 1;   // VIRTIO_NET_HDR_F_NEEDS_CSUM
constexpr uint8_t kGsoNone = 0;     // VIRTIO_NET_HDR_GSO_NONE
constexpr uint8_t kGsoEcn = 0x80;   // VIRTIO_NET_HDR_GSO_ECN

// The Internet checksum's one's-complement sum of n bytes (RFC 1071).
uint32_t sum16(const uint8_t *p, size_t n, uint32_t s)
{
    for (; n > 1; p += 2, n -= 2) s += uint32_t(p[0]) << 8 | p[1];
    if (n) s += uint32_t(p[0]) << 8;
    return s;
}

}  // namespace

Offload finish_offloads(const uint8_t *vnet_hdr, uint8_t *frame, size_t len)
{
    VnetHdr h;
    memcpy(&h, vnet_hdr, sizeof h);
    if ((h.gso_type & ~kGsoEcn) != kGsoNone) return Offload::kGso;
    if (!(h.flags & kNeedsCsum)) return Offload::kOk;
    // The field at csum_start + csum_offset holds the pseudo-header's sum;
    // the checksum covers it and everything from csum_start to the end.
    size_t start = h.csum_start, at = start + h.csum_offset;
    if (start >= len || at + 2 > len) return Offload::kBad;
    uint32_t s = sum16(frame + start, len - start, 0);
    while (s >> 16) s = (s & 0xffff) + (s >> 16);
    uint16_t c = uint16_t(~s);
    // UDP sends a computed 0 as all ones (0 there means "no checksum").
    if (c == 0) c = 0xffff;
    frame[at] = uint8_t(c >> 8);
    frame[at + 1] = uint8_t(c);
    return Offload::kFinished;
}

}  // namespace run
