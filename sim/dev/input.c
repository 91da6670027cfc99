/* SPDX-License-Identifier: MIT */
/*
 * virtio-input device model (VirtIO 1.2, 5.8): event buffers are held
 * until the host sends an event, then get it, each field and the length
 * as the decision stream says; status chains are read and logged (LEDs
 * kept), returned at once or later ("vq.defer"); config answers follow
 * select and subsel as QEMU's keyboard has them. Not here: ring parsing
 * (vq.c), registers (fronts).
 */
#include <string.h>

#include "sim/decide.h"
#include "sim/dev/input.h"
#include "sim/device.h"
#include "sim/oracle.h"
#include "virtio/le.h"
#include "virtio/spec/input.h"

#define EVQ VIRTIO_INPUT_EVENTQ
#define STQ VIRTIO_INPUT_STATUSQ

/* QEMU 7.2, hw/input/virtio-input-hid.c */
static const char keyboard_name[] = "QEMU Virtio Keyboard";
#define QEMU_VENDOR 0x0627
#define QEMU_KEYBOARD_PRODUCT 0x0001
#define QEMU_VERSION 0x0001
#define ABS_MAX_QEMU 0x7fff /* INPUT_EVENT_ABS_MAX */
#define INPUT_PROP_DIRECT 1

/* ---- config space ------------------------------------------------------- */

static const char *input_config_field(void *model, uint32_t off,
				      unsigned *width)
{
	(void)model;
	*width = 1; /* every field is a u8, the union read bytewise */
	if (off == VIRTIO_INPUT_CFG_SELECT)
		return "input.select";
	if (off == VIRTIO_INPUT_CFG_SUBSEL)
		return "input.subsel";
	if (off == VIRTIO_INPUT_CFG_SIZE)
		return "input.size";
	if (off < VIRTIO_INPUT_CFG_DATA)
		return "input.reserved";
	return "input.data";
}

static bool live(const struct sim_vdev *d)
{
	return (d->status & VIRTIO_STATUS_DRIVER_OK) &&
	       !(d->status & VIRTIO_STATUS_DEVICE_NEEDS_RESET);
}

const struct sim_input_entry *sim_input_entry(const struct sim_input *m,
					      uint8_t select, uint8_t subsel)
{
	for (unsigned i = 0; i < m->nentries; i++)
		if (m->entry[i].select == select && m->entry[i].subsel == subsel)
			return &m->entry[i];
	return NULL;
}

/* What the config space reads for the driver's select and subsel: the
 * answer, or all zero (QEMU's virtio_input_get_config). */
static void show(struct sim_input *m)
{
	const struct sim_input_entry *e =
	    sim_input_entry(m, m->select, m->subsel);
	uint8_t *p = m->dev.config;

	memset(p, 0, VIRTIO_INPUT_CFG_FULL_SIZE);
	if (!e)
		return;
	p[VIRTIO_INPUT_CFG_SELECT] = e->select;
	p[VIRTIO_INPUT_CFG_SUBSEL] = e->subsel;
	p[VIRTIO_INPUT_CFG_SIZE] = e->size;
	memcpy(p + VIRTIO_INPUT_CFG_DATA, e->data, e->size);
}

/* 5.8.4: select and subsel are the driver's to write, the rest read-only. */
static int input_config_write(void *model, uint32_t off, unsigned width,
			      uint32_t val)
{
	struct sim_input *m = model;

	if (width != 1 || off > VIRTIO_INPUT_CFG_SUBSEL)
		return -1;
	if (off == VIRTIO_INPUT_CFG_SELECT)
		m->select = (uint8_t)val;
	else
		m->subsel = (uint8_t)val;
	show(m);
	/* QEMU's set_config notifies a config change once DRIVER_OK: the
	 * generation moves. */
	if (m->dev.status & VIRTIO_STATUS_DRIVER_OK) {
		m->dev.config_gen++;
		sim_vdev_interrupt(&m->dev, VIRTIO_MMIO_INT_CONFIG);
	}
	return 0;
}

static struct sim_input_entry *add(struct sim_input *m, uint8_t select,
				   uint8_t subsel, uint8_t size)
{
	struct sim_input_entry *e = &m->entry[m->nentries++];

	memset(e, 0, sizeof(*e));
	e->select = select;
	e->subsel = subsel;
	e->size = size;
	return e;
}

