/* SPDX-License-Identifier: MIT */
/*
 * The rtc device's entry (fuzz/devices.def): its sim model, the workload
 * the rtc_mmio and rtc_pci targets and the tests run (operations named by
 * input bytes through the real virtio-rtc driver, each answer judged
 * against the model's last response), and the seed workloads. Not here:
 * the driver (drivers/dev/rtc.c), the model (sim/dev/rtc.c).
 *
 * Opcodes (byte % 7):
 *   0 read       u8 c: clock c % (num_clocks + 1) (the last: no such
 *                clock, EINVALID_PARAM without a request)
 *   1 clock_cap  u8 c: the same clocks
 *   2 num_clocks
 *   3 interrupts u8 e: enable (e & 1) or disable
 *   4 ack the interrupt status
 *   5 destroy, then init again on the same transport
 *   6 bad arguments: every call with a NULL out-parameter or driver, or
 *     on a driver never initialised (EINVALID_PARAM, or EBROKEN from a
 *     stopped device; never a request)
 * At most RTC_MAX_OPS operations run (three times the 8-entry queue: the
 * ring wraps).
 */
#include <string.h>

#include "fuzz/device.h"
#include "sim/dev/rtc.h"
#include "sim/oracle.h"
#include "sim/sim.h"
#include "virtio/le.h"
#include "virtio/rtc.h"

#define RTC_MAX_OPS 24u

static struct sim_rtc model;
static struct virtio_rtc rtc;
static bool live; /* init succeeded and destroy has not run since */

struct sim_vdev *fuzz_rtc_model(const void *opts)
{
	if (sim_rtc_create(&model, opts))
		return NULL;
	return &model.dev;
}

/*
 * A successful call that made request `type` (sim/oracle.h): no lie or
 * error status came before it in the call, the response it read is bytes
 * the device wrote; and when that answer was the model's own, the model's
 * last response is this request's. Returns the model's response then, or
 * NULL (nothing more to judge).
 */
static const uint8_t *judged(const char *call, uint16_t type, uint16_t clock,
			     uint32_t resp_len)
{
	if (!sim_oracle_call_ok(call))
		return NULL;
	if (!sim_oracle_check(rtc.resp, resp_len,
			      SIM_ORACLE_DATA | SIM_ORACLE_STATUS, call))
		return NULL;
	if (model.last.msg_type != type || model.last.clock != clock ||
	    model.last.len < resp_len) {
		sim_report(SIM_DATA_MISMATCH, NULL, NULL,
			   "driver's %s succeeds on a response the device did "
			   "not give to it [type=0x%x] [clock=%u] [last_type=0x%x] "
			   "[last_clock=%u] [last_len=%u]",
			   call, type, clock, model.last.msg_type,
			   model.last.clock, model.last.len);
		return NULL;
	}
	return model.last.resp;
}

/* A call naming a clock the device did not say it has must fail before
 * asking the device. Returns the operation's result: 0 when refused as
 * it must be (the operation did what it tests). */
static int check_no_such_clock(const char *call, int rc, uint16_t clock)
{
	if (rc == VIRTIO_EINVALID_PARAM || rc == VIRTIO_EBROKEN)
		return rc == VIRTIO_EBROKEN ? rc : VIRTIO_OK;
	sim_report(SIM_LIE_ACCEPTED, NULL, NULL,
		   "driver's %s answers %s for clock %u of a device "
		   "with %u clocks (expected EINVALID_PARAM)",
		   call, virtio_strerror(rc), clock, rtc.num_clocks);
	return rc;
}

static int do_init(struct virtio_transport *t)
{
	const uint8_t *want;
	int rc;

	sim_oracle_call_begin();
	rc = virtio_rtc_init(&rtc, t);
	sim_oracle_expect_ok(rc, "virtio_rtc_init");
	live = rc == 0;
	if (!rc) {
		want = judged("virtio_rtc_init", VIRTIO_RTC_REQ_CFG, 0,
			      VIRTIO_RTC_RESP_CFG_SIZE);
		if (want)
			sim_oracle_same(&rtc.num_clocks,
					&(uint16_t){ virtio_get_le16(
						want + VIRTIO_RTC_RESP_NUM_CLOCKS) },
					2,
					"driver's virtio_rtc_init keeps another "
					"num_clocks than the device gave");
	}
	fuzz_log_op("init", rc, "num_clocks=%u", rc ? 0 : rtc.num_clocks);
	return rc;
}

