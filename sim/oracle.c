/* SPDX-License-Identifier: MIT */
/*
 * Semantic oracles (API and rules in sim/oracle.h): the device's facts
 * about its answers (written bytes, lies, error statuses, untrue answers),
 * kept per share while it lives and per unshare in a ring of records, and
 * the judgement of what a workload says a successful call returned. Not
 * here: what a right answer is (workloads), where the lies come from
 * (sim/vq.c, models).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/device.h"
#include "sim/internal.h"
#include "sim/oracle.h"
#include "sim/vq.h"

#define ARENA_BYTES (64u * 1024) /* written bits of 512 KiB of buffers */
#define NO_BITS UINT64_MAX	 /* record without bits: all count written */
#define SPLIT_MAX 8u		 /* pieces a checked buffer may split into */

/* One unshare: the buffer the device gave back and what it did to it. */
struct record {
	const uint8_t *buf;
	size_t len;
	virtio_paddr_t paddr;
	struct sim_site site;
	struct sim_share_marks m; /* written SPAN or NONE: m.lo, m.hi say */
	bool writable; /* shared DeviceToDriver or Both */
	bool all;      /* the device wrote every byte */
	uint64_t bits; /* written BITS: arena position, or NO_BITS (lost) */
};

uint8_t *sim_written;
static struct record rec[SIM_ORACLE_RECORDS];
static uint32_t nrec;       /* unshares this iteration */
static uint8_t arena[ARENA_BYTES] __attribute__((aligned(8)));
static uint64_t arena_head; /* next free position, counting every wrap */
static uint32_t lies, lies_at_begin;
/* The used ring is out of step with the engine (sim_oracle_desync). */
static bool desync;
static enum sim_lie last_lie;
static uint64_t last_value;

static const char *const lie_text[] = {
	[SIM_LIE_NONE] = "lied",
	[SIM_LIE_USED_ID] = "returned a used id it does not hold",
	[SIM_LIE_USED_LEN] = "returned a used len past the chain's writable bytes",
	[SIM_LIE_USED_IDX] = "moved used idx past what was made available",
	[SIM_LIE_STATUS] = "answered with an error status",
};

void sim_oracle_init(void)
{
	sim_written = calloc(sim_dma_npages, VIRTIO_PAGE_SIZE / 8);
	if (!sim_written) {
		fprintf(stderr, "sim: cannot allocate the written-bytes bitmap\n");
		exit(2);
	}
}

void sim_oracle_reset(void)
{
	nrec = 0;
	arena_head = 0; /* the same few cache lines every iteration */
	lies = lies_at_begin = 0;
	desync = false;
	last_lie = SIM_LIE_NONE;
	last_value = 0;
}

/* ---- written bits ---------------------------------------------------------- */

/* Set or clear bits [from, from + n). Every bitmap here is 8-byte aligned
 * (calloc, a static array), so whole words are stored as words. */
SIM_UNCHECKED static void bits_fill(uint8_t *b, size_t from, size_t n, bool on)
{
	uint64_t *w = (uint64_t *)b + from / 64, fill = on ? ~0ull : 0, m;
	size_t lo = from % 64;

	if (lo) { /* the first word's bits from lo */
		size_t k = 64 - lo < n ? 64 - lo : n;

		m = (k == 64 ? ~0ull : (1ull << k) - 1) << lo;
		*w = on ? *w | m : *w & ~m;
		w++;
		n -= k;
	}
	for (; n >= 64; n -= 64)
		*w++ = fill;
	if (n) { /* the last word's first n bits */
		m = (1ull << n) - 1;
		*w = on ? *w | m : *w & ~m;
	}
}

/* Move the bits of `n` bytes from the window's bitmap to a record's (both
 * word-aligned), leaving the window's clear. Returns whether all were set. */
SIM_UNCHECKED static bool bits_move(uint64_t *dst, uint64_t *src, size_t n)
{
	uint64_t all = ~0ull;

	for (; n >= 64; n -= 64) {
		all &= *src;
		*dst++ = *src;
		*src++ = 0;
	}
	if (n) {
		uint64_t m = (1ull << n) - 1;

		all &= *src | ~m;
		*dst = *src & m;
		*src &= ~m;
	}
	return all == ~0ull;
}

/*
 * Bytes [off, off + n) of the share at window offset `base` become written
 * (on) or not. One span is kept in the marks; the first change that leaves
 * two spans moves the share to the bitmap.
 */
