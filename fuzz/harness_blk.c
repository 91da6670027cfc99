/* SPDX-License-Identifier: MIT */
/*
 * The blk workload shared by the blk fuzz targets, tests and the benchmark:
 * operations named by input bytes (opcodes in fuzz/harness.h) through the
 * driver's blocking and non-blocking APIs, then teardown. After each call
 * the oracles (sim/oracle.h) judge its answer, and a shadow of the disk
 * says what reads must return. Not here: the device (harness_dev.c).
 */
#include <string.h>

#include "fuzz/device.h"
#include "sim/dev/blk.h"
#include "sim/oracle.h"

#define SLOTS 4
#define MAX_SECTORS 8
#define SECTOR VIRTIO_BLK_SECTOR_SIZE

_Static_assert(FUZZ_BLK_SECTORS <= 64, "the shadow keeps a bit per sector");

struct slot {
	struct virtio_blk_req req;
	uint16_t token;
	bool busy;
	bool write;
	uint64_t sector;
	size_t len;
	uint64_t sectors;   /* its sectors, if all are on the disk */
	uint64_t checkable; /* read: known at submit, no write submitted since */
	uint8_t *buf;       /* its data, in bufs[]: the slots stay compact */
};

struct sim_blk *fuzz_blk_disk;
const struct fuzz_blk_driver fuzz_blk_real_driver = {
	.init = virtio_blk_init,
	.read = virtio_blk_read,
	.write = virtio_blk_write,
	.flush = virtio_blk_flush,
	.get_id = virtio_blk_get_id,
	.submit_read = virtio_blk_submit_read,
	.submit_write = virtio_blk_submit_write,
	.peek = virtio_blk_peek,
	.complete = virtio_blk_complete,
	.destroy = virtio_blk_destroy,
};

static const struct fuzz_blk_driver *drv;
static struct virtio_blk blk;
static struct slot slots[SLOTS];
static uint8_t bufs[SLOTS][MAX_SECTORS * SECTOR];
static unsigned nbusy;     /* slots in flight */
static uint64_t capacity;  /* sectors of the device's disk */
static uint8_t data[MAX_SECTORS * SECTOR];

/*
 * The shadow of the disk: a sector of `known` holds its fresh pattern, or,
 * in `own`, 512 times the byte fill[] says (this workload writes sectors of
 * one byte: the last write that landed). A write in flight, failed or
 * untrue makes its sectors unknown; two writes in flight on one sector
 * (`conflict`) may land in either order, so it stays unknown until a later
 * write lands alone.
 */
static uint64_t known, own, conflict;
static uint8_t fill[FUZZ_BLK_SECTORS];
static uint8_t ramp[256 + SECTOR]; /* sim_blk_pattern: windows of a ramp */
static uint8_t uniform[SECTOR];    /* a sector of uniform_byte */
static int uniform_byte = -1;

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

/* Sectors [sector, sector + len / SECTOR) as bits, if all are on the
 * device's disk (0 otherwise: nothing to check, nothing to forget). */
static uint64_t sectors_of(uint64_t sector, size_t len)
{
	uint64_t n = len / SECTOR;

	if (sector >= capacity || n > capacity - sector ||
	    sector + n > FUZZ_BLK_SECTORS)
		return 0;
	return ((1ull << n) - 1) << sector;
}

static const uint8_t *expected(uint64_t s)
{
	if (!(own >> s & 1))
		return ramp + (uint8_t)sim_blk_pattern(s, 0);
	if (uniform_byte != fill[s]) {
		uniform_byte = fill[s];
		memset(uniform, fill[s], SECTOR);
	}
	return uniform;
}

static uint64_t writes_in_flight(void)
{
	uint64_t m = 0;

	for (int i = 0; nbusy && i < SLOTS; i++)
		if (slots[i].busy && slots[i].write)
			m |= slots[i].sectors;
	return m;
}

