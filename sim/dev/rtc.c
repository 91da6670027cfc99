/* SPDX-License-Identifier: MIT */
/*
 * virtio-rtc device model (VirtIO 1.4 draft, "RTC Device"): each chain of
 * the requestq is one request (a readable request, a writable response);
 * the device checks what no driver may send, then answers from its clock
 * table. Not here: ring parsing (vq.c), registers (fronts), alarms.
 */
#include <string.h>

#include "sim/decide.h"
#include "sim/dev/rtc.h"
#include "sim/device.h"
#include "sim/oracle.h"
#include "virtio/le.h"
#include "virtio/spec.h"
#include "virtio/spec/rtc.h"

#define BIT(n) (1ull << (n))
#define REQ_MAX 24u /* SET_ALARM's request, the largest */

static const struct sim_rtc_clock default_clocks[] = {
	/* 2024-12-04 20:00:00 UTC; TAI 37 s ahead; a monotonic clock
	 * from 5 s; a noon-linear smeared UTC. Steps are odd on purpose. */
	{ VIRTIO_RTC_CLOCK_UTC, VIRTIO_RTC_SMEAR_UNSPECIFIED, 0,
	  1733342400000000000ull, 1000003 },
	{ VIRTIO_RTC_CLOCK_TAI, VIRTIO_RTC_SMEAR_UNSPECIFIED, 0,
	  1733342437000000000ull, 999983 },
	{ VIRTIO_RTC_CLOCK_MONOTONIC, VIRTIO_RTC_SMEAR_UNSPECIFIED, 0,
	  5000000000ull, 1234567 },
	{ VIRTIO_RTC_CLOCK_UTC_SMEARED, VIRTIO_RTC_SMEAR_NOON_LINEAR, 0,
	  1733342400000500000ull, 1000001 },
};

/* Request and response sizes of a message type; 0 for an unknown one
 * (then the head alone both ways). */
static void sizes(uint16_t type, uint32_t *req, uint32_t *resp)
{
	switch (type) {
	case VIRTIO_RTC_REQ_READ:
	case VIRTIO_RTC_REQ_CLOCK_CAP:
	case VIRTIO_RTC_REQ_CROSS_CAP:
		*req = 16, *resp = 16;
		break;
	case VIRTIO_RTC_REQ_READ_CROSS:
	case VIRTIO_RTC_REQ_READ_ALARM:
		*req = 16, *resp = 24;
		break;
	case VIRTIO_RTC_REQ_CFG:
		*req = 8, *resp = 16;
		break;
	case VIRTIO_RTC_REQ_SET_ALARM:
		*req = 24, *resp = 8;
		break;
	case VIRTIO_RTC_REQ_SET_ALARM_ENABLED:
		*req = 16, *resp = 8;
		break;
	default:
		*req = VIRTIO_RTC_REQ_HEAD_SIZE, *resp = VIRTIO_RTC_RESP_HEAD_SIZE;
		break;
	}
}

static bool is_alarm_request(uint16_t type)
{
	return type == VIRTIO_RTC_REQ_READ_ALARM ||
	       type == VIRTIO_RTC_REQ_SET_ALARM ||
	       type == VIRTIO_RTC_REQ_SET_ALARM_ENABLED;
}

static bool all_zero(const uint8_t *p, uint32_t from, uint32_t to)
{
	for (uint32_t i = from; i < to; i++)
		if (p[i])
			return false;
	return true;
}

uint64_t sim_rtc_reading(const struct sim_rtc *r, uint16_t i, uint64_t n)
{
	const struct sim_rtc_clock *k = &r->cfg.clock[i];

	return k->start + n * k->step;
}

/*
 * The driver's mistakes in a request, each reported once: a chain that is
 * not a request then room for its response, an alarm request without
 * VIRTIO_RTC_F_ALARM, reserved bytes not zero, a clock id the device never
 * said it has. Returns false when the chain cannot be answered at all.
 */
