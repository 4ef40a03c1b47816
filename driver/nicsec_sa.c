/*
 * nicsec_sa.c - SAs in the card's table: install, update, delete, read back.
 * See nicsec.h; the register sequence is docs/bar0.md's "SA install".
 *
 * The card is the one record of which slots hold what: every question
 * (is the slot free, where is SPI x) is asked of it, through SA_USED and the
 * record read-back, so several processes and a card reset can never leave
 * this library believing something the card does not hold.
 */
#include "nicsec_priv.h"

#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "bar0.h"
#include "sa_pack.h"

/*
 * Reads of SA_COMMIT before an install counts as stuck.  An install takes
 * 100 to 300 cycles and a read at least a few, so this is a card that has
 * stopped, not a slow one.
 */
#define BUSY_POLLS	100000

/* Clears what the compiler may not optimise away: key material. */
static void
wipe(void *p, size_t n)
{
	explicit_bzero(p, n);
}

/* Waits for SA_COMMIT.busy to fall; -1 (card->err) if it does not. */
static int
wait_idle(struct nicsec *card)
{
	int i;

	for (i = 0; i < BUSY_POLLS; i++) {
		uint32_t v = nicsec_rd32(card->dev, BAR0_SA_COMMIT);

		if (nicsec_dev_error(card->dev) != NULL)
			return card_dev_check(card);
		if ((v & BAR0_SA_COMMIT_BUSY_MASK) == 0)
			return 0;
	}
	return card_err(card, "SA_COMMIT still busy after %d reads: the card "
	    "is stuck or in reset", BUSY_POLLS);
}

/*
 * A commit (install, delete or read-back: cmd's bits) of what is staged,
 * waited for.  ERR.busy is cleared first and checked after, so a commit the
 * card refused is reported rather than taken for done.  Locked by caller.
 */
static int
commit(struct nicsec *card, uint32_t cmd)
{
	/* Each commit ends idle, so under one lock only the first waits
	 * before: a table search is one commit a slot. */
	if (!card->sa_idle && wait_idle(card) != 0)
		return -1;
	card->sa_idle = 0;
	nicsec_wr32(card->dev, BAR0_ERR, BAR0_ERR_BUSY_MASK);
	nicsec_wr32(card->dev, BAR0_SA_COMMIT, cmd);
	if (wait_idle(card) != 0)
		return -1;
	card->sa_idle = 1;
	if (nicsec_rd32(card->dev, BAR0_ERR) & BAR0_ERR_BUSY_MASK)
		return card_err(card, "the card refused the SA commit (ERR.busy:"
		    " in reset?)");
	return card_dev_check(card);
}

/* Record words that hold valid, dir_out and the SPI (bits 0 .. 39). */
#define HEAD_WORDS	((SA_REC_SPI_LSB + SA_REC_SPI_BITS + 31) / 32)

/*
 * Reads slot's record into rec, its first `words` words (the rest zero):
 * a search needs only the head of most records.  Locked by caller.
 */
static int
read_words(struct nicsec *card, unsigned slot, uint32_t rec[SA_REC_WORDS],
    unsigned words)
{
	unsigned i;

	memset(rec, 0, SA_REC_WORDS * sizeof(rec[0]));
	nicsec_wr32(card->dev, BAR0_SA_INDEX, slot);
	if (commit(card, BAR0_SA_COMMIT_READ_MASK) != 0)
		return -1;
	for (i = 0; i < words; i++)
		rec[i] = nicsec_rd32(card->dev, BAR0_SA_REC_AT(i));
	return card_dev_check(card);
}

static int
read_rec(struct nicsec *card, unsigned slot, uint32_t rec[SA_REC_WORDS])
{
	return read_words(card, slot, rec, SA_REC_WORDS);
}

static int
slot_ok(struct nicsec *card, unsigned slot)
{
	if (slot >= card->caps.sa_slots)
		return card_err(card, "SA slot %u: the card has slots 0 .. %u",
		    slot, card->caps.sa_slots - 1);
	return 0;
}

static int
used_locked(struct nicsec *card, uint32_t *used)
{
	unsigned i;

	for (i = 0; i < card->caps.sa_slots / 32; i++)
		used[i] = nicsec_rd32(card->dev, BAR0_SA_USED_AT(i));
	return card_dev_check(card);
}

