/* SPDX-License-Identifier: MIT */
/*
 * The socket model's own checks at work (sim/dev/socket.c): the real vsock
 * driver brought up on the model through the seam (virtio-mmio v2, record
 * mode, queues of 2), then one chain no vsock driver may give the device,
 * put in a queue through the driver's queue API. For
 * pytest/test_socket.py: each misuse must be the finding named, the correct
 * use none. Not a fuzz target.
 *
 * socket_misuse SCENARIO
 *   tx-writable-buffer        a tx chain with a buffer the device writes
 *   tx-short-header           a tx chain shorter than the 44-byte header
 *   tx-len-not-payload        a header whose len is not the payload's
 *   tx-type-seqpacket         type SEQPACKET (never negotiated)
 *   tx-op-invalid             op 0
 *   tx-payload-on-credit-update  a CREDIT_UPDATE carrying bytes
 *   tx-shutdown-unknown-flags a SHUTDOWN with flag 4
 *   tx-src-cid-not-guest      src_cid 5, the guest is 3
 *   tx-past-credit            RW of 4097 bytes to a host offering 4096
 *   rx-readable-buffer        an rx buffer the device may only read
 *   rx-shorter-than-header    an rx buffer of 16 bytes
 *   event-shorter-than-event  an event buffer of 2 bytes
 *   ok-connect-send-receive-reset  every packet kind, correctly
 * Prints `FINDINGS <n>[ last=<class>]`; exit 0, 2 for a bad argument, 3
 * when the set-up fails.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz/device.h"
#include "sim/dev/socket.h"
#include "sim/sim.h"
#include "virtio/le.h"
#include "virtio/socket.h"

static struct fuzz_attached a;
static struct virtio_socket sock;
static uint8_t hdr[VIRTIO_VSOCK_HDR_SIZE], payload[4097], small[16];
static const struct virtio_socket_addr host80 = { VIRTIO_VSOCK_CID_HOST, 80 };

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

/* A header from the guest (CID 3, port 1024) to the host's port 80. */
static void make_hdr(uint16_t op, uint32_t len)
{
	memset(hdr, 0, sizeof hdr);
	virtio_put_le64(hdr + VIRTIO_VSOCK_HDR_SRC_CID, 3);
	virtio_put_le64(hdr + VIRTIO_VSOCK_HDR_DST_CID, VIRTIO_VSOCK_CID_HOST);
	virtio_put_le32(hdr + VIRTIO_VSOCK_HDR_SRC_PORT, 1024);
	virtio_put_le32(hdr + VIRTIO_VSOCK_HDR_DST_PORT, 80);
	virtio_put_le32(hdr + VIRTIO_VSOCK_HDR_LEN, len);
	virtio_put_le16(hdr + VIRTIO_VSOCK_HDR_TYPE, VIRTIO_VSOCK_TYPE_STREAM);
	virtio_put_le16(hdr + VIRTIO_VSOCK_HDR_OP, op);
	virtio_put_le32(hdr + VIRTIO_VSOCK_HDR_BUF_ALLOC, VIRTIO_SOCKET_CONN_BUF);
}

static void send_raw(uint32_t len)
{
	struct virtq_buf out[2] = { { hdr, sizeof hdr }, { payload, len } };

	submit(&sock.txq, out, len ? 2 : 1, NULL, 0);
}

/* Connected to the host's port 80 (the RESPONSE polled). */
static void connect80(void)
{
	struct virtio_socket_event ev;

	if (virtio_socket_connect(&sock, host80, 1024) ||
	    virtio_socket_poll(&sock, &ev) ||
	    ev.type != VIRTIO_SOCKET_EV_CONNECTED)
		exit(3);
}

/* Take the queue's used buffers back without giving them again, so the
 * next buffer the device fills is the test's. */
static void take_used(struct virtq *q)
{
	uint16_t token;
	uint32_t len;

	while (virtq_peek_used(q, &token) == VIRTIO_OK)
		if (virtq_pop_used(q, token, &len))
			exit(3);
}

/* Both rx buffers used by host requests, taken back unpolled. */
static void fill_rx(struct sim_socket *model)
{
	if (sim_socket_host_connect(model, 4000, 50) ||
	    sim_socket_host_connect(model, 4001, 50))
		exit(3);
	take_used(&sock.rxq);
}

