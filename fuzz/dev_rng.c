/* SPDX-License-Identifier: MIT */
/*
 * The rng device's entry (fuzz/devices.def): its sim model, its workload
 * and its seeds. The workload drives the real virtio-rng driver and checks
 * every answer against what the model wrote. Opcodes (byte % 4):
 *   0 request u8 c: 1 + 16 * c bytes (c = 255: 4096)
 *   1 request u16 l: 1 + l % 4096 bytes
 *   2 interrupts u8 e: enable (e & 1) or disable used-buffer interrupts
 *   3 ack the interrupt status
 * At most FUZZ_RNG_MAX_OPS operations run (twice the 8-entry queue: the
 * ring wraps).
 */
#include <string.h>

#include "fuzz/device.h"
#include "sim/dev/rng.h"
#include "sim/oracle.h"
#include "sim/sim.h"
#include "virtio/rng.h"

#define FUZZ_RNG_MAX_OPS 16u
#define BUF_MAX 4096u

static struct sim_rng dev;
static struct virtio_rng rng;
static uint8_t buf[BUF_MAX];

struct sim_vdev *fuzz_rng_model(const void *opts)
{
	sim_rng_create(&dev, opts);
	return &dev.dev;
}

/* A successful request (sim/oracle.h): no lie of the device came before
 * it, the count is one the device could give (5.4.6.1: 1 or more, within
 * the buffer), its bytes are ones the device wrote, and they are the
 * entropy the model wrote for it. */
static void check_request(size_t len, size_t n)
{
	static const char call[] = "virtio_rng_request";

	if (!sim_oracle_call_ok(call))
		return;
	if (n == 0) {
		sim_report(SIM_LIE_ACCEPTED, NULL, NULL,
			   "driver's %s succeeds with no byte of entropy, which "
			   "no device may answer (5.4.6.1) [len=%zu]",
			   call, len);
		return;
	}
	if (n > len) {
		sim_report(SIM_UNWRITTEN_RETURNED, NULL, NULL,
			   "driver's %s returns a count past its buffer "
			   "[len=%zu] [n=%zu]",
			   call, len, n);
		return;
	}
	if (sim_oracle_check(buf, n, SIM_ORACLE_DATA, call) && !dev.log_full)
		sim_oracle_same(buf, dev.log + dev.last_start,
				n < dev.last_len ? n : dev.last_len,
				"driver's %s returns other bytes than the device "
				"wrote [len=%zu] [n=%zu]",
				call, len, n);
}

static int request(size_t len)
{
	size_t n = 0;
	int rc;

	/* Start from bytes the device does not write. */
	memset(buf, 0xa5, len);
	sim_oracle_call_begin();
	rc = virtio_rng_request(&rng, buf, len, &n);
	sim_oracle_expect_ok(rc, "virtio_rng_request");
	if (!rc)
		check_request(len, n);
	fuzz_log_op("request", rc, "len=%zu n=%zu", len, rc ? (size_t)0 : n);
	return rc;
}

static const uint8_t default_ops[] = {
	0, 3,       /* 49 bytes */
	1, 0, 0,    /* 1 byte */
	0, 255,     /* 4096 bytes */
	2, 0, 0, 0, /* interrupts off, a request, ack */
	3, 2, 1, 0, 0, 3, /* on, a request, ack */
};

unsigned fuzz_rng_workload(struct virtio_transport *t, struct fuzz_in *work)
{
	struct fuzz_in def = {default_ops, sizeof default_ops, 0};
	unsigned ops = 0, failed = 0;
	int rc;

	if (work->len == 0)
		work = &def;
	rc = virtio_rng_init(&rng, t);
	sim_oracle_expect_ok(rc, "virtio_rng_init");
	if (rc) {
		virtio_rng_destroy(&rng);
		fuzz_log_workload(rc, 0, 0, false);
		return 0;
	}
	while (fuzz_more(work) && ops < FUZZ_RNG_MAX_OPS) {
		uint8_t op = fuzz_u8(work) % 4;
		uint8_t c;
		uint32_t isr;

		ops++;
		rc = 0;
		switch (op) {
		case 0:
			c = fuzz_u8(work);
			rc = request(c == 255 ? BUF_MAX : 1u + 16u * c);
			break;
		case 1:
			rc = request(1u + fuzz_u16(work) % BUF_MAX);
			break;
		case 2:
			c = fuzz_u8(work);
			virtio_rng_set_interrupts(&rng, c & 1);
			fuzz_log_op("interrupts", 0, "enable=%u", c & 1);
			break;
		default:
			isr = virtio_rng_ack_interrupt(&rng);
			fuzz_log_op("ack_interrupt", 0, "isr=%u", isr);
			break;
		}
		failed += rc != 0;
	}
	bool completed = !t->broken;
	virtio_rng_destroy(&rng);
	fuzz_log_workload(0, ops, failed, completed);
	return ops;
}

/* Seed workloads, in the opcodes above. */
#define REQ(c) 0, c
#define REQ_LEN(l) 1, ((l) - 1) & 0xff, ((l) - 1) >> 8
static const uint8_t ring_wrap[] = {
	REQ(0), REQ(1), REQ(2), REQ(3), REQ(4), REQ(5), REQ(6), REQ(7),
	REQ(8), REQ(9), REQ(10), REQ(11), REQ(12), REQ(13), REQ(14), REQ(15),
};
static const uint8_t odd_lengths[] = {
	REQ_LEN(1), REQ_LEN(4095), REQ_LEN(4096), REQ_LEN(333), REQ_LEN(2),
};
static const uint8_t interrupts[] = {
	2, 0, REQ(4), 3, REQ(4), 3, 2, 1, REQ(4), 3, 2, 0, 2, 1, REQ(1), 3,
};

#define SEED(name, work) { name, work, sizeof(work) }
const struct fuzz_seed fuzz_rng_seeds[] = {
	{ "default-workload-every-operation", NULL, 0 },
	SEED("sixteen-requests-ring-wrap", ring_wrap),
	SEED("odd-lengths-1-to-4096", odd_lengths),
	SEED("interrupts-off-and-on-with-acks", interrupts),
	{ NULL, NULL, 0 },
};
