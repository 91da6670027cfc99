/* SPDX-License-Identifier: MIT */
/*
 * The blk workload shared by the blk fuzz targets, tests and the benchmark:
 * operations named by input bytes (opcodes in fuzz/harness.h) through the
 * real driver's blocking and non-blocking APIs, then teardown.
 */
#include <string.h>

#include "fuzz/device.h"
#include "sim/dev/blk.h"

#define SLOTS 4
#define MAX_SECTORS 8

struct slot {
	struct virtio_blk_req req;
	uint16_t token;
	bool busy;
	uint8_t buf[MAX_SECTORS * VIRTIO_BLK_SECTOR_SIZE];
};

static struct virtio_blk blk;
static struct slot slots[SLOTS];
static uint8_t data[MAX_SECTORS * VIRTIO_BLK_SECTOR_SIZE];

/* The default workload: both APIs, every request type. */
static const uint8_t default_ops[] = {
	1, 0, 0, 1, 0x5a, /* write sectors 0-1 */
	0, 0, 0, 1,       /* read them back */
	2,                /* flush */
	3,                /* get_id */
	4, 8, 0, 1,       /* submit a read of sector 8 */
	5, 9, 0, 2, 0x11, /* submit a write of sectors 9-11 */
	6, 6,             /* complete both */
};

static struct slot *free_slot(void)
{
	for (int i = 0; i < SLOTS; i++)
		if (!slots[i].busy)
			return &slots[i];
	return NULL;
}

/* Complete the next finished request, polling a bounded number of times
 * (once when nothing is in flight: the device has nothing to finish, and
 * one look still shows a used entry it made up). */
static int complete_one(void)
{
	uint16_t token;
	int rc = VIRTIO_ENOT_READY;
	unsigned budget = 1;
	for (int i = 0; i < SLOTS; i++)
		if (slots[i].busy)
			budget = FUZZ_POLL_BUDGET;
	for (unsigned i = 0; i < budget && rc == VIRTIO_ENOT_READY; i++)
		rc = virtio_blk_peek(&blk, &token);
	if (rc != 0)
		return rc;
	for (int i = 0; i < SLOTS; i++) {
		if (slots[i].busy && slots[i].token == token) {
			rc = virtio_blk_complete(&blk, token, &slots[i].req);
			slots[i].busy = false;
			return rc;
		}
	}
	return VIRTIO_EWRONG_TOKEN; /* a token no slot of ours holds */
}

static int submit(bool write, uint64_t sector, size_t len, uint8_t fill)
{
	struct slot *s = free_slot();
	if (!s)
		return VIRTIO_EQUEUE_FULL; /* all SLOTS in flight */
	int rc;
	if (write) {
		memset(s->buf, fill, len);
		rc = virtio_blk_submit_write(&blk, &s->req, sector, s->buf, len,
					     &s->token);
	} else {
		rc = virtio_blk_submit_read(&blk, &s->req, sector, s->buf, len,
					    &s->token);
	}
	s->busy = rc == 0;
	return rc;
}

unsigned fuzz_blk_workload(struct virtio_transport *t, struct fuzz_in *work)
{
	struct fuzz_in def = {default_ops, sizeof default_ops, 0};
	if (work->len == 0)
		work = &def;
	unsigned ops = 0, failed = 0;
	bool completed = true;
	for (int i = 0; i < SLOTS; i++)
		slots[i].busy = false;
	int init_rc = virtio_blk_init(&blk, t);
	if (init_rc != 0) {
		virtio_blk_destroy(&blk);
		fuzz_log_workload(init_rc, 0, 0, false);
		return 0;
	}
	uint8_t id[VIRTIO_BLK_ID_BYTES];
	while (fuzz_more(work) && ops < FUZZ_BLK_MAX_OPS) {
		uint8_t op = fuzz_u8(work) % 8;
		uint64_t sector = 0;
		size_t len = 0;
		if (op == 0 || op == 1 || op == 4 || op == 5) {
			sector = fuzz_u16(work);
			len = (size_t)(1 + fuzz_u8(work) % MAX_SECTORS) *
			      VIRTIO_BLK_SECTOR_SIZE;
		}
		ops++;
		int rc = 0;
		switch (op) {
		case 0:
			rc = virtio_blk_read(&blk, sector, data, len);
			break;
		case 1:
			memset(data, fuzz_u8(work), len);
			rc = virtio_blk_write(&blk, sector, data, len);
			break;
		case 2:
			rc = virtio_blk_flush(&blk);
			break;
		case 3:
			rc = virtio_blk_get_id(&blk, id);
			break;
		case 4:
		case 5:
			rc = submit(op == 5, sector, len,
				    op == 5 ? fuzz_u8(work) : 0);
			break;
		case 6:
			rc = complete_one();
			break;
		default:
			work->pos = work->len;
			break;
		}
		failed += rc != 0;
	}
	/* Finish what is still in flight; the rest stays with the device
	 * until destroy resets it and takes everything back. */
	for (int i = 0; i < SLOTS; i++)
		if (slots[i].busy && complete_one() != 0)
			completed = false;
	for (int i = 0; i < SLOTS; i++)
		completed = completed && !slots[i].busy;
	completed = completed && !t->broken;
	virtio_blk_destroy(&blk);
	fuzz_log_workload(0, ops, failed, completed);
	return ops;
}

