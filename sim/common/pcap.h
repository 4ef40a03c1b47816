/*
 * pcap.h - classic libpcap capture files of Ethernet frames.
 *
 * `nicsec-sim replay` reads its LAN and WAN input from pcap files and writes
 * what the card sent to others, so that tcpdump, Wireshark or scapy can make
 * and check them.  Only the classic format (not pcapng) and only
 * LINKTYPE_ETHERNET (1).
 *
 * Reading takes microsecond (0xa1b2c3d4) and nanosecond (0xa1b23c4d) files
 * in either byte order.  Each record must hold a whole frame of 14 to
 * PCAP_MAX_FRAME bytes: a frame cut short by the capture's snaplen, or a
 * giant one from a capture with GRO/TSO on, can not be replayed, so either is
 * an error naming the record (numbered from 1).
 *
 * Writing makes nanosecond files in the host's byte order, so timestamps
 * round-trip exactly; libpcap 1.5 and later, Wireshark and scapy read them.
 *
 * The names are ours, not libpcap's (pcap_next() is also a libpcap
 * function): don't link this with -lpcap.  Valid C and C++.
 */
#ifndef NICSEC_PCAP_H
#define NICSEC_PCAP_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Largest frame read or written: jumbo frames and then some. */
#define PCAP_MAX_FRAME	16384
/* Smallest: an Ethernet header. */
#define PCAP_MIN_FRAME	14

struct pcap_reader;
struct pcap_writer;

/*
 * Opens path and checks its file header.  Returns NULL with a "path: what"
 * message in err if it can't be read or is not a classic Ethernet pcap.
 */
struct pcap_reader *pcap_open_read(const char *path, char *err,
                                   size_t errlen);

/*
 * Reads the next frame.  Returns 1 with *data (valid until the next call or
 * pcap_close_read), *len and *ts_ns (nanoseconds since the epoch) set; 0 at
 * the end of the file; -1 with a "path: record N: what" message in err.
 * After -1 every later call returns -1 again.
 */
int pcap_next(struct pcap_reader *r, const uint8_t **data, size_t *len,
              uint64_t *ts_ns, char *err, size_t errlen);

/* NULL is fine. */
void pcap_close_read(struct pcap_reader *r);

/*
 * Creates (or truncates) path and writes the file header.  Returns NULL with
 * a "path: what" message in err on failure.
 */
struct pcap_writer *pcap_open_write(const char *path, char *err,
                                    size_t errlen);

/*
 * Appends one frame of PCAP_MIN_FRAME..PCAP_MAX_FRAME bytes taken at ts_ns
 * (nanoseconds since the epoch, before 2106).  Returns 0, or -1 with the
 * reason in pcap_write_error(w); the first error sticks, and
 * pcap_close_write() reports it too.
 */
int pcap_write(struct pcap_writer *w, const uint8_t *data, size_t len,
               uint64_t ts_ns);

/* The first error of w, or "" if there was none. */
const char *pcap_write_error(const struct pcap_writer *w);

/*
 * Flushes and closes w, and frees it.  Returns 0, or -1 with a "path: what"
 * message in err if any write or the close failed (the file is then
 * incomplete).  NULL is fine and returns 0.
 */
int pcap_close_write(struct pcap_writer *w, char *err, size_t errlen);

#ifdef __cplusplus
}
#endif

#endif /* NICSEC_PCAP_H */
