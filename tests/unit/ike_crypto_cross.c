/*
 * ike_crypto_cross.c - host/ike_crypto.c against an independent Python
 * implementation of the same RFCs (tests/unit/ike_crypto_oracle.py, on
 * python3-cryptography), on the same random inputs.
 *
 *	ike_crypto_cross [--cases N] [--seed S] [--python PATH]
 *	    [--oracle PATH] [--keep]
 *
 * Each case is one IKE SA's life: a DH exchange from fixed private keys,
 * SKEYSEED and the seven keys, a CHILD_SA's KEYMAT without and with PFS,
 * a rekey into another suite (with another PRF), the initiator's AUTH
 * octets and PSK AUTH, and one SK payload each way.  Cases go through
 * every DH group with every IKE suite (7 x 24 = 168 cases make one round),
 * nonces of 16 to 256 bytes, payloads before the SK payload or not.  The
 * C side writes the inputs and the message it sealed; the oracle answers
 * with everything it computed, the message opened, the same message
 * sealed again with C's IV (which must be the same bytes), and a message
 * of its own (random IV, random padding) that C must open.  Every answer
 * is compared byte for byte.  Exit 0 if all agree; else the differences
 * are printed and the directory with both files is kept.
 */
#define _DEFAULT_SOURCE		/* mkdtemp() */

#include <errno.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cross_out.h"
#include "ike_crypto.h"
#include "rng.h"

extern char **environ;

#define N(a)		(sizeof(a) / sizeof((a)[0]))
#define MAX_OUT		40
#define PLAIN_MAX	1500

static const uint16_t groups[] = { KE_MODP_2048, KE_MODP_3072,
    KE_MODP_4096, KE_ECP_256, KE_ECP_384, KE_ECP_521, KE_CURVE_25519 };
static struct ike_suite suites[24];
static size_t nsuites;

struct field {
	char	 name[24];
	uint8_t	*p;
	size_t	 len;
	int	 answered;
};

struct kase {
	unsigned int	 seed;
	uint16_t	 group, esp_bits;
	struct ike_suite s, rs;
	uint8_t		 priv_i[IKE_DH_MAX], priv_r[IKE_DH_MAX];
	size_t		 privlen;
	uint8_t		 ni[IKE_NONCE_MAX], nr[IKE_NONCE_MAX];
	size_t		 nilen, nrlen;
	uint64_t	 spi_i, spi_r;
	uint8_t		 pfs_gir[IKE_DH_MAX];
	size_t		 pfslen;
	uint8_t		 rni[IKE_NONCE_MAX], rnr[IKE_NONCE_MAX];
	uint8_t		 rgir[IKE_DH_MAX];
	size_t		 rnilen, rnrlen, rgirlen;
	uint64_t	 rspi_i, rspi_r;
	uint8_t		 psk[64], msg1[600], id[44];
	size_t		 psklen, m1len, idlen;
	size_t		 sk_off;
	uint8_t		 prefix[80];
	uint8_t		 plain[PLAIN_MAX], plain_r[PLAIN_MAX];
	size_t		 plen, plen_r;
	uint8_t		 msg[PLAIN_MAX + 200];
	size_t		 mlen;
	struct ike_sk_ctx in;		/* the initiator's: for sk_msg_r */
	struct field	 out[MAX_OUT];
	size_t		 nout;
	int		 opened;
};

static uint64_t rng;
static size_t nchecks, nbad;

/* splitmix64 (rng.h): reproducible from --seed. */
static uint64_t
rnd(void)
{
	return rng_splitmix64(&rng);
}

static size_t
between(size_t lo, size_t hi)
{
	return lo + (size_t)(rnd() % (hi - lo + 1));
}

static void
rbytes(uint8_t *p, size_t n)
{
	while (n-- > 0)
		*p++ = (uint8_t)rnd();
}

static void
die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "ike_crypto_cross: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	exit(1);
}

