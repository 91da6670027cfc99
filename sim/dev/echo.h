/* SPDX-License-Identifier: MIT */
/*
 * The neutral device of the queue target: not a VirtIO device type, a
 * model that accepts a chain of any shape (readable only, writable only,
 * mixed) and answers it without giving it a meaning. One decision per
 * chain, "echo.answer" (a choice): echo the readable bytes into the
 * writable ones, then a pattern (spec); the pattern alone; echo into half
 * the writable bytes; write nothing. Every answer is legal: what the used
 * entry says is the queue engine's decision. It keeps, per head, what it
 * did, so a workload can compute every byte it must get back
 * (sim_echo_expected). Not here: ring parsing (vq.c), registers (fronts).
 */
#ifndef SIM_DEV_ECHO_H
#define SIM_DEV_ECHO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/vdev.h"

/* Device id on the transports: outside the types VirtIO 1.2 assigns, and
 * inside the modern PCI device id range (0x1040 + id <= 0x107f). */
#define SIM_ECHO_DEVICE_ID 63u
#define SIM_ECHO_QUEUE_MAX_DEFAULT 256u
#define SIM_ECHO_HEADS 256u /* heads it keeps records for */

struct sim_echo_config {
	uint16_t queue_max; /* QueueNumMax; default 256 */
};

/* What the device did with the last chain of one buffer id (split: its
 * head; packed: the id the driver gave it, the driver's token either way). */
enum sim_echo_answer {
	SIM_ECHO_ALL,       /* echo, then the pattern, into every byte */
	SIM_ECHO_PATTERN,   /* the pattern into every byte */
	SIM_ECHO_HALF,      /* echo into the first half */
	SIM_ECHO_NOTHING,   /* write nothing (used len 0) */
	SIM_ECHO_ANSWERS_,
};

struct sim_echo_record {
	bool valid;         /* it answered this head in this iteration */
	uint8_t answer;     /* enum sim_echo_answer */
	uint32_t readable;  /* bytes of the chain's readable stream */
	uint32_t written;   /* bytes it wrote from the writable start */
};

struct sim_echo {
	struct sim_vdev dev; /* give &e->dev to a front */
	struct sim_echo_config cfg;
	struct sim_echo_record rec[SIM_ECHO_HEADS];
	uint16_t last_head;  /* the head it answered last */
};

/* (Re)create the device for an iteration. NULL cfg: defaults. Returns 0. */
int sim_echo_create(struct sim_echo *e, const struct sim_echo_config *cfg);

/*
 * Bytes [off, off + n) of the writable stream the device wrote for `head`
 * (below rec[head].written) into out[0, n), given the readable stream the
 * driver sent (its first off + n bytes at least, when echoed): echo or
 * pattern, as recorded.
 */
void sim_echo_expected(const struct sim_echo *e, uint16_t head, uint32_t off,
		       uint32_t n, const uint8_t *readable, uint8_t *out);

#endif
