/* SPDX-License-Identifier: MIT */
/*
 * net conformance on QEMU: the real virtio-net driver against every net
 * device found (virtio-net-device / virtio-net-pci on a stream netdev whose
 * other end is the test, over a unix socket). The guest speaks first:
 * QEMU drops frames queued for a NIC when the driver resets it, so the
 * host sends only once the guest's frames say it is ready:
 *   1. guest -> host: one frame of each size in tx_sizes[], frame k byte
 *      i = k * 17 + i * 5 + 3;
 *   2. host -> guest: NET_HOST_FRAMES frames, frame k of host_len(k)
 *      bytes, byte i = k * 31 + i * 7 + 1; received with receive and
 *      recycled, a few held a while (more frames than buffers: the ring
 *      wraps, frames wait in QEMU while buffers are lent).
 * Also the MAC (the table gives QEMU 52:54:00:12:34:56) and the link.
 * Mirrored in pytest/test_qemu_net.py. Runs in the frame of
 * conformance.c (discovery, the HAL audit after teardown, DONE, the exit
 * status).
 */
#include <string.h>

#include "board.h"
#include "conformance.h"
#include "virtio/errors.h"
#include "virtio/net.h"
#include "virtio/spec.h"

int main(void);

#define NET_QUEUE 16u
#define NET_HOST_FRAMES 40u
#define NET_HOLD 4u      /* frames held before recycling them together */
#define NET_WAIT_S 20u   /* for the host's frames */

static const uint16_t tx_sizes[] = { 14, 60, 64, 100, 333, 1000, 1513, 1514 };

static struct virtio_net net;
static uint8_t rx_storage[NET_QUEUE * VIRTIO_NET_MIN_BUFFER_LEN];
static uint8_t frame[VIRTIO_NET_MIN_BUFFER_LEN];
static struct virtio_net_rx held[NET_HOLD];

static const char *err_name(int rc)
{
	return rc == 0 ? "OK" : virtio_strerror(rc);
}

/* Mirrored in the test. */
static uint32_t host_len(uint32_t k)
{
	static const uint16_t sizes[] = { 14, 60, 64, 333, 1000, 1514, 42 };

	return sizes[k % (sizeof(sizes) / sizeof(sizes[0]))];
}

static uint8_t host_byte(uint32_t k, uint32_t i)
{
	return (uint8_t)(k * 31u + i * 7u + 1u);
}

static uint8_t guest_byte(uint32_t k, uint32_t i)
{
	return (uint8_t)(k * 17u + i * 5u + 3u);
}

/* Step 2: the host's frames, received and recycled. */
static void receive(struct port_run *r)
{
	uint64_t deadline = board_time() + NET_WAIT_S * BOARD_TIMEBASE_HZ;
	uint32_t got = 0, bad = 0, nheld = 0, waits = 0;
	int rc = 0;

	while (got < NET_HOST_FRAMES && board_time() < deadline) {
		struct virtio_net_rx *rx = &held[nheld];

		rc = virtio_net_receive(&net, rx);
		if (rc == VIRTIO_ENOT_READY) {
			waits++;
			(void)virtio_net_ack_interrupt(&net);
			rc = 0;
			continue;
		}
		if (rc)
			break;
		bool same = rx->len == host_len(got);

		for (uint32_t i = 0; same && i < rx->len; i++)
			same = rx->frame[i] == host_byte(got, i);
		bad += !same;
		got++;
		/* Hold a few (the device is left with fewer buffers), then
		 * give them back last first. */
		if (++nheld < NET_HOLD && got % 8 < NET_HOLD)
			continue;
		while (nheld && !rc)
			rc = virtio_net_recycle(&net, &held[--nheld]);
		if (rc)
			break;
	}
	while (nheld && !rc)
		rc = virtio_net_recycle(&net, &held[--nheld]);
	kprintf("INFO transport=%s rx_waits=%u\n", r->transport,
		(unsigned)waits);
	port_result(r, "rx_calls", err_name(rc), rc == 0);
	port_result_u(r, "rx_frames", got, got == NET_HOST_FRAMES);
	port_result_u(r, "rx_mismatches", bad, bad == 0);
}

/* Step 1: the guest's frames. */
static void transmit(struct port_run *r)
{
	uint32_t sent = 0, calls_bad = 0;

	for (uint32_t k = 0; k < sizeof(tx_sizes) / sizeof(tx_sizes[0]); k++) {
		for (uint32_t i = 0; i < tx_sizes[k]; i++)
			frame[i] = guest_byte(k, i);
		calls_bad += !virtio_net_can_send(&net);
		int rc = virtio_net_send(&net, frame, tx_sizes[k]);

		calls_bad += rc != 0;
		sent += rc == 0;
	}
	port_result_u(r, "tx_frames", sent, calls_bad == 0);
}

static void check(struct port_run *r, struct virtio_transport *t, int rc)
{
	uint8_t mac[6];
	char v[24];
	bool up = false;

	if (!rc)
		rc = virtio_net_init(&net, t, rx_storage,
				     VIRTIO_NET_MIN_BUFFER_LEN, NET_QUEUE);
	port_result(r, "init", err_name(rc), rc == 0);
	if (rc)
		return;
	kprintf("INFO transport=%s features=0x%llx rx_queue=%u tx_queue=%u "
		"hdr=%u\n",
		r->transport, (unsigned long long)t->features,
		virtq_size(&net.rxq), virtq_size(&net.txq),
		(unsigned)net.hdr_size);
	rc = virtio_net_mac_address(&net, mac);
	if (!rc)
		snprintf(v, sizeof(v), "%02x%02x%02x%02x%02x%02x", mac[0],
			 mac[1], mac[2], mac[3], mac[4], mac[5]);
	port_result(r, "mac", rc ? err_name(rc) : v, rc == 0);
	rc = virtio_net_link_up(&net, &up);
	port_result(r, "link", rc ? err_name(rc) : up ? "up" : "down",
		    rc == 0 && up);
	transmit(r);
	receive(r);
	virtio_net_destroy(&net);
}

int main(void)
{
	return port_conformance("net conformance", VIRTIO_ID_NET, check);
}
