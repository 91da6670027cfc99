/* SPDX-License-Identifier: MIT */
/*
 * The net model's own checks at work (sim/dev/net.c): the real net driver
 * brought up on the model through the seam (virtio-mmio v2, record mode),
 * then one chain no virtio-net driver may give the device, put in a queue
 * through the driver's queue API. For pytest/test_net.py: each misuse must
 * be the finding named, the correct use none. Not a fuzz target.
 *
 * net_misuse SCENARIO
 *   tx-writable-buffer       a transmit chain with a buffer the device writes
 *   tx-short-header          a transmit chain shorter than the 12-byte header
 *   tx-header-needs-csum     a header asking for a checksum (no CSUM)
 *   tx-header-gso            a header with GSO_TCPV4 (no HOST_TSO4)
 *   tx-header-num-buffers    a header with num_buffers 1 (5.1.6.2.1: 0)
 *   rx-readable-buffer       a receive buffer the device may only read
 *   rx-shorter-than-header   a receive buffer of 4 bytes
 *   ok-header-and-frame      a correct transmit chain, then a correct receive
 * Prints `FINDINGS <n>[ last=<class>]`; exit 0, 2 for a bad argument, 3
 * when the set-up fails.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz/device.h"
#include "sim/dev/net.h"
#include "sim/sim.h"
#include "virtio/net.h"

#define NBUF 8u

static struct fuzz_attached a;
static struct virtio_net net;
static uint8_t rx_storage[NBUF * VIRTIO_NET_MIN_BUFFER_LEN];
static uint8_t hdr[VIRTIO_NET_HDR_SIZE], frame[64], small[4];
static uint8_t wire[64]; /* the host's frames: never shared */

/* Queue a chain on `q`, notify, and take it back if the device has
 * answered (a receive buffer waits for a frame: destroy takes it back). */
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

/* Take every receive buffer away from the device (frames from the wire,
 * received and not recycled), so the next one it fills is the test's. */
static void drain_rx(struct sim_net *model)
{
	struct virtio_net_rx rx;

	for (unsigned i = 0; i < NBUF; i++) {
		if (sim_net_host_send(model, wire, sizeof wire) ||
		    virtio_net_receive(&net, &rx))
			exit(3);
	}
}

int main(int argc, char **argv)
{
	struct sim_config cfg = SIM_CONFIG_DEFAULTS;
	struct fuzz_case c = { 0 };
	struct sim_net *model;
	const char *s = argc == 2 ? argv[1] : "";
	struct virtq_buf h = { hdr, sizeof hdr }, f = { frame, sizeof frame };

	cfg.record = true;
	sim_init(&cfg);
	fuzz_init();
	fuzz_begin(&c);
	if (fuzz_attach(&fuzz_device_net, NULL, FUZZ_MMIO_V2, &sim_hal, &a) ||
	    virtio_net_init(&net, a.t, rx_storage, VIRTIO_NET_MIN_BUFFER_LEN,
			    NBUF))
		return 3;
	model = (struct sim_net *)a.dev; /* dev is its first member */
	memset(hdr, 0, sizeof hdr);
	if (!strcmp(s, "tx-writable-buffer")) {
		submit(&net.txq, &h, 1, &f, 1);
	} else if (!strcmp(s, "tx-short-header")) {
		h.len = 8;
		submit(&net.txq, &h, 1, NULL, 0);
	} else if (!strcmp(s, "tx-header-needs-csum")) {
		hdr[VIRTIO_NET_HDR_FLAGS] = VIRTIO_NET_HDR_F_NEEDS_CSUM;
		submit(&net.txq, (struct virtq_buf[]){ h, f }, 2, NULL, 0);
	} else if (!strcmp(s, "tx-header-gso")) {
		hdr[VIRTIO_NET_HDR_GSO_TYPE] = VIRTIO_NET_HDR_GSO_TCPV4;
		submit(&net.txq, (struct virtq_buf[]){ h, f }, 2, NULL, 0);
	} else if (!strcmp(s, "tx-header-num-buffers")) {
		hdr[VIRTIO_NET_HDR_NUM_BUFFERS] = 1;
		submit(&net.txq, (struct virtq_buf[]){ h, f }, 2, NULL, 0);
	} else if (!strcmp(s, "rx-readable-buffer")) {
		drain_rx(model);
		submit(&net.rxq, &f, 1, NULL, 0);
		sim_net_host_send(model, wire, sizeof wire);
	} else if (!strcmp(s, "rx-shorter-than-header")) {
		struct virtq_buf in = { small, sizeof small };

		drain_rx(model);
		submit(&net.rxq, NULL, 0, &in, 1);
		sim_net_host_send(model, wire, sizeof wire);
	} else if (!strcmp(s, "ok-header-and-frame")) {
		struct virtio_net_rx rx;

		submit(&net.txq, (struct virtq_buf[]){ h, f }, 2, NULL, 0);
		if (sim_net_host_send(model, wire, sizeof wire) ||
		    virtio_net_receive(&net, &rx) ||
		    virtio_net_recycle(&net, &rx))
			return 3;
	} else {
		fprintf(stderr, "net_misuse: unknown scenario '%s' (see the "
				"file's header)\n", s);
		return 2;
	}
	virtio_net_destroy(&net);
	sim_audit();
	fuzz_print_findings();
	return 0;
}