static void mark_written(struct sim_share_marks *m, size_t base, size_t off,
			 size_t n, bool on)
{
	size_t end = off + n;

	if (!n)
		return;
	if (m->written == SIM_WRITTEN_BITS) {
		bits_fill(sim_written, base + off, n, on);
		return;
	}
	if (on && m->written == SIM_WRITTEN_NONE) {
		m->lo = (uint32_t)off;
		m->hi = (uint32_t)end;
		m->written = SIM_WRITTEN_SPAN;
		return;
	}
	if (on && off <= m->hi && end >= m->lo) { /* touches the span */
		m->lo = off < m->lo ? (uint32_t)off : m->lo;
		m->hi = end > m->hi ? (uint32_t)end : m->hi;
		return;
	}
	if (!on && (m->written == SIM_WRITTEN_NONE || end <= m->lo ||
		    off >= m->hi))
		return;
	if (!on && off <= m->lo && end >= m->hi) {
		m->written = SIM_WRITTEN_NONE;
		return;
	}
	if (!on && (off <= m->lo || end >= m->hi)) { /* trims one side */
		m->lo = off <= m->lo ? (uint32_t)end : m->lo;
		m->hi = end >= m->hi ? (uint32_t)off : m->hi;
		return;
	}
	bits_fill(sim_written, base + m->lo, m->hi - m->lo, true);
	m->written = SIM_WRITTEN_BITS;
	bits_fill(sim_written, base + off, n, on);
}

void sim_oracle_forget(struct sim_share_marks *m, size_t base, size_t len)
{
	if (m->written == SIM_WRITTEN_BITS)
		bits_fill(sim_written, base, len, false);
	m->written = SIM_WRITTEN_NONE;
}

void sim_oracle_wrote(struct sim_share_marks *m, size_t base, size_t off,
		      size_t len)
{
	mark_written(m, base, off, len, true);
}

/* Of the bits [from, from + n): offset of the first clear one (n: none)
 * and how many are clear. */
SIM_UNCHECKED static size_t first_clear(const uint8_t *b, size_t from, size_t n,
			  size_t *nclear)
{
	size_t first = n, count = 0, i = from, end = from + n;

	while (i < end) {
		uint64_t w;

		if (!(i & 7) && end - i >= 64) {
			__builtin_memcpy(&w, b + i / 8, 8);
			if (w == ~0ull) {
				i += 64;
				continue;
			}
		}
		if (!(b[i / 8] >> (i & 7) & 1)) {
			first = count++ ? first : i - from;
		}
		i++;
	}
	*nclear = count;
	return first;
}

void sim_oracle_unshared(const void *buf, size_t len, virtio_paddr_t paddr,
			 bool writable, struct sim_share_marks *m,
			 const struct sim_site *site)
{
	struct record *r = &rec[nrec++ % SIM_ORACLE_RECORDS];
	size_t nb = (len + 7) / 8;

	r->buf = buf;
	r->len = len;
	r->paddr = paddr;
	r->site = *site;
	r->m = *m;
	r->writable = writable;
	r->bits = NO_BITS;
	if (m->written == SIM_WRITTEN_NONE)
		r->m.lo = r->m.hi = 0;
	r->all = r->m.lo == 0 && r->m.hi >= len;
	/* Refetch mode rewrote device-writable memory behind the model's
	 * back (sim/refetch.c): a forged used idx can publish a stale entry
	 * the driver cannot tell from a fresh one, so nothing the model
	 * recorded says what the driver saw. Every byte counts as written,
	 * and the answer is not the model's. */
	if (writable && sim_refetch_rewrites()) {
		r->m.marks |= SIM_MARK_UNTRUE;
		r->all = true;
		sim_oracle_forget(m, (size_t)(paddr - sim_dma_base), len);
		return;
	}
	if (!writable || m->written != SIM_WRITTEN_BITS)
		return;
	if (nb > ARENA_BYTES) { /* too long to keep: count it all written */
		sim_oracle_forget(m, (size_t)(paddr - sim_dma_base), len);
		r->all = true;
		return;
	}
	/* A record's bits never wrap (skip the arena's tail if need be) and
	 * start on a word. */
	nb = (nb + 7) & ~(size_t)7;
	if (arena_head % ARENA_BYTES + nb > ARENA_BYTES)
		arena_head += ARENA_BYTES - arena_head % ARENA_BYTES;
	r->bits = arena_head;
	r->all = bits_move((uint64_t *)(arena + arena_head % ARENA_BYTES),
			   (uint64_t *)(sim_written +
					(size_t)(paddr - sim_dma_base) / 8),
			   len);
	arena_head += nb;
}

/* ---- the device's side ------------------------------------------------------ */

/* Marks of each kept buffer of `c` that is a live share. */
static void mark_chain(const struct sim_chain *c, uint8_t marks,
		       enum sim_lie lie, uint64_t value)
{
	for (unsigned i = 0; c && i < c->nseg; i++) {
		size_t base, off;
		struct sim_share_marks *m = sim_share_marks_at(
			c->seg[i].paddr, c->seg[i].len, &base, &off);

		if (!m)
			continue;
		m->marks |= marks;
		if (lie && !m->lie) {
			m->lie = (uint8_t)lie;
			m->value = (uint32_t)value;
		}
	}
}

