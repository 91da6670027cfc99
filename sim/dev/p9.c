/* SPDX-License-Identifier: MIT */
/*
 * virtio-9p device model: each chain of the request queue is one 9P
 * message the device reads and room for the answer it writes. The server
 * is a small honest 9P2000.L server over a fixed read-only tree; each
 * field of each answer, and the bytes written, then go through the
 * decision stream. Not here: ring parsing (vq.c), registers (fronts).
 */
#include <string.h>

#include "sim/decide.h"
#include "sim/dev/p9.h"
#include "sim/device.h"
#include "virtio/le.h"

#define BIT(n) (1ull << (n))
#define TMSG_MAX (SIM_P9_MSIZE_MAX + 64u)

const struct sim_p9_file sim_p9_files[SIM_P9_NFILES] = {
	{ "", 0, true, 0 },
	{ "hello.txt", 0, false, 26 },
	{ "big.bin", 0, false, 20000 },
	{ "empty", 0, false, 0 },
	{ "dir", 0, true, 0 },
	{ "nested.bin", 4, false, 333 },
	{ "last.bin", 0, false, 4097 },
};

/* Config: tag_len is a le16, the tag bytes u8. */
static const char *p9_config_field(void *model, uint32_t off, unsigned *width)
{
	(void)model;
	if (off < VIRTIO_9P_CFG_TAG) {
		*width = 2;
		return "p9.tag_len";
	}
	*width = 1;
	return "p9.tag";
}

/* ---- the T-message ---------------------------------------------------- */

struct cursor {
	const uint8_t *p;
	uint32_t len, off;
	bool bad; /* read past the message */
};

static const uint8_t *take(struct cursor *c, uint32_t n)
{
	const uint8_t *at = c->p + c->off;

	if (c->bad || n > c->len - c->off) {
		c->bad = true;
		return NULL;
	}
	c->off += n;
	return at;
}

static uint32_t get32(struct cursor *c)
{
	const uint8_t *p = take(c, 4);

	return p ? virtio_get_le32(p) : 0;
}

static uint16_t get16(struct cursor *c)
{
	const uint8_t *p = take(c, 2);

	return p ? virtio_get_le16(p) : 0;
}

static uint64_t get64(struct cursor *c)
{
	const uint8_t *p = take(c, 8);

	return p ? virtio_get_le64(p) : 0;
}

/* A 9P string: len[2] then its bytes. */
static const uint8_t *getstr(struct cursor *c, uint16_t *n)
{
	*n = get16(c);
	return take(c, *n);
}

/* ---- the answer ------------------------------------------------------- */

struct answer {
	struct sim_p9 *p;
	uint8_t *b;       /* p->last */
	uint32_t len;
};

/* A field of the answer, through its decision point. */
static uint64_t field(struct answer *a, const char *point, uint64_t spec,
		      unsigned n)
{
	uint64_t v = sim_decide(point, spec, n);

	if (v != spec)
		a->p->honest = false;
	virtio_put_le(a->b + a->len, v, n);
	a->len += n;
	return v;
}

static void put_qid(struct answer *a, unsigned file)
{
	field(a, "p9.qid_type", sim_p9_files[file].dir ? 0x80u : 0u, 1);
	field(a, "p9.qid_version", 0, 4);
	field(a, "p9.qid_path", SIM_P9_QID_PATH(file), 8);
}

/* Rlerror: the honest server's error answer. */
static void lerror(struct answer *a, uint32_t ecode)
{
	a->b[P9_HDR_OFF_TYPE] = P9_RLERROR;
	a->len = P9_HDR_SIZE;
	field(a, "p9.ecode", ecode, 4);
}

static bool fid_ok(const struct sim_p9 *p, uint32_t fid)
{
	return fid < SIM_P9_FIDS && p->fid[fid].used;
}

static void clunk_all(struct sim_p9 *p)
{
	memset(p->fid, 0, sizeof(p->fid));
}