static void
make_suites(void)
{
	static const uint16_t prfs[] = { PRF_HMAC_SHA2_256, PRF_HMAC_SHA2_384,
	    PRF_HMAC_SHA2_512 };
	static const uint16_t integs[] = { AUTH_HMAC_SHA2_256_128,
	    AUTH_HMAC_SHA2_384_192, AUTH_HMAC_SHA2_512_256 };
	static const uint16_t bits[] = { 128, 256 };
	size_t p, i, b;

	for (p = 0; p < N(prfs); p++)
		for (b = 0; b < N(bits); b++) {
			for (i = 0; i < N(integs); i++)
				suites[nsuites++] = (struct ike_suite){
				    ENCR_AES_CBC, bits[b], integs[i], prfs[p],
				    0 };
			suites[nsuites++] = (struct ike_suite){
			    ENCR_AES_GCM_16, bits[b], 0, prfs[p], 0 };
		}
}

static void
add(struct kase *k, const char *name, const uint8_t *p, size_t len)
{
	struct field *f;

	if (k->nout == MAX_OUT)
		die("too many fields");
	f = &k->out[k->nout++];
	snprintf(f->name, sizeof(f->name), "%s", name);
	if ((f->p = malloc(len > 0 ? len : 1)) == NULL)
		die("out of memory");
	memcpy(f->p, p, len);
	f->len = len;
}

static void
add_keys(struct kase *k, const char *pre, const struct ike_keys *keys)
{
	static const char *const names[] = { "d", "ai", "ar", "ei", "er",
	    "pi", "pr" };
	const struct ike_key *v[] = { &keys->d, &keys->ai, &keys->ar,
	    &keys->ei, &keys->er, &keys->pi, &keys->pr };
	char name[24];
	size_t i;

	for (i = 0; i < N(names); i++) {
		snprintf(name, sizeof(name), "%ssk_%s", pre, names[i]);
		add(k, name, v[i]->b, v[i]->len);
	}
}

/* A private key valid for the group: below the curve's order. */
static void
gen_private(uint16_t group, uint8_t *p, size_t *len)
{
	switch (group) {
	case KE_MODP_2048: case KE_MODP_3072: case KE_MODP_4096:
		*len = between(32, 64);
		rbytes(p, *len);
		p[0] |= 0x80;
		return;
	case KE_CURVE_25519:
		*len = 32;
		rbytes(p, 32);
		return;
	}
	*len = ike_dh_shared_len(group);
	rbytes(p, *len);
	/* P-256's and P-384's orders start with 0xff, P-521's with 0x01
	 * 0xff: stay under them. */
	if (group == KE_ECP_521) {
		p[0] &= 1;
		if (p[0] == 1 && p[1] == 0xff)
			p[1] = 0xfe;
	} else if (p[0] == 0xff)
		p[0] = 0xfe;
	p[*len - 1] |= 1;
}

