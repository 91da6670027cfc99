/* SPDX-License-Identifier: MIT */
/*
 * virtio-input driver (VirtIO 1.2, 5.8): event buffers kept with the
 * device and each event handed to the caller as a copy, the buffer lent
 * again at once; config answers read by select and subsel between two
 * equal generations; status events sent one at a time. Where the
 * virtio-drivers crate trusts the device (it takes any used len as an
 * event, any size up to the caller's buffer as the answer, and the
 * answer without the generation) this driver checks, and stops a device
 * that lies. Queue mechanics are in queue/; the init sequence in
 * dev/device.c.
 */
#include <string.h>

#include "virtio/device.h"
#include "virtio/errors.h"
#include "virtio/input.h"
#include "virtio/le.h"
#include "virtio/spec.h"
#include "virtio/spec/input.h"

static int check_usable(const struct virtio_input *in)
{
	int rc;

	if (!in || !in->t)
		return VIRTIO_EINVALID_PARAM;
	if (in->t->broken)
		return VIRTIO_EBROKEN;
	rc = virtq_check(&in->eventq);
	return rc ? rc : virtq_check(&in->statusq);
}

/* The device lied or never answered: reset it (it owns nothing after),
 * every later call is EBROKEN. Buffers still shared come back at destroy. */
static int stop(struct virtio_input *in, int rc)
{
	virtio_device_stop(in->t);
	return rc;
}

static uint8_t *ev_buf(const struct virtio_input *in, uint16_t slot)
{
	return in->events + (size_t)slot * VIRTIO_INPUT_EVENT_SIZE;
}

/* Put event buffer `slot` in the eventq; the caller kicks. */
static int give_event(struct virtio_input *in, uint16_t slot)
{
	struct virtq_buf b = { ev_buf(in, slot), VIRTIO_INPUT_EVENT_SIZE };
	uint16_t token;
	int rc = virtq_add(&in->eventq, NULL, 0, &b, 1, &token);

	if (rc)
		return rc;
	in->ev[slot].token = token;
	in->ev[slot].state = VIRTIO_INPUT_EV_DEVICE;
	return VIRTIO_OK;
}

/* ---- init ----------------------------------------------------------------- */

/* 5.8.4: no field is read at init, but every query needs the header. */
static int read_config(void *drv, struct virtio_transport *t)
{
	(void)drv;
	if (t->config_size < VIRTIO_INPUT_CFG_DATA)
		return t->config_size ? VIRTIO_ECONFIG_TOO_SMALL
				      : VIRTIO_ECONFIG_MISSING;
	return VIRTIO_OK;
}

/* Both queues; if the second fails the first goes (after a reset: only a
 * reset device owns nothing), so a failed init holds nothing. */
static int setup_queues(void *drv, struct virtio_transport *t)
{
	struct virtio_input *in = drv;
	int rc;

	rc = virtq_init(&in->eventq, t, VIRTIO_INPUT_EVENTQ,
			VIRTQ_MEM(&in->eventq_mem), in->nevents, 1);
	if (rc)
		return rc;
	rc = virtq_init(&in->statusq, t, VIRTIO_INPUT_STATUSQ,
			VIRTQ_MEM(&in->statusq_mem), 0, 1);
	if (rc) {
		(void)virtio_reset(t);
		virtq_destroy(&in->eventq);
	}
	return rc;
}

static const struct virtio_device_desc input_device = {
	.device_id = VIRTIO_ID_INPUT,
	.wanted = 0, /* 5.8.3: no device-specific feature */
	.required = 0,
	.read_config = read_config,
	.setup_queues = setup_queues,
};

int virtio_input_init(struct virtio_input *in, struct virtio_transport *t,
		      void *event_storage, uint16_t nevents)
{
	uint16_t i;
	int rc;

	if (!in)
		return VIRTIO_EINVALID_PARAM;
	/* What destroy looks at, before anything can fail. */
	in->t = NULL;
	virtq_clear(&in->eventq);
	virtq_clear(&in->statusq);
	in->nevents = 0;
	in->last_slot = 0;
	memset(in->ev, 0, sizeof(in->ev));
	if (!event_storage || nevents < 1 || nevents > VIRTIO_INPUT_QUEUE_SIZE)
		return VIRTIO_EINVALID_PARAM;
	rc = virtio_device_check(t, &input_device);
	if (rc)
		return rc;
	in->t = t; /* ours from here: destroy resets it */
	in->events = event_storage;
	in->nevents = nevents;
	rc = virtio_device_init(t, &input_device, in);
	if (rc) {
		in->nevents = 0;
		return rc;
	}
	/* The device is live: an event buffer per eventq entry (the crate's
	 * VirtIOInput::new), then one notification. */
	in->nevents = virtq_size(&in->eventq);
	for (i = 0; i < in->nevents && !rc; i++)
		rc = give_event(in, i);
	if (rc) {
		(void)virtio_reset(t);
		virtq_destroy(&in->eventq);
		virtq_destroy(&in->statusq);
		memset(in->ev, 0, sizeof(in->ev));
		virtio_fail(t);
		return rc;
	}
	virtq_kick(&in->eventq);
	return VIRTIO_OK;
}