static int do_read(uint16_t clock)
{
	static const char call[] = "virtio_rtc_read";
	bool valid = live && clock < rtc.num_clocks;
	const uint8_t *want;
	uint64_t ns = 0;
	int rc, ok = VIRTIO_EINVALID_PARAM;

	sim_oracle_call_begin();
	rc = virtio_rtc_read(&rtc, clock, &ns);
	if (!valid) {
		if (live)
			ok = check_no_such_clock(call, rc, clock);
	} else {
		sim_oracle_expect_ok(rc, call);
		if (!rc) {
			want = judged(call, VIRTIO_RTC_REQ_READ, clock,
				      VIRTIO_RTC_RESP_READ_SIZE);
			if (want)
				sim_oracle_same(
					&ns,
					&(uint64_t){ virtio_get_le64(
						want + VIRTIO_RTC_RESP_CLOCK_READING) },
					8,
					"driver's %s returns another reading "
					"than the device gave [clock=%u]",
					call, clock);
		}
	}
	fuzz_log_op("read", rc, "clock=%u ns=%llu", clock,
		    rc ? 0ull : (unsigned long long)ns);
	return valid ? rc : ok;
}

static int do_clock_cap(uint16_t clock)
{
	static const char call[] = "virtio_rtc_clock_cap";
	bool valid = live && clock < rtc.num_clocks;
	struct virtio_rtc_clock_cap cap = { 0xff, 0xff, 0xff };
	const uint8_t *want;
	int rc, ok = VIRTIO_EINVALID_PARAM;

	sim_oracle_call_begin();
	rc = virtio_rtc_clock_cap(&rtc, clock, &cap);
	if (!valid) {
		if (live)
			ok = check_no_such_clock(call, rc, clock);
	} else {
		sim_oracle_expect_ok(rc, call);
		if (!rc) {
			want = judged(call, VIRTIO_RTC_REQ_CLOCK_CAP, clock,
				      VIRTIO_RTC_RESP_CLOCK_CAP_SIZE);
			if (want) {
				uint8_t got[3] = { cap.type, cap.smearing,
						   cap.flags };
				uint8_t exp[3] = {
					want[VIRTIO_RTC_RESP_TYPE],
					want[VIRTIO_RTC_RESP_LEAP_SECOND_SMEARING],
					want[VIRTIO_RTC_RESP_FLAGS] &
						VIRTIO_RTC_FLAG_ALARM_CAP,
				};

				sim_oracle_same(got, exp, 3,
						"driver's %s returns other "
						"capabilities than the device "
						"gave (type, smearing, flags) "
						"[clock=%u]",
						call, clock);
			}
		}
	}
	fuzz_log_op("clock_cap", rc, "clock=%u type=%u smearing=%u flags=%u",
		    clock, rc ? 0 : cap.type, rc ? 0 : cap.smearing,
		    rc ? 0 : cap.flags);
	return valid ? rc : ok;
}

/* Calls no caller may make: each must be refused without a request. */
static int bad_arguments(void)
{
	static struct virtio_rtc gone; /* never initialised: no device */
	uint64_t ns;
	uint16_t n;
	bool broken = rtc.t && rtc.t->broken;
	struct {
		const char *call;
		int rc;
		bool may_be_broken; /* checks the device before the arguments */
	} got[] = {
		{ "virtio_rtc_read(NULL out)", virtio_rtc_read(&rtc, 0, NULL), true },
		{ "virtio_rtc_clock_cap(NULL out)",
		  virtio_rtc_clock_cap(&rtc, 0, NULL), true },
		{ "virtio_rtc_num_clocks(NULL out)",
		  virtio_rtc_num_clocks(&rtc, NULL), false },
		{ "virtio_rtc_read(NULL rtc)", virtio_rtc_read(NULL, 0, &ns), false },
		{ "virtio_rtc_num_clocks(NULL rtc)",
		  virtio_rtc_num_clocks(NULL, &n), false },
		{ "virtio_rtc_init(NULL rtc)", virtio_rtc_init(NULL, rtc.t), false },
		{ "virtio_rtc_read(no device)", virtio_rtc_read(&gone, 0, &ns),
		  false },
		{ "virtio_rtc_num_clocks(no device)",
		  virtio_rtc_num_clocks(&gone, &n), false },
	};
	unsigned bad = 0;

	virtio_rtc_set_interrupts(NULL, true);
	(void)virtio_rtc_ack_interrupt(NULL);
	(void)virtio_rtc_ack_interrupt(&gone);
	virtio_rtc_destroy(NULL);
	for (size_t i = 0; i < sizeof(got) / sizeof(got[0]); i++) {
		int want = live && broken && got[i].may_be_broken
				   ? VIRTIO_EBROKEN
				   : VIRTIO_EINVALID_PARAM;

		/* Before init (or after a failed one) the driver has no
		 * device: any refusal will do. */
		if (!live && got[i].rc != VIRTIO_OK)
			continue;
		if (got[i].rc != want) {
			bad++;
			sim_report(SIM_LIE_ACCEPTED, NULL, NULL,
				   "driver's %s answers %s (expected %s)",
				   got[i].call, virtio_strerror(got[i].rc),
				   virtio_strerror(want));
		}
	}
	fuzz_log_op("bad_arguments", bad ? VIRTIO_EINVALID_PARAM : 0,
		    "wrong=%u", bad);
	return 0;
}