static void
gen(struct kase *k, size_t i)
{
	size_t j, extra;

	memset(k, 0, sizeof(*k));
	k->seed = (unsigned int)rnd();
	k->group = groups[i % N(groups)];
	k->s = suites[(i / N(groups)) % nsuites];
	k->rs = suites[(size_t)rnd() % nsuites];
	k->esp_bits = rnd() % 2 ? 256 : 128;
	gen_private(k->group, k->priv_i, &k->privlen);
	gen_private(k->group, k->priv_r, &j);
	if (j != k->privlen) {		/* MODP: one length for both */
		gen_private(k->group, k->priv_r, &j);
		k->privlen = j < k->privlen ? j : k->privlen;
	}
	k->nilen = between(IKE_NONCE_MIN, IKE_NONCE_MAX);
	k->nrlen = between(IKE_NONCE_MIN, IKE_NONCE_MAX);
	rbytes(k->ni, k->nilen);
	rbytes(k->nr, k->nrlen);
	k->spi_i = rnd();
	k->spi_r = rnd();
	k->pfslen = ike_dh_shared_len(k->group);
	rbytes(k->pfs_gir, k->pfslen);
	k->rnilen = between(IKE_NONCE_MIN, IKE_NONCE_MAX);
	k->rnrlen = between(IKE_NONCE_MIN, IKE_NONCE_MAX);
	rbytes(k->rni, k->rnilen);
	rbytes(k->rnr, k->rnrlen);
	k->rgirlen = ike_dh_shared_len(groups[rnd() % N(groups)]);
	rbytes(k->rgir, k->rgirlen);
	k->rspi_i = rnd();
	k->rspi_r = rnd();
	k->psklen = between(1, sizeof(k->psk));
	rbytes(k->psk, k->psklen);
	k->m1len = between(40, sizeof(k->msg1));
	rbytes(k->msg1, k->m1len);
	k->idlen = between(5, sizeof(k->id));
	rbytes(k->id, k->idlen);
	k->id[0] = 2;			/* ID_FQDN */
	k->id[1] = k->id[2] = k->id[3] = 0;

	/* The IKE header, maybe a payload in the clear, the SK header. */
	extra = rnd() % 2 ? between(8, 40) : 0;
	k->sk_off = 28 + extra;
	rbytes(k->prefix, k->sk_off + 4);
	k->prefix[16] = extra ? 41 : 46;
	k->prefix[17] = 0x20;
	k->prefix[18] = (uint8_t)between(35, 37);
	memset(k->prefix + 24, 0, 4);
	if (extra) {
		k->prefix[28] = 46;
		k->prefix[29] = 0;
		k->prefix[30] = 0;
		k->prefix[31] = (uint8_t)extra;
	}
	k->prefix[k->sk_off + 1] = 0;
	memset(k->prefix + k->sk_off + 2, 0, 2);
	k->plen = between(0, PLAIN_MAX);
	k->plen_r = between(0, PLAIN_MAX);
	rbytes(k->plain, k->plen);
	rbytes(k->plain_r, k->plen_r);
}