int
nicsec_sa_used(struct nicsec *card, uint32_t *used)
{
	int rc;

	if (card_lock(card) != 0)
		return -1;
	rc = used_locked(card, used);
	card_unlock(card);
	return rc;
}

static int
same_dst(const struct nicsec_sa *sa, int family, const uint8_t *dst)
{
	return dst == NULL || (sa->family == family &&
	    memcmp(sa->dst, dst, family == AF_INET ? 4 : 16) == 0);
}

/*
 * Where the SA (dir, spi, dst) is: 1 with *slot, 0 none; locked by caller.
 * An inbound SA can only be in the slot its SPI names; an outbound SA may
 * be anywhere, so the used slots are read back, outbound ones only.
 */
int
sa_find_locked(struct nicsec *card, int dir, uint32_t spi, int family,
    const uint8_t *dst, const uint32_t *used_now, unsigned *slot)
{
	uint32_t used[4096 / 32], rec[SA_REC_WORDS];
	struct nicsec_sa sa;
	unsigned s;

	if (dir == SA_DIR_IN) {
		s = spi & (card->caps.sa_slots - 1);
		if (read_rec(card, s, rec) != 0)
			return -1;
		if (sa_record_unpack(rec, &sa) && sa.dir == dir &&
		    sa.spi == spi && same_dst(&sa, family, dst)) {
			*slot = s;
			return 1;
		}
		return 0;
	}
	if (used_now != NULL)
		memcpy(used, used_now, card->caps.sa_slots / 8);
	else if (used_locked(card, used) != 0)
		return -1;
	for (s = 0; s < card->caps.sa_slots; s++) {
		if (!(used[s / 32] >> (s % 32) & 1))
			continue;
		if (read_words(card, s, rec, HEAD_WORDS) != 0)
			return -1;
		if (!sa_record_get(rec, SA_REC_DIR_OUT_LSB, 1) ||
		    sa_record_get(rec, SA_REC_SPI_LSB, SA_REC_SPI_BITS) != spi)
			continue;
		if (read_rec(card, s, rec) != 0)
			return -1;
		if (sa_record_unpack(rec, &sa) && sa.dir == dir &&
		    sa.spi == spi && same_dst(&sa, family, dst)) {
			*slot = s;
			return 1;
		}
	}
	return 0;
}

int
nicsec_sa_find(struct nicsec *card, int dir, uint32_t spi, int family,
    const uint8_t *dst, unsigned *slot)
{
	int rc;

	if (dir != SA_DIR_IN && dir != SA_DIR_OUT)
		return card_err(card, "SA direction %d: expected in or out",
		    dir);
	if (card_lock(card) != 0)
		return -1;
	rc = sa_find_locked(card, dir, spi, family, dst, NULL, slot);
	card_unlock(card);
	return rc;
}

static const char *
dir_name(int dir)
{
	return dir == SA_DIR_OUT ? "outbound" : "inbound";
}

/*
 * Stages sa and commits it into slot, starting from sequence number seq.
 * The key passes through one local buffer, wiped here.  Locked by caller.
 */
static int
install(struct nicsec *card, const struct nicsec_sa *sa, unsigned slot,
    uint64_t seq)
{
	uint32_t rec[SA_REC_WORDS], key[SA_KEY_WORDS];
	int k256, i, rc;

	sa_record_pack(sa, rec);
	k256 = sa_key_words(sa, key);
	nicsec_wr32(card->dev, BAR0_SA_INDEX, slot);
	nicsec_wr32(card->dev, BAR0_SA_KEY_SIZE, (uint32_t)k256);
	nicsec_wr32(card->dev, BAR0_SA_SEQ_LO, (uint32_t)seq);
	nicsec_wr32(card->dev, BAR0_SA_SEQ_HI, (uint32_t)(seq >> 32));
	for (i = 0; i < SA_REC_WORDS; i++)
		nicsec_wr32(card->dev, BAR0_SA_REC_AT(i), rec[i]);
	for (i = 0; i < SA_KEY_WORDS; i++)
		nicsec_wr32(card->dev, BAR0_SA_KEY_AT(i), key[i]);
	wipe(key, sizeof(key));
	wipe(rec, sizeof(rec));		/* the salt is key material too */
	rc = commit(card, BAR0_SA_COMMIT_GO_MASK);
	if (rc != 0) {
		/* A refused commit leaves the key staged: clear it. */
		for (i = 0; i < SA_KEY_WORDS; i++)
			nicsec_wr32(card->dev, BAR0_SA_KEY_AT(i), 0);
		nicsec_dev_flush(card->dev);
	}
	return rc;
}

