/* SPDX-License-Identifier: MIT */
/*
 * The 9p device's entry (fuzz/devices.def; the device is virtio-9p, named
 * p9 for C): its sim model, the workload the p9_mmio and p9_pci targets and
 * the tests run, and the seed workloads. The workload is a small 9P2000.L
 * client: it builds each T-message itself (drivers/ is a transport) and
 * sends it through the real driver; every answer is judged against the
 * answer the model wrote. Not here: the driver (drivers/dev/p9.c), the
 * server (sim/dev/p9.c).
 *
 * Opcodes (byte % 11); lengths little-endian; fid bytes are % 34 (fids 32
 * and 33 are past the server's table):
 *   0 Tversion  u16 m (msize m, or 8192 when m < 1024), u8 v (v & 1:
 *               "9P2000", else "9P2000.L")
 *   1 Tattach   u8 fid
 *   2 Twalk     u8 fid, u8 newfid, u8 path (% NPATHS, the paths below)
 *   3 Tlopen    u8 fid, u8 flags (% 4: the access mode)
 *   4 Tread     u8 fid, u16 offset, u16 count
 *   5 Tclunk    u8 fid
 *   6 Tstatfs   u8 fid (not served: Rlerror ENOTSUP)
 *   7 mount tag
 *   8 interrupts u8 e: enable (e & 1) or disable
 *   9 ack interrupt
 *  10 a call the driver must refuse, u8 k (% 12): header short, size
 *     field not the length, answer room short, no answer buffer, no
 *     message, no rlen, a message or room past 32 bits (EINVALID_PARAM;
 *     EBROKEN once stopped); no driver, a tag buffer too small, no tag
 *     buffer or len, init and the rest on NULL (EINVALID_PARAM always)
 * At most P9_MAX_OPS operations run.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz/device.h"
#include "sim/dev/p9.h"
#include "sim/oracle.h"
#include "sim/sim.h"
#include "virtio/le.h"
#include "virtio/p9.h"

#define P9_MAX_OPS (FUZZ_QUEUE_MAX + FUZZ_QUEUE_MAX / 2)
#define RBUF SIM_P9_MSIZE_MAX
#define FILL 0xa5u

static struct sim_p9 model;
static struct virtio_9p p9;
static uint8_t tmsg[512], rbuf[RBUF];
static uint16_t next_tag;
static bool stopped; /* the driver said it stopped the device */

/* Twalk paths, one name list each. */
static const char *const paths[][4] = {
	{ NULL },                          /* clone the fid */
	{ "hello.txt", NULL },
	{ "big.bin", NULL },
	{ "dir", "nested.bin", NULL },
	{ "dir", NULL },
	{ "missing", NULL },               /* Rlerror ENOENT */
	{ "dir", "missing", NULL },        /* a part: one qid */
	{ "last.bin", NULL },
	{ "empty", NULL },
	{ "dir", "..", "hello.txt", NULL },
	{ "hello.txt", "x", NULL },        /* a part: not a directory */
};
#define NPATHS (sizeof(paths) / sizeof(paths[0]))

struct sim_vdev *fuzz_p9_model(const void *opts)
{
	if (sim_p9_create(&model, opts))
		return NULL;
	return &model.dev;
}

/* ---- oracle checks ---------------------------------------------------- */

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
	    rc == VIRTIO_ENEEDS_RESET)
		stopped = true;
}

/* A successful request (sim/oracle.h): no lie counted since it began;
 * the answer's header is one the driver may accept (its size the length
 * it returned, the request's tag, an answering type): the driver saw it
 * all, so a success with another is a lie accepted; every byte of it the
 * device wrote; and, when the answer was the model's own, exactly the
 * bytes the model wrote. */