static const uint8_t default_ops[] = {
	2,             /* num_clocks */
	1, 0, 1, 1, 1, 2, 1, 3, /* capabilities of clocks 0..3 */
	0, 0, 0, 1, 0, 2, 0, 3, /* read each */
	0, 4,          /* no clock 4: refused */
	3, 0, 0, 2, 4, /* interrupts off, read, ack */
	3, 1, 0, 2, 4, /* on, read, ack */
	6,             /* bad arguments, refused */
	5, 0, 0,       /* init again, read */
};

unsigned fuzz_rtc_workload(struct virtio_transport *t, struct fuzz_in *work)
{
	struct fuzz_in def = { default_ops, sizeof default_ops, 0 };
	unsigned ops = 0, failed = 0;
	int rc;

	if (work->len == 0)
		work = &def;
	rc = do_init(t);
	if (rc) {
		virtio_rtc_destroy(&rtc);
		fuzz_log_workload(rc, 0, 0, false);
		return 0;
	}
	while (fuzz_more(work) && ops < RTC_MAX_OPS) {
		uint8_t op = fuzz_u8(work) % 7;
		uint16_t n = 0;
		uint8_t c;
		uint32_t isr;

		ops++;
		rc = 0;
		switch (op) {
		case 0:
			c = fuzz_u8(work);
			rc = do_read((uint16_t)(c % (rtc.num_clocks + 1u)));
			break;
		case 1:
			c = fuzz_u8(work);
			rc = do_clock_cap((uint16_t)(c % (rtc.num_clocks + 1u)));
			break;
		case 2:
			rc = virtio_rtc_num_clocks(&rtc, &n);
			if (live)
				sim_oracle_expect_ok(rc, "virtio_rtc_num_clocks");
			fuzz_log_op("num_clocks", rc, "n=%u", n);
			break;
		case 3:
			c = fuzz_u8(work);
			virtio_rtc_set_interrupts(&rtc, c & 1);
			fuzz_log_op("interrupts", 0, "enable=%u", c & 1);
			break;
		case 4:
			isr = virtio_rtc_ack_interrupt(&rtc);
			fuzz_log_op("ack_interrupt", 0, "isr=%u", isr);
			break;
		case 5:
			virtio_rtc_destroy(&rtc);
			live = false;
			rc = do_init(t);
			break;
		default:
			rc = bad_arguments();
			break;
		}
		failed += rc != 0;
	}
	bool completed = live && !t->broken;
	virtio_rtc_destroy(&rtc);
	live = false;
	fuzz_log_workload(0, ops, failed, completed);
	return ops;
}

/* Seed workloads, in the opcodes above. */
#define READ(c) 0, c
#define CAP(c) 1, c
static const uint8_t ring_wrap[] = {
	READ(0), READ(1), READ(2), READ(3), READ(0), READ(1), READ(2), READ(3),
	READ(0), READ(1), READ(2), READ(3), READ(0), READ(1), READ(2), READ(3),
	READ(0), READ(0), READ(0), READ(0),
};
static const uint8_t caps_then_reads[] = {
	CAP(0), READ(0), CAP(1), READ(1), CAP(2), READ(2), CAP(3), READ(3),
	2,
};
static const uint8_t no_such_clock[] = {
	READ(4), CAP(4), READ(9), CAP(9), READ(0),
};
static const uint8_t reinit[] = {
	READ(2), 5, READ(2), 5, CAP(3), 2, 5, READ(0), 6,
};
static const uint8_t interrupts[] = {
	3, 0, READ(0), 4, READ(1), 4, 3, 1, READ(2), 4, 3, 0, 3, 1, CAP(0), 4,
};

#define SEED(name, work) { name, work, sizeof(work) }
const struct fuzz_seed fuzz_rtc_seeds[] = {
	{ "default-workload-every-operation", NULL, 0 },
	SEED("twenty-reads-ring-wrap", ring_wrap),
	SEED("capabilities-and-reading-of-each-clock", caps_then_reads),
	SEED("clock-ids-past-num-clocks-refused", no_such_clock),
	SEED("destroy-and-init-again", reinit),
	SEED("interrupts-off-and-on-with-acks", interrupts),
	{ NULL, NULL, 0 },
};
