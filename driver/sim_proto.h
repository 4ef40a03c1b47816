/*
 * sim_proto.h - the wire between libnicsec's sim backend (driver/sim_dev.c)
 * and `nicsec-sim run --pcie PATH` (sim/run/), which serves the simulated
 * card's BAR0 and host memory.  docs/nicsec-sim.md ("The --pcie socket")
 * is the description; this is the layout both ends compile.
 *
 * A Unix SOCK_SEQPACKET socket at PATH, one connection per opened device.
 * Both ends run on one machine, so fields are in its byte order.
 *
 *  1. The client sends a struct nsim_hello (magic, version).  The server
 *     answers with its own, filled in, and two descriptors with SCM_RIGHTS:
 *     the host-memory region (a memfd of dma_len bytes, which the card
 *     reaches at dma_iova) and the read end of a pipe that gets one byte a
 *     card interrupt.  A server of another version answers with its version
 *     and no descriptors, then closes.
 *  2. After that every message either way is an array of 1 .. NSIM_OPS_MAX
 *     struct nsim_op.  The server performs a message's ops in order, one
 *     register access a card cycle, and answers a message that holds reads
 *     or a lock with one message: a READ_DATA per READ and a LOCKED per
 *     LOCK, in order, once all of them are done.  Writes are not answered.
 *
 * Interrupts travel on the pipe, not the socket, so that a client's poll()
 * on it stays readable until the client takes them however many register
 * reads it makes meanwhile.
 */
#ifndef NICSEC_SIM_PROTO_H
#define NICSEC_SIM_PROTO_H

#include <stdint.h>

#define NSIM_MAGIC	0x4d49534eu	/* "NSIM" */
#define NSIM_VERSION	1u
#define NSIM_OPS_MAX	64		/* ops a message, at most */

/* Where the simulated card finds the host-memory region: above 4 GiB, so a
 * ring base whose high half is lost points nowhere. */
#define NSIM_DMA_IOVA	0x1000000000ull

enum nsim_opcode {
	/* client to server */
	NSIM_READ	= 1,	/* off: BAR0 offset; answered by READ_DATA */
	NSIM_WRITE	= 2,	/* off, val */
	NSIM_LOCK	= 3,	/* the card to this connection alone; answered
				 * by LOCKED once it holds it.  While another
				 * connection holds it, this one's ops wait. */
	NSIM_UNLOCK	= 4,	/* gives it up (so does closing) */
	/* server to client */
	NSIM_READ_DATA	= 0x81,	/* off: the read's offset, val: its data */
	NSIM_LOCKED	= 0x83,
};

struct nsim_op {
	uint32_t op;		/* enum nsim_opcode */
	uint32_t off;
	uint32_t val;
	uint32_t zero;
};

struct nsim_hello {
	uint32_t magic;		/* NSIM_MAGIC */
	uint32_t version;	/* NSIM_VERSION */
	/* the server's answer */
	uint32_t bar_size;	/* BAR0 bytes */
	uint32_t lanes;		/* the card's LANES */
	uint64_t dma_iova;	/* the region's address as the card sees it */
	uint64_t dma_len;	/* its bytes */
};

#endif /* NICSEC_SIM_PROTO_H */