/* ---- events ----------------------------------------------------------------- */

/* The slot whose buffer the used entry `token` returns; nevents if none. */
static uint16_t slot_of(const struct virtio_input *in, uint16_t token)
{
	uint16_t i;

	for (i = 0; i < in->nevents; i++)
		if (in->ev[i].state == VIRTIO_INPUT_EV_DEVICE &&
		    in->ev[i].token == token)
			return i;
	return in->nevents; /* cov-exempt: redundant */
}

/* Lend again the buffers a refused share left with the driver. */
static void relend_idle(struct virtio_input *in)
{
	bool any = false;
	uint16_t i;

	for (i = 0; i < in->nevents; i++)
		if (in->ev[i].state == VIRTIO_INPUT_EV_IDLE &&
		    give_event(in, i) == VIRTIO_OK)
			any = true;
	if (any)
		virtq_kick(&in->eventq);
}

int virtio_input_pop_pending_event(struct virtio_input *in,
				   struct virtio_input_event *ev)
{
	uint16_t token, slot;
	uint32_t len = 0;
	const uint8_t *b;
	int rc = check_usable(in);

	if (rc)
		return rc;
	if (!ev)
		return VIRTIO_EINVALID_PARAM;
	/* Look first: the peek reads the device's used idx, so a buffer lent
	 * again below counts only entries published from now on as its own.
	 * Lent first, a used entry the device published while the buffer was
	 * the driver's, naming it, would pass for its completion: bytes the
	 * device never wrote returned as an event. */
	rc = virtq_peek_used(&in->eventq, &token);
	if (rc == VIRTIO_EBAD_USED)
		return stop(in, rc);
	relend_idle(in);
	if (rc)
		return rc;
	/* The queue validated the id as in flight; every chain in flight on
	 * the eventq is one of the driver's event buffers. */
	slot = slot_of(in, token);
	if (slot == in->nevents)
		return stop(in, VIRTIO_EBAD_USED); /* cov-exempt: redundant */
	rc = virtq_pop_used(&in->eventq, token, &len);
	if (rc)
		return rc == VIRTIO_EBAD_USED ? stop(in, rc) : rc; /* cov-exempt: redundant */
	in->ev[slot].state = VIRTIO_INPUT_EV_IDLE;
	/* 5.8.6.1: the device fills a whole event; anything shorter leaves
	 * bytes it never wrote (the queue checked len <= 8). */
	if (len != VIRTIO_INPUT_EVENT_SIZE)
		return stop(in, VIRTIO_EBAD_USED);
	b = ev_buf(in, slot); /* the driver's again: read once */
	ev->type = virtio_get_le16(b + VIRTIO_INPUT_EVENT_TYPE);
	ev->code = virtio_get_le16(b + VIRTIO_INPUT_EVENT_CODE);
	ev->value = virtio_get_le32(b + VIRTIO_INPUT_EVENT_VALUE);
	in->last_slot = slot;
	/* Lend it again (the crate's requeue); a refused share is retried
	 * at the next call. */
	if (give_event(in, slot) == VIRTIO_OK)
		virtq_kick(&in->eventq);
	return VIRTIO_OK;
}

/* ---- config ----------------------------------------------------------------- */

/* 5.8.4: the size an answer to `select` may have besides 0. */
static bool size_fits(uint8_t select, uint8_t size)
{
	switch (select) {
	case VIRTIO_INPUT_CFG_UNSET:
		return false;
	case VIRTIO_INPUT_CFG_ID_DEVIDS:
		return size == VIRTIO_INPUT_DEVIDS_SIZE;
	case VIRTIO_INPUT_CFG_ABS_INFO:
		return size == VIRTIO_INPUT_ABSINFO_SIZE;
	default:
		return size <= VIRTIO_INPUT_CFG_DATA_MAX;
	}
}