int main(int argc, char **argv)
{
	static const struct sim_socket_config two = { .queue_max = 2 };
	struct sim_config cfg = SIM_CONFIG_DEFAULTS;
	struct fuzz_case c = { 0 };
	struct sim_socket *model;
	const char *s = argc == 2 ? argv[1] : "";

	cfg.record = true;
	sim_init(&cfg);
	fuzz_init();
	fuzz_begin(&c);
	if (fuzz_attach(&fuzz_device_socket, &two, FUZZ_MMIO_V2, &sim_hal, &a) ||
	    virtio_socket_init(&sock, a.t))
		return 3;
	model = (struct sim_socket *)a.dev; /* dev is its first member */
	if (!strcmp(s, "tx-writable-buffer")) {
		struct virtq_buf h = { hdr, sizeof hdr }, in = { small, sizeof small };

		make_hdr(VIRTIO_VSOCK_OP_REQUEST, 0);
		submit(&sock.txq, &h, 1, &in, 1);
	} else if (!strcmp(s, "tx-short-header")) {
		struct virtq_buf h = { hdr, 20 };

		make_hdr(VIRTIO_VSOCK_OP_REQUEST, 0);
		submit(&sock.txq, &h, 1, NULL, 0);
	} else if (!strcmp(s, "tx-len-not-payload")) {
		connect80();
		make_hdr(VIRTIO_VSOCK_OP_RW, 10);
		send_raw(64);
	} else if (!strcmp(s, "tx-type-seqpacket")) {
		make_hdr(VIRTIO_VSOCK_OP_REQUEST, 0);
		virtio_put_le16(hdr + VIRTIO_VSOCK_HDR_TYPE,
				VIRTIO_VSOCK_TYPE_SEQPACKET);
		send_raw(0);
	} else if (!strcmp(s, "tx-op-invalid")) {
		make_hdr(VIRTIO_VSOCK_OP_INVALID, 0);
		send_raw(0);
	} else if (!strcmp(s, "tx-payload-on-credit-update")) {
		connect80();
		make_hdr(VIRTIO_VSOCK_OP_CREDIT_UPDATE, 8);
		send_raw(8);
	} else if (!strcmp(s, "tx-shutdown-unknown-flags")) {
		connect80();
		make_hdr(VIRTIO_VSOCK_OP_SHUTDOWN, 0);
		virtio_put_le32(hdr + VIRTIO_VSOCK_HDR_FLAGS, 4);
		send_raw(0);
	} else if (!strcmp(s, "tx-src-cid-not-guest")) {
		make_hdr(VIRTIO_VSOCK_OP_REQUEST, 0);
		virtio_put_le64(hdr + VIRTIO_VSOCK_HDR_SRC_CID, 5);
		send_raw(0);
	} else if (!strcmp(s, "tx-past-credit")) {
		connect80();
		make_hdr(VIRTIO_VSOCK_OP_RW, sizeof payload);
		send_raw(sizeof payload);
	} else if (!strcmp(s, "rx-readable-buffer")) {
		struct virtq_buf out = { small, sizeof small };

		fill_rx(model);
		submit(&sock.rxq, &out, 1, NULL, 0);
		(void)sim_socket_host_connect(model, 4002, 50);
	} else if (!strcmp(s, "rx-shorter-than-header")) {
		struct virtq_buf in = { small, sizeof small };

		fill_rx(model);
		submit(&sock.rxq, NULL, 0, &in, 1);
		(void)sim_socket_host_connect(model, 4002, 50);
	} else if (!strcmp(s, "event-shorter-than-event")) {
		struct virtq_buf in = { small, 2 };

		sim_socket_transport_reset(model);
		sim_socket_transport_reset(model);
		take_used(&sock.evq);
		submit(&sock.evq, NULL, 0, &in, 1);
		sim_socket_transport_reset(model);
	} else if (!strcmp(s, "ok-connect-send-receive-reset")) {
		struct virtio_socket_event ev;
		size_t got;

		connect80();
		if (virtio_socket_send(&sock, host80, 1024, payload, 100) ||
		    sim_socket_host_send(model, 80, 1024, payload, 300) ||
		    virtio_socket_poll(&sock, &ev) ||
		    virtio_socket_recv(&sock, host80, 1024, payload, 300, &got) ||
		    got != 300 ||
		    virtio_socket_update_credit(&sock, host80, 1024) ||
		    virtio_socket_shutdown(&sock, host80, 1024) ||
		    virtio_socket_poll(&sock, &ev) ||
		    ev.type != VIRTIO_SOCKET_EV_DISCONNECTED)
			return 3;
		sim_socket_transport_reset(model);
		if (virtio_socket_poll(&sock, &ev) ||
		    ev.type != VIRTIO_SOCKET_EV_TRANSPORT_RESET)
			return 3;
	} else {
		fprintf(stderr, "socket_misuse: unknown scenario '%s' (see the "
				"file's header)\n", s);
		return 2;
	}
	virtio_socket_destroy(&sock);
	sim_audit();
	fuzz_print_findings();
	return 0;
}
