/*
 * sa_churn - the control path under churn: N SA add/delete cycles through
 * libnicsec against a live card (nicsec-sim run), checked against a model
 * of what the table must hold.
 *
 *	sa_churn SPEC CYCLES SEED [--bench]
 *
 * Each cycle installs one SA (inbound at its SPI's slot, or outbound at a
 * slot chosen by the library) and deletes one, keeping about LIVE SAs in
 * the table, with bad requests mixed in that must change nothing: a second
 * SA for an inbound slot, a duplicate outbound SA, a delete of an empty
 * slot.  Every CHECK_EVERY cycles and at the end the card's used-slot
 * bitmap must equal the model's, and sampled SAs read back must equal what
 * was installed, with counters at 0.  At the end, everything deleted, no
 * slot may stay used and SA_COMMITS must have moved by exactly the commits
 * made.  Outbound SAs are placed by the test (as nicsecd places them) or,
 * one in sixteen, by the library (as nicsecctl does: a search for a duplicate
 * first).  With --bench, one JSON line: for each kind of install, installs
 * a second and the register accesses one took.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "bar0.h"
#include "nicsec.h"
#include "sa_pack.h"

#define LIVE		96
#define CHECK_EVERY	1000
#define MAX_SLOTS	4096

struct slot_model {
	int      used;
	struct nicsec_sa sa;		/* as installed, key wiped */
};

static struct slot_model model[MAX_SLOTS];
static unsigned live[MAX_SLOTS], nlive;
static unsigned long long commits, bad_refused;
static int failures;

#define FAIL(...) do { fprintf(stderr, "sa_churn: FAIL: " __VA_ARGS__); \
	fputc('\n', stderr); failures++; } while (0)

static uint64_t rng_state;

static uint32_t
rnd(void)
{
	/* xorshift64*: reproducible from the seed alone. */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * 2685821657736338717ull) >> 32);
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A random SA line; dir 1 in, 2 out; spi given. */
static void
make_sa(struct nicsec_sa *sa, int dir, uint32_t spi)
{
	char line[1024], key[80], win[32] = "";
	int i, klen = rnd() % 2 ? 16 : 32;
	int esn = rnd() % 2, encap = rnd() % 2;

	for (i = 0; i < klen + 4; i++)
		sprintf(key + 2 * i, "%02x", rnd() & 0xff);
	/* A replay window is an inbound SA's, but ESN needs one either
	 * way, as ip xfrm does. */
	if (dir == SA_DIR_IN || esn)
		snprintf(win, sizeof(win), "replay-window %u ", esn ?
		    1 + rnd() % 4096 : rnd() % 4097);
	snprintf(line, sizeof(line),
	    "src 192.0.2.%u dst 198.51.100.%u proto esp spi 0x%08x mode tunnel"
	    " aead 'rfc4106(gcm(aes))' 0x%s 128 %s%s%s"
	    "sel src 10.%u.%u.0/24 dst 10.200.%u.0/24 dir %s",
	    1 + rnd() % 200, 1 + rnd() % 200, spi, key,
	    esn ? "flag esn " : "",
	    encap ? "encap espinudp 4500 4500 0.0.0.0 " : "", win,
	    rnd() % 256, rnd() % 256, rnd() % 256,
	    dir == SA_DIR_IN ? "in" : "out");
	if (sa_parse_line(line, sa, key, sizeof(key)) != 1) {
		fprintf(stderr, "sa_churn: bad generated line: %s: %s\n", line,
		    key);
		exit(2);
	}
}

/* What a read-back SA must equal: the installed one without what the
 * card does not give back (key and salt) or does not hold. */
static void
as_read_back(struct nicsec_sa *sa)
{
	memset(sa->key, 0, sizeof(sa->key));
	memset(sa->salt, 0, sizeof(sa->salt));
	sa->key_len = 0;
	sa->reqid = 0;
	sa->oseq = sa->seq = 0;
	sa->sel.proto = -1;
	memset(sa->encap_oaddr, 0, sizeof(sa->encap_oaddr));
}