static bool check_request(struct sim_rtc *r, struct sim_vq *q,
			  const struct sim_chain *c, const uint8_t *req,
			  uint16_t type, uint32_t req_len, uint32_t resp_len)
{
	uint32_t limit = r->told_valid ? r->told : r->cfg.nclocks;
	uint16_t clock;

	/* A request the device reads, then a response it writes. */
	if (c->readable < req_len || c->writable < resp_len) {
		sim_report(SIM_DESC_MALFORMED, NULL, NULL,
			   "driver submits an rtc request without room for it "
			   "or its response [queue=%u] [head=%u] [msg_type=0x%x] "
			   "[readable=%llu] [writable=%llu] [need=%u+%u]",
			   q->index, c->head, type,
			   (unsigned long long)c->readable,
			   (unsigned long long)c->writable, req_len, resp_len);
		return false;
	}
	if (is_alarm_request(type) &&
	    !((r->dev.driver_features >> VIRTIO_RTC_F_ALARM) & 1u)) {
		sim_report(SIM_DESC_MALFORMED, NULL, NULL,
			   "driver sends an rtc alarm request without "
			   "VIRTIO_RTC_F_ALARM negotiated [head=%u] "
			   "[msg_type=0x%x]",
			   c->head, type);
		return true;
	}
	/* The driver sets reserved fields to zero. */
	if (!all_zero(req, 2, VIRTIO_RTC_REQ_HEAD_SIZE) ||
	    ((type == VIRTIO_RTC_REQ_READ || type == VIRTIO_RTC_REQ_CLOCK_CAP) &&
	     !all_zero(req, VIRTIO_RTC_REQ_CLOCK_ID + 2, 16))) {
		sim_report(SIM_DESC_MALFORMED, NULL, NULL,
			   "driver sends an rtc request with reserved bytes "
			   "not zero [head=%u] [msg_type=0x%x]",
			   c->head, type);
		return true;
	}
	if (type != VIRTIO_RTC_REQ_READ && type != VIRTIO_RTC_REQ_CLOCK_CAP)
		return true;
	clock = virtio_get_le16(req + VIRTIO_RTC_REQ_CLOCK_ID);
	/* A CFG answer whose num_clocks the device did not write (its used
	 * len lied over a short response): what the driver read is not
	 * known, nor which clocks it may name. */
	if (r->told_valid && !r->told_known)
		return true;
	if (clock >= limit)
		sim_report(SIM_DESC_MALFORMED, NULL, NULL,
			   "driver asks about rtc clock %u of a device that "
			   "said it has %u [head=%u] [msg_type=0x%x]",
			   clock, limit, c->head, type);
	return true;
}

/* The response body of a request answered OK, decided field by field;
 * *untrue when a field is not the model's, *lie when the driver can see
 * that it is wrong. */
static void fill_ok(struct sim_rtc *r, uint16_t type, uint16_t clock,
		    uint8_t *resp, bool *untrue, bool *lie)
{
	const struct sim_rtc_clock *k = &r->cfg.clock[clock];
	uint64_t v, spec;

	switch (type) {
	case VIRTIO_RTC_REQ_CFG:
		v = sim_decide("rtc.num_clocks", r->cfg.nclocks, 2);
		*untrue |= v != r->cfg.nclocks;
		*lie |= v == 0; /* one or more clocks */
		virtio_put_le16(resp + VIRTIO_RTC_RESP_NUM_CLOCKS, (uint16_t)v);
		r->told = (uint16_t)v; /* known once written (rtc_handle) */
		break;
	case VIRTIO_RTC_REQ_CLOCK_CAP:
		v = sim_decide("rtc.clock_type", k->type, 1);
		*untrue |= v != k->type;
		*lie |= v > VIRTIO_RTC_CLOCK_TYPE_MAX;
		resp[VIRTIO_RTC_RESP_TYPE] = (uint8_t)v;
		v = sim_decide("rtc.smearing", k->smearing, 1);
		*untrue |= v != k->smearing;
		*lie |= v > VIRTIO_RTC_SMEAR_MAX;
		resp[VIRTIO_RTC_RESP_LEAP_SECOND_SMEARING] = (uint8_t)v;
		v = sim_decide("rtc.clock_flags", k->flags, 1);
		/* Reserved bits are the driver's to ignore: only ALARM_CAP
		 * is an answer. */
		*untrue |= (v ^ k->flags) & VIRTIO_RTC_FLAG_ALARM_CAP;
		resp[VIRTIO_RTC_RESP_FLAGS] = (uint8_t)v;
		break;
	case VIRTIO_RTC_REQ_READ:
		spec = sim_rtc_reading(r, clock, r->reads[clock]++);
		v = sim_decide("rtc.reading", spec, 8);
		/* Any reading is one a clock may give (it may step): not a
		 * lie the driver can see, only not the model's. */
		*untrue |= v != spec;
		virtio_put_le64(resp + VIRTIO_RTC_RESP_CLOCK_READING, v);
		break;
	default:
		break;
	}
}

/* The bytes of a response that are reserved, to fill with `fill`. */
static void fill_reserved(uint16_t type, uint8_t *resp, uint32_t resp_len,
			  uint8_t fill)
{
	uint32_t from = resp_len;

	memset(resp + 1, fill, VIRTIO_RTC_RESP_HEAD_SIZE - 1);
	if (type == VIRTIO_RTC_REQ_CFG)
		from = VIRTIO_RTC_RESP_NUM_CLOCKS + 2;
	else if (type == VIRTIO_RTC_REQ_CLOCK_CAP)
		from = VIRTIO_RTC_RESP_FLAGS + 1;
	if (from < resp_len)
		memset(resp + from, fill, resp_len - from);
}