/* A successful, genuine read of `len` bytes at `sector` into buf. */
static void check_read(const uint8_t *buf, uint64_t sector, size_t len,
		       uint64_t checkable, const char *call)
{
	for (uint64_t i = 0; i < len / SECTOR; i++) {
		uint64_t s = sector + i;

		if (checkable >> s & 1 &&
		    !sim_oracle_same(buf + i * SECTOR, expected(s), SECTOR,
				     "driver's %s returns other bytes than the "
				     "disk holds [sector=%llu]",
				     call, (unsigned long long)s))
			return;
	}
}

/* A write of `sectors` starts: what they hold is unknown until it lands. */
static void write_starts(uint64_t sectors)
{
	conflict |= sectors & writes_in_flight();
	known &= ~sectors;
	for (int i = 0; nbusy && i < SLOTS; i++)
		if (slots[i].busy && !slots[i].write)
			slots[i].checkable &= ~sectors;
}

/* A write of buf (one byte repeated) ended; `landed`: a genuine success,
 * so it must be on the device's disk as written. */
static void write_ends(const uint8_t *buf, uint64_t sector, size_t len,
		       bool landed, const char *call)
{
	uint64_t sectors = sectors_of(sector, len) & ~conflict;

	/* The disk is public in struct sim_blk: compared in place. */
	for (uint64_t i = 0; landed && sectors && i < len / SECTOR; i++) {
		uint64_t s = sector + i;

		if (!(sectors >> s & 1) ||
		    (fuzz_blk_disk &&
		     !sim_oracle_same(fuzz_blk_disk->disk + s * SECTOR,
				      buf + i * SECTOR, SECTOR,
				      "driver's %s did not land as written "
				      "[sector=%llu]",
				      call, (unsigned long long)s)))
			continue;
		fill[s] = buf[i * SECTOR];
		own |= 1ull << s;
		known |= 1ull << s;
	}
	conflict &= writes_in_flight();
}

static void check_id(const uint8_t *id)
{
	size_t n = 0;

	while (n < VIRTIO_BLK_ID_BYTES && id[n])
		n++;
	/* The device's bytes are the id up to its NUL; the zero padding
	 * after it is the driver's own. */
	if (sim_oracle_returned(id, n < VIRTIO_BLK_ID_BYTES ? n + 1 : n,
				"virtio_blk_get_id") &&
	    fuzz_blk_disk)
		sim_oracle_same(id, fuzz_blk_disk->serial, VIRTIO_BLK_ID_BYTES,
				"driver's virtio_blk_get_id returns another id "
				"than the device's");
}

static struct slot *free_slot(void)
{
	for (int i = 0; i < SLOTS; i++)
		if (!slots[i].busy)
			return &slots[i];
	return NULL;
}

/* Judge the completion of slot s with result rc. */
static void completed(struct slot *s, int rc)
{
	const char *call = "virtio_blk_complete";

	s->busy = false;
	nbusy--;
	if (!s->write) {
		if (rc == 0 && sim_oracle_returned(s->buf, s->len, call))
			check_read(s->buf, s->sector, s->len, s->checkable, call);
		return;
	}
	write_ends(s->buf, s->sector, s->len,
		   rc == 0 && sim_oracle_check(s->buf, s->len,
					       SIM_ORACLE_STATUS, call),
		   call);
}

/* Complete the next finished request, polling a bounded number of times
 * (once when nothing is in flight: the device has nothing to finish, and
 * one look still shows a used entry it made up). */