static uint8_t cfg8(struct virtio_transport *t, size_t off)
{
	return (uint8_t)t->ops->config_read(t, off, 1);
}

int virtio_input_query_config_select(struct virtio_input *in, uint8_t select,
				     uint8_t subsel,
				     uint8_t data[VIRTIO_INPUT_CFG_DATA_MAX],
				     uint8_t *size)
{
	struct virtio_transport *t;
	unsigned tries, i;
	int rc = check_usable(in);

	if (rc)
		return rc;
	if (!data || !size)
		return VIRTIO_EINVALID_PARAM;
	t = in->t;
	/* init checked the header is there. Every field is a u8 (the union
	 * is read bytewise too, as the crate does): 8-bit accesses. */
	t->ops->config_write(t, VIRTIO_INPUT_CFG_SELECT, 1, select);
	t->ops->config_write(t, VIRTIO_INPUT_CFG_SUBSEL, 1, subsel);
	for (tries = 0; tries < VIRTIO_CONFIG_RETRIES; tries++) {
		/* 2.5.1: one answer between two equal generations, read after
		 * the writes (QEMU moves the generation at each). */
		uint32_t gen = virtio_config_generation(t);
		uint8_t n = cfg8(t, VIRTIO_INPUT_CFG_SIZE), rsel, rsub;
		/* A size past the data or the config space is judged once the
		 * generation says it was no torn read. */
		bool fits = n <= VIRTIO_INPUT_CFG_DATA_MAX &&
			    VIRTIO_INPUT_CFG_DATA + (size_t)n <= t->config_size;

		for (i = 0; fits && i < n; i++)
			data[i] = cfg8(t, VIRTIO_INPUT_CFG_DATA + i);
		rsel = cfg8(t, VIRTIO_INPUT_CFG_SELECT);
		rsub = cfg8(t, VIRTIO_INPUT_CFG_SUBSEL);
		if (virtio_config_generation(t) != gen)
			continue;
		/* 5.8.5.1: size 0 is "no such information" (QEMU then reads
		 * all zero, select and subsel too). An answer is the one
		 * asked for: select and subsel as written, a size the select
		 * allows. */
		if (n && (!fits || !size_fits(select, n) || rsel != select ||
			  rsub != subsel))
			return stop(in, VIRTIO_EBAD_CONFIG);
		*size = n;
		return VIRTIO_OK;
	}
	return VIRTIO_ECONFIG_UNSTABLE;
}

static int query_string(struct virtio_input *in, uint8_t select,
			char buf[VIRTIO_INPUT_CFG_DATA_MAX + 1], size_t *len)
{
	uint8_t data[VIRTIO_INPUT_CFG_DATA_MAX], n = 0;
	size_t k;
	int rc;

	if (!buf || !len)
		return VIRTIO_EINVALID_PARAM;
	rc = virtio_input_query_config_select(in, select, 0, data, &n);
	if (rc)
		return rc;
	/* 5.8.4 u.string: QEMU counts the name's NUL in size, not the
	 * serial's: the string ends at the first NUL or at size. */
	for (k = 0; k < n && data[k]; k++)
		buf[k] = (char)data[k];
	buf[k] = '\0';
	*len = k;
	return VIRTIO_OK;
}

int virtio_input_name(struct virtio_input *in,
		      char buf[VIRTIO_INPUT_CFG_DATA_MAX + 1], size_t *len)
{
	return query_string(in, VIRTIO_INPUT_CFG_ID_NAME, buf, len);
}

int virtio_input_serial(struct virtio_input *in,
			char buf[VIRTIO_INPUT_CFG_DATA_MAX + 1], size_t *len)
{
	return query_string(in, VIRTIO_INPUT_CFG_ID_SERIAL, buf, len);
}

int virtio_input_ids(struct virtio_input *in, struct virtio_input_devids *ids)
{
	uint8_t d[VIRTIO_INPUT_CFG_DATA_MAX], n = 0;
	int rc;

	if (!ids)
		return VIRTIO_EINVALID_PARAM;
	rc = virtio_input_query_config_select(in, VIRTIO_INPUT_CFG_ID_DEVIDS,
					      0, d, &n);
	if (rc)
		return rc;
	if (!n)
		return VIRTIO_EUNSUPPORTED;
	/* query checked n == 8 */
	ids->bustype = virtio_get_le16(d + VIRTIO_INPUT_DEVIDS_BUSTYPE);
	ids->vendor = virtio_get_le16(d + VIRTIO_INPUT_DEVIDS_VENDOR);
	ids->product = virtio_get_le16(d + VIRTIO_INPUT_DEVIDS_PRODUCT);
	ids->version = virtio_get_le16(d + VIRTIO_INPUT_DEVIDS_VERSION);
	return VIRTIO_OK;
}

