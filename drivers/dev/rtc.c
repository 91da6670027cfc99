/* SPDX-License-Identifier: MIT */
/*
 * virtio-rtc driver (VirtIO 1.4 draft, "RTC Device"), requestq only: one
 * blocking request at a time, a readable request buffer and a writable
 * response buffer of the message's exact size, every response checked
 * where it enters (used len, status, then the fields). Queue mechanics
 * are in queue/; the init sequence in dev/device.c.
 */
#include <string.h>

#include "virtio/device.h"
#include "virtio/errors.h"
#include "virtio/le.h"
#include "virtio/rtc.h"
#include "virtio/spec.h"
#include "virtio/spec/rtc.h"

static int check_usable(const struct virtio_rtc *r)
{
	if (!r || !r->t)
		return VIRTIO_EINVALID_PARAM;
	if (r->t->broken)
		return VIRTIO_EBROKEN;
	return virtq_check(&r->q);
}

/* The device lied: reset it, every later call is EBROKEN. */
static int stop(struct virtio_rtc *r, int rc)
{
	virtio_device_stop(r->t);
	return rc;
}

/* Fill the request head (reserved bytes zero) and, for a clock request,
 * the clock id. */
static void put_req(struct virtio_rtc *r, uint16_t type, uint16_t clock)
{
	memset(r->req, 0, sizeof(r->req));
	virtio_put_le16(r->req + VIRTIO_RTC_REQ_MSG_TYPE, type);
	virtio_put_le16(r->req + VIRTIO_RTC_REQ_CLOCK_ID, clock);
}

/*
 * Send r->req[0, req_len), wait for the response in r->resp[0, resp_len),
 * check its used len and status. 0: r->resp holds a whole OK response.
 */
static int xfer(struct virtio_rtc *r, uint32_t req_len, uint32_t resp_len)
{
	struct virtq_buf out = { r->req, req_len };
	struct virtq_buf in = { r->resp, resp_len };
	uint32_t used = 0;
	int rc;

	rc = virtq_add_wait(&r->q, &out, 1, &in, 1, &used);
	if (rc == VIRTIO_ETIMEOUT || rc == VIRTIO_EBAD_USED ||
	    rc == VIRTIO_ENEEDS_RESET) {
		/* The buffers are on loan to the device: take them back
		 * (reset, then destroy the queue) before returning. */
		virtio_device_stop(r->t);
		virtq_destroy(&r->q);
		return rc;
	}
	if (rc)
		return rc; /* EQUEUE_FULL, EDMA: nothing was sent */
	/* The queue checked used <= resp_len. Every response of the
	 * requestq is whole, its status first: less is a lie. */
	if (used < resp_len)
		return stop(r, VIRTIO_EBAD_USED);
	switch (r->resp[VIRTIO_RTC_RESP_STATUS]) {
	case VIRTIO_RTC_S_OK:
		return VIRTIO_OK;
	case VIRTIO_RTC_S_EOPNOTSUPP:
		return VIRTIO_EUNSUPPORTED;
	case VIRTIO_RTC_S_EIO:
		return VIRTIO_EIO;
	default:
		/* ENODEV (this driver names only clocks below num_clocks,
		 * and CFG none), EINVAL (its requests are well formed:
		 * known type, reserved bytes zero), or no status at all. */
		return stop(r, VIRTIO_EBAD_USED);
	}
}

static int setup_queues(void *drv, struct virtio_transport *t)
{
	struct virtio_rtc *r = drv;

	/* A request is two buffers: without indirect descriptors the
	 * queue needs 2 entries. */
	return virtq_init(&r->q, t, VIRTIO_RTC_REQUESTQ, VIRTQ_MEM(&r->q_mem),
			  0, 2);
}

static const struct virtio_device_desc rtc_desc = {
	.device_id = VIRTIO_ID_RTC,
	.wanted = 0, /* VIRTIO_RTC_F_ALARM declined: no alarmq */
	.setup_queues = setup_queues,
};