static void check_answer(size_t rlen)
{
	static const char call[] = "virtio_9p_request";
	uint8_t ttype = tmsg[P9_HDR_OFF_TYPE], rtype;

	if (!sim_oracle_call_ok(call))
		return;
	if (rlen < P9_HDR_SIZE || rlen > RBUF) {
		sim_report(SIM_LIE_ACCEPTED, NULL, NULL,
			   "driver's %s succeeds with an answer shorter than a "
			   "9P header or past its buffer [rlen=%zu]",
			   call, rlen);
		return;
	}
	rtype = rbuf[P9_HDR_OFF_TYPE];
	if (virtio_get_le32(rbuf) != rlen ||
	    virtio_get_le16(rbuf + P9_HDR_OFF_TAG) !=
		    virtio_get_le16(tmsg + P9_HDR_OFF_TAG) ||
	    (rtype != ttype + 1 && rtype != P9_RLERROR && rtype != P9_RERROR)) {
		sim_report(SIM_LIE_ACCEPTED, NULL, NULL,
			   "driver's %s succeeds with an answer whose 9P header "
			   "is not the request's answer [rlen=%zu] [size=%u] "
			   "[type=%u] [tag=%u] [request_type=%u] "
			   "[request_tag=%u]",
			   call, rlen, virtio_get_le32(rbuf), rtype,
			   virtio_get_le16(rbuf + P9_HDR_OFF_TAG), ttype,
			   virtio_get_le16(tmsg + P9_HDR_OFF_TAG));
		return;
	}
	if (!sim_oracle_check(rbuf, rlen, SIM_ORACLE_DATA, call))
		return;
	if (rlen > model.written) {
		sim_report(SIM_UNWRITTEN_RETURNED, NULL, NULL,
			   "driver's %s returns an answer longer than the "
			   "device wrote [rlen=%zu] [written=%u]",
			   call, rlen, model.written);
		return;
	}
	sim_oracle_same(rbuf, model.last, rlen,
			"driver's %s returns other bytes than the device "
			"wrote [rlen=%zu]",
			call, rlen);
}

/* ---- building T-messages ------------------------------------------------ */

static size_t tlen;

static void begin(uint8_t type, uint16_t tag)
{
	tmsg[P9_HDR_OFF_TYPE] = type;
	virtio_put_le16(tmsg + P9_HDR_OFF_TAG, tag);
	tlen = P9_HDR_SIZE;
}

static void put(uint64_t v, unsigned n)
{
	virtio_put_le(tmsg + tlen, v, n);
	tlen += n;
}

static void put_str(const char *s)
{
	size_t n = strlen(s);

	put(n, 2);
	memcpy(tmsg + tlen, s, n);
	tlen += n;
}

static void finish(void)
{
	virtio_put_le32(tmsg + P9_HDR_OFF_SIZE, (uint32_t)tlen);
}

/* FNV-1a over the bytes an answer carries, for the op lines (the tests
 * recompute it); only when op lines are printed. */
static uint32_t fnv(const uint8_t *p, size_t n)
{
	static int on = -1;
	uint32_t h = 0x811c9dc5u;

	if (on < 0) {
		const char *v = getenv("VFUZZ_HARNESS_LOG");

		on = v && atoi(v) >= 2;
	}
	for (size_t i = 0; on && i < n; i++)
		h = (h ^ p[i]) * 0x01000193u;
	return h;
}

/* Send the message built, judge the answer, log `name` with what the
 * answer says: its type and, for an Rlerror, the errno; `extra` says
 * what else (an Rread's count and data, an Rwalk's qids). */
