/* SPDX-License-Identifier: MIT */
/*
 * The input device's entry (fuzz/devices.def): its sim model, the workload
 * the input_mmio and input_pci targets and the tests run (operations named
 * by input bytes through the real driver, each answer judged against what
 * the model knows it did), and the seed workloads. Not here: the driver
 * (drivers/dev/input.c), the model (sim/dev/input.c).
 *
 * Opcodes (byte % 12):
 *   0 the host sends   u8 n, u8 seed: n % 8 + 1 events, EV_KEY code
 *                      seed + i value (seed + i) & 1, the last EV_SYN
 *   1 pop              u8 n: up to n + 1 events, until none is there
 *   2 ack interrupt
 *   3 name             4 serial             5 ids
 *   6 prop_bits
 *   7 ev_bits          u8 type
 *   8 abs_info         u8 axis
 *   9 query_config     u8 select, u8 subsel
 *  10 status event     u8 code, u8 value: EV_LED code % 4, value & 1
 *  11 invalid calls    every call with a NULL out-parameter, init with 0
 *                      buffers: EINVALID_PARAM (EBROKEN once stopped where
 *                      the device is looked at first), nothing changes
 * At most INPUT_MAX_OPS operations run.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "fuzz/device.h"
#include "sim/dev/input.h"
#include "sim/oracle.h"
#include "sim/sim.h"
#include "virtio/input.h"

#define INPUT_MAX_OPS (FUZZ_QUEUE_MAX + FUZZ_QUEUE_MAX / 2)
/* Event buffers the driver gets: 8 let the ring wrap within a workload. */
#define INPUT_EVENTS 8u
#define CFG_MAX VIRTIO_INPUT_CFG_DATA_MAX

_Static_assert(INPUT_MAX_OPS * 8 <= SIM_INPUT_LOG_MAX,
	       "the model's logs hold every event a workload moves");

static struct sim_input model;
static struct virtio_input input;
static uint8_t event_storage[INPUT_EVENTS * VIRTIO_INPUT_EVENT_SIZE];
static struct virtio_transport *cur_t;
static uint64_t popped;  /* events of the model's log the driver returned */
static bool stopped;     /* the driver said it stopped the device */

/* ---- oracle checks ----------------------------------------------------
 * What the model knows the answers must be (sim/oracle.h). A call with
 * valid arguments fails on a device that deviated nowhere:
 * honest-device-rejected. A popped event must be bytes the device wrote
 * (8 of them: unwritten-bytes-returned) into a buffer it told no visible
 * lie about, and while nothing deviated exactly the event the model put
 * there; config answers and status events are judged while nothing
 * deviated, their shape (a size the select allows) always. Every failed
 * check also writes an `op: oracle` line.
 */