/* The checks every SA passes before the card sees it. */
static int
sa_ok(struct nicsec *card, const struct nicsec_sa *sa)
{
	if (sa->dir != SA_DIR_IN && sa->dir != SA_DIR_OUT)
		return card_err(card, "SA spi 0x%08x has no direction (dir in "
		    "or dir out)", sa->spi);
	if (sa->key_len != 16 && sa->key_len != 32)
		return card_err(card, "SA spi 0x%08x: a %zu-byte key; the card "
		    "takes AES-128 or AES-256", sa->spi, sa->key_len);
	if (sa->dir == SA_DIR_OUT && sa->sel.family == 0)
		return card_err(card, "outbound SA spi 0x%08x has no selector "
		    "(sel src PFX dst PFX)", sa->spi);
	return 0;
}

/* -1 (card->err) if slot holds an SA; locked by caller. */
static int
slot_free(struct nicsec *card, unsigned slot, const struct nicsec_sa *sa)
{
	uint32_t rec[SA_REC_WORDS];
	struct nicsec_sa old;

	/* The head tells an empty slot; only a full one is read whole. */
	if (read_words(card, slot, rec, HEAD_WORDS) != 0)
		return -1;
	if (!sa_record_get(rec, SA_REC_VALID_LSB, 1))
		return 0;
	if (read_rec(card, slot, rec) != 0)
		return -1;
	sa_record_unpack(rec, &old);
	if (old.dir == sa->dir && old.spi == sa->spi &&
	    same_dst(&old, sa->family, sa->dst))
		return card_err(card, "%s SA spi 0x%08x to that destination is "
		    "installed already, in slot 0x%03x (sa update replaces "
		    "it)", dir_name(sa->dir), sa->spi, slot);
	return card_err(card, "slot 0x%03x holds %s SA spi 0x%08x; delete it "
	    "first%s", slot, dir_name(old.dir), old.spi, sa->dir == SA_DIR_IN ?
	    " or give this SA another SPI" : "");
}

/*
 * Picks the slot and checks it.  An inbound SA has one possible slot, so
 * checking it finds a duplicate too.  An outbound SA put where the caller
 * says is checked there only (the caller, nicsecd, keeps SPIs apart); one
 * placed here is looked for first, so `sa del spi` never meets two.
 */
static int
add_locked(struct nicsec *card, const struct nicsec_sa *sa, int want,
    unsigned *slot_out)
{
	uint32_t used[4096 / 32];
	unsigned slot, other, home = sa->spi & (card->caps.sa_slots - 1);
	int rc;

	if (sa->dir == SA_DIR_IN && want != NICSEC_SLOT_AUTO &&
	    (unsigned)want != home)
		return card_err(card, "inbound SA spi 0x%08x must go in slot "
		    "0x%03x (the SPI's low bits, which the card looks it up "
		    "by), not 0x%03x", sa->spi, home, (unsigned)want);
	if (sa->dir == SA_DIR_IN)
		slot = home;
	else if (want != NICSEC_SLOT_AUTO)
		slot = (unsigned)want;
	else {
		if (used_locked(card, used) != 0)
			return -1;
		rc = sa_find_locked(card, sa->dir, sa->spi, sa->family,
		    sa->dst, used, &other);
		if (rc < 0)
			return -1;
		if (rc == 1)
			return card_err(card, "outbound SA spi 0x%08x to that "
			    "destination is installed already, in slot 0x%03x "
			    "(sa update replaces it)", sa->spi, other);
		for (slot = 0; slot < card->caps.sa_slots; slot++)
			if (!(used[slot / 32] >> (slot % 32) & 1))
				break;
		if (slot == card->caps.sa_slots)
			return card_err(card, "no free SA slot: all %u hold an "
			    "SA", card->caps.sa_slots);
	}
	if (slot_ok(card, slot) != 0 || slot_free(card, slot, sa) != 0)
		return -1;
	if (install(card, sa, slot, sa_start_seq(sa)) != 0)
		return -1;
	if (slot_out != NULL)
		*slot_out = slot;
	return 0;
}