/* ---- the blk device's entry (fuzz/devices.def) -------------------------- */

const struct sim_blk_config fuzz_blk_config = {
	.capacity = FUZZ_BLK_SECTORS,
	.flush = true,
	.serial = "vfuzz-blk",
	/* small rings keep an iteration cheap; the decision stream still
	 * offers any other size */
	.queue_max = FUZZ_QUEUE_MAX,
};

struct sim_vdev *fuzz_blk_model(const void *opts)
{
	static struct sim_blk dev;

	if (sim_blk_create(&dev, opts ? opts : &fuzz_blk_config))
		return NULL;
	return &dev.dev;
}

/* Seed workloads, in the opcodes above: sector as two bytes, count - 1. */
#define READ(s, n) 0, (s) & 0xff, (s) >> 8, (n) - 1
#define WRITE(s, n, fill) 1, (s) & 0xff, (s) >> 8, (n) - 1, fill
#define SUBMIT_READ(s, n) 4, (s) & 0xff, (s) >> 8, (n) - 1
#define SUBMIT_WRITE(s, n, fill) 5, (s) & 0xff, (s) >> 8, (n) - 1, fill
#define WRITE_READ(s, n, fill) WRITE(s, n, fill), READ(s, n)

static const uint8_t write_read_8[] = { WRITE_READ(0, 8, 0xa5) };
static const uint8_t four_in_flight[] = {
	SUBMIT_READ(8, 1), SUBMIT_WRITE(16, 8, 0x3c), SUBMIT_READ(40, 3),
	SUBMIT_WRITE(60, 4, 0x77), 6, 6, 6, 6,
};
/* 24 requests through the 16-entry queue: both rings wrap. */
static const uint8_t ring_wrap[] = {
	WRITE_READ(0, 1, 0),  WRITE_READ(5, 2, 1),  WRITE_READ(10, 3, 2),
	WRITE_READ(15, 4, 3), WRITE_READ(20, 5, 4), WRITE_READ(25, 6, 5),
	WRITE_READ(30, 7, 6), WRITE_READ(35, 8, 7), WRITE_READ(40, 1, 8),
	WRITE_READ(45, 2, 9), WRITE_READ(50, 3, 10), WRITE_READ(55, 4, 11),
};
/* The last sector alone, the last 8, the first one, then the requests
 * without data. */
static const uint8_t small_and_big[] = {
	WRITE_READ(63, 1, 0x11), WRITE_READ(56, 8, 0x22), READ(0, 1), 2, 3,
};
/* Four in flight, one completed; the workload's end completes the rest. */
static const uint8_t left_for_teardown[] = {
	SUBMIT_WRITE(0, 2, 0x5a), SUBMIT_READ(2, 2), SUBMIT_READ(4, 8),
	SUBMIT_WRITE(30, 1, 0x01), 6, 7,
};

#define SEED(name, work) { name, work, sizeof(work) }
const struct fuzz_seed fuzz_blk_seeds[] = {
	{ "default-workload-every-request-type", NULL, 0 },
	SEED("write-read-8-sectors", write_read_8),
	SEED("four-in-flight-all-slots", four_in_flight),
	SEED("ring-wrap-24-requests", ring_wrap),
	SEED("small-and-big-transfers-first-and-last-sectors", small_and_big),
	SEED("in-flight-requests-completed-at-teardown", left_for_teardown),
	{ NULL, NULL, 0 },
};
