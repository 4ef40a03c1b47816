/*
 * sa_pack.h - an SA (struct nicsec_sa) as the card takes it: the SA record
 * (regmap/sa_record.def), the key in the GCM engine's layout and the
 * sequence number written beside the record.
 *
 * One piece for everything that installs SAs: `nicsec-sim replay` now,
 * libnicsec later, so the two can never disagree about the layout.  The
 * record's field positions come from the generated sa_record.h
 * ($(BUILD)/gen, from regmap/sa_record.def); this file is named apart from
 * it so that both can be on one include path.
 *
 * A record is SA_REC_WORDS 32-bit words, word 0 holding bits 31:0: the order
 * of the words of a Verilator port, and of the registers a driver writes.
 * Valid C and C++.
 */
#ifndef NICSEC_SA_PACK_H
#define NICSEC_SA_PACK_H

#include <stddef.h>
#include <stdint.h>

#include "sa_parse.h"
#include "sa_record.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Words of the engine's key port: 256 bits. */
#define SA_KEY_WORDS	8

/*
 * Fills rec with sa's record, valid set.  Addresses go in as 128-bit numbers
 * (an IPv4 address in the low 32 bits, the first byte of any address on
 * top), MACs and the salt first byte on top.  An inbound SA without a
 * selector gets sel_any; limits not given stay all ones, as the card reads
 * "no limit".  Bits above SA_REC_BITS are zero.
 */
void sa_record_pack(const struct nicsec_sa *sa, uint32_t rec[SA_REC_WORDS]);

/*
 * The other way: the SA a record read back from the card describes, without
 * its key (never readable), reqid, sequence numbers or selector protocol
 * (not in the record), encap's OADDR shown as 0.0.0.0.  Returns 1, or 0 with
 * *sa zeroed when the record's valid bit is 0 (an empty slot).
 */
int sa_record_unpack(const uint32_t rec[SA_REC_WORDS], struct nicsec_sa *sa);

/*
 * The key as the GCM engine's key_data port takes it: key byte 0 in the top
 * bits, a 128-bit key in the top half with zeros under it.  Returns 1 for a
 * 256-bit key (the port's key_256), else 0.
 */
int sa_key_words(const struct nicsec_sa *sa, uint32_t words[SA_KEY_WORDS]);

/*
 * The sequence number the card starts the SA from, as xfrm keeps it: for an
 * outbound SA the last number sent (oseq; the first packet carries one more),
 * for an inbound SA the highest already seen (seq).  The -hi halves are on
 * top.
 */
uint64_t sa_start_seq(const struct nicsec_sa *sa);

/*
 * Field access, for the packer and for whoever reads a record back: a field
 * of 1..64 bits at bit lsb.  sa_record_put_bytes() writes the n bytes at p
 * as one big-endian number (p[0] the most significant byte) into a field of
 * at least 8 * n bits, with zeros above them.
 */
void sa_record_put(uint32_t *rec, unsigned lsb, unsigned bits, uint64_t v);
void sa_record_put_bytes(uint32_t *rec, unsigned lsb, unsigned bits,
                         const uint8_t *p, size_t n);
uint64_t sa_record_get(const uint32_t *rec, unsigned lsb, unsigned bits);

#ifdef __cplusplus
}
#endif

#endif /* NICSEC_SA_PACK_H */
