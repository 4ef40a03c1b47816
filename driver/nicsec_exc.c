/*
 * nicsec_exc.c - the exception path: frames between the host and the
 * card's ports through the two DMA rings (docs/dma.md).  See nicsec.h.
 *
 * The DMA memory holds, in order: the transmit ring's descriptors, the
 * receive ring's, then one buffer of CAP_FRAME bytes (rounded up to 64) per
 * descriptor of each.  Every receive descriptor is armed with its buffer
 * once; the host takes them in ring order and gives each back at once, so
 * the card always has all but one.
 */
#include "nicsec_priv.h"

#include <string.h>

#include "bar0.h"

#define DESC_LEN	16
#define DESC_DONE	0x01
#define DESC_ERR	0x02
#define RING_MAX	256		/* descriptors a ring, at most */
#define RING_MIN	8

struct desc {
	uint64_t addr;
	uint16_t len;
	uint8_t  port;
	uint8_t  flags;
	uint32_t zero;
};

_Static_assert(sizeof(struct desc) == DESC_LEN, "a descriptor is 16 bytes");

static volatile struct desc *
tx_desc(struct nicsec_exc *x, unsigned i)
{
	return (volatile struct desc *)(x->mem + (size_t)i * DESC_LEN);
}

static volatile struct desc *
rx_desc(struct nicsec_exc *x, unsigned i)
{
	return (volatile struct desc *)(x->mem +
	    (size_t)(x->tx_size + i) * DESC_LEN);
}

/* Offset of buffer i of the transmit ring, or of the receive ring. */
static size_t
tx_buf(const struct nicsec_exc *x, unsigned i)
{
	size_t rings = ((size_t)(x->tx_size + x->rx_size) * DESC_LEN + 63) &
	    ~(size_t)63;

	return rings + (size_t)i * x->buf_len;
}

static size_t
rx_buf(const struct nicsec_exc *x, unsigned i)
{
	return tx_buf(x, x->tx_size) + (size_t)i * x->buf_len;
}

/* The card writes a descriptor's flags last: read them before the rest. */
static uint8_t
flags_acquire(volatile struct desc *d)
{
	uint8_t f = __atomic_load_n(&d->flags, __ATOMIC_ACQUIRE);

	return f;
}

static void
set_ring(struct nicsec *card, uint32_t base_lo, uint32_t base_hi,
    uint32_t size_reg, uint64_t iova, unsigned size)
{
	nicsec_wr32(card->dev, size_reg, 0);		/* off while moved */
	nicsec_wr32(card->dev, base_lo, (uint32_t)iova);
	nicsec_wr32(card->dev, base_hi, (uint32_t)(iova >> 32));
	nicsec_wr32(card->dev, size_reg, size);		/* HEAD to 0 */
}

int
nicsec_exc_start(struct nicsec *card)
{
	struct nicsec_exc *x = &card->exc;
	struct nicsec_dma_mem m;
	char err[200];
	unsigned size, i;
	size_t buf_len;

	if (!card->caps.dma)
		return card_err(card, "the card has no DMA rings "
		    "(CAP_FEATURES.dma is 0)");
	if (nicsec_dev_dma_mem(card->dev, &m, err, sizeof(err)) != 0)
		return card_err(card, "%s", err);
	if ((m.iova & 63) != 0)
		return card_err(card, "DMA memory at 0x%llx is not 64-byte "
		    "aligned", (unsigned long long)m.iova);
	buf_len = ((size_t)card->caps.max_frame + 63) & ~(size_t)63;
	/* As many descriptors as fit, up to RING_MAX a ring. */
	for (size = RING_MAX; size >= RING_MIN; size /= 2)
		if (2 * (size_t)size * (buf_len + DESC_LEN) + 64 <= m.len)
			break;
	if (size < RING_MIN)
		return card_err(card, "%zu bytes of DMA memory hold no rings "
		    "(%u descriptors of %zu bytes each way need %zu)", m.len,
		    RING_MIN, buf_len, 2 * (size_t)RING_MIN *
		    (buf_len + DESC_LEN) + 64);

	memset(x, 0, sizeof(*x));
	x->mem = m.va;
	x->iova = m.iova;
	x->tx_size = x->rx_size = size;
	x->buf_len = buf_len;
	memset(x->mem, 0, (size_t)2 * size * DESC_LEN);
	for (i = 0; i < size; i++) {
		volatile struct desc *d = rx_desc(x, i);

		d->addr = x->iova + rx_buf(x, i);
		d->len = (uint16_t)(buf_len > 0xffff ? 0xffff : buf_len);
	}
	__atomic_thread_fence(__ATOMIC_RELEASE);

	if (card_lock(card) != 0)
		return -1;
	nicsec_wr32(card->dev, BAR0_INT_MASK, 0);
	set_ring(card, BAR0_TXR_BASE_LO, BAR0_TXR_BASE_HI, BAR0_TXR_SIZE,
	    x->iova, size);
	set_ring(card, BAR0_RXR_BASE_LO, BAR0_RXR_BASE_HI, BAR0_RXR_SIZE,
	    x->iova + (uint64_t)size * DESC_LEN, size);
	nicsec_wr32(card->dev, BAR0_TXR_TAIL, 0);
	nicsec_wr32(card->dev, BAR0_RXR_TAIL, size - 1);
	nicsec_wr32(card->dev, BAR0_INT_CAUSE, 0xffffffffu);
	nicsec_wr32(card->dev, BAR0_INT_MASK, BAR0_INT_CAUSE_RX_MASK |
	    BAR0_INT_CAUSE_TX_MASK);
	nicsec_dev_flush(card->dev);
	card_unlock(card);
	if (card_dev_check(card) != 0)
		return -1;
	x->on = 1;
	return 0;
}