static void
check_slot(struct nicsec *card, unsigned s)
{
	struct nicsec_sa got, want = model[s].sa;
	uint64_t v[NICSEC_SA_NCOUNTERS];
	int rc = nicsec_sa_read(card, s, &got), i;

	if (rc < 0) {
		FAIL("read slot %u: %s", s, nicsec_error(card));
		return;
	}
	if (rc != model[s].used) {
		FAIL("slot %u: card says %s, model says %s", s,
		    rc ? "used" : "empty", model[s].used ? "used" : "empty");
		return;
	}
	if (!rc)
		return;
	/* The salt is keying material (RFC 4106): the card reads it back
	 * as 0, with the key. */
	as_read_back(&want);
	if (memcmp(&got, &want, sizeof(got)) != 0) {
		char a[1024], b[1024];

		sa_format(&want, 0, a, sizeof(a));
		sa_format(&got, 0, b, sizeof(b));
		FAIL("slot %u: SA read back differs from the one installed:\n"
		    "  installed %s\n  read back %s", s, a, b);
	}
	if (nicsec_sa_stats(card, s, v) != 0) {
		FAIL("stats slot %u: %s", s, nicsec_error(card));
		return;
	}
	for (i = 0; i < NICSEC_SA_NCOUNTERS; i++)
		if (v[i] != 0 && !(i == NICSEC_SA_LAST_SEQ &&
		    v[i] == sa_start_seq(&model[s].sa)))
			FAIL("slot %u: counter %s is %" PRIu64 " with no "
			    "traffic", s, nicsec_sa_counter_names[i], v[i]);
}

static void
check_all(struct nicsec *card, unsigned caps_slots)
{
	uint32_t used[MAX_SLOTS / 32];
	unsigned s, i;

	if (nicsec_sa_used(card, used) != 0) {
		FAIL("used bitmap: %s", nicsec_error(card));
		return;
	}
	for (s = 0; s < caps_slots; s++)
		if ((int)(used[s / 32] >> (s % 32) & 1) != model[s].used)
			FAIL("slot %u: SA_USED says %u, model %d", s,
			    used[s / 32] >> (s % 32) & 1, model[s].used);
	for (i = 0; i < 8 && nlive > 0; i++)
		check_slot(card, live[rnd() % nlive]);
	check_slot(card, rnd() % caps_slots);	/* most likely empty */
}

static unsigned
fresh_spi(unsigned slots, int dir)
{
	for (;;) {
		uint32_t spi = rnd() | 0x100;
		unsigned s, i;

		if (dir == SA_DIR_IN && model[spi & (slots - 1)].used)
			continue;
		for (i = 0; i < nlive; i++) {
			s = live[i];
			if (model[s].sa.spi == spi)
				break;
		}
		if (i == nlive)
			return spi;
	}
}