static int complete_one(void)
{
	uint16_t token;
	int rc = VIRTIO_ENOT_READY;
	bool any = nbusy > 0;
	unsigned budget = any ? FUZZ_POLL_BUDGET : 1;

	for (unsigned i = 0; i < budget && rc == VIRTIO_ENOT_READY; i++)
		rc = drv->peek(&blk, &token);
	if (any) /* an honest device finished it at the notify */
		sim_oracle_expect_ok(rc, "virtio_blk_peek");
	if (rc != 0)
		return rc;
	for (int i = 0; i < SLOTS; i++) {
		if (slots[i].busy && slots[i].token == token) {
			rc = drv->complete(&blk, token, &slots[i].req);
			sim_oracle_expect_ok(rc, "virtio_blk_complete");
			completed(&slots[i], rc);
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
	s->write = write;
	s->sector = sector;
	s->len = len;
	s->sectors = sectors_of(sector, len);
	s->checkable = known & s->sectors;
	if (write) {
		write_starts(s->sectors); /* before it is in flight itself */
		memset(s->buf, fill, len);
		rc = drv->submit_write(&blk, &s->req, sector, s->buf, len,
				       &s->token);
	} else {
		rc = drv->submit_read(&blk, &s->req, sector, s->buf, len,
				      &s->token);
	}
	if (s->sectors)
		sim_oracle_expect_ok(rc, write ? "virtio_blk_submit_write"
					       : "virtio_blk_submit_read");
	s->busy = rc == 0;
	nbusy += s->busy;
	return rc;
}

/* One blocking call: valid when nothing else is in flight (the driver
 * refuses it otherwise) and, for I/O, its sectors are on the disk. */
static int blocking(uint8_t op, uint64_t sector, size_t len, uint8_t *id)
{
	static const char *const call[] = {
		"virtio_blk_read", "virtio_blk_write", "virtio_blk_flush",
		"virtio_blk_get_id",
	};
	bool alone = nbusy == 0, valid = alone, ok;
	uint64_t sectors = sectors_of(sector, len);
	int rc;

	if (op <= 1)
		valid = valid && sectors;
	if (op == 1)
		write_starts(sectors);
	if (alone)
		sim_oracle_call_begin();
	switch (op) {
	case 0:
		rc = drv->read(&blk, sector, data, len);
		break;
	case 1:
		rc = drv->write(&blk, sector, data, len);
		break;
	case 2:
		rc = drv->flush(&blk);
		break;
	default:
		rc = drv->get_id(&blk, id);
		break;
	}
	if (valid)
		sim_oracle_expect_ok(rc, call[op]);
	/* Judged once: by the window if it saw a lie, else by the buffers. */
	ok = rc == 0 && (!alone || sim_oracle_call_ok(call[op]));
	if (op == 0 && ok && sim_oracle_returned(data, len, call[op]))
		check_read(data, sector, len, known & sectors, call[op]);
	if (op == 1)
		write_ends(data, sector, len,
			   ok && sim_oracle_check(data, len, SIM_ORACLE_STATUS,
						  call[op]),
			   call[op]);
	if (op == 3 && ok)
		check_id(id);
	return rc;
}

static void shadow_reset(void)
{
	static bool ramp_made;

	if (!ramp_made) {
		for (unsigned i = 0; i < sizeof ramp; i++)
			ramp[i] = (uint8_t)i;
		ramp_made = true;
	}
	known = ~0ull;
	own = conflict = 0;
}

unsigned fuzz_blk_workload(struct virtio_transport *t, struct fuzz_in *work)
{
	return fuzz_blk_workload_with(&fuzz_blk_real_driver, t, work);
}

unsigned fuzz_blk_workload_with(const struct fuzz_blk_driver *d,
				struct virtio_transport *t,
				struct fuzz_in *work)
{
	struct fuzz_in def = {default_ops, sizeof default_ops, 0};
	if (work->len == 0)
		work = &def;
	unsigned ops = 0, failed = 0;
	bool completed = true;
	drv = d;
	for (int i = 0; i < SLOTS; i++) {
		slots[i].busy = false;
		slots[i].buf = bufs[i];
	}
	nbusy = 0;
	capacity = fuzz_blk_disk ? fuzz_blk_disk->capacity : FUZZ_BLK_SECTORS;
	shadow_reset();
	int init_rc = drv->init(&blk, t);
	sim_oracle_expect_ok(init_rc, "virtio_blk_init");
	if (init_rc != 0) {
		drv->destroy(&blk);
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
		case 1:
			memset(data, fuzz_u8(work), len);
			/* fall through */
		case 0:
		case 2:
		case 3:
			rc = blocking(op, sector, len, id);
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
	drv->destroy(&blk);
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
	fuzz_blk_disk = &dev;
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
