/* SPDX-License-Identifier: MIT */
/*
 * The rtc model's own checks at work (sim/dev/rtc.c): the real rtc driver
 * brought up on the model through the seam (virtio-mmio v2, record mode),
 * then one request no virtio-rtc driver may send, put in the requestq
 * through the driver's queue API. For pytest/test_rtc.py: each misuse must
 * be the finding named, each correct use none. Not a fuzz target.
 *
 * rtc_misuse SCENARIO
 *   short-head              a request of 4 bytes (the head is 8)
 *   no-room-for-response    a READ with 8 writable bytes (its response is 16)
 *   reserved-not-zero       a CFG with a reserved head byte set
 *   read-reserved-not-zero  a READ with a reserved byte after clock_id set
 *   clock-past-num-clocks   a READ of clock 4 of the model's 4
 *   alarm-without-feature   a READ_ALARM without VIRTIO_RTC_F_ALARM
 *   ok-read-and-cap         a correct READ and CLOCK_CAP by hand, then the
 *                           driver's own calls
 *   ok-alarm-offered        a device offering F_ALARM: the driver declines
 *                           it (exit 4 if not) and reads every clock
 * Prints `FINDINGS <n>[ last=<class>]`; exit 0, 2 for a bad argument, 3
 * when the set-up fails.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz/device.h"
#include "sim/dev/rtc.h"
#include "sim/sim.h"
#include "virtio/le.h"
#include "virtio/rtc.h"

static struct fuzz_attached a;
static struct virtio_rtc rtc;
static uint8_t req[24], resp[24];

/* One request of `req_len` bytes with `resp_len` bytes for its answer. */
static void submit(uint16_t type, uint16_t clock, uint32_t req_len,
		   uint32_t resp_len)
{
	struct virtq_buf out = { req, req_len }, in = { resp, resp_len };
	uint32_t len;

	virtio_put_le16(req + VIRTIO_RTC_REQ_MSG_TYPE, type);
	virtio_put_le16(req + VIRTIO_RTC_REQ_CLOCK_ID, clock);
	(void)virtq_add_wait(&rtc.q, &out, 1, &in, 1, &len);
}

int main(int argc, char **argv)
{
	struct sim_config cfg = SIM_CONFIG_DEFAULTS;
	struct sim_rtc_config opts = { 0 };
	struct fuzz_case c = { 0 };
	const char *s = argc == 2 ? argv[1] : "";
	struct virtio_rtc_clock_cap cap;
	uint64_t ns;

	opts.alarm = !strcmp(s, "ok-alarm-offered");
	cfg.record = true;
	sim_init(&cfg);
	fuzz_init();
	fuzz_begin(&c);
	if (fuzz_attach(&fuzz_device_rtc, &opts, FUZZ_MMIO_V2, &sim_hal, &a) ||
	    virtio_rtc_init(&rtc, a.t))
		return 3;
	memset(req, 0, sizeof req);
	if (!strcmp(s, "short-head")) {
		submit(VIRTIO_RTC_REQ_CFG, 0, 4, 16);
	} else if (!strcmp(s, "no-room-for-response")) {
		submit(VIRTIO_RTC_REQ_READ, 0, 16, 8);
	} else if (!strcmp(s, "reserved-not-zero")) {
		req[3] = 1;
		submit(VIRTIO_RTC_REQ_CFG, 0, 8, 16);
	} else if (!strcmp(s, "read-reserved-not-zero")) {
		req[12] = 0x80;
		submit(VIRTIO_RTC_REQ_READ, 1, 16, 16);
	} else if (!strcmp(s, "clock-past-num-clocks")) {
		submit(VIRTIO_RTC_REQ_READ, 4, 16, 16);
	} else if (!strcmp(s, "alarm-without-feature")) {
		submit(VIRTIO_RTC_REQ_READ_ALARM, 0, 16, 24);
	} else if (!strcmp(s, "ok-read-and-cap")) {
		submit(VIRTIO_RTC_REQ_READ, 3, 16, 16);
		submit(VIRTIO_RTC_REQ_CLOCK_CAP, 0, 16, 16);
		if (virtio_rtc_read(&rtc, 2, &ns) ||
		    virtio_rtc_clock_cap(&rtc, 3, &cap))
			return 3;
	} else if (!strcmp(s, "ok-alarm-offered")) {
		if (virtio_has_feature(a.t, VIRTIO_RTC_F_ALARM))
			return 4;
		for (uint16_t i = 0; i < rtc.num_clocks; i++)
			if (virtio_rtc_read(&rtc, i, &ns))
				return 3;
	} else {
		fprintf(stderr, "rtc_misuse: unknown scenario '%s' (see the "
				"file's header)\n", s);
		return 2;
	}
	virtio_rtc_destroy(&rtc);
	sim_audit();
	fuzz_print_findings();
	return 0;
}