static int send(const char *name)
{
	size_t rlen = 0;
	int rc;

	finish();
	memset(rbuf, FILL, sizeof(rbuf));
	sim_oracle_call_begin();
	rc = virtio_9p_request(&p9, tmsg, tlen, rbuf, sizeof(rbuf), &rlen);
	check_rc(rc, VIRTIO_OK, name);
	if (rc) {
		fuzz_log_op(name, rc, NULL);
		return rc;
	}
	check_answer(rlen);
	if (rbuf[P9_HDR_OFF_TYPE] == P9_RLERROR && rlen >= P9_HDR_SIZE + 4) {
		fuzz_log_op(name, rc, "rtype=%u ecode=%u", rbuf[P9_HDR_OFF_TYPE],
			    virtio_get_le32(rbuf + P9_HDR_SIZE));
	} else if (rbuf[P9_HDR_OFF_TYPE] == P9_RREAD &&
		   rlen >= P9_HDR_SIZE + 4) {
		uint32_t n = virtio_get_le32(rbuf + P9_HDR_SIZE);
		size_t have = rlen - P9_HDR_SIZE - 4;

		fuzz_log_op(name, rc, "rtype=%u count=%u fnv=%08x",
			    rbuf[P9_HDR_OFF_TYPE], n,
			    fnv(rbuf + P9_HDR_SIZE + 4, n < have ? n : have));
	} else if (rbuf[P9_HDR_OFF_TYPE] == P9_RWALK &&
		   rlen >= P9_HDR_SIZE + 2) {
		fuzz_log_op(name, rc, "rtype=%u nwqid=%u rlen=%zu",
			    rbuf[P9_HDR_OFF_TYPE],
			    virtio_get_le16(rbuf + P9_HDR_SIZE), rlen);
	} else {
		fuzz_log_op(name, rc, "rtype=%u rlen=%zu",
			    rbuf[P9_HDR_OFF_TYPE], rlen);
	}
	return rc;
}

static uint16_t tag(void)
{
	uint16_t t = next_tag++;

	if (next_tag == P9_NOTAG)
		next_tag = 0;
	return t;
}

static uint32_t fid_of(uint8_t b)
{
	return b % (SIM_P9_FIDS + 2u);
}

/* ---- operations ----------------------------------------------------------- */

static int op_version(uint16_t m, uint8_t v)
{
	begin(P9_TVERSION, P9_NOTAG);
	put(m < 1024 ? SIM_P9_MSIZE_MAX : m, 4);
	put_str(v & 1 ? "9P2000" : "9P2000.L");
	return send("version");
}

static int op_attach(uint8_t fid)
{
	begin(P9_TATTACH, tag());
	put(fid_of(fid), 4);
	put(P9_NOFID, 4);
	put_str("root");
	put_str("");
	put(0, 4);
	return send("attach");
}

static int op_walk(uint8_t fid, uint8_t newfid, uint8_t path)
{
	const char *const *names = paths[path % NPATHS];
	unsigned n = 0;

	while (names[n])
		n++;
	begin(P9_TWALK, tag());
	put(fid_of(fid), 4);
	put(fid_of(newfid), 4);
	put(n, 2);
	for (unsigned i = 0; i < n; i++)
		put_str(names[i]);
	return send("walk");
}

static int op_lopen(uint8_t fid, uint8_t flags)
{
	begin(P9_TLOPEN, tag());
	put(fid_of(fid), 4);
	put(flags % 4u, 4);
	return send("lopen");
}

static int op_read(uint8_t fid, uint16_t off, uint16_t count)
{
	begin(P9_TREAD, tag());
	put(fid_of(fid), 4);
	put(off, 8);
	put(count, 4);
	return send("read");
}

static int op_clunk(uint8_t fid)
{
	begin(P9_TCLUNK, tag());
	put(fid_of(fid), 4);
	return send("clunk");
}

static int op_statfs(uint8_t fid)
{
	begin(P9_TSTATFS, tag());
	put(fid_of(fid), 4);
	return send("statfs");
}