static void set_bit(struct sim_input_entry *e, unsigned bit)
{
	e->data[bit / 8] |= (uint8_t)(1u << (bit % 8));
}

static void build_entries(struct sim_input *m)
{
	struct sim_input_entry *e;

	m->nentries = 0;
	/* QEMU counts the NUL of the name in size. */
	e = add(m, VIRTIO_INPUT_CFG_ID_NAME, 0, sizeof(keyboard_name));
	memcpy(e->data, keyboard_name, sizeof(keyboard_name));
	if (m->cfg.serial) {
		size_t n = strlen(m->cfg.serial);

		if (n > VIRTIO_INPUT_CFG_DATA_MAX)
			n = VIRTIO_INPUT_CFG_DATA_MAX;
		/* QEMU's snprintf size: without the NUL. */
		e = add(m, VIRTIO_INPUT_CFG_ID_SERIAL, 0, (uint8_t)n);
		memcpy(e->data, m->cfg.serial, n);
	}
	e = add(m, VIRTIO_INPUT_CFG_ID_DEVIDS, 0, VIRTIO_INPUT_DEVIDS_SIZE);
	virtio_put_le16(e->data + VIRTIO_INPUT_DEVIDS_BUSTYPE,
			VIRTIO_INPUT_BUS_VIRTUAL);
	virtio_put_le16(e->data + VIRTIO_INPUT_DEVIDS_VENDOR, QEMU_VENDOR);
	virtio_put_le16(e->data + VIRTIO_INPUT_DEVIDS_PRODUCT,
			QEMU_KEYBOARD_PRODUCT);
	virtio_put_le16(e->data + VIRTIO_INPUT_DEVIDS_VERSION, QEMU_VERSION);
	add(m, VIRTIO_INPUT_CFG_EV_BITS, VIRTIO_INPUT_EV_REP, 1);
	e = add(m, VIRTIO_INPUT_CFG_EV_BITS, VIRTIO_INPUT_EV_LED, 1);
	set_bit(e, VIRTIO_INPUT_LED_NUML);
	set_bit(e, VIRTIO_INPUT_LED_CAPSL);
	set_bit(e, VIRTIO_INPUT_LED_SCROLLL);
	/* EV_KEY: QEMU's is its qcode-to-Linux map; here keys 1..247
	 * (KEY_ESC..KEY_RFKILL's neighbourhood), 31 bytes. */
	e = add(m, VIRTIO_INPUT_CFG_EV_BITS, VIRTIO_INPUT_EV_KEY, 31);
	for (unsigned k = 1; k < 248; k++)
		set_bit(e, k);
	if (m->cfg.axes) {
		e = add(m, VIRTIO_INPUT_CFG_EV_BITS, VIRTIO_INPUT_EV_ABS, 1);
		set_bit(e, VIRTIO_INPUT_ABS_X);
		set_bit(e, VIRTIO_INPUT_ABS_Y);
		for (uint8_t axis = VIRTIO_INPUT_ABS_X;
		     axis <= VIRTIO_INPUT_ABS_Y; axis++) {
			e = add(m, VIRTIO_INPUT_CFG_ABS_INFO, axis,
				VIRTIO_INPUT_ABSINFO_SIZE);
			virtio_put_le32(e->data + VIRTIO_INPUT_ABS_MAX,
					ABS_MAX_QEMU);
		}
	}
	if (m->cfg.prop_bits) {
		e = add(m, VIRTIO_INPUT_CFG_PROP_BITS, 0, 1);
		set_bit(e, INPUT_PROP_DIRECT);
	}
}

/* ---- logs ------------------------------------------------------------------ */

static struct sim_input_event *log_event(struct sim_input_log *l)
{
	l->total++;
	if (l->n == SIM_INPUT_LOG_MAX)
		return NULL;
	return &l->ev[l->n++];
}

/* ---- statusq: the driver's status events ---------------------------------- */