int
main(int argc, char **argv)
{
	struct nicsec *card;
	struct nicsec_sa sa, keep;
	/* Installs by kind: inbound, outbound placed here, outbound placed
	 * by the library (which searches the table for a duplicate). */
	static const char *const kind_name[3] = { "in", "out", "out_auto" };
	unsigned long long r0, w0, r1, w1, adds = 0, add_n[3] = { 0 },
	    add_r[3] = { 0 }, add_w[3] = { 0 };
	double add_time[3] = { 0 }, t;
	int kind, want;
	uint32_t commits0;
	unsigned slots, slot, cycles, c, i;
	char err[256];
	int bench;

	if (argc < 4) {
		fprintf(stderr, "usage: sa_churn SPEC CYCLES SEED [--bench]\n");
		return 2;
	}
	cycles = (unsigned)strtoul(argv[2], NULL, 0);
	rng_state = strtoull(argv[3], NULL, 0) * 0x9e3779b97f4a7c15ull + 1;
	bench = argc > 4 && strcmp(argv[4], "--bench") == 0;
	if (nicsec_open(argv[1], &card, err, sizeof(err)) != 0) {
		fprintf(stderr, "sa_churn: %s\n", err);
		return 1;
	}
	if (nicsec_reset(card) != 0) {
		fprintf(stderr, "sa_churn: %s\n", nicsec_error(card));
		return 1;
	}
	slots = nicsec_caps(card)->sa_slots;
	commits0 = nicsec_rd32(nicsec_device(card), BAR0_SA_COMMITS);

	for (c = 0; c < cycles && failures < 20; c++) {
		int dir = rnd() % 2 ? SA_DIR_IN : SA_DIR_OUT;

		make_sa(&sa, dir, fresh_spi(slots, dir));
		keep = sa;
		/* Most outbound SAs placed as nicsecd places them, one in 16
		 * by the library, as nicsecctl does. */
		want = NICSEC_SLOT_AUTO;
		kind = dir == SA_DIR_IN ? 0 : rnd() % 16 ? 1 : 2;
		if (kind == 1)
			do
				want = (int)(rnd() % slots);
			while (model[want].used);
		nicsec_dev_accesses(nicsec_device(card), &r0, &w0);
		t = now();
		if (nicsec_sa_add(card, &sa, want, &slot) != 0) {
			FAIL("add spi 0x%08x: %s", keep.spi,
			    nicsec_error(card));
			continue;
		}
		add_time[kind] += now() - t;
		nicsec_dev_accesses(nicsec_device(card), &r1, &w1);
		adds++, commits++;
		add_n[kind]++, add_r[kind] += r1 - r0, add_w[kind] += w1 - w0;
		if (kind == 1 && slot != (unsigned)want)
			FAIL("outbound spi 0x%08x asked for slot %d, got %u",
			    keep.spi, want, slot);
		for (i = 0; i < sizeof(sa.key); i++)
			if (sa.key[i] != 0)
				FAIL("key not wiped after add");
		if (model[slot].used)
			FAIL("add gave slot %u, which the model has used", slot);
		if (dir == SA_DIR_IN && slot != (keep.spi & (slots - 1)))
			FAIL("inbound spi 0x%08x went to slot %u", keep.spi,
			    slot);
		model[slot].used = 1;
		model[slot].sa = keep;
		live[nlive++] = slot;

		/* Requests that must be refused and change nothing. */
		if (c % 7 == 0) {
			/* The same SA again, placed as the first was: a
			 * placed one at its slot, the others by the library
			 * (for an outbound SA, a search of the table). */
			sa = keep;
			if (nicsec_sa_add(card, &sa, kind == 1 ? (int)slot :
			    NICSEC_SLOT_AUTO, NULL) == 0)
				FAIL("duplicate spi 0x%08x installed twice",
				    keep.spi);
			else
				bad_refused++;
		}
		if (c % 11 == 0) {
			unsigned e = rnd() % slots;

			if (!model[e].used) {
				if (nicsec_sa_del(card, e) == 0)
					FAIL("delete of empty slot %u accepted",
					    e);
				else
					bad_refused++;
			}
		}

		if (nlive > LIVE) {
			i = rnd() % nlive;
			slot = live[i];
			if (nicsec_sa_del(card, slot) != 0)
				FAIL("del slot %u: %s", slot,
				    nicsec_error(card));
			else
				commits++;
			model[slot].used = 0;
			live[i] = live[--nlive];
		}
		if ((c + 1) % CHECK_EVERY == 0)
			check_all(card, slots);
	}
	check_all(card, slots);
	while (nlive > 0) {
		slot = live[--nlive];
		if (nicsec_sa_del(card, slot) != 0)
			FAIL("del slot %u: %s", slot, nicsec_error(card));
		else
			commits++;
		model[slot].used = 0;
	}
	check_all(card, slots);
	if ((uint32_t)(nicsec_rd32(nicsec_device(card), BAR0_SA_COMMITS) -
	    commits0) != (uint32_t)commits)
		FAIL("SA_COMMITS moved by %u, the test made %llu commits",
		    nicsec_rd32(nicsec_device(card), BAR0_SA_COMMITS) - commits0,
		    commits);

	fprintf(stderr, "sa_churn: %u cycles, %llu installs, %llu commits, "
	    "%llu bad requests refused, %d failures\n", c, adds, commits,
	    bad_refused, failures);
	if (bench)
		printf("[");
	for (kind = 0; kind < 3; kind++) {
		double n = add_n[kind] ? (double)add_n[kind] : 1;

		fprintf(stderr, "  %-8s %6llu installs, %6.0f a second, %.1f BAR "
		    "reads and %.1f writes each\n", kind_name[kind],
		    add_n[kind], add_n[kind] / (add_time[kind] > 0 ?
		    add_time[kind] : 1), add_r[kind] / n, add_w[kind] / n);
		if (bench)
			printf("%s{\"kind\": \"%s\", \"installs\": %llu, "
			    "\"per_s\": %.1f, \"bar_reads\": %.1f, "
			    "\"bar_writes\": %.1f}", kind ? ", " : "",
			    kind_name[kind], add_n[kind], add_n[kind] /
			    (add_time[kind] > 0 ? add_time[kind] : 1),
			    add_r[kind] / n, add_w[kind] / n);
	}
	if (bench)
		printf("]\n");
	nicsec_close(card);
	return failures ? 1 : 0;
}