static void
compute(struct kase *k)
{
	uint8_t pi[IKE_DH_MAX], pr[IKE_DH_MAX], gi[IKE_DH_MAX], gr[IKE_DH_MAX];
	uint8_t key[2 * IKE_NONCE_MAX], seed[IKE_PRF_MAX], oct[1000];
	uint8_t auth[IKE_PRF_MAX];
	size_t plen = ike_dh_public_len(k->group), li, lr, n, pl;
	struct ike_dh *di, *dr;
	struct ike_keys keys, rkeys;
	struct ike_child_keys ck;
	struct ike_sk_ctx out;
	struct ike_iov v[3];
	char err[256];

	if (ike_dh_new_private(k->group, k->priv_i, k->privlen, &di, err,
	    sizeof(err)) != 0 ||
	    ike_dh_new_private(k->group, k->priv_r, k->privlen, &dr, err,
	    sizeof(err)) != 0)
		die("group %u: %s", k->group, err);
	ike_dh_public(di, pi, plen);
	ike_dh_public(dr, pr, plen);
	add(k, "pub_i", pi, plen);
	add(k, "pub_r", pr, plen);
	li = lr = IKE_DH_MAX;
	if (ike_dh_shared(di, pr, plen, gi, &li, err, sizeof(err)) != 0 ||
	    ike_dh_shared(dr, pi, plen, gr, &lr, err, sizeof(err)) != 0)
		die("group %u: %s", k->group, err);
	if (li != lr || memcmp(gi, gr, li) != 0)
		die("group %u: the two sides' g^ir differ", k->group);
	add(k, "gir", gi, li);
	ike_dh_free(di);
	ike_dh_free(dr);

	pl = ike_prf_len(k->s.prf);
	memcpy(key, k->ni, k->nilen);
	memcpy(key + k->nilen, k->nr, k->nrlen);
	if (ike_prf(k->s.prf, key, k->nilen + k->nrlen, gi, li, seed) != 0)
		die("prf");
	add(k, "skeyseed", seed, pl);
	if (ike_sa_keys(&k->s, k->ni, k->nilen, k->nr, k->nrlen, gi, li,
	    k->spi_i, k->spi_r, &keys, err, sizeof(err)) != 0)
		die("%s", err);
	add_keys(k, "", &keys);

	if (ike_child_keymat(k->s.prf, &keys.d, ENCR_AES_GCM_16, k->esp_bits,
	    NULL, 0, k->ni, k->nilen, k->nr, k->nrlen, &ck, err,
	    sizeof(err)) != 0)
		die("%s", err);
	add(k, "keymat_i2r", ck.i2r.b, ck.i2r.len);
	add(k, "keymat_r2i", ck.r2i.b, ck.r2i.len);
	if (ike_child_keymat(k->s.prf, &keys.d, ENCR_AES_GCM_16, k->esp_bits,
	    k->pfs_gir, k->pfslen, k->ni, k->nilen, k->nr, k->nrlen, &ck, err,
	    sizeof(err)) != 0)
		die("%s", err);
	add(k, "keymat_pfs_i2r", ck.i2r.b, ck.i2r.len);
	add(k, "keymat_pfs_r2i", ck.r2i.b, ck.r2i.len);

	v[0].p = k->rgir; v[0].len = k->rgirlen;
	v[1].p = k->rni; v[1].len = k->rnilen;
	v[2].p = k->rnr; v[2].len = k->rnrlen;
	if (ike_prf_v(k->s.prf, keys.d.b, keys.d.len, v, 3, seed) != 0)
		die("prf");
	add(k, "rekey_skeyseed", seed, pl);
	if (ike_sa_rekey(&k->rs, k->s.prf, &keys.d, k->rni, k->rnilen, k->rnr,
	    k->rnrlen, k->rgir, k->rgirlen, k->rspi_i, k->rspi_r, &rkeys, err,
	    sizeof(err)) != 0)
		die("%s", err);
	add_keys(k, "rekey_", &rkeys);

	if (ike_auth_octets(k->s.prf, &keys.pi, k->msg1, k->m1len, k->nr,
	    k->nrlen, k->id, k->idlen, oct, sizeof(oct), &n) != 0 ||
	    ike_auth_psk(k->s.prf, k->psk, k->psklen, oct, n, auth) != 0 ||
	    ike_auth_psk_verify(k->s.prf, k->psk, k->psklen, oct, n, auth,
	    pl) != 0)
		die("auth");
	add(k, "auth_octets", oct, n);
	add(k, "auth_psk", auth, pl);

	if (ike_sk_pair(&k->s, &keys, 1, &out, &k->in, err, sizeof(err)) != 0)
		die("%s", err);
	memcpy(k->msg, k->prefix, k->sk_off + 4);
	if (ike_sk_seal(&out, k->msg, sizeof(k->msg), k->sk_off, k->plain,
	    k->plen, &k->mlen, err, sizeof(err)) != 0)
		die("%s", err);
	add(k, "sk_open", k->plain, k->plen);
	add(k, "sk_reseal", k->msg, k->mlen);
	ike_sk_wipe(&out);
	ike_keys_wipe(&keys);
	ike_keys_wipe(&rkeys);
	ike_child_keys_wipe(&ck);
}

static void
write_case(FILE *f, size_t i, const struct kase *k)
{
	fprintf(f, "case %zu\nseed %u\ngroup %u\n", i, k->seed, k->group);
	fprintf(f, "encr %u\nencr_bits %u\ninteg %u\nprf %u\n", k->s.encr,
	    k->s.encr_bits, k->s.integ, k->s.prf);
	cross_put(f, "priv_i", k->priv_i, k->privlen);
	cross_put(f, "priv_r", k->priv_r, k->privlen);
	cross_put(f, "ni", k->ni, k->nilen);
	cross_put(f, "nr", k->nr, k->nrlen);
	cross_put64(f, "spi_i", k->spi_i);
	cross_put64(f, "spi_r", k->spi_r);
	fprintf(f, "esp_bits %u\n", k->esp_bits);
	cross_put(f, "pfs_gir", k->pfs_gir, k->pfslen);
	fprintf(f, "rekey_encr %u\nrekey_encr_bits %u\nrekey_integ %u\n"
	    "rekey_prf %u\n", k->rs.encr, k->rs.encr_bits, k->rs.integ,
	    k->rs.prf);
	cross_put(f, "rekey_ni", k->rni, k->rnilen);
	cross_put(f, "rekey_nr", k->rnr, k->rnrlen);
	cross_put(f, "rekey_gir", k->rgir, k->rgirlen);
	cross_put64(f, "rekey_spi_i", k->rspi_i);
	cross_put64(f, "rekey_spi_r", k->rspi_r);
	cross_put(f, "psk", k->psk, k->psklen);
	cross_put(f, "msg1", k->msg1, k->m1len);
	cross_put(f, "id_i", k->id, k->idlen);
	fprintf(f, "sk_off %zu\n", k->sk_off);
	cross_put(f, "sk_prefix", k->prefix, k->sk_off + 4);
	cross_put(f, "sk_plain", k->plain, k->plen);
	cross_put(f, "sk_msg", k->msg, k->mlen);
	cross_put(f, "sk_plain_r", k->plain_r, k->plen_r);
}