static int op_mount_tag(void)
{
	char buf[VIRTIO_9P_MAX_TAG_LEN + 1];
	size_t len = 0;
	int rc = virtio_9p_mount_tag(&p9, buf, sizeof(buf), &len);

	/* Read at init: known even after a stop. */
	sim_oracle_expect_ok(rc, "virtio_9p_mount_tag");
	if (!rc && !sim_deviated() &&
	    (len != strlen(model.cfg.tag) || memcmp(buf, model.cfg.tag, len) ||
	     buf[len] != '\0'))
		sim_report(SIM_DATA_MISMATCH, NULL, NULL,
			   "driver's virtio_9p_mount_tag is not the device's "
			   "[len=%zu]", len);
	fuzz_log_op("mount_tag", rc, "len=%zu tag=%.*s", rc ? 0 : len,
		    rc ? 0 : (int)len, buf);
	if (!rc) {
		/* Room for the tag alone: no NUL, the same bytes. */
		char exact[VIRTIO_9P_MAX_TAG_LEN];
		size_t n = 0;
		int r2 = virtio_9p_mount_tag(&p9, exact, len, &n);

		if (r2 || n != len || memcmp(exact, buf, len))
			sim_report(SIM_DATA_MISMATCH, NULL, NULL,
				   "driver's virtio_9p_mount_tag answers another "
				   "tag in a buffer of its length [rc=%s]",
				   virtio_strerror(r2));
	}
	return rc;
}

/* Calls the driver must refuse before it touches the device. */
#define NREFUSED 12u
static int op_refused(uint8_t k)
{
	size_t rlen = 0, huge = (size_t)UINT32_MAX + 1u;
	char small[2];
	bool any_state = false; /* refused whether or not the device works */
	int rc;

	begin(P9_TCLUNK, tag());
	put(0, 4);
	finish();
	k %= NREFUSED;
	switch (k) {
	case 0: /* shorter than a header */
		virtio_put_le32(tmsg, 6);
		rc = virtio_9p_request(&p9, tmsg, 6, rbuf, sizeof(rbuf), &rlen);
		break;
	case 1: /* the size field is not the length */
		rc = virtio_9p_request(&p9, tmsg, tlen - 1, rbuf, sizeof(rbuf),
				       &rlen);
		break;
	case 2: /* no room for an answer's header */
		rc = virtio_9p_request(&p9, tmsg, tlen, rbuf, 6, &rlen);
		break;
	case 3:
		rc = virtio_9p_request(&p9, tmsg, tlen, NULL, sizeof(rbuf),
				       &rlen);
		break;
	case 4:
		rc = virtio_9p_request(&p9, NULL, tlen, rbuf, sizeof(rbuf),
				       &rlen);
		break;
	case 5:
		rc = virtio_9p_request(&p9, tmsg, tlen, rbuf, sizeof(rbuf),
				       NULL);
		break;
	case 6: /* lengths past a descriptor's */
		rc = virtio_9p_request(&p9, tmsg, huge, rbuf, sizeof(rbuf),
				       &rlen);
		break;
	case 7:
		rc = virtio_9p_request(&p9, tmsg, tlen, rbuf, huge, &rlen);
		break;
	case 8:
		any_state = true;
		rc = virtio_9p_request(NULL, tmsg, tlen, rbuf, sizeof(rbuf),
				       &rlen);
		break;
	case 9: /* the tag needs no device */
		any_state = true;
		rc = virtio_9p_mount_tag(&p9, small, sizeof(small), &rlen);
		if (rc != VIRTIO_EINVALID_PARAM && p9.tag_len <= sizeof(small))
			rc = VIRTIO_EINVALID_PARAM; /* a short tag fits */
		break;
	case 10:
		any_state = true;
		rc = virtio_9p_mount_tag(&p9, NULL, sizeof(small), &rlen);
		if (rc == VIRTIO_EINVALID_PARAM)
			rc = virtio_9p_mount_tag(&p9, small, sizeof(small), NULL);
		if (rc == VIRTIO_EINVALID_PARAM)
			rc = virtio_9p_mount_tag(NULL, small, sizeof(small), &rlen);
		break;
	default: /* no driver at all: refused, nothing touched */
		any_state = true;
		rc = virtio_9p_init(NULL, NULL);
		virtio_9p_destroy(NULL);
		virtio_9p_set_interrupts(NULL, true);
		if (virtio_9p_ack_interrupt(NULL) != 0)
			rc = VIRTIO_OK;
		break;
	}
	if (rc != (stopped && !any_state ? VIRTIO_EBROKEN
					 : VIRTIO_EINVALID_PARAM))
		sim_report(SIM_DATA_MISMATCH, NULL, NULL,
			   "driver takes a call it must refuse [case=%u] "
			   "[rc=%s]",
			   k, virtio_strerror(rc));
	fuzz_log_op("refused", rc, "case=%u", k);
	return VIRTIO_OK;
}