static void t_version(struct answer *a, struct cursor *c)
{
	static const char l[] = "9P2000.L", unknown[] = "unknown";
	uint32_t msize = get32(c);
	uint16_t vlen;
	const uint8_t *v = getstr(c, &vlen);
	const char *ans;
	uint16_t n;

	if (c->bad)
		return lerror(a, P9_EPROTO);
	if (msize < SIM_P9_MSIZE_MIN)
		return lerror(a, P9_EMSGSIZE);
	/* A version starts a session: every fid goes (as a Tclunk). */
	clunk_all(a->p);
	if (msize > SIM_P9_MSIZE_MAX)
		msize = SIM_P9_MSIZE_MAX;
	ans = vlen == sizeof(l) - 1 && !memcmp(v, l, vlen) ? l : unknown;
	a->p->msize = ans == l ? msize : 0;
	field(a, "p9.msize", msize, 4);
	n = (uint16_t)strlen(ans);
	/* A lying string length says more or less than the bytes follow. */
	field(a, "p9.version_len", n, 2);
	memcpy(a->b + a->len, ans, n);
	a->len += n;
}

static void t_attach(struct answer *a, struct cursor *c)
{
	uint32_t fid = get32(c);
	uint16_t n;

	(void)get32(c);       /* afid: no authentication */
	(void)getstr(c, &n);  /* uname */
	(void)getstr(c, &n);  /* aname: one export */
	(void)get32(c);       /* n_uname */
	if (c->bad)
		return lerror(a, P9_EPROTO);
	if (fid >= SIM_P9_FIDS || a->p->fid[fid].used)
		return lerror(a, P9_EINVAL);
	a->p->fid[fid].used = true;
	a->p->fid[fid].open = false;
	a->p->fid[fid].file = 0;
	put_qid(a, 0);
}

/* Index of `name` in directory `dir`, or SIM_P9_NFILES. */
static unsigned lookup(unsigned dir, const uint8_t *name, uint16_t n)
{
	if (n == 2 && !memcmp(name, "..", 2))
		return sim_p9_files[dir].parent;
	for (unsigned i = 1; i < SIM_P9_NFILES; i++)
		if (sim_p9_files[i].parent == dir &&
		    strlen(sim_p9_files[i].name) == n &&
		    !memcmp(sim_p9_files[i].name, name, n))
			return i;
	return SIM_P9_NFILES;
}

static void t_walk(struct answer *a, struct cursor *c)
{
	struct sim_p9 *p = a->p;
	uint32_t fid = get32(c), newfid = get32(c);
	uint16_t nw = get16(c), i;
	unsigned at, qids[P9_MAXWELEM];

	if (c->bad || nw > P9_MAXWELEM)
		return lerror(a, c->bad ? P9_EPROTO : P9_EINVAL);
	if (!fid_ok(p, fid) || p->fid[fid].open)
		return lerror(a, P9_EBADF);
	if (newfid >= SIM_P9_FIDS || (newfid != fid && p->fid[newfid].used))
		return lerror(a, P9_EINVAL);
	at = p->fid[fid].file;
	for (i = 0; i < nw; i++) {
		uint16_t n;
		const uint8_t *name = getstr(c, &n);
		unsigned next;

		if (c->bad)
			return lerror(a, P9_EPROTO);
		if (!sim_p9_files[at].dir) {
			if (i == 0)
				return lerror(a, P9_ENOTDIR);
			break;
		}
		next = lookup(at, name, n);
		if (next == SIM_P9_NFILES) {
			if (i == 0)
				return lerror(a, P9_ENOENT);
			break;
		}
		qids[i] = at = next;
	}
	/* All of the walk: newfid names where it ended. A part of it: the
	 * qids so far, and newfid is not made. */
	if (i == nw) {
		p->fid[newfid].used = true;
		p->fid[newfid].open = false;
		p->fid[newfid].file = (uint8_t)at;
	}
	field(a, "p9.nwqid", i, 2);
	for (uint16_t k = 0; k < i; k++)
		put_qid(a, qids[k]);
}

static void t_lopen(struct answer *a, struct cursor *c)
{
	struct sim_p9 *p = a->p;
	uint32_t fid = get32(c), flags = get32(c);

	if (c->bad)
		return lerror(a, P9_EPROTO);
	if (!fid_ok(p, fid) || p->fid[fid].open)
		return lerror(a, P9_EBADF);
	if (flags & 3u) /* O_WRONLY, O_RDWR: a read-only export */
		return lerror(a, P9_EROFS);
	p->fid[fid].open = true;
	put_qid(a, p->fid[fid].file);
	field(a, "p9.iounit", p->msize - P9_IOHDRSZ, 4);
}