static int
run_oracle(const char *python, const char *oracle, const char *cases,
    const char *answers)
{
	char *argv[] = { (char *)python, (char *)oracle, (char *)cases,
	    (char *)answers, NULL };
	pid_t pid;
	int rc, st;

	if ((rc = posix_spawnp(&pid, python, NULL, NULL, argv, environ)) != 0) {
		fprintf(stderr, "ike_crypto_cross: %s: %s\n", python,
		    strerror(rc));
		return -1;
	}
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			die("waitpid: %s", strerror(errno));
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		fprintf(stderr, "ike_crypto_cross: %s %s failed (status "
		    "%d)\n", python, oracle, st);
		return -1;
	}
	return 0;
}

static size_t
unhex(const char *s, uint8_t *out, size_t max)
{
	size_t n = 0;
	unsigned int b;

	while (s[0] != '\0' && s[0] != '\n' && s[1] != '\0') {
		if (n == max || sscanf(s, "%2x", &b) != 1)
			die("bad hex in the answers");
		out[n++] = (uint8_t)b;
		s += 2;
	}
	return n;
}

static void
mismatch(size_t i, const struct kase *k, const char *what, const char *why)
{
	if (++nbad <= 20)
		fprintf(stderr, "case %zu (group %u, suite %u/%u/%u/%u, "
		    "rekey prf %u): %s: %s\n", i, k->group, k->s.encr,
		    k->s.encr_bits, k->s.integ, k->s.prf, k->rs.prf, what, why);
}

static void
check(struct kase *ks, size_t ncases, size_t i, const char *name,
    const uint8_t *p, size_t len)
{
	struct kase *k = &ks[i];
	uint8_t plain[PLAIN_MAX];
	char err[256];
	size_t j, n;
	int rc;

	if (i >= ncases)
		die("an answer for case %zu", i);
	nchecks++;
	if (strcmp(name, "sk_msg_r") == 0) {
		/* The oracle sealed as the responder: we open as the
		 * initiator. */
		rc = ike_sk_open(&k->in, p, len, k->sk_off, plain,
		    sizeof(plain), &n, err, sizeof(err));
		k->opened = 1;
		if (rc != 0)
			mismatch(i, k, "opening the oracle's SK payload", err);
		else if (n != k->plen_r || memcmp(plain, k->plain_r, n) != 0)
			mismatch(i, k, "opening the oracle's SK payload",
			    "not the plaintext it sealed");
		return;
	}
	for (j = 0; j < k->nout; j++) {
		if (strcmp(k->out[j].name, name) != 0)
			continue;
		k->out[j].answered = 1;
		if (k->out[j].len != len)
			mismatch(i, k, name, "lengths differ");
		else if (memcmp(k->out[j].p, p, len) != 0)
			mismatch(i, k, name, "bytes differ");
		return;
	}
	mismatch(i, k, name, "an answer C does not compute");
}