static void mismatch(bool always, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void mismatch(bool always, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fuzz_log_op("oracle", VIRTIO_OK, "%s", msg);
	if (always || !sim_deviated())
		sim_report(SIM_DATA_MISMATCH, NULL, NULL, "%s", msg);
}

static void check_rc(int rc, int want, const char *what)
{
	if (stopped)
		want = VIRTIO_EBROKEN;
	if (rc != want)
		fuzz_log_op("oracle", rc, "expected %s from %s",
			    virtio_strerror(want), what);
	if (want == VIRTIO_OK)
		sim_oracle_expect_ok(rc, what);
	if (rc == VIRTIO_ETIMEOUT || rc == VIRTIO_EBAD_USED ||
	    rc == VIRTIO_EBAD_CONFIG || rc == VIRTIO_ENEEDS_RESET)
		stopped = true;
}

/* ---- events ------------------------------------------------------------ */

static void op_host(unsigned n, uint8_t seed)
{
	unsigned sent = 0;

	for (unsigned i = 0; i < n; i++) {
		bool last = i + 1 == n;

		sent += sim_input_host_send(
			    &model, last ? VIRTIO_INPUT_EV_SYN : VIRTIO_INPUT_EV_KEY,
			    last ? VIRTIO_INPUT_SYN_REPORT : (uint16_t)(seed + i),
			    last ? 0 : (uint32_t)((seed + i) & 1)) == 0;
	}
	fuzz_log_op("host_sends", VIRTIO_OK, "events=%u sent=%u", n, sent);
}

/* A popped event: the driver's buffer holds 8 bytes the device wrote
 * under no visible lie and, while nothing deviated, the next event the
 * model wrote. */
static void check_event(const struct virtio_input_event *ev)
{
	static const char call[] = "virtio_input_pop_pending_event";
	/* While nothing deviated the device fills buffers in the order it
	 * holds them and returns each at once: the k-th event popped is the
	 * k-th written. (Not the newest of the chain: pop lends the buffer
	 * again, and the device may have filled it already.) */
	const struct sim_input_event *want =
	    popped < model.events.n ? &model.events.ev[popped] : NULL;
	const uint8_t *buf = event_storage + input.last_slot * VIRTIO_INPUT_EVENT_SIZE;
	/* After an eventq used idx that did not step by one, an entry may
	 * name a buffer the device no longer holds with no mark the oracles
	 * see: its written bytes are not known (as net's receive). */
	unsigned what = model.ev_idx_lied ? SIM_ORACLE_STATUS
					  : SIM_ORACLE_DATA | SIM_ORACLE_STATUS;

	if (!sim_oracle_check(buf, VIRTIO_INPUT_EVENT_SIZE, what, call) ||
	    !want || sim_deviated())
		return;
	if (ev->type != want->type || ev->code != want->code ||
	    ev->value != want->value)
		mismatch(false, "driver's %s returns another event than the "
			 "device wrote [event=%llu] [type=%u] [code=%u] "
			 "[value=%u] [device=%u/%u/%u]",
			 call, (unsigned long long)popped, ev->type, ev->code,
			 ev->value, want->type, want->code, want->value);
}

static int op_pop(unsigned max)
{
	struct virtio_input_event ev;
	unsigned n = 0;
	int rc = VIRTIO_OK;

	while (n < max) {
		rc = virtio_input_pop_pending_event(&input, &ev);
		if (rc == VIRTIO_ENOT_READY && !stopped) {
			/* Right only when the device returned no event. */
			if (model.events.total > popped)
				sim_oracle_expect_ok(rc, "virtio_input_pop_pending_event");
			rc = VIRTIO_OK;
			break;
		}
		check_rc(rc, VIRTIO_OK, "pop");
		if (rc)
			break;
		check_event(&ev);
		popped++;
		n++;
		fuzz_log_op("event", VIRTIO_OK, "type=%u code=%u value=%u",
			    ev.type, ev.code, ev.value);
	}
	fuzz_log_op("pop", rc, "events=%u", n);
	return rc;
}

static int op_status(uint8_t code, uint8_t value)
{
	static const char call[] = "virtio_input_send_status";
	struct virtio_input_event ev = { VIRTIO_INPUT_EV_LED, code % 4u,
					 value & 1u };
	uint64_t before = model.status.total;
	int rc = virtio_input_send_status(&input, &ev);

	check_rc(rc, VIRTIO_OK, "status");
	if (!rc) {
		const struct sim_input_event *got = &model.status.ev[before];

		sim_oracle_check(input.status, VIRTIO_INPUT_EVENT_SIZE, 0, call);
		if (model.status.total != before + 1)
			mismatch(false, "driver's %s succeeds but the device "
				 "read %llu events", call,
				 (unsigned long long)(model.status.total - before));
		else if (before < SIM_INPUT_LOG_MAX &&
			 (got->type != ev.type || got->code != ev.code ||
			  got->value != ev.value))
			mismatch(false, "driver's %s succeeds but the device "
				 "read another event [%u/%u/%u]",
				 call, got->type, got->code, got->value);
	}
	fuzz_log_op("status", rc, "code=%u value=%u leds=%u", ev.code, ev.value,
		    model.leds);
	return rc;
}

/* ---- config -------------------------------------------------------------- */

/* The answer the model has for select/subsel: its size and bytes. */
static uint8_t want_answer(uint8_t select, uint8_t subsel, const uint8_t **data)
{
	const struct sim_input_entry *e = sim_input_entry(&model, select, subsel);

	*data = e ? e->data : NULL;
	return e ? e->size : 0;
}

/* A successful query: a size the select allows, always; the model's answer
 * while nothing deviated. */
static void check_answer(const char *call, uint8_t select, uint8_t subsel,
			 const uint8_t *got, uint8_t size)
{
	const uint8_t *want;
	uint8_t wsize = want_answer(select, subsel, &want);

	if (size > CFG_MAX ||
	    (size && select == VIRTIO_INPUT_CFG_ID_DEVIDS &&
	     size != VIRTIO_INPUT_DEVIDS_SIZE) ||
	    (size && select == VIRTIO_INPUT_CFG_ABS_INFO &&
	     size != VIRTIO_INPUT_ABSINFO_SIZE) ||
	    (size && select == VIRTIO_INPUT_CFG_UNSET))
		mismatch(true, "driver's %s accepts an answer of %u bytes to "
			 "select 0x%x", call, size, select);
	if (size != wsize) {
		mismatch(false, "driver's %s says %u bytes, the device has %u "
			 "[select=0x%x] [subsel=%u]",
			 call, size, wsize, select, subsel);
		return;
	}
	if (size && !sim_deviated())
		sim_oracle_same(got, want, size,
				"driver's %s returns other bytes than the device "
				"has [select=0x%x] [subsel=%u]",
				call, select, subsel);
}

static int op_query(uint8_t select, uint8_t subsel)
{
	uint8_t data[CFG_MAX], size = 0;
	int rc = virtio_input_query_config_select(&input, select, subsel, data,
						  &size);

	check_rc(rc, VIRTIO_OK, "query_config_select");
	if (!rc)
		check_answer("virtio_input_query_config_select", select, subsel,
			     data, size);
	fuzz_log_op("query", rc, "select=0x%x subsel=%u size=%u", select, subsel,
		    rc ? 0 : size);
	return rc;
}

static int op_string(bool serial)
{
	const char *call = serial ? "virtio_input_serial" : "virtio_input_name";
	uint8_t select = serial ? VIRTIO_INPUT_CFG_ID_SERIAL : VIRTIO_INPUT_CFG_ID_NAME;
	char buf[CFG_MAX + 1];
	size_t len = 0;
	const uint8_t *want;
	uint8_t wsize = want_answer(select, 0, &want);
	size_t wlen = 0;
	int rc = serial ? virtio_input_serial(&input, buf, &len)
			: virtio_input_name(&input, buf, &len);

	check_rc(rc, VIRTIO_OK, serial ? "serial" : "name");
	if (!rc) {
		if (len > CFG_MAX || buf[len] != '\0' || strlen(buf) != len)
			mismatch(true, "driver's %s returns a string that is "
				 "not %zu bytes and a NUL", call, len);
		while (wlen < wsize && want[wlen])
			wlen++;
		if (len != wlen)
			mismatch(false, "driver's %s is %zu bytes long, the "
				 "device's %zu", call, len, wlen);
		else if (!sim_deviated())
			sim_oracle_same(buf, want, len,
					"driver's %s is not the device's", call);
	}
	fuzz_log_op(serial ? "serial" : "name", rc, "len=%zu", rc ? 0 : len);
	return rc;
}

static int op_ids(void)
{
	struct virtio_input_devids ids = { 0 };
	const uint8_t *want;
	uint8_t wsize = want_answer(VIRTIO_INPUT_CFG_ID_DEVIDS, 0, &want);
	int rc = virtio_input_ids(&input, &ids);

	if (rc == VIRTIO_EUNSUPPORTED && !wsize)
		rc = VIRTIO_OK; /* right: the device has none */
	else
		check_rc(rc, VIRTIO_OK, "ids");
	if (!rc && wsize &&
	    (ids.bustype != virtio_get_le16(want + 0) ||
	     ids.vendor != virtio_get_le16(want + 2) ||
	     ids.product != virtio_get_le16(want + 4) ||
	     ids.version != virtio_get_le16(want + 6)))
		mismatch(false, "driver's virtio_input_ids are not the device's "
			 "[%04x:%04x:%04x:%04x]",
			 ids.bustype, ids.vendor, ids.product, ids.version);
	fuzz_log_op("ids", rc, "bustype=%u vendor=%u product=%u version=%u",
		    ids.bustype, ids.vendor, ids.product, ids.version);
	return rc;
}

static int op_bits(bool prop, uint8_t type)
{
	uint8_t bits[CFG_MAX], size = 0;
	int rc = prop ? virtio_input_prop_bits(&input, bits, &size)
		      : virtio_input_ev_bits(&input, type, bits, &size);

	check_rc(rc, VIRTIO_OK, prop ? "prop_bits" : "ev_bits");
	if (!rc)
		check_answer(prop ? "virtio_input_prop_bits" : "virtio_input_ev_bits",
			     prop ? VIRTIO_INPUT_CFG_PROP_BITS : VIRTIO_INPUT_CFG_EV_BITS,
			     prop ? 0 : type, bits, size);
	fuzz_log_op(prop ? "prop_bits" : "ev_bits", rc, "type=%u size=%u", type,
		    rc ? 0 : size);
	return rc;
}

static int op_abs(uint8_t axis)
{
	struct virtio_input_absinfo a = { 0 };
	const uint8_t *want;
	uint8_t wsize = want_answer(VIRTIO_INPUT_CFG_ABS_INFO, axis, &want);
	int rc = virtio_input_abs_info(&input, axis, &a);

	if (rc == VIRTIO_EUNSUPPORTED && !wsize)
		rc = VIRTIO_OK; /* right: no such axis */
	else
		check_rc(rc, VIRTIO_OK, "abs_info");
	if (!rc && (a.max < a.min || (int64_t)a.fuzz > (int64_t)a.max - a.min ||
		    (int64_t)a.flat > (int64_t)a.max - a.min))
		mismatch(true, "driver's virtio_input_abs_info accepts an axis "
			 "[min=%d] [max=%d] [fuzz=%u] [flat=%u]",
			 a.min, a.max, a.fuzz, a.flat);
	if (!rc && wsize &&
	    ((uint32_t)a.min != virtio_get_le32(want + VIRTIO_INPUT_ABS_MIN) ||
	     (uint32_t)a.max != virtio_get_le32(want + VIRTIO_INPUT_ABS_MAX) ||
	     a.fuzz != virtio_get_le32(want + VIRTIO_INPUT_ABS_FUZZ) ||
	     a.flat != virtio_get_le32(want + VIRTIO_INPUT_ABS_FLAT) ||
	     a.res != virtio_get_le32(want + VIRTIO_INPUT_ABS_RES)))
		mismatch(false, "driver's virtio_input_abs_info is not the "
			 "device's [axis=%u]", axis);
	fuzz_log_op("abs_info", rc, "axis=%u min=%d max=%d fuzz=%u flat=%u res=%u",
		    axis, a.min, a.max, a.fuzz, a.flat, a.res);
	return rc;
}

/* Calls a caller gets wrong: refused, and the device left as it was. */
static void op_invalid(void)
{
	struct virtio_input other;
	struct virtio_input_event ev = { 0 };
	uint8_t data[CFG_MAX], size = 0;
	char s[CFG_MAX + 1];
	size_t len = 0;
	int rc[] = {
		virtio_input_pop_pending_event(&input, NULL),
		virtio_input_query_config_select(&input, 1, 0, NULL, &size),
		virtio_input_query_config_select(&input, 1, 0, data, NULL),
		virtio_input_name(&input, NULL, &len),
		virtio_input_serial(&input, s, NULL),
		virtio_input_ids(&input, NULL),
		virtio_input_abs_info(&input, 0, NULL),
		virtio_input_send_status(&input, NULL),
		virtio_input_pop_pending_event(NULL, &ev),
		virtio_input_init(&other, cur_t, event_storage, 0),
		virtio_input_init(&other, cur_t, NULL, 1),
		virtio_input_init(NULL, cur_t, event_storage, 1),
	};
	unsigned bad = 0;

	for (size_t i = 0; i < sizeof(rc) / sizeof(rc[0]); i++)
		if (rc[i] != VIRTIO_EINVALID_PARAM &&
		    !(stopped && rc[i] == VIRTIO_EBROKEN)) {
			mismatch(true, "driver takes an invalid call [call=%zu] "
				 "[rc=%s]", i, virtio_strerror(rc[i]));
			bad++;
		}
	virtio_input_destroy(NULL);
	if (virtio_input_ack_interrupt(NULL) != 0)
		mismatch(true, "driver's virtio_input_ack_interrupt(NULL) reads "
			 "an interrupt status");
	fuzz_log_op("invalid", VIRTIO_OK, "calls=%zu bad=%u",
		    sizeof(rc) / sizeof(rc[0]), bad);
}

static void op_ack(void)
{
	uint32_t isr = virtio_input_ack_interrupt(&input);

	fuzz_log_op("ack_interrupt", VIRTIO_OK, "isr=%u", isr);
}

/* The default workload: every operation once, events both ways. */
#define HOST(n, seed) 0, (n) - 1, seed
#define POP(n) 1, (n) - 1
#define ACK 2
#define NAME 3
#define SERIAL 4
#define IDS 5
#define PROP 6
#define EVBITS(t) 7, t
#define ABS(a) 8, a
#define QUERY(s, ss) 9, s, ss
#define STATUS(c, v) 10, c, v
#define INVALID 11

static const uint8_t default_ops[] = {
	NAME, SERIAL, IDS, PROP, EVBITS(1), EVBITS(0x11), EVBITS(2), ABS(0),
	ABS(5), QUERY(0, 0), HOST(3, 0x1e), POP(4), STATUS(1, 1), ACK,
	HOST(2, 0x30), POP(1), POP(2), ACK,
};

unsigned fuzz_input_workload(struct virtio_transport *t, struct fuzz_in *work)
{
	struct fuzz_in def = { default_ops, sizeof default_ops, 0 };
	unsigned ops = 0, failed = 0;
	int rc;

	if (work->len == 0)
		work = &def;
	cur_t = t;
	popped = 0;
	stopped = false;
	rc = virtio_input_init(&input, t, event_storage, INPUT_EVENTS);
	check_rc(rc, VIRTIO_OK, "init");
	fuzz_log_op("init", rc, NULL);
	if (rc) {
		virtio_input_destroy(&input);
		fuzz_log_workload(rc, 0, 0, false);
		return 0;
	}
	while (fuzz_more(work) && ops < INPUT_MAX_OPS) {
		uint8_t op = fuzz_u8(work) % 12, a, b;

		ops++;
		rc = VIRTIO_OK;
		switch (op) {
		case 0:
			a = fuzz_u8(work);
			op_host(a % 8u + 1u, fuzz_u8(work));
			break;
		case 1:
			rc = op_pop(1u + fuzz_u8(work));
			break;
		case 2:
			op_ack();
			break;
		case 3:
		case 4:
			rc = op_string(op == 4);
			break;
		case 5:
			rc = op_ids();
			break;
		case 6:
			rc = op_bits(true, 0);
			break;
		case 7:
			rc = op_bits(false, fuzz_u8(work));
			break;
		case 8:
			rc = op_abs(fuzz_u8(work));
			break;
		case 9:
			a = fuzz_u8(work);
			rc = op_query(a, fuzz_u8(work));
			break;
		case 10:
			a = fuzz_u8(work);
			b = fuzz_u8(work);
			rc = op_status(a, b);
			break;
		default:
			op_invalid();
			break;
		}
		failed += rc != 0;
	}
	bool completed = !t->broken;

	virtio_input_destroy(&input);
	fuzz_log_workload(0, ops, failed, completed);
	return ops;
}

/* ---- the input device's entry (fuzz/devices.def) ------------------------ */

/* QEMU's keyboard with a serial, PROP_BITS and two axes, so every select
 * has an answer to get right; small rings keep an iteration cheap. */
static const struct sim_input_config fuzz_input_config = {
	.queue_max = FUZZ_QUEUE_MAX,
	.serial = "vfuzz-input",
	.axes = true,
	.prop_bits = true,
};

struct sim_vdev *fuzz_input_model(const void *opts)
{
	if (sim_input_create(&model, opts ? opts : &fuzz_input_config))
		return NULL;
	return &model.dev;
}

/* Seed workloads, in the opcodes above. */
static const uint8_t key_presses[] = {
	HOST(2, 0x1e), HOST(2, 0x1f), HOST(8, 0x10), POP(12), HOST(1, 0),
	POP(1), POP(1),
};
static const uint8_t ring_wrap[] = {
	HOST(8, 0x01), POP(8), HOST(8, 0x09), POP(8), HOST(8, 0x11), HOST(8, 0x19),
	POP(16), HOST(5, 0x21), POP(5),
};
static const uint8_t every_select[] = {
	NAME, SERIAL, IDS, PROP, EVBITS(0), EVBITS(1), EVBITS(2), EVBITS(3),
	EVBITS(0x11), EVBITS(0x14), ABS(0), ABS(1), ABS(2), QUERY(0, 0),
	QUERY(1, 1), QUERY(3, 0), QUERY(0x12, 1), QUERY(0x20, 0),
};
static const uint8_t leds[] = {
	STATUS(0, 1), STATUS(1, 1), STATUS(2, 1), STATUS(1, 0), STATUS(3, 1),
	HOST(2, 0x3a), POP(2), STATUS(0, 0),
};
static const uint8_t interrupts[] = {
	ACK, HOST(2, 0x20), ACK, POP(2), ACK, STATUS(1, 1), ACK, NAME, ACK,
};
static const uint8_t invalid_calls[] = {
	INVALID, HOST(2, 0x60), POP(2), INVALID, STATUS(0, 1), INVALID,
};
static const uint8_t events_between_queries[] = {
	HOST(4, 0x40), NAME, POP(1), IDS, POP(1), ABS(0), POP(2), HOST(2, 0x50),
	EVBITS(1), POP(2),
};

#define SEED(name, work) { name, work, sizeof(work) }
const struct fuzz_seed fuzz_input_seeds[] = {
	{ "default-workload-every-operation", NULL, 0 },
	SEED("key-presses-popped-in-order", key_presses),
	SEED("events-wrap-the-eventq", ring_wrap),
	SEED("every-config-select-answered", every_select),
	SEED("led-status-events", leds),
	SEED("interrupts-acked-after-events-and-status", interrupts),
	SEED("events-popped-between-config-queries", events_between_queries),
	SEED("invalid-calls-refused", invalid_calls),
	{ NULL, NULL, 0 },
};