/* The default workload: every operation, a file read whole. */
#define LE16(v) (v) & 0xff, (v) >> 8
#define VERSION(m, v) 0, LE16(m), v
#define ATTACH(f) 1, f
#define WALK(f, nf, p) 2, f, nf, p
#define LOPEN(f, fl) 3, f, fl
#define READ(f, o, c) 4, f, LE16(o), LE16(c)
#define CLUNK(f) 5, f
#define STATFS(f) 6, f
#define TAG 7
#define IRQS(on) 8, on
#define ACK 9
#define REFUSE(k) 10, k

static const uint8_t default_ops[] = {
	TAG, VERSION(0, 0), ATTACH(0), WALK(0, 1, 1), LOPEN(1, 0),
	READ(1, 0, 100), WALK(0, 2, 3), LOPEN(2, 0), READ(2, 0, 4096),
	READ(2, 300, 4096), WALK(0, 3, 5), STATFS(0), CLUNK(1), CLUNK(2),
	IRQS(0), ACK, WALK(0, 4, 0), IRQS(1), CLUNK(4), ACK, REFUSE(0),
	REFUSE(1), REFUSE(2), REFUSE(3),
};

unsigned fuzz_p9_workload(struct virtio_transport *t, struct fuzz_in *work)
{
	struct fuzz_in def = { default_ops, sizeof default_ops, 0 };
	unsigned ops = 0, failed = 0;
	int rc;

	if (work->len == 0)
		work = &def;
	stopped = false;
	next_tag = 0;
	rc = virtio_9p_init(&p9, t);
	check_rc(rc, VIRTIO_OK, "init");
	fuzz_log_op("init", rc, NULL);
	if (rc) {
		virtio_9p_destroy(&p9);
		fuzz_log_workload(rc, 0, 0, false);
		return 0;
	}
	while (fuzz_more(work) && ops < P9_MAX_OPS) {
		uint8_t op = fuzz_u8(work) % 11, a, b;
		uint16_t m;

		ops++;
		rc = VIRTIO_OK;
		switch (op) {
		case 0:
			m = fuzz_u16(work);
			rc = op_version(m, fuzz_u8(work));
			break;
		case 1:
			rc = op_attach(fuzz_u8(work));
			break;
		case 2:
			a = fuzz_u8(work);
			b = fuzz_u8(work);
			rc = op_walk(a, b, fuzz_u8(work));
			break;
		case 3:
			a = fuzz_u8(work);
			rc = op_lopen(a, fuzz_u8(work));
			break;
		case 4: {
			uint16_t off;

			a = fuzz_u8(work);
			off = fuzz_u16(work);
			rc = op_read(a, off, fuzz_u16(work));
			break;
		}
		case 5:
			rc = op_clunk(fuzz_u8(work));
			break;
		case 6:
			rc = op_statfs(fuzz_u8(work));
			break;
		case 7:
			rc = op_mount_tag();
			break;
		case 8:
			a = fuzz_u8(work) & 1;
			virtio_9p_set_interrupts(&p9, a);
			fuzz_log_op("interrupts", VIRTIO_OK, "enable=%u", a);
			break;
		case 9:
			fuzz_log_op("ack_interrupt", VIRTIO_OK, "isr=%u",
				    virtio_9p_ack_interrupt(&p9));
			break;
		default:
			rc = op_refused(fuzz_u8(work));
			break;
		}
		failed += rc != 0;
	}
	bool completed = !t->broken;

	virtio_9p_destroy(&p9);
	fuzz_log_workload(0, ops, failed, completed);
	return ops;
}

