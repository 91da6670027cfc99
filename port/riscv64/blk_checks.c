/* SPDX-License-Identifier: MIT */
/*
 * The blk conformance plan (blk_checks.h): what each test writes and reads,
 * and the RESULT line it prints. Every byte written is a pure function of
 * the sector number (blk_checks_pattern), so the host can check an image
 * afterwards. Platform-neutral: no HAL, no console, no clock.
 */
#include "blk_checks.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "virtio/errors.h"
#include "virtio/le.h"
#include "virtio/spec/blk.h"

#define SECTOR VIRTIO_BLK_SECTOR_SIZE
#define MAX_SECTORS 128u       /* largest single request: 64 KiB */
#define ASYNC_REQS 24u         /* non-blocking requests per phase */
#define ASYNC_SECTORS 2u       /* sectors per non-blocking request */
#define PARAMS_MAGIC "VFZBLKP1"
#define PARAMS_F_READ_ONLY 1u

static uint8_t wbuf[MAX_SECTORS * SECTOR];
static uint8_t rbuf[MAX_SECTORS * SECTOR];
static uint8_t abuf[ASYNC_REQS][ASYNC_SECTORS * SECTOR];
static struct virtio_blk_req areq[ASYNC_REQS];

/* le64 sector number, a 4-byte tag, then a byte ramp that depends on the
 * sector, so misplaced data never matches. Mirrored in qemu_helpers.py. */
void blk_checks_pattern(uint8_t *p, uint64_t s, bool guest)
{
	unsigned step = guest ? 7u : 3u, add = guest ? 0xa7u : 0x3cu;
	unsigned mul = guest ? 31u : 17u;

	virtio_put_le64(p, s);
	memcpy(p + 8, guest ? "GUES" : "HOST", 4);
	for (unsigned i = 12; i < SECTOR; i++)
		p[i] = (uint8_t)(s * mul + i * step + add);
}

static void fill(uint8_t *p, uint64_t sector, size_t n, bool guest)
{
	for (size_t i = 0; i < n; i++)
		blk_checks_pattern(p + i * SECTOR, sector + i, guest);
}

/* Number of sectors in p that do not hold their pattern. */
static size_t mismatches(const uint8_t *p, uint64_t sector, size_t n,
			 bool guest)
{
	uint8_t want[SECTOR];
	size_t bad = 0;

	for (size_t i = 0; i < n; i++) {
		blk_checks_pattern(want, sector + i, guest);
		if (memcmp(want, p + i * SECTOR, SECTOR))
			bad++;
	}
	return bad;
}

