/*
 * nicsec_spd.c - the card's policy rules: write, delete, read back.
 * See nicsec.h and docs/bar0.md, "Policy rules".
 */
#include "nicsec_priv.h"

#include <string.h>
#include <sys/socket.h>

#include "bar0.h"

static int
idx_ok(struct nicsec *card, unsigned idx)
{
	if (idx >= card->caps.rules)
		return card_err(card, "policy rule %u: the card has rules 0 .. "
		    "%u", idx, card->caps.rules - 1);
	return 0;
}

/* An address as the card's 128-bit number, word 0 the lowest. */
static void
addr_words(int family, const uint8_t *a, uint32_t w[4])
{
	size_t n = family == AF_INET ? 4 : 16, i;

	memset(w, 0, 4 * sizeof(w[0]));
	for (i = 0; i < n; i++) {
		unsigned bit = 8 * (unsigned)(n - 1 - i);

		w[bit / 32] |= (uint32_t)a[i] << (bit % 32);
	}
}

static void
words_addr(int family, const uint32_t w[4], uint8_t *a)
{
	size_t n = family == AF_INET ? 4 : 16, i;

	memset(a, 0, 16);
	for (i = 0; i < n; i++) {
		unsigned bit = 8 * (unsigned)(n - 1 - i);

		a[i] = (uint8_t)(w[bit / 32] >> (bit % 32));
	}
}

/* Commits what is staged (cmd: write or read back); locked by caller. */
static int
commit(struct nicsec *card, uint32_t cmd)
{
	nicsec_wr32(card->dev, BAR0_ERR, BAR0_ERR_BUSY_MASK);
	nicsec_wr32(card->dev, BAR0_SPD_COMMIT, cmd);
	if (nicsec_rd32(card->dev, BAR0_ERR) & BAR0_ERR_BUSY_MASK)
		return card_err(card, "the card refused the policy commit "
		    "(ERR.busy: in reset?)");
	return card_dev_check(card);
}

static int
write_locked(struct nicsec *card, unsigned idx,
    const struct nicsec_spd_rule *r)
{
	uint32_t src[4], dst[4];
	unsigned sa = 0;
	int i;

	if (r->action == SPD_PROTECT) {
		int rc = sa_find_locked(card, SA_DIR_OUT, r->spi, 0, NULL, NULL,
		    &sa);

		if (rc < 0)
			return -1;
		if (rc == 0)
			return card_err(card, "policy rule %u: action protect spi"
			    " 0x%08x: no outbound SA with that SPI is "
			    "installed", idx, r->spi);
	}
	addr_words(r->family, r->src, src);
	addr_words(r->family, r->dst, dst);
	nicsec_wr32(card->dev, BAR0_SPD_INDEX, idx);
	nicsec_wr32(card->dev, BAR0_SPD_FLAGS, BAR0_SPD_FLAGS_VALID_MASK |
	    (r->family == AF_INET6 ? BAR0_SPD_FLAGS_V6_MASK : 0) |
	    (r->proto < 0 ? BAR0_SPD_FLAGS_PROTO_ANY_MASK : 0));
	nicsec_wr32(card->dev, BAR0_SPD_PLEN,
	    (uint32_t)r->src_plen << BAR0_SPD_PLEN_SRC_SHIFT |
	    (uint32_t)r->dst_plen << BAR0_SPD_PLEN_DST_SHIFT);
	nicsec_wr32(card->dev, BAR0_SPD_PROTO, r->proto < 0 ? 0 :
	    (uint32_t)r->proto);
	nicsec_wr32(card->dev, BAR0_SPD_ACTION, (uint32_t)r->action);
	nicsec_wr32(card->dev, BAR0_SPD_SA, sa);
	for (i = 0; i < 4; i++) {
		nicsec_wr32(card->dev, BAR0_SPD_SRC_AT(i), src[i]);
		nicsec_wr32(card->dev, BAR0_SPD_DST_AT(i), dst[i]);
	}
	return commit(card, BAR0_SPD_COMMIT_GO_MASK);
}

int
nicsec_spd_write(struct nicsec *card, unsigned idx,
    const struct nicsec_spd_rule *rule)
{
	int rc;

	if (idx_ok(card, idx) != 0)
		return -1;
	if (rule->family != AF_INET && rule->family != AF_INET6)
		return card_err(card, "policy rule %u: no address family",
		    idx);
	if (card_lock(card) != 0)
		return -1;
	rc = write_locked(card, idx, rule);
	card_unlock(card);
	return rc;
}

int
nicsec_spd_del(struct nicsec *card, unsigned idx)
{
	int rc;

	if (idx_ok(card, idx) != 0 || card_lock(card) != 0)
		return -1;
	nicsec_wr32(card->dev, BAR0_SPD_INDEX, idx);
	nicsec_wr32(card->dev, BAR0_SPD_FLAGS, 0);
	rc = commit(card, BAR0_SPD_COMMIT_GO_MASK);
	card_unlock(card);
	return rc;
}

int
nicsec_spd_read(struct nicsec *card, unsigned idx,
    struct nicsec_spd_rule *r, unsigned *sa_slot)
{
	uint32_t flags, plen, src[4], dst[4], slot;
	struct nicsec_sa sa;
	int i, rc;

	memset(r, 0, sizeof(*r));
	if (idx_ok(card, idx) != 0 || card_lock(card) != 0)
		return -1;
	nicsec_wr32(card->dev, BAR0_SPD_INDEX, idx);
	rc = commit(card, BAR0_SPD_COMMIT_READ_MASK);
	flags = nicsec_rd32(card->dev, BAR0_SPD_FLAGS);
	plen = nicsec_rd32(card->dev, BAR0_SPD_PLEN);
	r->proto = (int)nicsec_rd32(card->dev, BAR0_SPD_PROTO);
	r->action = (int)(nicsec_rd32(card->dev, BAR0_SPD_ACTION) & 3);
	slot = nicsec_rd32(card->dev, BAR0_SPD_SA);
	for (i = 0; i < 4; i++) {
		src[i] = nicsec_rd32(card->dev, BAR0_SPD_SRC_AT(i));
		dst[i] = nicsec_rd32(card->dev, BAR0_SPD_DST_AT(i));
	}
	card_unlock(card);
	if (rc != 0 || card_dev_check(card) != 0)
		return -1;
	if (!(flags & BAR0_SPD_FLAGS_VALID_MASK)) {
		memset(r, 0, sizeof(*r));
		return 0;
	}
	r->family = flags & BAR0_SPD_FLAGS_V6_MASK ? AF_INET6 : AF_INET;
	if (flags & BAR0_SPD_FLAGS_PROTO_ANY_MASK)
		r->proto = -1;
	r->src_plen = (int)((plen & BAR0_SPD_PLEN_SRC_MASK) >>
	    BAR0_SPD_PLEN_SRC_SHIFT);
	r->dst_plen = (int)((plen & BAR0_SPD_PLEN_DST_MASK) >>
	    BAR0_SPD_PLEN_DST_SHIFT);
	words_addr(r->family, src, r->src);
	words_addr(r->family, dst, r->dst);
	if (r->action == SPD_PROTECT) {
		if (nicsec_sa_read(card, slot, &sa) < 0)
			return -1;
		r->spi = sa.dir == SA_DIR_OUT ? sa.spi : 0;
		if (sa_slot != NULL)
			*sa_slot = slot;
	}
	return 1;
}