/* CFG: the number of clocks, fixed until reset. */
static int read_cfg(struct virtio_rtc *r)
{
	uint16_t n;
	int rc;

	put_req(r, VIRTIO_RTC_REQ_CFG, 0);
	rc = xfer(r, VIRTIO_RTC_REQ_CFG_SIZE, VIRTIO_RTC_RESP_CFG_SIZE);
	if (rc)
		return rc;
	n = virtio_get_le16(r->resp + VIRTIO_RTC_RESP_NUM_CLOCKS);
	/* A device provides one or more clocks: none is a lie. */
	if (n == 0)
		return stop(r, VIRTIO_EBAD_USED);
	r->num_clocks = n;
	return VIRTIO_OK;
}

int virtio_rtc_init(struct virtio_rtc *r, struct virtio_transport *t)
{
	int rc;

	if (!r)
		return VIRTIO_EINVALID_PARAM;
	/* What destroy looks at, before anything can fail. */
	r->t = NULL;
	r->num_clocks = 0;
	virtq_clear(&r->q);
	rc = virtio_device_check(t, &rtc_desc);
	if (rc)
		return rc;
	r->t = t; /* ours from here: destroy resets it */
	rc = virtio_device_init(t, &rtc_desc, r);
	if (rc)
		return rc;
	/* Requests only after DRIVER_OK. */
	rc = read_cfg(r);
	if (rc) {
		(void)virtio_reset(t);
		virtq_destroy(&r->q);
		virtio_fail(t);
		r->num_clocks = 0;
		return rc;
	}
	return VIRTIO_OK;
}

int virtio_rtc_num_clocks(const struct virtio_rtc *r, uint16_t *n)
{
	if (!r || !r->t || !n)
		return VIRTIO_EINVALID_PARAM;
	*n = r->num_clocks;
	return VIRTIO_OK;
}

int virtio_rtc_clock_cap(struct virtio_rtc *r, uint16_t clock,
			 struct virtio_rtc_clock_cap *cap)
{
	uint8_t type, smearing;
	int rc = check_usable(r);

	if (rc)
		return rc;
	if (!cap || clock >= r->num_clocks)
		return VIRTIO_EINVALID_PARAM;
	put_req(r, VIRTIO_RTC_REQ_CLOCK_CAP, clock);
	rc = xfer(r, VIRTIO_RTC_REQ_CLOCK_CAP_SIZE,
		  VIRTIO_RTC_RESP_CLOCK_CAP_SIZE);
	if (rc)
		return rc;
	type = r->resp[VIRTIO_RTC_RESP_TYPE];
	smearing = r->resp[VIRTIO_RTC_RESP_LEAP_SECOND_SMEARING];
	/* A type or smearing variant the spec does not define says
	 * nothing a caller can use: a lie. */
	if (type > VIRTIO_RTC_CLOCK_TYPE_MAX || smearing > VIRTIO_RTC_SMEAR_MAX)
		return stop(r, VIRTIO_EBAD_USED);
	cap->type = type;
	cap->smearing = smearing;
	cap->flags = r->resp[VIRTIO_RTC_RESP_FLAGS] & VIRTIO_RTC_FLAG_ALARM_CAP;
	return VIRTIO_OK;
}

int virtio_rtc_read(struct virtio_rtc *r, uint16_t clock, uint64_t *ns)
{
	int rc = check_usable(r);

	if (rc)
		return rc;
	if (!ns || clock >= r->num_clocks)
		return VIRTIO_EINVALID_PARAM;
	put_req(r, VIRTIO_RTC_REQ_READ, clock);
	rc = xfer(r, VIRTIO_RTC_REQ_READ_SIZE, VIRTIO_RTC_RESP_READ_SIZE);
	if (rc)
		return rc;
	/* Any value: a clock may step, also backwards. */
	*ns = virtio_get_le64(r->resp + VIRTIO_RTC_RESP_CLOCK_READING);
	return VIRTIO_OK;
}

void virtio_rtc_set_interrupts(struct virtio_rtc *r, bool enable)
{
	if (check_usable(r) == VIRTIO_OK)
		virtq_set_interrupts(&r->q, enable);
}

uint32_t virtio_rtc_ack_interrupt(struct virtio_rtc *r)
{
	if (!r || !r->t)
		return 0;
	return virtio_ack_interrupt(r->t);
}

void virtio_rtc_destroy(struct virtio_rtc *r)
{
	if (!r || !r->t)
		return;
	/* Reset first: only a reset device owns nothing. */
	(void)virtio_reset(r->t);
	virtq_destroy(&r->q);
	r->num_clocks = 0;
	r->t = NULL;
}
