/*
 * ike_sa.c - an IKE SA's state, freed.  See ike_sa.h.
 */
#include "ike_sa.h"

#include <openssl/crypto.h>

void
ike_sa_clear(struct ike_sa *sa)
{
	ike_dh_free(sa->dh);
	sa->dh = NULL;
	ike_keys_wipe(&sa->keys);
	ike_sk_wipe(&sa->sk_out);
	ike_sk_wipe(&sa->sk_in);
	OPENSSL_cleanse(sa->ni, sizeof(sa->ni));
	OPENSSL_cleanse(sa->nr, sizeof(sa->nr));
}