int
nicsec_sa_add(struct nicsec *card, struct nicsec_sa *sa, int slot,
    unsigned *slot_out)
{
	int rc = -1;

	if (sa_ok(card, sa) == 0 && card_lock(card) == 0) {
		rc = add_locked(card, sa, slot, slot_out);
		card_unlock(card);
	}
	wipe(sa->key, sizeof(sa->key));
	wipe(sa->salt, sizeof(sa->salt));
	return rc;
}

/* The counter sel of slot, read whole; locked by caller. */
static uint64_t
counter_locked(struct nicsec *card, unsigned slot, unsigned sel)
{
	uint64_t lo;

	nicsec_wr32(card->dev, BAR0_CNT_SEL, slot << BAR0_CNT_SEL_IDX_SHIFT |
	    sel << BAR0_CNT_SEL_SEL_SHIFT);
	lo = nicsec_rd32(card->dev, BAR0_CNT_LO);
	return lo | (uint64_t)nicsec_rd32(card->dev, BAR0_CNT_HI) << 32;
}

static int
update_locked(struct nicsec *card, const struct nicsec_sa *sa,
    unsigned *slot_out)
{
	unsigned slot;
	uint64_t seq = sa_start_seq(sa);
	int rc;

	rc = sa_find_locked(card, sa->dir, sa->spi, sa->family, sa->dst, NULL,
	    &slot);
	if (rc < 0)
		return -1;
	if (rc == 0)
		return card_err(card, "no %s SA spi 0x%08x to that destination "
		    "to update (sa add installs one)", dir_name(sa->dir),
		    sa->spi);
	if (sa->dir == SA_DIR_OUT) {
		/* Never send a sequence number twice under one key. */
		uint64_t last = counter_locked(card, slot, NICSEC_SA_LAST_SEQ);

		if (card_dev_check(card) != 0)
			return -1;
		if (last > seq)
			seq = last;
	}
	if (install(card, sa, slot, seq) != 0)
		return -1;
	if (slot_out != NULL)
		*slot_out = slot;
	return 0;
}

int
nicsec_sa_update(struct nicsec *card, struct nicsec_sa *sa,
    unsigned *slot_out)
{
	int rc = -1;

	if (sa_ok(card, sa) == 0 && card_lock(card) == 0) {
		rc = update_locked(card, sa, slot_out);
		card_unlock(card);
	}
	wipe(sa->key, sizeof(sa->key));
	wipe(sa->salt, sizeof(sa->salt));
	return rc;
}

int
nicsec_sa_del(struct nicsec *card, unsigned slot)
{
	uint32_t word;
	int rc;

	if (slot_ok(card, slot) != 0 || card_lock(card) != 0)
		return -1;
	/* The one word of SA_USED that holds the slot. */
	word = nicsec_rd32(card->dev, BAR0_SA_USED_AT(slot / 32));
	rc = card_dev_check(card);
	if (rc == 0 && !(word >> (slot % 32) & 1))
		rc = card_err(card, "slot 0x%03x holds no SA", slot);
	if (rc == 0) {
		/* A record with valid 0 is a delete; the rest is ignored. */
		nicsec_wr32(card->dev, BAR0_SA_INDEX, slot);
		nicsec_wr32(card->dev, BAR0_SA_REC_AT(0), 0);
		rc = commit(card, BAR0_SA_COMMIT_GO_MASK);
	}
	card_unlock(card);
	return rc;
}

int
nicsec_sa_read(struct nicsec *card, unsigned slot, struct nicsec_sa *sa)
{
	uint32_t rec[SA_REC_WORDS];
	int rc;

	memset(sa, 0, sizeof(*sa));
	if (slot_ok(card, slot) != 0 || card_lock(card) != 0)
		return -1;
	rc = read_rec(card, slot, rec);
	card_unlock(card);
	if (rc != 0)
		return -1;
	return sa_record_unpack(rec, sa);
}
