/*
 * sim_dev.c - the sim backend: the simulated card that `nicsec-sim run
 * --pcie PATH` serves over a Unix socket (driver/sim_proto.h,
 * docs/nicsec-sim.md "The --pcie socket").
 *
 * Writes are posted as a real card's are: they collect in a batch that goes
 * out with the next read, flush, unlock or close, or when it is full, so a
 * run of register writes costs one message rather than one each.  A read
 * waits for its answer.  If the simulator goes away, every read from then
 * on returns NICSEC_RD_BAD and dev->error says why; nothing here raises
 * SIGPIPE or exits.
 */
#define _GNU_SOURCE		/* MSG_NOSIGNAL, SOCK_CLOEXEC, MSG_CMSG_CLOEXEC */

#include "dev_backend.h"
#include "nicsec_ids.h"
#include "sim_proto.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

struct sim_priv {
	int             sock;
	int             mem_fd;		/* the host-memory region (memfd) */
	int             irq_fd;		/* pipe: a byte an interrupt */
	void           *mem;		/* mapped on first dma_mem, or NULL */
	uint64_t        dma_iova, dma_len;
	int             dead;		/* the simulator went away */
	unsigned        nops;		/* posted ops waiting in ops[] */
	struct nsim_op  ops[NSIM_OPS_MAX];
};

/* Marks the connection gone and says so, unless an earlier error is kept. */
static void
gone(struct nicsec_dev *dev, const char *why)
{
	struct sim_priv *p = dev->priv;

	p->dead = 1;
	p->nops = 0;
	if (dev->error[0] == '\0')
		snprintf(dev->error, sizeof(dev->error), "%s: the simulator "
		    "went away (%s)", dev->name, why);
}

/* Sends the batch.  0, or -1 once the simulator is gone. */
static int
send_ops(struct nicsec_dev *dev)
{
	struct sim_priv *p = dev->priv;
	ssize_t n;

	if (p->dead)
		return -1;
	if (p->nops == 0)
		return 0;
	do
		n = send(p->sock, p->ops, p->nops * sizeof(p->ops[0]),
		    MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		gone(dev, strerror(errno));
		return -1;
	}
	p->nops = 0;
	return 0;
}

static int
post(struct nicsec_dev *dev, uint32_t op, uint32_t off, uint32_t val)
{
	struct sim_priv *p = dev->priv;

	if (p->dead)
		return -1;
	if (p->nops == NSIM_OPS_MAX && send_ops(dev) != 0)
		return -1;
	p->ops[p->nops].op = op;
	p->ops[p->nops].off = off;
	p->ops[p->nops].val = val;
	p->ops[p->nops].zero = 0;
	p->nops++;
	return 0;
}

/*
 * Sends the batch, whose last op asks for an answer, and waits for the
 * answer: one op, `want`.  0 with *val, or -1 once the simulator is gone.
 */
static int
call(struct nicsec_dev *dev, uint32_t want, uint32_t *val)
{
	struct sim_priv *p = dev->priv;
	struct nsim_op a[NSIM_OPS_MAX];
	ssize_t n;

	if (send_ops(dev) != 0)
		return -1;
	do
		n = recv(p->sock, a, sizeof(a), 0);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		gone(dev, strerror(errno));
		return -1;
	}
	if (n == 0) {
		gone(dev, "connection closed");
		return -1;
	}
	if (n != sizeof(a[0]) || a[0].op != want) {
		gone(dev, "unexpected answer");
		return -1;
	}
	*val = a[0].val;
	return 0;
}

static uint32_t
sim_rd32(struct nicsec_dev *dev, uint32_t off)
{
	uint32_t v;

	if (post(dev, NSIM_READ, off, 0) != 0 ||
	    call(dev, NSIM_READ_DATA, &v) != 0)
		return NICSEC_RD_BAD;
	return v;
}

static void
sim_wr32(struct nicsec_dev *dev, uint32_t off, uint32_t val)
{
	post(dev, NSIM_WRITE, off, val);
}

static void
sim_flush(struct nicsec_dev *dev)
{
	send_ops(dev);
}

static int
sim_lock(struct nicsec_dev *dev)
{
	uint32_t v;

	if (post(dev, NSIM_LOCK, 0, 0) != 0 || call(dev, NSIM_LOCKED, &v) != 0)
		return -1;
	return 0;
}

static void
sim_unlock(struct nicsec_dev *dev)
{
	if (post(dev, NSIM_UNLOCK, 0, 0) == 0)
		send_ops(dev);
}

static int
sim_dma_mem(struct nicsec_dev *dev, struct nicsec_dma_mem *mem, char *err,
    size_t errlen)
{
	struct sim_priv *p = dev->priv;

	if (p->mem == NULL) {
		void *m = mmap(NULL, (size_t)p->dma_len, PROT_READ |
		    PROT_WRITE, MAP_SHARED, p->mem_fd, 0);

		if (m == MAP_FAILED)
			return nicsec_errf(err, errlen, "%s: cannot map the "
			    "simulator's host memory (%llu bytes): %s",
			    dev->name, (unsigned long long)p->dma_len,
			    strerror(errno));
		p->mem = m;
	}
	mem->va = p->mem;
	mem->iova = p->dma_iova;
	mem->len = (size_t)p->dma_len;
	return 0;
}

static int
sim_irq_fd(struct nicsec_dev *dev)
{
	struct sim_priv *p = dev->priv;

	return p->irq_fd;
}