static int
exc_on(struct nicsec *card)
{
	if (!card->exc.on)
		return card_err(card, "the exception path is not started "
		    "(nicsec_exc_start)");
	return 0;
}

/* Takes back the transmit descriptors the card is done with. */
static void
tx_reclaim(struct nicsec_exc *x)
{
	while (x->tx_clean != x->tx_tail) {
		volatile struct desc *d = tx_desc(x, x->tx_clean);
		uint8_t f = flags_acquire(d);

		if (!(f & DESC_DONE))
			break;
		if (f & DESC_ERR)
			x->st.tx_err++;
		x->tx_clean = (x->tx_clean + 1) % x->tx_size;
	}
}

int
nicsec_exc_send(struct nicsec *card, int port, const void *frame, size_t len)
{
	struct nicsec_exc *x = &card->exc;
	volatile struct desc *d;
	unsigned next;

	if (exc_on(card) != 0)
		return -1;
	if (port != NICSEC_PORT_LAN && port != NICSEC_PORT_WAN)
		return card_err(card, "exception frame: port %d is not LAN (0) "
		    "or WAN (1)", port);
	if (len < 14 || len > card->caps.max_frame)
		return card_err(card, "exception frame of %zu bytes: the card "
		    "sends 14 .. %u", len, card->caps.max_frame);
	next = (x->tx_tail + 1) % x->tx_size;
	if (next == x->tx_clean)
		tx_reclaim(x);
	if (next == x->tx_clean) {
		x->st.tx_full++;
		return 1;
	}
	memcpy(x->mem + tx_buf(x, x->tx_tail), frame, len);
	d = tx_desc(x, x->tx_tail);
	d->addr = x->iova + tx_buf(x, x->tx_tail);
	d->len = (uint16_t)len;
	d->port = (uint8_t)port;
	d->zero = 0;
	__atomic_store_n(&d->flags, 0, __ATOMIC_RELEASE);
	x->tx_tail = next;
	/* The doorbell; the fence above orders the frame before it. */
	nicsec_wr32(card->dev, BAR0_TXR_TAIL, next);
	nicsec_dev_flush(card->dev);
	x->st.tx_frames++;
	x->st.tx_bytes += len;
	return card_dev_check(card);
}

ssize_t
nicsec_exc_recv(struct nicsec *card, int *port, void *buf, size_t cap)
{
	struct nicsec_exc *x = &card->exc;

	if (exc_on(card) != 0)
		return -1;
	for (;;) {
		volatile struct desc *d = rx_desc(x, x->rx_next);
		uint8_t f = flags_acquire(d);
		size_t len = d->len;
		int cut = (f & DESC_ERR) != 0;
		unsigned k = x->rx_next;

		if (!(f & DESC_DONE))
			return 0;
		if (!cut) {
			*port = d->port;
			memcpy(buf, x->mem + rx_buf(x, k), len < cap ? len : cap);
		}
		/* Armed again and handed back: TAIL moves onto it. */
		d->len = (uint16_t)(x->buf_len > 0xffff ? 0xffff : x->buf_len);
		d->port = 0;
		__atomic_store_n(&d->flags, 0, __ATOMIC_RELEASE);
		x->rx_next = (k + 1) % x->rx_size;
		nicsec_wr32(card->dev, BAR0_RXR_TAIL, k);
		nicsec_dev_flush(card->dev);
		if (card_dev_check(card) != 0)
			return -1;
		if (cut) {
			x->st.rx_cut++;
			continue;
		}
		x->st.rx_frames++;
		x->st.rx_bytes += len;
		return (ssize_t)len;
	}
}

int
nicsec_exc_fd(struct nicsec *card)
{
	return nicsec_dev_irq_fd(card->dev);
}

int
nicsec_exc_poll(struct nicsec *card)
{
	struct nicsec_exc *x = &card->exc;
	uint32_t cause;

	if (exc_on(card) != 0)
		return -1;
	x->st.irqs += nicsec_dev_irq_take(card->dev);
	/* Cleared before the rings are looked at, so what comes after
	 * raises the interrupt again. */
	cause = nicsec_rd32(card->dev, BAR0_INT_CAUSE);
	if (cause != 0)
		nicsec_wr32(card->dev, BAR0_INT_CAUSE, cause);
	nicsec_dev_flush(card->dev);
	tx_reclaim(x);
	return card_dev_check(card);
}

void
nicsec_exc_stats(const struct nicsec *card, struct nicsec_exc_stats *st)
{
	*st = card->exc.st;
}