static uint32_t status_event(struct sim_input *m, struct sim_vq *q,
			     const struct sim_chain *ch)
{
	uint8_t b[VIRTIO_INPUT_EVENT_SIZE];
	struct sim_input_event *e;
	uint16_t type, code;
	uint32_t value;

	/* 5.8.6.2: a status event is one struct the device reads. */
	if (ch->writable || ch->readable != VIRTIO_INPUT_EVENT_SIZE) {
		sim_report(SIM_DESC_MALFORMED, NULL, NULL,
			   "driver puts a chain in the input statusq that is not "
			   "one event the device reads (5.8.6.2) [queue=%u] "
			   "[head=%u] [readable=%llu] [writable=%llu]",
			   q->index, ch->head, (unsigned long long)ch->readable,
			   (unsigned long long)ch->writable);
		return 0;
	}
	if (sim_chain_read(ch, 0, b, sizeof(b)) != (int64_t)sizeof(b))
		return 0; /* DMA refused: the finding is made */
	type = virtio_get_le16(b + VIRTIO_INPUT_EVENT_TYPE);
	code = virtio_get_le16(b + VIRTIO_INPUT_EVENT_CODE);
	value = virtio_get_le32(b + VIRTIO_INPUT_EVENT_VALUE);
	/* As QEMU's keyboard: EV_LED sets or clears the LED. */
	if (type == VIRTIO_INPUT_EV_LED && code <= VIRTIO_INPUT_LED_SCROLLL) {
		if (value)
			m->leds |= (uint8_t)(1u << code);
		else
			m->leds &= (uint8_t)~(1u << code);
	}
	e = log_event(&m->status);
	if (e) {
		e->type = type;
		e->code = code;
		e->value = value;
		e->len = 0;
		e->head = ch->id;
	}
	sim_trace("input: status type=%llu code=%llu value=%llu", type, code,
		  value, 0);
	return 0; /* the device writes nothing into a status event */
}

static uint32_t input_handle(void *model, struct sim_vq *q,
			     const struct sim_chain *ch)
{
	if (q->index != STQ)
		return 0; /* event buffers are filled by serve_events only */
	return status_event(model, q, ch);
}

/* ---- eventq: the host's events to the driver -------------------------------- */

static uint32_t fill_event(struct sim_input *m, struct sim_vq *q,
			   const struct sim_chain *ch)
{
	const struct sim_input_event *h = &m->pending[m->pend_head];
	uint8_t b[VIRTIO_INPUT_EVENT_SIZE];
	struct sim_input_event *e;
	uint32_t len;

	/* 5.8.6.1: event buffers are device-writable, an event each. */
	if (ch->readable || ch->writable < VIRTIO_INPUT_EVENT_SIZE) {
		sim_report(SIM_DESC_MALFORMED, NULL, NULL,
			   "driver puts a buffer in the input eventq that is not "
			   "one the device writes an event into (5.8.6.1) "
			   "[queue=%u] [head=%u] [readable=%llu] [writable=%llu]",
			   q->index, ch->head, (unsigned long long)ch->readable,
			   (unsigned long long)ch->writable);
		return 0;
	}
	m->pend_head = (m->pend_head + 1) % SIM_INPUT_PENDING_MAX;
	m->npend--;
	virtio_put_le16(b + VIRTIO_INPUT_EVENT_TYPE,
			(uint16_t)sim_decide("input.type", h->type, 2));
	virtio_put_le16(b + VIRTIO_INPUT_EVENT_CODE,
			(uint16_t)sim_decide("input.code", h->code, 2));
	virtio_put_le32(b + VIRTIO_INPUT_EVENT_VALUE,
			(uint32_t)sim_decide("input.value", h->value, 4));
	len = (uint32_t)sim_decide("input.event_len", VIRTIO_INPUT_EVENT_SIZE, 4);
	if (len > VIRTIO_INPUT_EVENT_SIZE)
		len = VIRTIO_INPUT_EVENT_SIZE; /* no made-up bytes past it */
	if (sim_chain_write(ch, 0, b, len) < 0)
		return 0;
	e = log_event(&m->events);
	if (e) {
		e->type = virtio_get_le16(b + VIRTIO_INPUT_EVENT_TYPE);
		e->code = virtio_get_le16(b + VIRTIO_INPUT_EVENT_CODE);
		e->value = virtio_get_le32(b + VIRTIO_INPUT_EVENT_VALUE);
		e->len = len;
		e->head = ch->id; /* the driver's token for it */
	}
	sim_trace("input: event head=%llu type=%llu code=%llu len=%llu",
		  ch->head, virtio_get_le16(b), virtio_get_le16(b + 2), len);
	return len;
}