void sim_oracle_lie(const struct sim_chain *c, enum sim_lie lie,
		    uint64_t value)
{
	lies++;
	last_lie = lie;
	last_value = value;
	sim_trace_s("oracle: the device %s (0x%llx)", lie_text[lie], value, 0,
		    0);
	mark_chain(c, lie == SIM_LIE_STATUS ? SIM_MARK_ERROR : SIM_MARK_LIED,
		   lie, value);
}

void sim_oracle_desync(void)
{
	if (!desync)
		sim_trace("oracle: used ring out of step with the engine, "
			  "nothing more is judged", 0, 0, 0, 0);
	desync = true;
}

void sim_oracle_untrue(const struct sim_chain *c)
{
	mark_chain(c, SIM_MARK_UNTRUE, SIM_LIE_NONE, 0);
}

void sim_oracle_used(const struct sim_chain *c, uint32_t len, bool honest)
{
	uint64_t at = 0; /* offset of this buffer in the writable bytes */

	if (honest && len >= c->writable)
		return; /* the usual answer: nothing to take back */
	if (!honest)
		sim_oracle_untrue(c);
	for (unsigned i = 0; i < c->nseg; i++) {
		const struct sim_seg *g = &c->seg[i];
		struct sim_share_marks *m;
		size_t base, off, keep;

		if (!g->writable)
			continue;
		m = sim_share_marks_at(g->paddr, g->len, &base, &off);
		/* A truncated chain's middle buffers are not kept, so offsets
		 * past them are unknown: trust what was written there. */
		keep = len <= at ? 0 : len - at < g->len ? len - at : g->len;
		if (m && !c->truncated)
			mark_written(m, base, off + keep, g->len - keep, false);
		if (m && !honest)
			mark_written(m, base, off, c->truncated ? g->len : keep,
				     true);
		at += g->len;
	}
}

/* ---- the workload's side ----------------------------------------------------- */

void sim_oracle_expect_ok(int rc, const char *call)
{
	if (rc == 0 || sim_deviated())
		return;
	sim_report(SIM_HONEST_REJECTED, NULL, NULL,
		   "driver fails %s although the device deviated nowhere "
		   "[error=%s]",
		   call, virtio_strerror(rc));
}

void sim_oracle_call_begin(void)
{
	lies_at_begin = lies;
}

bool sim_oracle_call_ok(const char *call)
{
	if (lies == lies_at_begin || desync)
		return true;
	sim_report(SIM_LIE_ACCEPTED, NULL, NULL,
		   "driver returns success from %s although the device %s "
		   "while serving it [value=0x%llx] [lies=%u]",
		   call, lie_text[last_lie], (unsigned long long)last_value,
		   lies - lies_at_begin);
	return false;
}

/* Judge bytes [off, off + n) of record r, which the caller got back at
 * offset `at` of its buffer. Returns whether it reported. */
static bool judge(const struct record *r, size_t off, size_t n, size_t at,
		  unsigned what, const char *call)
{
	size_t first, nclear;

	if ((r->m.marks & SIM_MARK_LIED) ||
	    ((what & SIM_ORACLE_STATUS) && (r->m.marks & SIM_MARK_ERROR))) {
		sim_report(SIM_LIE_ACCEPTED, "shared", &r->site,
			   "driver returns success from %s although the device "
			   "%s [value=0x%llx] [paddr=0x%llx] [len=%zu]",
			   call, lie_text[r->m.lie],
			   (unsigned long long)r->m.value,
			   (unsigned long long)r->paddr, r->len);
		return true;
	}
	if (!(what & SIM_ORACLE_DATA))
		return false;
	if (!r->writable) {
		sim_report(SIM_UNWRITTEN_RETURNED, "shared", &r->site,
			   "driver returns bytes the device never wrote from "
			   "%s [offset=%zu] [unwritten=%zu of %zu] "
			   "[paddr=0x%llx] [shared=DriverToDevice]",
			   call, at, n, n, (unsigned long long)(r->paddr + off));
		return true;
	}
	if (r->all)
		return false;
	if (r->m.written != SIM_WRITTEN_BITS) { /* one span, or none */
		size_t a = off > r->m.lo ? off : r->m.lo;
		size_t b = off + n < r->m.hi ? off + n : r->m.hi;
		size_t cover = b > a ? b - a : 0;

		nclear = n - cover;
		first = cover && r->m.lo <= off ? b - off : 0;
	} else if (r->bits == NO_BITS || arena_head - r->bits > ARENA_BYTES) {
		return false; /* its bits are gone: count them written */
	} else {
		first = first_clear(arena + r->bits % ARENA_BYTES, off, n,
				    &nclear);
	}
	if (!nclear)
		return false;
	sim_report(SIM_UNWRITTEN_RETURNED, "shared", &r->site,
		   "driver returns bytes the device never wrote from %s "
		   "[offset=%zu] [unwritten=%zu of %zu] [paddr=0x%llx]",
		   call, at + first, nclear, n,
		   (unsigned long long)(r->paddr + off + first));
	return true;
}

