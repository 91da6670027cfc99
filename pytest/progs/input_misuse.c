/* SPDX-License-Identifier: MIT */
/*
 * The input model's own checks at work (sim/dev/input.c): the real input
 * driver brought up on the model through the seam (virtio-mmio v2, record
 * mode), then one chain or config write no virtio-input driver may give
 * the device. For pytest/test_input.py: each misuse must be the finding
 * named, the correct use none. Not a fuzz target.
 *
 * input_misuse SCENARIO
 *   ev-readable-buffer      an event buffer the device may only read
 *   ev-short-buffer         an event buffer of 4 bytes
 *   status-writable-buffer  a status chain with a buffer the device writes
 *   status-short-event      a status event of 4 bytes
 *   status-two-events       a status chain of 16 bytes
 *   config-write-size       a write to the read-only size field
 *   ok-event-and-status     a correct status event, then an event popped
 * Prints `FINDINGS <n>[ last=<class>]`; exit 0, 2 for a bad argument, 3
 * when the set-up fails.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz/device.h"
#include "sim/dev/input.h"
#include "sim/sim.h"
#include "virtio/input.h"

#define NBUF 4u

static struct fuzz_attached a;
static struct virtio_input input;
static uint8_t events[NBUF * VIRTIO_INPUT_EVENT_SIZE];
static uint8_t ev[16], small[4];

/* Queue a chain on `q`, notify, and take it back if the device has
 * answered (an event buffer waits for an event: destroy takes it back). */
static void submit(struct virtq *q, const struct virtq_buf *out, size_t n_out,
		   const struct virtq_buf *in, size_t n_in)
{
	uint16_t token;
	uint32_t len;

	if (virtq_add(q, out, n_out, in, n_in, &token))
		exit(3);
	virtq_kick(q);
	if (virtq_peek_used(q, &token) == VIRTIO_OK)
		(void)virtq_pop_used(q, token, &len);
}

/* Take every event buffer away from the device (events sent, popped with
 * the queue's API so none is lent again), so the next one is the test's. */
static void drain_events(struct sim_input *model)
{
	for (unsigned i = 0; i < NBUF; i++) {
		uint16_t token;
		uint32_t len;

		if (sim_input_host_send(model, VIRTIO_INPUT_EV_KEY, 30, 1) ||
		    virtq_peek_used(&input.eventq, &token) ||
		    virtq_pop_used(&input.eventq, token, &len))
			exit(3);
	}
}

int main(int argc, char **argv)
{
	struct sim_config cfg = SIM_CONFIG_DEFAULTS;
	struct fuzz_case c = { 0 };
	struct sim_input *model;
	const char *s = argc == 2 ? argv[1] : "";
	struct virtq_buf e = { ev, VIRTIO_INPUT_EVENT_SIZE };

	cfg.record = true;
	sim_init(&cfg);
	fuzz_init();
	fuzz_begin(&c);
	if (fuzz_attach(&fuzz_device_input, NULL, FUZZ_MMIO_V2, &sim_hal, &a) ||
	    virtio_input_init(&input, a.t, events, NBUF))
		return 3;
	model = (struct sim_input *)a.dev; /* dev is its first member */
	memset(ev, 0, sizeof ev);
	if (!strcmp(s, "ev-readable-buffer")) {
		drain_events(model);
		submit(&input.eventq, &e, 1, NULL, 0);
		sim_input_host_send(model, VIRTIO_INPUT_EV_KEY, 30, 0);
	} else if (!strcmp(s, "ev-short-buffer")) {
		struct virtq_buf in = { small, sizeof small };

		drain_events(model);
		submit(&input.eventq, NULL, 0, &in, 1);
		sim_input_host_send(model, VIRTIO_INPUT_EV_KEY, 30, 0);
	} else if (!strcmp(s, "status-writable-buffer")) {
		struct virtq_buf in = { small, sizeof small };

		submit(&input.statusq, &e, 1, &in, 1);
	} else if (!strcmp(s, "status-short-event")) {
		struct virtq_buf out = { small, sizeof small };

		submit(&input.statusq, &out, 1, NULL, 0);
	} else if (!strcmp(s, "status-two-events")) {
		struct virtq_buf out = { ev, sizeof ev };

		submit(&input.statusq, &out, 1, NULL, 0);
	} else if (!strcmp(s, "config-write-size")) {
		a.t->ops->config_write(a.t, VIRTIO_INPUT_CFG_SIZE, 1, 4);
	} else if (!strcmp(s, "ok-event-and-status")) {
		struct virtio_input_event led = { VIRTIO_INPUT_EV_LED,
						  VIRTIO_INPUT_LED_CAPSL, 1 };
		struct virtio_input_event got;

		if (virtio_input_send_status(&input, &led) ||
		    sim_input_host_send(model, VIRTIO_INPUT_EV_KEY, 30, 1) ||
		    virtio_input_pop_pending_event(&input, &got))
			return 3;
	} else {
		fprintf(stderr, "input_misuse: unknown scenario '%s' (see the "
				"file's header)\n", s);
		return 2;
	}
	virtio_input_destroy(&input);
	sim_audit();
	fuzz_print_findings();
	return 0;
}