static void
read_answers(const char *path, struct kase *ks, size_t ncases)
{
	static char line[2 * 70000];
	static uint8_t buf[70000];
	FILE *f;
	size_t cur = (size_t)-1, n;
	char *sp;

	if ((f = fopen(path, "r")) == NULL)
		die("%s: %s", path, strerror(errno));
	while (fgets(line, sizeof(line), f) != NULL) {
		if ((sp = strchr(line, ' ')) == NULL)
			continue;
		*sp++ = '\0';
		if (strcmp(line, "case") == 0) {
			cur = (size_t)strtoul(sp, NULL, 10);
			continue;
		}
		if (strcmp(line, "error") == 0) {
			if (cur >= ncases)
				die("an answer for case %zu", cur);
			sp[strcspn(sp, "\n")] = '\0';
			nchecks++;
			mismatch(cur, &ks[cur], "the oracle", sp);
			continue;
		}
		n = unhex(sp, buf, sizeof(buf));
		check(ks, ncases, cur, line, buf, n);
	}
	fclose(f);
}

static void
usage(void)
{
	fprintf(stderr, "usage: ike_crypto_cross [--cases N] [--seed S] "
	    "[--python PATH] [--oracle PATH] [--keep]\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	const char *python = getenv("NICSEC_PYTHON");
	const char *oracle = "tests/unit/ike_crypto_oracle.py";
	const char *tmp = getenv("TMPDIR");
	char dir[512], cases[600], answers[600];
	unsigned long long seed = (unsigned long long)time(NULL);
	size_t ncases = 336, i, j;
	struct kase *ks;
	int keep = 0, a, ok;
	FILE *f;

	for (a = 1; a < argc; a++) {
		if (strcmp(argv[a], "--keep") == 0)
			keep = 1;
		else if (a + 1 == argc)
			usage();
		else if (strcmp(argv[a], "--cases") == 0)
			ncases = strtoul(argv[++a], NULL, 10);
		else if (strcmp(argv[a], "--seed") == 0)
			seed = strtoull(argv[++a], NULL, 10);
		else if (strcmp(argv[a], "--python") == 0)
			python = argv[++a];
		else if (strcmp(argv[a], "--oracle") == 0)
			oracle = argv[++a];
		else
			usage();
	}
	if (python == NULL || *python == '\0')
		python = "/usr/bin/python3";
	if (ncases == 0)
		usage();
	rng = seed;
	make_suites();
	snprintf(dir, sizeof(dir), "%s/ike-crypto-cross.XXXXXX",
	    tmp != NULL && *tmp != '\0' ? tmp : "/tmp");
	if (mkdtemp(dir) == NULL)
		die("mkdtemp %s: %s", dir, strerror(errno));
	snprintf(cases, sizeof(cases), "%s/cases.txt", dir);
	snprintf(answers, sizeof(answers), "%s/answers.txt", dir);

	if ((ks = calloc(ncases, sizeof(*ks))) == NULL)
		die("out of memory");
	if ((f = fopen(cases, "w")) == NULL)
		die("%s: %s", cases, strerror(errno));
	for (i = 0; i < ncases; i++) {
		gen(&ks[i], i);
		compute(&ks[i]);
		write_case(f, i, &ks[i]);
	}
	if (fclose(f) != 0)
		die("%s: %s", cases, strerror(errno));

	ok = run_oracle(python, oracle, cases, answers) == 0;
	if (ok) {
		read_answers(answers, ks, ncases);
		for (i = 0; i < ncases; i++) {
			for (j = 0; j < ks[i].nout; j++)
				if (!ks[i].out[j].answered)
					mismatch(i, &ks[i], ks[i].out[j].name,
					    "no answer from the oracle");
			if (!ks[i].opened)
				mismatch(i, &ks[i], "sk_msg_r",
				    "no answer from the oracle");
		}
		ok = nbad == 0;
	}
	printf("ike_crypto_cross: %zu cases (%zu groups x %zu suites, seed "
	    "%llu): %zu values compared with %s, %zu differ\n", ncases,
	    N(groups), nsuites, seed, nchecks, oracle, nbad);
	if (ok && !keep) {
		unlink(cases);
		unlink(answers);
		rmdir(dir);
	} else
		printf("ike_crypto_cross: inputs and answers kept in %s\n",
		    dir);
	for (i = 0; i < ncases; i++) {
		for (j = 0; j < ks[i].nout; j++)
			free(ks[i].out[j].p);
		ike_sk_wipe(&ks[i].in);
	}
	free(ks);
	return ok ? 0 : 1;
}
