/*
 * ike_xform.h - IKEv2 transforms (RFC 7296 3.3.2, IANA "IKEv2 Parameters")
 * as nicsec supports them, strongSwan proposal strings, and proposal
 * selection.
 *
 * nicsec supports:
 *	ENCR	AES_CBC (12) and AES_GCM_16 (20), 128- or 256-bit keys (the
 *		Key Length attribute, 14); for ESP only AES_GCM_16, which is
 *		all the card does
 *	PRF	PRF_HMAC_SHA2_256/384/512 (5/6/7)
 *	INTEG	HMAC_SHA2_256_128/384_192/512_256 (12/13/14), IKE only
 *	KE	MODP_2048/3072/4096 (14/15/16), ECP_256/384/521 (19/20/21),
 *		CURVE_25519 (31)
 *	ESN	NO_EXT_SEQ (0), EXT_SEQ (1), ESP only
 *
 * Proposal strings are strongSwan's (swanctl.conf(5) `proposals` and
 * `esp_proposals`, keywords from its proposal_keywords_static.txt):
 * dash-separated keywords, each adding an alternative to its transform
 * type, the order of each type's alternatives being the preference; commas
 * between proposals.  The rules are strongSwan's (proposal.c,
 * check_proposal()):
 *  - IKE: an encryption algorithm, a PRF and a DH group are mandatory.
 *    With no prf* keyword the PRF is taken from each integrity keyword
 *    (sha256 -> PRF_HMAC_SHA2_256).  Classic and AEAD ciphers can't be in
 *    one proposal; classic ones need an integrity algorithm; with AEAD
 *    ciphers the integrity keywords only give the PRF and are dropped.
 *  - ESP: AEAD only (the card does AES-GCM); prf* keywords and, beside an
 *    AEAD, integrity keywords are dropped as strongSwan drops them; a DH
 *    group means PFS (the KE of CREATE_CHILD_SA); no esn/noesn means noesn.
 *  - `default`, alone or in the list, is nicsec's nearest to strongSwan
 *    5.9's default (the supported part of it, in its order):
 *	IKE: AES_CBC_128/AES_CBC_256/HMAC_SHA2_256_128/HMAC_SHA2_384_192/
 *	     HMAC_SHA2_512_256/PRF_HMAC_SHA2_256/PRF_HMAC_SHA2_384/
 *	     PRF_HMAC_SHA2_512/ECP_256/ECP_384/ECP_521/CURVE_25519/MODP_3072/
 *	     MODP_4096/MODP_2048, then the same with AES_GCM_16_128/
 *	     AES_GCM_16_256 and no integrity algorithm
 *	ESP: AES_GCM_16_128/AES_GCM_16_256/NO_EXT_SEQ
 *    (strongSwan adds 192-bit keys, CBC/CTR/Camellia/ChaCha20, SHA-1 and
 *    XCBC/CMAC, brainpool and 448 curves, MODP 6144/8192, and for ESP a
 *    second, AES-CBC proposal: none of which nicsec does.)
 */
#ifndef NICSEC_IKE_XFORM_H
#define NICSEC_IKE_XFORM_H

#include <stddef.h>
#include <stdint.h>

/* Protocol IDs (RFC 7296 3.3.1). */
#define IKE_PROTO_IKE		1
#define IKE_PROTO_ESP		3

/* Transform types (RFC 7296 3.3.2). */
#define IKE_XF_ENCR		1
#define IKE_XF_PRF		2
#define IKE_XF_INTEG		3
#define IKE_XF_KE		4
#define IKE_XF_ESN		5
#define IKE_XF_NTYPES		6	/* index by type; 0 unused */

/* The transform IDs nicsec supports. */
#define ENCR_AES_CBC		12
#define ENCR_AES_GCM_16		20
#define PRF_HMAC_SHA2_256	5
#define PRF_HMAC_SHA2_384	6
#define PRF_HMAC_SHA2_512	7
#define AUTH_HMAC_SHA2_256_128	12
#define AUTH_HMAC_SHA2_384_192	13
#define AUTH_HMAC_SHA2_512_256	14
#define KE_MODP_2048		14
#define KE_MODP_3072		15
#define KE_MODP_4096		16
#define KE_ECP_256		19
#define KE_ECP_384		20
#define KE_ECP_521		21
#define KE_CURVE_25519		31
#define ESN_NO			0
#define ESN_YES			1

