/* SPDX-License-Identifier: MIT */
/*
 * The 9p model's own checks at work (sim/dev/p9.c): the real virtio-9p
 * driver brought up on the model through the seam (virtio-mmio v2, record
 * mode), then one chain no 9P transport driver may give the device, put in
 * the request queue through the driver's queue API. For
 * pytest/test_p9.py: each misuse must be the finding named, the correct
 * use none. Not a fuzz target.
 *
 * p9_misuse SCENARIO
 *   no-answer-room       a T-message and no buffer the device writes
 *   answer-room-short    room of 8 bytes: not even an Rlerror fits
 *   message-short        a readable part of 5 bytes: no 9P header
 *   size-past-readable   a header whose size field says 100 of 11 bytes
 *   room-short-for-rversion  a Tversion with 12 bytes of room (Rversion
 *                        needs 21)
 *   ok-request           a correct Tversion with room for the answer
 * Prints `FINDINGS <n>[ last=<class>]`; exit 0, 2 for a bad argument, 3
 * when the set-up fails.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz/device.h"
#include "sim/dev/p9.h"
#include "sim/sim.h"
#include "virtio/le.h"
#include "virtio/p9.h"

static struct fuzz_attached a;
static struct virtio_9p p9;
static uint8_t t[32], r[8192];

/* Queue a chain, notify, and take it back once answered. */
static void submit(const struct virtq_buf *out, size_t n_out,
		   const struct virtq_buf *in, size_t n_in)
{
	uint16_t token;
	uint32_t len;

	if (virtq_add(&p9.q, out, n_out, in, n_in, &token))
		exit(3);
	virtq_kick(&p9.q);
	if (virtq_peek_used(&p9.q, &token) == VIRTIO_OK)
		(void)virtq_pop_used(&p9.q, token, &len);
}

/* A Tversion of msize 8192, "9P2000.L": 21 bytes. */
static size_t tversion(void)
{
	virtio_put_le32(t, 21);
	t[P9_HDR_OFF_TYPE] = P9_TVERSION;
	virtio_put_le16(t + P9_HDR_OFF_TAG, P9_NOTAG);
	virtio_put_le32(t + 7, 8192);
	virtio_put_le16(t + 11, 8);
	memcpy(t + 13, "9P2000.L", 8);
	return 21;
}

int main(int argc, char **argv)
{
	struct sim_config cfg = SIM_CONFIG_DEFAULTS;
	struct fuzz_case c = { 0 };
	const char *s = argc == 2 ? argv[1] : "";
	struct virtq_buf out = { t, tversion() }, in = { r, sizeof r };

	cfg.record = true;
	sim_init(&cfg);
	fuzz_init();
	fuzz_begin(&c);
	if (fuzz_attach(&fuzz_device_p9, NULL, FUZZ_MMIO_V2, &sim_hal, &a) ||
	    virtio_9p_init(&p9, a.t))
		return 3;
	if (!strcmp(s, "no-answer-room")) {
		submit(&out, 1, NULL, 0);
	} else if (!strcmp(s, "answer-room-short")) {
		in.len = 8;
		submit(&out, 1, &in, 1);
	} else if (!strcmp(s, "message-short")) {
		out.len = 5;
		submit(&out, 1, &in, 1);
	} else if (!strcmp(s, "size-past-readable")) {
		virtio_put_le32(t, 100);
		out.len = 11;
		submit(&out, 1, &in, 1);
	} else if (!strcmp(s, "room-short-for-rversion")) {
		in.len = 12;
		submit(&out, 1, &in, 1);
	} else if (!strcmp(s, "ok-request")) {
		size_t rlen = 0;

		if (virtio_9p_request(&p9, t, out.len, r, sizeof r, &rlen) ||
		    r[P9_HDR_OFF_TYPE] != P9_RVERSION)
			return 3;
	} else {
		fprintf(stderr, "p9_misuse: unknown scenario '%s' (see the "
				"file's header)\n", s);
		return 2;
	}
	virtio_9p_destroy(&p9);
	sim_audit();
	fuzz_print_findings();
	return 0;
}
