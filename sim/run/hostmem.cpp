// The host memory the simulated card reaches by DMA: a memfd that every
// client maps MAP_SHARED (driver/sim_dev.c), at address NSIM_DMA_IOVA as the
// card sees it. An access outside it is what a real card's would be with an
// IOMMU in front: refused. Reads of it return zeros, writes to it are lost,
// and the first of each is logged with its address.
#include "run.h"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <sys/mman.h>
#include <unistd.h>

namespace run {

namespace {

std::string hex(uint64_t v)
{
    char b[32];
    snprintf(b, sizeof b, "0x%" PRIx64, v);
    return b;
}

}  // namespace

std::string HostMem::open(uint64_t mb)
{
    len_ = mb << 20;
    fd_ = memfd_create("nicsec-sim-dma", MFD_CLOEXEC);
    if (fd_ < 0) return std::string("host memory: memfd_create: ") + strerror(errno);
    if (ftruncate(fd_, off_t(len_)) != 0)
        return "host memory: " + std::to_string(mb) + " MB: " + strerror(errno);
    void *m = mmap(nullptr, len_, PROT_READ | PROT_WRITE, MAP_SHARED, fd_, 0);
    if (m == MAP_FAILED) return "host memory: " + std::to_string(mb) + " MB: mmap: " + strerror(errno);
    mem_ = static_cast<uint8_t *>(m);
    return "";
}

HostMem::~HostMem()
{
    if (mem_) munmap(mem_, len_);
    if (fd_ >= 0) close(fd_);
}

void HostMem::read(uint64_t addr, uint8_t *out, size_t n)
{
    uint64_t off = addr - NSIM_DMA_IOVA;
    if (addr >= NSIM_DMA_IOVA && off <= len_ && n <= len_ - off) {
        memcpy(out, mem_ + off, n);
        return;
    }
    // Partly inside: those bytes, zeros for the rest.
    memset(out, 0, n);
    for (size_t i = 0; i < n; i++) {
        uint64_t a = addr + i - NSIM_DMA_IOVA;
        if (addr + i >= NSIM_DMA_IOVA && a < len_) out[i] = mem_[a];
    }
    warn_once("dmard", "DMA read of " + std::to_string(n) + " bytes at " + hex(addr) +
                           " is outside host memory (" + hex(NSIM_DMA_IOVA) + " .. " +
                           hex(NSIM_DMA_IOVA + len_ - 1) + "): read as zeros (logged once)");
}

void HostMem::write(uint64_t addr, const uint8_t *data, uint64_t be, size_t n)
{
    bool outside = false;
    for (size_t i = 0; i < n; i++) {
        if (!(be >> i & 1)) continue;
        uint64_t a = addr + i - NSIM_DMA_IOVA;
        if (addr + i >= NSIM_DMA_IOVA && a < len_) {
            mem_[a] = data[i];
        } else {
            outside = true;
        }
    }
    // The card's writes reach memory in its order: a descriptor after its
    // data, as a host polling DONE relies on.
    std::atomic_thread_fence(std::memory_order_release);
    if (outside)
        warn_once("dmawr", "DMA write at " + hex(addr) + " is outside host memory (" +
                               hex(NSIM_DMA_IOVA) + " .. " + hex(NSIM_DMA_IOVA + len_ - 1) +
                               "): dropped (logged once)");
}

}  // namespace run