static void t_read(struct answer *a, struct cursor *c, uint64_t room)
{
	struct sim_p9 *p = a->p;
	uint32_t fid = get32(c), count, n, k;
	uint64_t off = get64(c), flen;
	const struct sim_p9_file *f;

	count = get32(c);
	if (c->bad)
		return lerror(a, P9_EPROTO);
	if (!fid_ok(p, fid) || !p->fid[fid].open)
		return lerror(a, P9_EBADF);
	f = &sim_p9_files[p->fid[fid].file];
	if (f->dir)
		return lerror(a, P9_EISDIR);
	/* At most what the message size and the room allow (an Rread is
	 * size type tag count, 11 bytes, then data). */
	flen = f->len;
	n = off < flen ? (uint32_t)(flen - off < count ? flen - off : count) : 0;
	if (n > p->msize - 11u)
		n = p->msize - 11u;
	if (n > room - 11u)
		n = (uint32_t)(room - 11u);
	field(a, "p9.count", n, 4);
	for (k = 0; k < n; k++)
		a->b[a->len + k] = sim_p9_file_byte(p->fid[fid].file, off + k);
	a->len += n;
}

static void t_clunk(struct answer *a, struct cursor *c)
{
	uint32_t fid = get32(c);

	if (c->bad)
		return lerror(a, P9_EPROTO);
	if (!fid_ok(a->p, fid))
		return lerror(a, P9_EBADF);
	a->p->fid[fid].used = false;
	a->p->fid[fid].open = false;
}

/* ---- one request ------------------------------------------------------ */

static uint32_t p9_handle(void *model, struct sim_vq *q,
			  const struct sim_chain *ch)
{
	struct sim_p9 *p = model;
	static uint8_t t[TMSG_MAX];
	struct answer a = { p, p->last, P9_HDR_SIZE };
	struct cursor c;
	uint32_t size, spec, len, off;
	uint8_t type;
	uint16_t tag;

	/* A request is the T-message, which begins with its header, then
	 * room for at least an answer's header (QEMU: "VirtFS request
	 * without headers"). */
	if (ch->readable < P9_HDR_SIZE || ch->writable < P9_HDR_SIZE + 4u) {
		sim_report(SIM_DESC_MALFORMED, NULL, NULL,
			   "driver gives the 9p device a request that is not a "
			   "9P message and room for its answer [queue=%u] "
			   "[head=%u] [readable=%llu] [writable=%llu]",
			   q->index, ch->head, (unsigned long long)ch->readable,
			   (unsigned long long)ch->writable);
		return 0;
	}
	if (sim_chain_read(ch, 0, t, P9_HDR_SIZE) != P9_HDR_SIZE)
		return 0; /* DMA refused: the finding is made */
	size = virtio_get_le32(t + P9_HDR_OFF_SIZE);
	type = t[P9_HDR_OFF_TYPE];
	tag = virtio_get_le16(t + P9_HDR_OFF_TAG);
	/* The size field says the message's length: within what the
	 * driver gave the device to read. */
	if (size < P9_HDR_SIZE || size > ch->readable) {
		sim_report(SIM_DESC_MALFORMED, NULL, NULL,
			   "driver gives the 9p device a message whose size "
			   "field is not its length [head=%u] [size=%u] "
			   "[readable=%llu]",
			   ch->head, size, (unsigned long long)ch->readable);
		return 0;
	}
	p->honest = true;
	p->last_head = ch->id;
	memset(p->last, 0, P9_HDR_SIZE);
	if (size > TMSG_MAX || (p->msize && size > p->msize)) {
		lerror(&a, P9_EMSGSIZE);
	} else if (sim_chain_read(ch, 0, t, size) != (int64_t)size) {
		return 0;
	} else if (!p->msize && type != P9_TVERSION) {
		lerror(&a, P9_EPROTO); /* no session yet */
	} else {
		c = (struct cursor){ t, size, P9_HDR_SIZE, false };
		a.b[P9_HDR_OFF_TYPE] = (uint8_t)(type + 1);
		switch (type) {
		case P9_TVERSION:
			t_version(&a, &c);
			break;
		case P9_TATTACH:
			t_attach(&a, &c);
			break;
		case P9_TWALK:
			t_walk(&a, &c);
			break;
		case P9_TLOPEN:
			t_lopen(&a, &c);
			break;
		case P9_TREAD:
			t_read(&a, &c, ch->writable);
			break;
		case P9_TCLUNK:
			t_clunk(&a, &c);
			break;
		default:
			lerror(&a, P9_ENOTSUP);
			break;
		}
	}
	/* The answer fits the room: every honest answer but Rread is under
	 * 256 bytes, and Rread is cut to the room. Less room than that is
	 * no room a 9P client gives (it gives msize). */
	if (a.len > ch->writable) {
		sim_report(SIM_DESC_MALFORMED, NULL, NULL,
			   "driver gives the 9p device less room than the "
			   "answer needs [head=%u] [type=%u] [answer=%u] "
			   "[writable=%llu]",
			   ch->head, type, a.len, (unsigned long long)ch->writable);
		return 0;
	}
	/* The header, each field a decision. */
	spec = a.len;
	{
		struct answer h = { p, p->last, 0 };

		field(&h, "p9.size", spec, 4);
		field(&h, "p9.type", a.b[P9_HDR_OFF_TYPE], 1);
		field(&h, "p9.rtag", tag, 2);
	}
	len = (uint32_t)sim_decide("p9.len", spec, 4);
	if (len != spec)
		p->honest = false;
	if (len > ch->writable)
		len = (uint32_t)ch->writable;
	if (len > spec + SIM_P9_MADE_UP_MAX)
		len = spec + SIM_P9_MADE_UP_MAX;
	/* A lying length: bytes no server wrote. */
	for (off = spec; off < len; off++)
		p->last[off] = (uint8_t)sim_decide("p9.byte", 0, 1);
	if (sim_chain_write(ch, 0, p->last, len) < 0)
		return 0;
	p->written = len;
	p->used = len;
	p->answers++;
	sim_trace("p9: type=%llu tag=%llu answer=%llu written=%llu", type, tag,
		  spec, len);
	return len;
}