/* ---- output ---------------------------------------------------------- */
static void emitf(struct blk_checks *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void emitf(struct blk_checks *c, const char *fmt, ...)
{
	char line[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	c->emit(c->ctx, line);
}

void blk_checks_result(struct blk_checks *c, const char *test,
		       const char *value, int ok)
{
	emitf(c, "RESULT transport=%s test=%s value=%s ok=%d\n", c->transport,
	      test, value, ok ? 1 : 0);
	if (ok)
		c->pass++;
	else
		c->fail++;
}

static void result_u(struct blk_checks *c, const char *test,
		     unsigned long long v, int ok)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%llu", v);
	blk_checks_result(c, test, buf, ok);
}

/* An error code as its name: "OK", "EREAD_ONLY", ... */
static const char *err_name(int rc)
{
	return rc == 0 ? "OK" : virtio_strerror(rc);
}

/* %HH-escape everything outside [0-9A-Za-z._-] so a value has no spaces. */
static void escape(char *out, size_t size, const uint8_t *s, size_t n)
{
	size_t o = 0;

	for (size_t i = 0; i < n && o + 4 < size; i++) {
		uint8_t ch = s[i];
		if ((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') ||
		    (ch >= 'A' && ch <= 'Z') || ch == '.' || ch == '_' ||
		    ch == '-')
			out[o++] = (char)ch;
		else
			o += (size_t)snprintf(out + o, size - o, "%%%02x", ch);
	}
	out[o] = '\0';
}

static void wrote(struct blk_checks *c, uint64_t s, size_t n)
{
	emitf(c, "WROTE transport=%s sector=%llu count=%u\n", c->transport,
	      (unsigned long long)s, (unsigned)n);
}

/* ---- the tests --------------------------------------------------------- */
int blk_checks_params(struct blk_checks *c, struct virtio_blk *b,
		      struct blk_expect *e)
{
	uint32_t flags;
	int rc = virtio_blk_read(b, 0, rbuf, SECTOR);

	if (rc || memcmp(rbuf, PARAMS_MAGIC, 8)) {
		blk_checks_result(c, "params", rc ? err_name(rc) : "no-magic", 0);
		return -1;
	}
	memcpy(&e->capacity, rbuf + 8, 8);
	memcpy(&flags, rbuf + 16, 4);
	e->read_only = flags & PARAMS_F_READ_ONLY;
	memcpy(e->serial, rbuf + 24, VIRTIO_BLK_ID_BYTES);
	e->serial[VIRTIO_BLK_ID_BYTES] = '\0';
	e->host_filled = true;
	blk_checks_result(c, "params", "ok", 1);
	return 0;
}

/* Blocking write then read-back of `n` sectors at `s`; returns sectors
 * verified, or 0 with *rc set. */
static size_t write_verify(struct blk_checks *c, struct virtio_blk *b,
			   uint64_t s, size_t n, int *rc)
{
	fill(wbuf, s, n, true);
	wrote(c, s, n);
	*rc = virtio_blk_write(b, s, wbuf, n * SECTOR);
	if (*rc)
		return 0;
	memset(rbuf, 0, n * SECTOR);
	*rc = virtio_blk_read(b, s, rbuf, n * SECTOR);
	if (*rc)
		return 0;
	return n - mismatches(rbuf, s, n, true);
}

/* A list of (sector, count) writes; value = sectors verified. */
static void rw_test(struct blk_checks *c, struct virtio_blk *b,
		    const char *name, uint64_t (*plan)[2], size_t n)
{
	size_t verified = 0, want = 0;
	int rc = 0;

	for (size_t i = 0; i < n && !rc; i++) {
		want += plan[i][1];
		verified += write_verify(c, b, plan[i][0], plan[i][1], &rc);
	}
	if (rc)
		blk_checks_result(c, name, err_name(rc), 0);
	else
		result_u(c, name, verified, verified == want);
}

/* Sectors the guest never wrote still hold the host's fill. */
static void host_read(struct blk_checks *c, struct virtio_blk *b,
		      const char *name, uint64_t cap)
{
	size_t bad;
	int rc = virtio_blk_read(b, 1, rbuf, 8 * SECTOR);

	if (!rc)
		rc = virtio_blk_read(b, cap - 4, rbuf + 8 * SECTOR, 4 * SECTOR);
	if (rc) {
		blk_checks_result(c, name, err_name(rc), 0);
		return;
	}
	bad = mismatches(rbuf, 1, 8, false) +
	      mismatches(rbuf + 8 * SECTOR, cap - 4, 4, false);
	result_u(c, name, 12 - bad, bad == 0);
}

static void get_id(struct blk_checks *c, struct virtio_blk *b,
		   const struct blk_expect *e)
{
	uint8_t id[VIRTIO_BLK_ID_BYTES];
	char esc[3 * VIRTIO_BLK_ID_BYTES + 1];
	size_t len = 0, pad_bad = 0;
	int rc;

	memset(id, 0x5a, sizeof(id));
	rc = virtio_blk_get_id(b, id);
	if (rc) {
		blk_checks_result(c, "get_id", err_name(rc), 0);
		return;
	}
	while (len < sizeof(id) && id[len])
		len++;
	escape(esc, sizeof(esc), id, len);
	blk_checks_result(c, "get_id", esc[0] ? esc : "%00",
			  len == strlen(e->serial) &&
				  !memcmp(id, e->serial, len));
	/* blk.h promises NUL padding; QEMU writes only strlen+1 bytes. */
	for (size_t i = len; i < sizeof(id); i++)
		pad_bad += id[i] != 0;
	result_u(c, "get_id_padding", pad_bad, pad_bad == 0);
}

/* Several requests in flight: submit until the queue is full, then complete
 * one and go on. Writes, then reads that verify. */
static int async_phase(struct blk_checks *c, struct virtio_blk *b,
		       uint64_t base, bool write, size_t *verified,
		       unsigned *max_flight)
{
	uint16_t owner[VIRTIO_BLK_QUEUE_SIZE]; /* token -> request index */
	size_t next = 0, done = 0;
	unsigned flight = 0;
	int rc;

	while (done < ASYNC_REQS) {
		while (next < ASYNC_REQS) {
			uint64_t s = base + next * ASYNC_SECTORS;
			uint16_t tok;

			if (write) {
				fill(abuf[next], s, ASYNC_SECTORS, true);
				rc = virtio_blk_submit_write(
					b, &areq[next], s, abuf[next],
					sizeof(abuf[next]), &tok);
			} else {
				memset(abuf[next], 0, sizeof(abuf[next]));
				rc = virtio_blk_submit_read(
					b, &areq[next], s, abuf[next],
					sizeof(abuf[next]), &tok);
			}
			if (rc == VIRTIO_EQUEUE_FULL && flight)
				break;
			if (rc)
				return rc;
			if (tok >= VIRTIO_BLK_QUEUE_SIZE)
				return VIRTIO_EWRONG_TOKEN;
			owner[tok] = (uint16_t)next++;
			if (++flight > *max_flight)
				*max_flight = flight;
		}
		for (uint32_t polls = 0;; polls++) {
			uint16_t tok;
			size_t r;

			rc = virtio_blk_peek(b, &tok);
			if (rc == VIRTIO_ENOT_READY && polls < c->poll_budget)
				continue;
			if (rc)
				return rc == VIRTIO_ENOT_READY ? VIRTIO_ETIMEOUT
							       : rc;
			if (tok >= VIRTIO_BLK_QUEUE_SIZE)
				return VIRTIO_EWRONG_TOKEN;
			r = owner[tok];
			rc = virtio_blk_complete(b, tok, &areq[r]);
			if (rc)
				return rc;
			flight--;
			done++;
			if (!write)
				*verified += ASYNC_SECTORS -
					     mismatches(abuf[r],
							base + r * ASYNC_SECTORS,
							ASYNC_SECTORS, true);
			break;
		}
	}
	return 0;
}

static void async(struct blk_checks *c, struct virtio_blk *b, uint64_t cap)
{
	uint64_t base = (cap / 4) & ~7ull;
	size_t verified = 0;
	unsigned max_flight = 0;
	int rc;

	wrote(c, base, ASYNC_REQS * ASYNC_SECTORS);
	rc = async_phase(c, b, base, true, &verified, &max_flight);
	if (!rc)
		rc = async_phase(c, b, base, false, &verified, &max_flight);
	emitf(c, "INFO transport=%s async_max_in_flight=%u\n", c->transport,
	      max_flight);
	if (rc)
		blk_checks_result(c, "async", err_name(rc), 0);
	else
		result_u(c, "async", verified,
			 verified == ASYNC_REQS * ASYNC_SECTORS);
}

/* Past the 16-bit ring indexes (2.7.6, 2.7.8: avail and used idx wrap at
 * 65536, and so does the event idx arithmetic): the async read phase again
 * and again over what async() wrote, every sector checked, until both
 * indexes have gone round once more. */
#define WRAP_ROUNDS ((65536u + 256u + ASYNC_REQS - 1) / ASYNC_REQS)

static void index_wrap(struct blk_checks *c, struct virtio_blk *b,
		       uint64_t cap)
{
	uint64_t base = (cap / 4) & ~7ull; /* async()'s */
	size_t verified = 0;
	unsigned max_flight = 0;
	int rc = 0;

	for (unsigned i = 0; i < WRAP_ROUNDS && !rc; i++)
		rc = async_phase(c, b, base, false, &verified, &max_flight);
	if (rc)
		blk_checks_result(c, "index_wrap", err_name(rc), 0);
	else
		result_u(c, "index_wrap", verified,
			 verified == WRAP_ROUNDS * ASYNC_REQS * ASYNC_SECTORS);
}

static void writes(struct blk_checks *c, struct virtio_blk *b, uint64_t cap)
{
	static const unsigned sizes[] = { 1, 2, 3, 4, 5, 7, 8, 16, 31, 32, 64, 128 };
	uint64_t one[][2] = { { 1, 1 }, { 2, 1 }, { cap / 2, 1 }, { cap - 1, 1 } };
	uint64_t eight[][2] = { { 16, 8 }, { cap / 3, 8 }, { cap - 8, 8 } };
	uint64_t plan[16][2];
	uint64_t at = 64;
	size_t n = 0;

	/* 1 sector: near the start, the middle, the last sector. */
	rw_test(c, b, "rw1", one, 4);
	rw_test(c, b, "rw8", eight, 3);
	/* Growing sizes back to back from sector 64, as far as the disk goes. */
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		if (at + sizes[i] > cap - 16)
			break;
		plan[n][0] = at;
		plan[n++][1] = sizes[i];
		at += sizes[i];
	}
	rw_test(c, b, "rw_sizes", plan, n);
	/* 16 places spread over the whole disk, 1 to 4 sectors each. */
	for (n = 0; n < 16; n++) {
		plan[n][0] = 1 + n * (cap - 5) / 16;
		plan[n][1] = 1 + n % 4;
	}
	rw_test(c, b, "rw_spread", plan, 16);
}

static void bad_requests(struct blk_checks *c, struct virtio_blk *b,
			 uint64_t cap)
{
	int rc = virtio_blk_read(b, cap, rbuf, SECTOR);

	blk_checks_result(c, "read_past_end", err_name(rc), rc < 0);
	rc = virtio_blk_read(b, cap - 1, rbuf, 2 * SECTOR);
	blk_checks_result(c, "read_straddling_end", err_name(rc), rc < 0);
	rc = virtio_blk_read(b, 1, rbuf, SECTOR / 2);
	blk_checks_result(c, "read_bad_len", err_name(rc),
			  rc == VIRTIO_EINVALID_PARAM);
}

static void read_only(struct blk_checks *c, struct virtio_blk *b,
		      const struct blk_expect *e)
{
	uint16_t tok;
	int rc;

	fill(wbuf, 1, 1, true);
	rc = virtio_blk_write(b, 1, wbuf, SECTOR);
	blk_checks_result(c, "ro_write", err_name(rc), rc == VIRTIO_EREAD_ONLY);
	rc = virtio_blk_submit_write(b, &areq[0], 1, wbuf, SECTOR, &tok);
	blk_checks_result(c, "ro_submit_write", err_name(rc),
			  rc == VIRTIO_EREAD_ONLY);
	if (e->host_filled)
		host_read(c, b, "ro_data_kept", e->capacity);
}

void blk_checks_run(struct blk_checks *c, struct virtio_blk *b,
		    const struct blk_expect *e)
{
	int rc;

	result_u(c, "capacity", b->capacity, b->capacity == e->capacity);
	if (b->capacity != e->capacity ||
	    b->capacity < BLK_CHECKS_MIN_CAPACITY)
		return; /* the plan below needs the size it was made for */
	result_u(c, "read_only", b->read_only, b->read_only == e->read_only);
	get_id(c, b, e);
	if (e->host_filled)
		host_read(c, b, "host_read", b->capacity);
	if (e->read_only) {
		read_only(c, b, e);
	} else {
		writes(c, b, b->capacity);
		async(c, b, b->capacity);
		index_wrap(c, b, b->capacity);
		rc = virtio_blk_flush(b);
		blk_checks_result(c, "flush", err_name(rc), rc == 0);
	}
	bad_requests(c, b, b->capacity);
}
