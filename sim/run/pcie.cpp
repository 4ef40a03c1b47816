// The --pcie socket: what a PCIe link and a driver's mapping of BAR0 would be.
// Clients (driver/sim_dev.c) connect, say hello and get the host memory and
// an interrupt pipe; then send messages of register ops (driver/sim_proto.h).
//
// The card's request port takes one access a cycle. A message goes in whole
// before another client's starts, so a client's batch is not interleaved
// with anyone's; its reads and LOCKs are answered in one message once all are
// done. While one client holds the lock only its messages are served: the
// others' wait in their sockets, unread (so the poll loop leaves them out
// until then).
#include "run.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

namespace run {

namespace {

constexpr size_t kMaxClients = 64;

}  // namespace

struct Pcie::Conn {
    uint64_t id;
    int fd = -1;
    int irq_wr = -1;            // the pipe's write end: a byte an interrupt
    bool said_hello = false;
    std::vector<nsim_op> msg;   // the message being served
    size_t next = 0;            // its next op
    std::vector<nsim_op> answer;
    size_t reads_out = 0;       // its reads the card has not answered
    bool has_msg() const { return !msg.empty(); }
    ~Conn()
    {
        if (fd >= 0) close(fd);
        if (irq_wr >= 0) close(irq_wr);
    }
};

Pcie::Pcie(const HostMem &mem, uint32_t bar_size) : mem_(mem), bar_size_(bar_size) {}

Pcie::~Pcie()
{
    conns_.clear();
    if (listen_fd_ >= 0) {
        close(listen_fd_);
        unlink(path_.c_str());
    }
}

std::string Pcie::open(const std::string &path)
{
    std::string me = "--pcie " + path + ": ";
    struct sockaddr_un sa;
    memset(&sa, 0, sizeof sa);
    sa.sun_family = AF_UNIX;
    if (path.size() >= sizeof sa.sun_path)
        return me + "path too long for a Unix socket (" + std::to_string(sizeof sa.sun_path - 1) +
               " bytes at most)";
    memcpy(sa.sun_path, path.c_str(), path.size());

    // A socket file left by a simulator that died is replaced; one that a
    // live simulator answers on, or any other file, is not ours to take.
    struct stat st;
    if (lstat(path.c_str(), &st) == 0) {
        if (!S_ISSOCK(st.st_mode)) return me + "exists and is not a socket";
        int probe = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
        if (probe < 0) return me + "socket: " + strerror(errno);
        bool live = connect(probe, (struct sockaddr *)&sa, sizeof sa) == 0;
        int e = errno;
        close(probe);
        if (live) return me + "another simulator is serving it";
        if (e != ECONNREFUSED) return me + "exists and cannot be checked: " + strerror(e);
        if (unlink(path.c_str()) != 0) return me + "cannot remove the stale socket: " + strerror(errno);
    }
    listen_fd_ = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (listen_fd_ < 0) return me + "socket: " + strerror(errno);
    if (bind(listen_fd_, (struct sockaddr *)&sa, sizeof sa) != 0) {
        int e = errno;
        close(listen_fd_);
        listen_fd_ = -1;
        return me + "cannot bind: " + strerror(e);
    }
    path_ = path;
    if (listen(listen_fd_, 16) != 0) return me + "listen: " + strerror(errno);
    return "";
}

void Pcie::add_pollfds(std::vector<pollfd> &fds) const
{
    fds.push_back(pollfd{listen_fd_, POLLIN, 0});
    // A client with a message in hand is not read again until it is done;
    // its hang-up still shows (POLLHUP needs no asking).
    for (const auto &c : conns_) fds.push_back(pollfd{c->fd, short(c->has_msg() ? 0 : POLLIN), 0});
}

void Pcie::handle(const pollfd &p)
{
    if (p.revents == 0) return;
    if (p.fd == listen_fd_) {
        accept_client();
        return;
    }
    for (const auto &c : conns_)
        if (c->fd == p.fd) {
            if (!c->has_msg()) {
                // what it sent before it hung up first; recv() says when
                // that is all
                receive(*c);
            } else if ((p.revents & (POLLHUP | POLLERR)) && lock_ && lock_ != c->id) {
                // Gone while its message waits for another's lock: nothing
                // it asked can matter now, and its hang-up would keep
                // poll() awake. A client that hangs up while its message
                // goes in (writes, then close) has that message finished,
                // then the rest it sent.
                drop(c->id, "");
            }
            return;
        }
}

void Pcie::accept_client()
{
    for (;;) {
        int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
        if (fd < 0) {
            if (errno == EINTR) continue;
            if (errno != EAGAIN && errno != EWOULDBLOCK)
                warn_once("accept", "--pcie " + path_ + ": accept: " + strerror(errno));
            return;
        }
        if (conns_.size() >= kMaxClients) {
            warn_once("toomany", "--pcie " + path_ + ": more than " + std::to_string(kMaxClients) +
                                     " clients; refusing the others");
            close(fd);
            continue;
        }
        auto c = std::make_unique<Conn>();
        c->id = next_id_++;
        c->fd = fd;
        conns_.push_back(std::move(c));
    }
}

Pcie::Conn *Pcie::find(uint64_t id)
{
    for (const auto &c : conns_)
        if (c->id == id) return c.get();
    return nullptr;
}

void Pcie::drop(uint64_t id, const std::string &why)
{
    for (size_t i = 0; i < conns_.size(); i++)
        if (conns_[i]->id == id) {
            if (!why.empty()) fprintf(stderr, "nicsec-sim run: client %llu: %s; dropped\n",
                                      (unsigned long long)id, why.c_str());
            conns_.erase(conns_.begin() + long(i));
            break;
        }
    // Its lock goes with it, as a dead process's would; its reads still in
    // the card are answered to no one.
    if (lock_ == id) lock_ = 0;
    if (serving_ == id) serving_ = 0;
}

void Pcie::receive(Conn &c)
{
    nsim_op buf[NSIM_OPS_MAX + 1];
    ssize_t n;
    do n = recv(c.fd, buf, sizeof buf, MSG_DONTWAIT);
    while (n < 0 && errno == EINTR);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
    if (n <= 0) {
        drop(c.id, "");
        return;
    }
    if (!c.said_hello) {
        hello(c, buf, size_t(n));
        return;
    }
    if (size_t(n) % sizeof(nsim_op) != 0 || size_t(n) > NSIM_OPS_MAX * sizeof(nsim_op)) {
        drop(c.id, "a message of " + std::to_string(n) + " bytes is not 1 .. " +
                       std::to_string(NSIM_OPS_MAX) + " ops");
        return;
    }
    for (size_t i = 0; i < size_t(n) / sizeof(nsim_op); i++) {
        const nsim_op &op = buf[i];
        bool ok = op.op == NSIM_LOCK || op.op == NSIM_UNLOCK ||
                  ((op.op == NSIM_READ || op.op == NSIM_WRITE) && op.off % 4 == 0 && op.off < bar_size_);
        if (!ok) {
            drop(c.id, "bad op " + std::to_string(op.op) + " at offset " + std::to_string(op.off));
            return;
        }
    }
    c.msg.assign(buf, buf + size_t(n) / sizeof(nsim_op));
    c.next = 0;
    c.answer.clear();
}

void Pcie::hello(Conn &c, const void *msg, size_t len)
{
    nsim_hello h;
    if (len != sizeof h) {
        drop(c.id, "not a libnicsec client (its hello is " + std::to_string(len) + " bytes)");
        return;
    }
    memcpy(&h, msg, sizeof h);
    if (h.magic != NSIM_MAGIC) {
        drop(c.id, "not a libnicsec client (bad magic)");
        return;
    }
    bool same = h.version == NSIM_VERSION;
    memset(&h, 0, sizeof h);
    h.magic = NSIM_MAGIC;
    h.version = NSIM_VERSION;
    h.bar_size = bar_size_;
    h.lanes = LANES;
    h.dma_iova = mem_.iova();
    h.dma_len = mem_.len();
    int pipefd[2] = {-1, -1};
    if (same && pipe2(pipefd, O_CLOEXEC | O_NONBLOCK) != 0) {
        warn_once("pipe", std::string("interrupt pipe: ") + strerror(errno));
        same = false;
    }
    union {
        struct cmsghdr c;
        char buf[CMSG_SPACE(2 * sizeof(int))];
    } ctl;
    struct iovec iov = {&h, sizeof h};
    struct msghdr m;
    memset(&m, 0, sizeof m);
    m.msg_iov = &iov;
    m.msg_iovlen = 1;
    if (same) {
        int fds[2] = {mem_.fd(), pipefd[0]};
        memset(&ctl, 0, sizeof ctl);
        m.msg_control = ctl.buf;
        m.msg_controllen = sizeof ctl.buf;
        struct cmsghdr *cm = CMSG_FIRSTHDR(&m);
        cm->cmsg_level = SOL_SOCKET;
        cm->cmsg_type = SCM_RIGHTS;
        cm->cmsg_len = CMSG_LEN(sizeof fds);
        memcpy(CMSG_DATA(cm), fds, sizeof fds);
    }
    ssize_t n = sendmsg(c.fd, &m, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (pipefd[0] >= 0) close(pipefd[0]);   // the client has its copy
    if (n != ssize_t(sizeof h) || !same) {
        if (pipefd[1] >= 0) close(pipefd[1]);
        // Another version was told ours, and closes with a message of its own.
        drop(c.id, "");
        return;
    }
    c.irq_wr = pipefd[1];
    c.said_hello = true;
}

// The client whose message goes in next: the one being served until its
// message is all in; else the lock holder, or the next in turn.
Pcie::Conn *Pcie::pick()
{
    if (serving_) {
        Conn *c = find(serving_);
        if (c && c->has_msg() && c->next < c->msg.size() && (!lock_ || lock_ == serving_)) return c;
    }
    if (lock_) {
        Conn *c = find(lock_);
        return c && c->has_msg() && c->next < c->msg.size() ? c : nullptr;
    }
    for (size_t k = 0; k < conns_.size(); k++) {
        size_t i = (rr_ + k) % conns_.size();
        Conn *c = conns_[i].get();
        if (c->has_msg() && c->next < c->msg.size()) {
            rr_ = i + 1;
            return c;
        }
    }
    return nullptr;
}

bool Pcie::take_req(BarReq &r)
{
    for (;;) {
        Conn *c = pick();
        if (!c) return false;
        serving_ = c->id;
        const nsim_op &op = c->msg[c->next];
        if (op.op == NSIM_LOCK) {
            // pick() gave us this client, so the lock is free or its own.
            lock_ = c->id;
            c->answer.push_back(nsim_op{NSIM_LOCKED, 0, 0, 0});
            c->next++;
            finish(*c);
            continue;
        }
        if (op.op == NSIM_UNLOCK) {
            if (lock_ == c->id) lock_ = 0;
            c->next++;
            finish(*c);
            continue;
        }
        r.write = op.op == NSIM_WRITE;
        r.off = op.off;
        r.val = op.val;
        if (r.write) {
            writes++;
        } else {
            reads++;
            inflight_.push_back(Inflight{c->id, c->answer.size()});
            c->answer.push_back(nsim_op{NSIM_READ_DATA, op.off, 0, 0});
            c->reads_out++;
        }
        c->next++;
        finish(*c);
        return true;
    }
}

void Pcie::read_data(uint32_t val)
{
    if (inflight_.empty()) {
        warn_once("rsp", "the card answered a read no one made");
        return;
    }
    Inflight f = inflight_.front();
    inflight_.pop_front();
    Conn *c = find(f.conn);
    if (!c) return;
    c->answer[f.slot].val = val;
    c->reads_out--;
    finish(*c);
}

// A message all in and all answered: the answer goes out and the client can
// send the next.
void Pcie::finish(Conn &c)
{
    if (c.next < c.msg.size() || c.reads_out) return;
    if (serving_ == c.id) serving_ = 0;
    c.msg.clear();
    c.next = 0;
    if (c.answer.empty()) return;
    ssize_t n = send(c.fd, c.answer.data(), c.answer.size() * sizeof(nsim_op), MSG_NOSIGNAL | MSG_DONTWAIT);
    c.answer.clear();
    answers++;
    // The client waits for each answer before it asks again, so its socket
    // has room; a client that does not is broken or gone.
    if (n < 0 && errno != EPIPE && errno != ECONNRESET)
        drop(c.id, std::string("cannot answer: ") + strerror(errno));
}

void Pcie::interrupt()
{
    irqs++;
    const char b = 1;
    // A full pipe already has the client's poll() awake: this one may go.
    for (const auto &c : conns_)
        if (c->irq_wr >= 0 && write(c->irq_wr, &b, 1) < 0) continue;
}

bool Pcie::busy() const
{
    if (!inflight_.empty()) return true;
    for (const auto &c : conns_)
        if (c->has_msg() && c->next < c->msg.size() && (!lock_ || lock_ == c->id)) return true;
    return false;
}

}  // namespace run
