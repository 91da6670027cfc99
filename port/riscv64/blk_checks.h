/* SPDX-License-Identifier: MIT */
/*
 * The blk conformance checks, platform-neutral: run against a virtio-blk
 * device already initialised by the driver library, they print
 * `RESULT transport=T test=N value=V ok=0|1` lines (plus WROTE and INFO)
 * through a callback. Used by the riscv64 port on QEMU (blk_conformance.c)
 * and meant to be shared by the sim's blk scenario, so both run the same
 * plan and their results can be compared line for line. Needs only the
 * driver library, <string.h> and snprintf.
 */
#ifndef BLK_CHECKS_H
#define BLK_CHECKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "virtio/blk.h"

#define BLK_CHECKS_MIN_CAPACITY 512u /* sectors the write plan needs */

/* What the device must report. */
struct blk_expect {
	uint64_t capacity;          /* sectors */
	bool read_only;
	char serial[VIRTIO_BLK_ID_BYTES + 1];
	/* Sectors 1.. hold the host fill pattern (host_read, ro_data_kept). */
	bool host_filled;
};

struct blk_checks {
	const char *transport;      /* the RESULT lines' transport= */
	void (*emit)(void *ctx, const char *line); /* one line, with '\n' */
	void *ctx;
	uint32_t poll_budget;       /* peeks before the async phase gives up */
	unsigned pass, fail;        /* counted by blk_checks_result */
};

/* One RESULT line; counts pass/fail. */
void blk_checks_result(struct blk_checks *c, const char *test,
		       const char *value, int ok);
/* Reads the params sector (sector 0, see README.md) into *e. 0 or -1. */
int blk_checks_params(struct blk_checks *c, struct virtio_blk *b,
		      struct blk_expect *e);
/* The whole plan: capacity, read_only, get_id, reads, writes, async,
 * ring index wrap, flush, read-only refusals, bad requests. */
void blk_checks_run(struct blk_checks *c, struct virtio_blk *b,
		    const struct blk_expect *e);
/* The 512 bytes the host (guest=false) or the checks (guest=true) put in
 * sector `s`. */
void blk_checks_pattern(uint8_t *p, uint64_t s, bool guest);

#endif
