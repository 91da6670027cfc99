/* SPDX-License-Identifier: MIT */
/*
 * input conformance on QEMU: the real virtio-input driver against every
 * input device found (virtio-keyboard-device / virtio-keyboard-pci, with
 * serial= from the test). First the config answers, checked against QEMU
 * 7.2's keyboard (hw/input/virtio-input-hid.c): the name, the serial, the
 * ids (BUS_VIRTUAL, 0x0627:0x0001 v1), the EV_LED bitmap (NUML, CAPSL,
 * SCROLLL) and EV_REP (an empty byte), EV_KEY present, no axis. Then the
 * guest prints READY and every event it pops as an EVENT line, until
 * INPUT_EXPECTED events came or INPUT_WAIT_S passed: the test injects key
 * presses through QMP input-send-event and checks the events exactly.
 * Last, one status event (CAPSL on), its result an INFO line (QEMU's
 * statusq gives a used len the queue takes as 0: see the README). Mirrored in pytest/test_qemu_input.py.
 * Runs in the frame of conformance.c (discovery, the HAL audit after
 * teardown, DONE, the exit status).
 */
#include <string.h>

#include "board.h"
#include "conformance.h"
#include "virtio/errors.h"
#include "virtio/input.h"
#include "virtio/spec.h"

int main(void);

#define INPUT_EVENTS 16u
#define INPUT_EXPECTED 24u /* the test's 12 key commands, each + EV_SYN */
#define INPUT_WAIT_S 30u

static struct virtio_input input;
static uint8_t event_storage[INPUT_EVENTS * VIRTIO_INPUT_EVENT_SIZE];

static const char *err_name(int rc)
{
	return rc == 0 ? "OK" : virtio_strerror(rc);
}

/* A RESULT value: spaces and odd bytes percent-encoded (the test
 * unquotes). */
static void encode(char *out, size_t cap, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;

	for (; *s && o + 4 < cap; s++) {
		unsigned char c = (unsigned char)*s;

		if (c > ' ' && c < 0x7f && c != '%') {
			out[o++] = (char)c;
		} else {
			out[o++] = '%';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
		}
	}
	out[o] = '\0';
}

static void config(struct port_run *r)
{
	char s[VIRTIO_INPUT_CFG_DATA_MAX + 1], v[3 * VIRTIO_INPUT_CFG_DATA_MAX + 1];
	uint8_t bits[VIRTIO_INPUT_CFG_DATA_MAX], size = 0;
	struct virtio_input_devids ids;
	struct virtio_input_absinfo abs;
	size_t len = 0;
	int rc;

	rc = virtio_input_name(&input, s, &len);
	encode(v, sizeof(v), rc ? err_name(rc) : s);
	port_result(r, "name", v, rc == 0);
	rc = virtio_input_serial(&input, s, &len);
	encode(v, sizeof(v), rc ? err_name(rc) : s);
	port_result(r, "serial", v, rc == 0);
	rc = virtio_input_ids(&input, &ids);
	if (!rc)
		snprintf(v, sizeof(v), "%04x:%04x:%04x:%04x", ids.bustype,
			 ids.vendor, ids.product, ids.version);
	port_result(r, "ids", rc ? err_name(rc) : v, rc == 0);
	rc = virtio_input_ev_bits(&input, VIRTIO_INPUT_EV_LED, bits, &size);
	if (!rc)
		snprintf(v, sizeof(v), "%u:%02x", size, size ? bits[0] : 0);
	port_result(r, "ev_led", rc ? err_name(rc) : v, rc == 0);
	rc = virtio_input_ev_bits(&input, VIRTIO_INPUT_EV_REP, bits, &size);
	if (!rc)
		snprintf(v, sizeof(v), "%u:%02x", size, size ? bits[0] : 0);
	port_result(r, "ev_rep", rc ? err_name(rc) : v, rc == 0);
	rc = virtio_input_ev_bits(&input, VIRTIO_INPUT_EV_KEY, bits, &size);
	/* KEY_A (30) is in QEMU's qcode map. */
	port_result(r, "ev_key_a", rc ? err_name(rc) : (size > 3 && (bits[3] & 0x40)) ? "1" : "0",
		    rc == 0);
	rc = virtio_input_ev_bits(&input, VIRTIO_INPUT_EV_ABS, bits, &size);
	if (!rc)
		snprintf(v, sizeof(v), "%u", size);
	port_result(r, "ev_abs", rc ? err_name(rc) : v, rc == 0);
	rc = virtio_input_abs_info(&input, VIRTIO_INPUT_ABS_X, &abs);
	port_result(r, "abs_x", err_name(rc), rc == VIRTIO_EUNSUPPORTED);
	rc = virtio_input_prop_bits(&input, bits, &size);
	if (!rc)
		snprintf(v, sizeof(v), "%u", size);
	port_result(r, "prop_bits", rc ? err_name(rc) : v, rc == 0);
}

/* The test's key presses, popped as they come. */
static void events(struct port_run *r)
{
	uint64_t deadline = board_time() + INPUT_WAIT_S * BOARD_TIMEBASE_HZ;
	uint32_t got = 0, waits = 0;
	int rc = 0;

	kprintf("READY transport=%s\n", r->transport);
	while (got < INPUT_EXPECTED && board_time() < deadline) {
		struct virtio_input_event ev;

		rc = virtio_input_pop_pending_event(&input, &ev);
		if (rc == VIRTIO_ENOT_READY) {
			waits++;
			(void)virtio_input_ack_interrupt(&input);
			rc = 0;
			continue;
		}
		if (rc)
			break;
		kprintf("EVENT transport=%s n=%u type=%u code=%u value=%u\n",
			r->transport, (unsigned)got, ev.type, ev.code,
			(unsigned)ev.value);
		got++;
	}
	port_result(r, "event_calls", err_name(rc), rc == 0);
	port_result_u(r, "events", got, got == INPUT_EXPECTED);
}

static void check(struct port_run *r, struct virtio_transport *t, int rc)
{
	struct virtio_input_event led = { VIRTIO_INPUT_EV_LED,
					  VIRTIO_INPUT_LED_CAPSL, 1 };

	if (!rc)
		rc = virtio_input_init(&input, t, event_storage, INPUT_EVENTS);
	port_result(r, "init", err_name(rc), rc == 0);
	if (rc)
		return;
	kprintf("INFO transport=%s features=0x%llx eventq=%u statusq=%u "
		"config_size=%u\n",
		r->transport, (unsigned long long)t->features,
		virtq_size(&input.eventq), virtq_size(&input.statusq),
		(unsigned)t->config_size);
	config(r);
	events(r);
	rc = virtio_input_send_status(&input, &led);
	kprintf("INFO transport=%s status=%s\n", r->transport, err_name(rc));
	virtio_input_destroy(&input);
}

int main(void)
{
	return port_conformance("input conformance", VIRTIO_ID_INPUT, check);
}