bool sim_oracle_check(const void *buf, size_t len, unsigned what,
		      const char *call)
{
	/* The pieces of the buffer no newer record has covered yet. */
	uintptr_t lo[SPLIT_MAX], hi[SPLIT_MAX], base = (uintptr_t)buf;
	unsigned n = 1, kept = nrec < SIM_ORACLE_RECORDS ? nrec
							 : SIM_ORACLE_RECORDS;
	bool genuine = true, reported = false;

	if (sim_unchecked || !len)
		return true;
	if (desync)
		return false; /* no judgement, and no content to compare */
	lo[0] = base;
	hi[0] = base + len;
	for (unsigned k = 0; k < kept && n; k++) {
		const struct record *r = &rec[(nrec - 1 - k) % SIM_ORACLE_RECORDS];
		uintptr_t rb = (uintptr_t)r->buf, re = rb + r->len;

		for (unsigned i = 0; i < n;) {
			uintptr_t a = lo[i] > rb ? lo[i] : rb;
			uintptr_t b = hi[i] < re ? hi[i] : re;

			if (a >= b) {
				i++;
				continue;
			}
			if (!reported)
				reported = judge(r, a - rb, b - a, a - base, what,
						 call);
			genuine = genuine && !(r->m.marks & SIM_MARK_UNTRUE);
			/* Cut [a, b) out of piece i. */
			if (lo[i] < a && b < hi[i]) {
				if (n < SPLIT_MAX) {
					lo[n] = b;
					hi[n++] = hi[i];
				}
				hi[i++] = a;
			} else if (lo[i] < a) {
				hi[i++] = a;
			} else if (b < hi[i]) {
				lo[i++] = b;
			} else {
				n--;
				lo[i] = lo[n];
				hi[i] = hi[n];
			}
		}
	}
	if (n && (what & SIM_ORACLE_DATA) && !reported) {
		sim_report(SIM_UNWRITTEN_RETURNED, NULL, NULL,
			   "driver returns bytes the device never had from %s "
			   "[offset=%zu] [len=%zu] [never shared with the "
			   "device]",
			   call, (size_t)(lo[0] - base), (size_t)(hi[0] - lo[0]));
		reported = true;
	}
	return genuine && !reported;
}

bool sim_oracle_returned(const void *buf, size_t len, const char *call)
{
	return sim_oracle_check(buf, len, SIM_ORACLE_DATA | SIM_ORACLE_STATUS,
				call);
}

/* A compare of the workload's buffers, which are all its own: no call to
 * ASan's memcmp interceptor on every good answer; 64 bytes a step, in
 * vector registers where the host has them. */
typedef uint64_t vec2 __attribute__((vector_size(16)));

SIM_UNCHECKED static inline vec2 differ16(const uint8_t *a, const uint8_t *b)
{
	vec2 x, y;

	__builtin_memcpy(&x, a, 16);
	__builtin_memcpy(&y, b, 16);
	return x ^ y;
}

SIM_UNCHECKED static bool equal(const uint8_t *a, const uint8_t *b, size_t n)
{
	for (; n >= 64; n -= 64, a += 64, b += 64) {
		vec2 d = differ16(a, b) | differ16(a + 16, b + 16) |
			 differ16(a + 32, b + 32) | differ16(a + 48, b + 48);

		if (d[0] | d[1])
			return false;
	}
	while (n--)
		if (*a++ != *b++)
			return false;
	return true;
}

bool sim_oracle_same(const void *got, const void *want, size_t len,
		     const char *fmt, ...)
{
	const uint8_t *g = got, *w = want;
	char what[256];
	size_t first, differ = 0;
	va_list ap;

	if (equal(got, want, len))
		return true;
	for (size_t i = 0; i < len; i++)
		differ += g[i] != w[i];
	for (first = 0; g[first] == w[first]; first++)
		;
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	sim_report(SIM_DATA_MISMATCH, NULL, NULL,
		   "%s [offset=%zu] [got=0x%02x] [want=0x%02x] "
		   "[differ=%zu of %zu]",
		   what, first, g[first], w[first], differ, len);
	return false;
}