/* One request; returns the used len. */
static uint32_t rtc_handle(void *model, struct sim_vq *q,
			   const struct sim_chain *c)
{
	struct sim_rtc *r = model;
	uint8_t req[REQ_MAX] = { 0 }, resp[SIM_RTC_RESP_MAX] = { 0 };
	uint32_t req_len, resp_len, len;
	uint16_t type, clock = 0;
	uint8_t status = VIRTIO_RTC_S_OK, st, fill;
	bool untrue = false, lie = false;

	if (q->index != VIRTIO_RTC_REQUESTQ)
		return 0; /* the alarmq: this model raises no alarm */
	if (c->readable < VIRTIO_RTC_REQ_HEAD_SIZE) {
		sim_report(SIM_DESC_MALFORMED, NULL, NULL,
			   "driver submits an rtc request shorter than its "
			   "8-byte head [queue=%u] [head=%u] [readable=%llu] "
			   "[writable=%llu]",
			   q->index, c->head, (unsigned long long)c->readable,
			   (unsigned long long)c->writable);
		return 0;
	}
	if (sim_chain_read(c, 0, req, c->readable < REQ_MAX ? c->readable
							     : REQ_MAX) < 0)
		return 0;
	type = virtio_get_le16(req + VIRTIO_RTC_REQ_MSG_TYPE);
	sizes(type, &req_len, &resp_len);
	if (!check_request(r, q, c, req, type, req_len, resp_len))
		return 0;
	switch (type) {
	case VIRTIO_RTC_REQ_READ:
	case VIRTIO_RTC_REQ_CLOCK_CAP:
		clock = virtio_get_le16(req + VIRTIO_RTC_REQ_CLOCK_ID);
		if (clock >= r->cfg.nclocks)
			status = VIRTIO_RTC_S_ENODEV;
		break;
	case VIRTIO_RTC_REQ_CFG:
		break;
	default:
		/* No cross-timestamping, no alarm, nothing else. */
		status = VIRTIO_RTC_S_EOPNOTSUPP;
		break;
	}
	st = (uint8_t)sim_decide("rtc.status", status, 1);
	untrue |= st != status;
	if (st == VIRTIO_RTC_S_OK && status == VIRTIO_RTC_S_OK)
		fill_ok(r, type, clock, resp, &untrue, &lie);
	resp[VIRTIO_RTC_RESP_STATUS] = st;
	fill = (uint8_t)sim_decide("rtc.reserved", 0, 1);
	fill_reserved(type, resp, resp_len, fill);
	len = (uint32_t)sim_decide("rtc.len", resp_len, 4);
	if (len > resp_len)
		len = resp_len;
	/* What a right answer is (sim/oracle.h): an error status is no
	 * success, a field the spec does not define a lie the driver can
	 * see; each only when written (the queue engine may still lie about
	 * the used len: then what the driver reads counts as written,
	 * whatever it holds, and the answer is untrue). A response shorter
	 * than its message is judged by the written-bytes oracle: the bytes
	 * past the used len were never the device's. */
	if (untrue)
		sim_oracle_untrue(c);
	if (st != VIRTIO_RTC_S_OK && len > VIRTIO_RTC_RESP_STATUS)
		sim_oracle_lie(c, SIM_LIE_STATUS, st);
	if (lie && len == resp_len)
		sim_oracle_lie(c, SIM_LIE_STATUS, lie);
	if (type == VIRTIO_RTC_REQ_CFG) {
		r->told_valid = true;
		r->told_known = st == VIRTIO_RTC_S_OK &&
				status == VIRTIO_RTC_S_OK &&
				len >= VIRTIO_RTC_RESP_NUM_CLOCKS + 2;
	}
	r->requests++;
	r->last.msg_type = type;
	r->last.clock = clock;
	r->last.status = st;
	r->last.len = len;
	memcpy(r->last.resp, resp, sizeof(resp));
	sim_trace("rtc: type=%llu clock=%llu status=%llu len=%llu", type, clock,
		  st, len);
	if (sim_chain_write(c, 0, resp, len) < 0)
		return 0;
	return len;
}

static void rtc_reset(void *model)
{
	struct sim_rtc *r = model;

	r->told_valid = false; /* a new driver reads CFG again */
}

static const struct sim_vdev_ops rtc_ops = {
	.reset = rtc_reset,
	.handle = rtc_handle,
};

int sim_rtc_create(struct sim_rtc *r, const struct sim_rtc_config *cfg)
{
	static const struct sim_rtc_config defaults;

	if (!cfg)
		cfg = &defaults;
	if (cfg->nclocks > SIM_RTC_MAX_CLOCKS)
		return -1;
	r->cfg = *cfg;
	if (!r->cfg.queue_max)
		r->cfg.queue_max = SIM_RTC_DEFAULT_QUEUE_MAX;
	if (!r->cfg.nclocks) {
		r->cfg.nclocks = sizeof(default_clocks) / sizeof(default_clocks[0]);
		memcpy(r->cfg.clock, default_clocks, sizeof(default_clocks));
	}
	memset(r->reads, 0, sizeof(r->reads));
	r->told = 0;
	r->told_valid = r->told_known = false;
	r->requests = 0;
	memset(&r->last, 0, sizeof(r->last));
	/* No config space; the alarmq exists with F_ALARM. */
	sim_vdev_init(&r->dev, VIRTIO_ID_RTC,
		      r->cfg.alarm ? BIT(VIRTIO_RTC_F_ALARM) : 0,
		      r->cfg.alarm ? 2 : 1, r->cfg.queue_max, &rtc_ops, r);
	return 0;
}
