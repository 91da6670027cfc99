/* SPDX-License-Identifier: MIT */
/*
 * console conformance on QEMU: runs the real virtio-console driver against
 * every console found on virtio-mmio and virtio-pci (a virtconsole on port
 * 0 of virtio-serial, its chardev a socket the test drives). The host
 * speaks first, so the guest writes only once someone is listening:
 *   1. host -> guest: CONSOLE_HOST_BYTES bytes, byte i = i * 7 + 3, taken
 *      with recv (with and without pop) and the blocking read in turn;
 *   2. guest -> host: CONSOLE_SINGLE bytes by send, then send_bytes of each
 *      size in chunk_sizes[], byte i of the stream = i * 13 + 5; then
 *      "EMRG" by emergency write when the device offers it.
 * Mirrored in pytest/test_qemu_console.py. Runs in the frame of
 * conformance.c (discovery, the HAL audit after teardown, DONE, the exit
 * status).
 */
#include "board.h"
#include "conformance.h"
#include "virtio/console.h"
#include "virtio/errors.h"
#include "virtio/spec.h"

int main(void);

#define CONSOLE_HOST_BYTES 6000u
#define CONSOLE_SINGLE 16u
#define CONSOLE_WAIT_S 20u /* for the host's bytes */
#define EMERG "EMRG"       /* QEMU ignores an emergency write of 0 */

static const uint16_t chunk_sizes[] = { 1,    2,    3,    64,   511, 512,
					4095, 4096, 4097, 8000, 0 };

static struct virtio_console con;
static uint8_t buf[8192];

static uint8_t host_byte(uint32_t i)
{
	return (uint8_t)(i * 7u + 3u);
}

static uint8_t guest_byte(uint32_t i)
{
	return (uint8_t)(i * 13u + 5u);
}

static const char *err_name(int rc)
{
	return rc == 0 ? "OK" : virtio_strerror(rc);
}

/* Step 1: take the host's bytes, every way the API offers. */
static void receive(struct port_run *r)
{
	uint64_t deadline = board_time() + CONSOLE_WAIT_S * BOARD_TIMEBASE_HZ;
	uint32_t got = 0, bad = 0, peeks = 0, peek_bad = 0, irqs = 0;
	uint32_t round = 0;
	int rc = 0;

	while (got < CONSOLE_HOST_BYTES && board_time() < deadline) {
		uint8_t ch, first;
		bool have, received;
		size_t n = 0;

		/* Without pop the byte stays: the pop after must return it. */
		rc = virtio_console_recv(&con, false, &first, &have);
		if (rc)
			break;
		if (!have) {
			rc = virtio_console_ack_interrupt(&con, &received);
			if (rc)
				break;
			irqs += received;
			continue;
		}
		peeks++;
		switch (round++ % 3) {
		case 0: /* one byte, popped */
			rc = virtio_console_recv(&con, true, &ch, &have);
			if (!rc && (!have || ch != first))
				peek_bad++;
			if (!rc && have)
				buf[n++] = ch;
			break;
		case 1: /* blocking read: bytes are there, it does not wait */
			rc = virtio_console_read(&con, buf, 700, &n);
			if (!rc && (n == 0 || buf[0] != first))
				peek_bad++;
			break;
		default: /* a read of one */
			rc = virtio_console_read(&con, buf, 1, &n);
			break;
		}
		if (rc)
			break;
		for (size_t i = 0; i < n; i++, got++)
			bad += got >= CONSOLE_HOST_BYTES ||
			       buf[i] != host_byte(got);
	}
	kprintf("INFO transport=%s rx_rounds=%u rx_irqs_with_data=%u\n",
		r->transport, (unsigned)round, (unsigned)irqs);
	port_result(r, "rx_calls", err_name(rc), rc == 0);
	port_result_u(r, "rx_bytes", got, got == CONSOLE_HOST_BYTES);
	port_result_u(r, "rx_mismatches", bad, bad == 0);
	port_result_u(r, "rx_peek_then_pop", peek_bad, peeks > 0 && peek_bad == 0);
}

/* Step 2: the guest's bytes, then the emergency writes. */
static void transmit(struct port_run *r)
{
	uint32_t at = 0, calls_bad = 0;
	int rc;

	for (uint32_t i = 0; i < CONSOLE_SINGLE; i++, at++) {
		rc = virtio_console_send(&con, guest_byte(at));
		calls_bad += rc != 0;
	}
	for (size_t k = 0; k < sizeof(chunk_sizes) / sizeof(chunk_sizes[0]);
	     k++) {
		for (uint32_t i = 0; i < chunk_sizes[k]; i++)
			buf[i] = guest_byte(at + i);
		rc = virtio_console_send_bytes(&con, buf, chunk_sizes[k]);
		calls_bad += rc != 0;
		at += chunk_sizes[k];
	}
	port_result_u(r, "tx_bytes", at, calls_bad == 0);
	if (!con.has_emerg_write) {
		rc = virtio_console_emergency_write(&con, 'E');
		port_result(r, "emergency_write", err_name(rc),
		       rc == VIRTIO_EUNSUPPORTED);
		return;
	}
	calls_bad = 0;
	for (const char *p = EMERG; *p; p++)
		calls_bad += virtio_console_emergency_write(&con, (uint8_t)*p) != 0;
	port_result_u(r, "emergency_write", sizeof(EMERG) - 1, calls_bad == 0);
}

static void check(struct port_run *r, struct virtio_transport *t, int rc)
{
	struct virtio_console_size size;
	bool known = false;
	char v[24];

	if (!rc)
		rc = virtio_console_init(&con, t);
	port_result(r, "init", err_name(rc), rc == 0);
	if (rc)
		return;
	kprintf("INFO transport=%s features=0x%llx rx_queue=%u tx_queue=%u "
		"emerg=%d\n",
		r->transport, (unsigned long long)t->features,
		virtq_size(&con.rxq), virtq_size(&con.txq),
		con.has_emerg_write ? 1 : 0);
	rc = virtio_console_size(&con, &size, &known);
	if (!rc && known)
		snprintf(v, sizeof(v), "%ux%u", size.columns, size.rows);
	else
		snprintf(v, sizeof(v), "%s", rc ? err_name(rc) : "none");
	port_result(r, "size", v, rc == 0);
	receive(r);
	transmit(r);
	virtio_console_destroy(&con);
}

int main(void)
{
	return port_conformance("console conformance", VIRTIO_ID_CONSOLE,
				check);
}