/* Alternatives per transform type in one proposal; proposals in a list. */
#define IKE_XF_MAX		16
#define IKE_PROPOSALS_MAX	16

struct ike_xform {
	uint16_t id;
	uint16_t keylen;	/* bits; 0 when the transform has none */
};

/*
 * One proposal: for each transform type, its alternatives in order of
 * preference.  A proposal read off the wire should leave out a proposal
 * with a transform type it does not know (RFC 7296 3.3.6 makes it
 * unacceptable), and may hold transform IDs nicsec does not support.
 */
struct ike_proposal {
	int		 protocol;		/* IKE_PROTO_* */
	uint8_t		 number;		/* on the wire; 0 for ours */
	uint8_t		 n[IKE_XF_NTYPES];
	struct ike_xform xf[IKE_XF_NTYPES][IKE_XF_MAX];
};

/*
 * Parses a strongSwan proposal list (the value of `proposals` or
 * `esp_proposals`) into out[0..max).  0 with *n set, or -1 with a message
 * in err naming the keyword and what nicsec takes instead.
 */
int ike_xform_parse(int protocol, const char *s, struct ike_proposal *out,
    size_t max, size_t *n, char *err, size_t errlen);

/* nicsec's `default` for protocol into out[0..max); returns how many. */
size_t ike_xform_default(int protocol, struct ike_proposal *out, size_t max);

/* Transform names as strongSwan logs them ("AES_GCM_16", "MODP_2048");
 * NULL for an ID we have no name for. */
const char *ike_xform_name(int type, uint16_t id);

/* 1 if nicsec supports that transform, with that key length, for
 * protocol; else 0. */
int ike_xform_supported(int protocol, int type, uint16_t id,
    uint16_t keylen);

/* In ike_xform_select()'s flags: ignore KE, as for the CHILD_SA made in
 * IKE_AUTH, whose keys come from the IKE SA (RFC 7296 1.2). */
#define IKE_XFORM_SKIP_KE	0x1

/*
 * Picks the proposal to accept, as a responder, as strongSwan does by
 * default (charon.prefer_configured_proposals = yes): our proposals in our
 * order, for each the peer's in theirs, the first pair where every
 * transform type has an alternative in common; within a type, our order
 * of preference.  (RFC 7296 2.7 leaves the choice to the responder.)  An
 * AEAD cipher makes the integrity type moot; for ESP a KE type is optional
 * (both have none, or one side offers NONE).  Returns 0 with *chosen
 * holding one transform per type and the peer's proposal number, and
 * *theirs_index (if not NULL) the index of that proposal in theirs; -1
 * when nothing matches.  Pure: reads only its arguments.
 */
int ike_xform_select(const struct ike_proposal *ours, size_t n_ours,
    const struct ike_proposal *theirs, size_t n_theirs, unsigned flags,
    struct ike_proposal *chosen, size_t *theirs_index);

/*
 * Writes one proposal as strongSwan logs it, transforms by type in the
 * order ENCR, INTEG, PRF, KE, ESN:
 * "AES_CBC_128/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048".  An ID
 * without a name is written "UNKNOWN_<type>_<id>".  Returns what snprintf
 * would.
 */
int ike_xform_format(const struct ike_proposal *p, char *buf, size_t len);

/* A list, strongSwan's way: "IKE:AES_CBC_128/..., IKE:AES_GCM_16_256/...". */
int ike_xform_format_list(const struct ike_proposal *p, size_t n, char *buf,
    size_t len);

/*
 * The line for a failed selection: "peer proposed <theirs>; we accept
 * <ours>", each a list as ike_xform_format_list() writes it.
 */
int ike_xform_mismatch(const struct ike_proposal *ours, size_t n_ours,
    const struct ike_proposal *theirs, size_t n_theirs, char *buf,
    size_t len);

#endif /* NICSEC_IKE_XFORM_H */