static void p9_reset(void *model)
{
	struct sim_p9 *p = model;

	p->msize = 0;
	clunk_all(p);
}

static const struct sim_vdev_ops p9_ops = {
	.reset = p9_reset,
	.handle = p9_handle,
	.config_field = p9_config_field,
};

int sim_p9_create(struct sim_p9 *p, const struct sim_p9_config *cfg)
{
	static const struct sim_p9_config defaults;
	size_t n;

	if (!cfg)
		cfg = &defaults;
	p->cfg = *cfg;
	if (!p->cfg.tag)
		p->cfg.tag = SIM_P9_DEFAULT_TAG;
	if (!p->cfg.queue_max)
		p->cfg.queue_max = SIM_P9_DEFAULT_QUEUE_MAX;
	n = strlen(p->cfg.tag);
	if (n == 0 || n > SIM_VDEV_CONFIG_MAX - VIRTIO_9P_CFG_TAG)
		return -1;
	p->msize = 0;
	clunk_all(p);
	p->answers = 0;
	p->written = p->used = 0;
	p->last_head = 0;
	p->honest = true;
	sim_vdev_init(&p->dev, VIRTIO_ID_9P,
		      cfg->no_mount_tag ? 0 : BIT(VIRTIO_9P_MOUNT_TAG), 1,
		      p->cfg.queue_max, &p9_ops, p);
	/* The whole config window: a driver believing a lying tag_len reads
	 * zeros (as QEMU's MMIO reads past its config) rather than past the
	 * device. */
	memset(p->dev.config, 0, SIM_VDEV_CONFIG_MAX);
	virtio_put_le16(p->dev.config + VIRTIO_9P_CFG_TAG_LEN, (uint16_t)n);
	memcpy(p->dev.config + VIRTIO_9P_CFG_TAG, p->cfg.tag, n);
	p->dev.config_len = SIM_VDEV_CONFIG_MAX;
	return 0;
}