static unsigned
sim_irq_take(struct nicsec_dev *dev)
{
	struct sim_priv *p = dev->priv;
	char buf[256];
	unsigned got = 0;
	ssize_t n;

	while ((n = read(p->irq_fd, buf, sizeof(buf))) > 0 ||
	    (n < 0 && errno == EINTR))
		if (n > 0)
			got += (unsigned)n;
	return got;
}

static void
sim_close(struct nicsec_dev *dev)
{
	struct sim_priv *p = dev->priv;

	send_ops(dev);
	if (p->mem != NULL)
		munmap(p->mem, (size_t)p->dma_len);
	close(p->mem_fd);
	close(p->irq_fd);
	close(p->sock);
	free(p);
}

static const struct nicsec_dev_ops sim_ops = {
	.rd32 = sim_rd32,
	.wr32 = sim_wr32,
	.flush = sim_flush,
	.lock = sim_lock,
	.unlock = sim_unlock,
	.dma_mem = sim_dma_mem,
	.irq_fd = sim_irq_fd,
	.irq_take = sim_irq_take,
	.close = sim_close,
};

/*
 * The hello exchange: 0 with the answer and its two descriptors (memory,
 * interrupts), or -1 with a message.
 */
static int
hello(int s, const char *name, struct nsim_hello *h, int fds[2], char *err,
    size_t errlen)
{
	union {
		struct cmsghdr c;
		char buf[CMSG_SPACE(2 * sizeof(int))];
	} ctl;
	struct iovec iov = { h, sizeof(*h) };
	struct msghdr msg;
	struct cmsghdr *c;
	ssize_t n;
	int nfd = 0;

	memset(h, 0, sizeof(*h));
	h->magic = NSIM_MAGIC;
	h->version = NSIM_VERSION;
	if (send(s, h, sizeof(*h), MSG_NOSIGNAL) != (ssize_t)sizeof(*h))
		return nicsec_errf(err, errlen, "%s: cannot say hello to the "
		    "simulator: %s", name, strerror(errno));
	memset(&msg, 0, sizeof(msg));
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = ctl.buf;
	msg.msg_controllen = sizeof(ctl.buf);
	do
		n = recvmsg(s, &msg, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	for (c = CMSG_FIRSTHDR(&msg); c != NULL; c = CMSG_NXTHDR(&msg, c))
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
			int i, k = (int)((c->cmsg_len - CMSG_LEN(0)) /
			    sizeof(int));

			for (i = 0; i < k; i++) {
				int fd;

				memcpy(&fd, CMSG_DATA(c) + i * sizeof(int),
				    sizeof(int));
				if (nfd < 2)
					fds[nfd++] = fd;
				else
					close(fd);
			}
		}
	if (n == (ssize_t)sizeof(*h) && h->magic == NSIM_MAGIC &&
	    h->version == NSIM_VERSION && nfd == 2 && h->dma_len > 0)
		return 0;
	while (nfd > 0)
		close(fds[--nfd]);
	if (n < 0)
		return nicsec_errf(err, errlen, "%s: no answer from the "
		    "simulator: %s", name, strerror(errno));
	if (n == 0)
		return nicsec_errf(err, errlen, "%s: the simulator closed the "
		    "connection at once", name);
	if (n == (ssize_t)sizeof(*h) && h->magic == NSIM_MAGIC &&
	    h->version != NSIM_VERSION)
		return nicsec_errf(err, errlen, "%s: the simulator speaks "
		    "protocol version %u, this libnicsec %u (rebuild one of "
		    "them)", name, h->version, NSIM_VERSION);
	return nicsec_errf(err, errlen, "%s: not a nicsec simulator's socket "
	    "(its answer to hello makes no sense)", name);
}

int
sim_dev_open(struct nicsec_dev *dev, const char *path, char *err,
    size_t errlen)
{
	struct sockaddr_un sa;
	struct nsim_hello h;
	struct sim_priv *p;
	int s, fds[2];

	snprintf(dev->name, sizeof(dev->name), "sim:%s", path);
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sa.sun_path))
		return nicsec_errf(err, errlen, "sim:%s: path too long for a "
		    "Unix socket (%zu bytes at most)", path,
		    sizeof(sa.sun_path) - 1);
	memcpy(sa.sun_path, path, strlen(path));

	if ((s = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0)) < 0)
		return nicsec_errf(err, errlen, "sim:%s: socket: %s", path,
		    strerror(errno));
	if (connect(s, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		int e = errno;

		close(s);
		return nicsec_errf(err, errlen, "sim:%s: cannot connect: %s "
		    "(is nicsec-sim run --pcie %s running?)", path,
		    strerror(e), path);
	}
	if (hello(s, dev->name, &h, fds, err, errlen) != 0) {
		close(s);
		return -1;
	}
	if (h.bar_size < NICSEC_BAR0_MIN) {
		close(fds[0]);
		close(fds[1]);
		close(s);
		return nicsec_errf(err, errlen, "%s: the simulator's BAR0 is "
		    "%u bytes, a nicsec card's is at least %u", dev->name,
		    h.bar_size, NICSEC_BAR0_MIN);
	}
	/* irq_take drains the pipe without blocking. */
	fcntl(fds[1], F_SETFL, fcntl(fds[1], F_GETFL) | O_NONBLOCK);

	if ((p = calloc(1, sizeof(*p))) == NULL) {
		close(fds[0]);
		close(fds[1]);
		close(s);
		return nicsec_errf(err, errlen, "%s: out of memory",
		    dev->name);
	}
	p->sock = s;
	p->mem_fd = fds[0];
	p->irq_fd = fds[1];
	p->dma_iova = h.dma_iova;
	p->dma_len = h.dma_len;
	dev->ops = &sim_ops;
	dev->priv = p;
	dev->bar_size = h.bar_size;
	return 0;
}