/* Fill the event buffers the device holds while the host has events. */
static void serve_events(struct sim_input *m)
{
	struct sim_vdev *d = &m->dev;
	struct sim_vq *q = &d->q[EVQ];
	uint16_t old = q->used_idx, head;
	bool any = false;

	if (!live(d) || !q->ready || q->broken)
		return;
	while (m->npend && q->npending && sim_vq_pick(q, &head)) {
		uint16_t before = q->used_idx;
		uint32_t len = 0;

		if (sim_vq_chain(q, head, &d->chain) == 0)
			len = fill_event(m, q, &d->chain);
		else
			sim_vdev_needs_reset(d);
		/* A malformed chain is still returned (len 0), as the core
		 * does, so a driver in record mode is not left waiting. */
		if (sim_vq_push(q, head, len) || q->broken ||
		    (d->status & VIRTIO_STATUS_DEVICE_NEEDS_RESET))
			break;
		if (!q->packed && q->used_idx != (uint16_t)(before + 1))
			m->ev_idx_lied = true;
		any = true;
	}
	if (q->broken)
		sim_vdev_needs_reset(d);
	if (any && sim_vq_need_interrupt(q, old))
		sim_vdev_interrupt(d, VIRTIO_MMIO_INT_VRING);
}

/* ---- device hooks -------------------------------------------------------- */

/* The core's notify handling, except that event buffers wait for the host
 * and deferred status events are this model's own (the core's deferral
 * would serve the eventq too). */
static void input_notify(void *model, struct sim_vdev *d, struct sim_vq *q)
{
	struct sim_input *m = model;

	if (sim_vq_fetch(q) < 0) {
		sim_vdev_needs_reset(d);
		return;
	}
	if (q->index == STQ && q->npending) {
		if (sim_decide_flag("vq.defer"))
			m->status_waiting = true;
		else
			sim_vdev_serve(d, q);
	}
	serve_events(m);
}

static void input_poll(void *model, struct sim_vdev *d)
{
	struct sim_input *m = model;
	struct sim_vq *st = &d->q[STQ];

	if (!live(d))
		return;
	if (m->status_waiting) {
		if (!st->npending || st->broken)
			m->status_waiting = false;
		else if (!sim_decide_flag("vq.defer")) {
			sim_vdev_serve(d, st);
			m->status_waiting = st->npending != 0;
		}
	}
	serve_events(m);
}

static void input_reset(void *model)
{
	struct sim_input *m = model;

	m->status_waiting = false; /* the core cleared the queues */
	m->select = m->subsel = 0;
	show(m);
}

static const struct sim_vdev_ops input_ops = {
	.reset = input_reset,
	.handle = input_handle,
	.config_field = input_config_field,
	.config_write = input_config_write,
	.notify = input_notify,
	.poll = input_poll,
};

int sim_input_create(struct sim_input *m, const struct sim_input_config *cfg)
{
	static const struct sim_input_config defaults;

	if (!cfg)
		cfg = &defaults;
	m->cfg = *cfg;
	if (!m->cfg.queue_max)
		m->cfg.queue_max = SIM_INPUT_DEFAULT_QUEUE_MAX;
	m->status_waiting = false;
	m->pend_head = m->npend = 0;
	m->lost = 0;
	m->ev_idx_lied = false;
	m->leds = 0;
	m->events.n = m->status.n = 0;
	m->events.total = m->status.total = 0;
	m->select = m->subsel = 0;
	build_entries(m);
	/* 5.8.3: no device-specific feature. */
	sim_vdev_init(&m->dev, VIRTIO_ID_INPUT, 0, 2, m->cfg.queue_max,
		      &input_ops, m);
	/* The whole struct: on MMIO a driver cannot know a shorter one. */
	m->dev.config_len = VIRTIO_INPUT_CFG_FULL_SIZE;
	show(m);
	return 0;
}

int sim_input_host_send(struct sim_input *m, uint16_t type, uint16_t code,
			uint32_t value)
{
	struct sim_input_event *e;

	if (m->npend == SIM_INPUT_PENDING_MAX) {
		m->lost++;
		return -1;
	}
	e = &m->pending[(m->pend_head + m->npend) % SIM_INPUT_PENDING_MAX];
	e->type = type;
	e->code = code;
	e->value = value;
	e->len = VIRTIO_INPUT_EVENT_SIZE;
	e->head = 0;
	m->npend++;
	sim_trace("input: host sends type=%llu code=%llu value=%llu", type,
		  code, value, 0);
	serve_events(m); /* the device does not wait for the driver to look */
	return 0;
}