/* Seed workloads, in the opcodes above. */
static const uint8_t read_every_file[] = {
	VERSION(0, 0), ATTACH(0), WALK(0, 1, 1), LOPEN(1, 0), READ(1, 0, 8192),
	WALK(0, 2, 2), LOPEN(2, 0), READ(2, 0, 8192), READ(2, 8181, 8192),
	READ(2, 16362, 8192), READ(2, 20000, 10), WALK(0, 3, 3), LOPEN(3, 0),
	READ(3, 0, 333), WALK(0, 4, 7), LOPEN(4, 0), READ(4, 4000, 200),
	WALK(0, 5, 8), LOPEN(5, 0), READ(5, 0, 10),
};
static const uint8_t errors[] = {
	ATTACH(0), VERSION(100, 0), VERSION(0, 1), VERSION(0, 0), ATTACH(33),
	ATTACH(0), ATTACH(0), WALK(9, 1, 1), WALK(0, 1, 5), WALK(0, 1, 6),
	WALK(0, 1, 10), LOPEN(9, 0), WALK(0, 1, 4), LOPEN(1, 0), READ(1, 0, 10),
	LOPEN(0, 1), READ(0, 0, 10), CLUNK(9), STATFS(0), WALK(1, 2, 1),
};
static const uint8_t small_msize[] = {
	VERSION(4096, 0), ATTACH(0), WALK(0, 1, 2), LOPEN(1, 0),
	READ(1, 0, 65535), READ(1, 19990, 100), WALK(0, 2, 9), LOPEN(2, 0),
	READ(2, 0, 26), CLUNK(2), CLUNK(1), CLUNK(0), VERSION(0, 0), TAG,
};
static const uint8_t ring_wrap[] = {
	VERSION(0, 0), ATTACH(0), WALK(0, 1, 0), CLUNK(1), WALK(0, 1, 0),
	CLUNK(1), WALK(0, 1, 0), CLUNK(1), WALK(0, 1, 0), CLUNK(1),
	WALK(0, 1, 0), CLUNK(1), WALK(0, 1, 0), CLUNK(1), WALK(0, 1, 0),
	CLUNK(1), WALK(0, 1, 0), CLUNK(1), WALK(0, 1, 0), CLUNK(1),
};
static const uint8_t interrupts[] = {
	IRQS(0), VERSION(0, 0), ACK, ATTACH(0), ACK, IRQS(1), WALK(0, 1, 1),
	ACK, LOPEN(1, 0), ACK, READ(1, 0, 26), ACK,
};
static const uint8_t refused[] = {
	REFUSE(0), REFUSE(1), REFUSE(2), REFUSE(3), REFUSE(4), REFUSE(5),
	REFUSE(6), REFUSE(7), REFUSE(8), REFUSE(9), REFUSE(10), REFUSE(11),
	TAG, VERSION(0, 0), REFUSE(1),
};

#define SEED(name, work) { name, work, sizeof(work) }
const struct fuzz_seed fuzz_p9_seeds[] = {
	{ "default-workload-every-operation", NULL, 0 },
	SEED("read-every-file-whole", read_every_file),
	SEED("rlerror-for-every-server-error", errors),
	SEED("msize-4096-reads-cut-to-it", small_msize),
	SEED("twenty-requests-ring-wrap", ring_wrap),
	SEED("interrupts-off-and-on-with-acks", interrupts),
	SEED("calls-the-driver-refuses", refused),
	{ NULL, NULL, 0 },
};