int virtio_input_prop_bits(struct virtio_input *in,
			   uint8_t bits[VIRTIO_INPUT_CFG_DATA_MAX], uint8_t *size)
{
	return virtio_input_query_config_select(
	    in, VIRTIO_INPUT_CFG_PROP_BITS, 0, bits, size);
}

int virtio_input_ev_bits(struct virtio_input *in, uint8_t type,
			 uint8_t bits[VIRTIO_INPUT_CFG_DATA_MAX], uint8_t *size)
{
	return virtio_input_query_config_select(in, VIRTIO_INPUT_CFG_EV_BITS,
						type, bits, size);
}

int virtio_input_abs_info(struct virtio_input *in, uint8_t axis,
			  struct virtio_input_absinfo *info)
{
	uint8_t d[VIRTIO_INPUT_CFG_DATA_MAX], n = 0;
	struct virtio_input_absinfo a;
	int64_t span;
	int rc;

	if (!info)
		return VIRTIO_EINVALID_PARAM;
	rc = virtio_input_query_config_select(in, VIRTIO_INPUT_CFG_ABS_INFO,
					      axis, d, &n);
	if (rc)
		return rc;
	if (!n)
		return VIRTIO_EUNSUPPORTED;
	/* query checked n == 20 */
	a.min = (int32_t)virtio_get_le32(d + VIRTIO_INPUT_ABS_MIN);
	a.max = (int32_t)virtio_get_le32(d + VIRTIO_INPUT_ABS_MAX);
	a.fuzz = virtio_get_le32(d + VIRTIO_INPUT_ABS_FUZZ);
	a.flat = virtio_get_le32(d + VIRTIO_INPUT_ABS_FLAT);
	a.res = virtio_get_le32(d + VIRTIO_INPUT_ABS_RES);
	/* evdev's input_absinfo: an axis runs from min to max; noise filter
	 * and dead zone lie within that range. Anything else is no axis. */
	span = (int64_t)a.max - (int64_t)a.min;
	if (span < 0 || (int64_t)a.fuzz > span || (int64_t)a.flat > span)
		return stop(in, VIRTIO_EBAD_CONFIG);
	*info = a;
	return VIRTIO_OK;
}

/* ---- status ----------------------------------------------------------------- */

int virtio_input_send_status(struct virtio_input *in,
			     const struct virtio_input_event *ev)
{
	struct virtq_buf out = { in ? in->status : NULL,
				 VIRTIO_INPUT_EVENT_SIZE };
	uint32_t used = 0;
	int rc = check_usable(in);

	if (rc)
		return rc;
	if (!ev)
		return VIRTIO_EINVALID_PARAM;
	virtio_put_le16(in->status + VIRTIO_INPUT_EVENT_TYPE, ev->type);
	virtio_put_le16(in->status + VIRTIO_INPUT_EVENT_CODE, ev->code);
	virtio_put_le32(in->status + VIRTIO_INPUT_EVENT_VALUE, ev->value);
	/* The queue checks the used entry: the id in flight, and a len of
	 * 0, all a device may write into a buffer it only reads (2.7.8.1). */
	rc = virtq_add_wait(&in->statusq, &out, 1, NULL, 0, &used);
	if (rc == VIRTIO_ETIMEOUT || rc == VIRTIO_EBAD_USED ||
	    rc == VIRTIO_ENEEDS_RESET) {
		/* The event is on loan to the device: reset, then take it
		 * back. */
		virtio_device_stop(in->t);
		virtq_destroy(&in->statusq);
	}
	return rc;
}

/* ---- interrupts and teardown -------------------------------------------- */

uint32_t virtio_input_ack_interrupt(struct virtio_input *in)
{
	if (!in || !in->t)
		return 0;
	return virtio_ack_interrupt(in->t);
}

void virtio_input_destroy(struct virtio_input *in)
{
	if (!in || !in->t)
		return;
	/* Reset first: only a reset device owns nothing; the event buffers
	 * still with it come back through virtq_destroy. */
	(void)virtio_reset(in->t);
	virtq_destroy(&in->eventq);
	virtq_destroy(&in->statusq);
	memset(in->ev, 0, sizeof(in->ev));
	in->nevents = 0;
	in->t = NULL;
}
