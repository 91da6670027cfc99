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
	struct sim_share_marks m;
	bool writable; /* shared DeviceToDriver or Both */
	bool all;      /* the device wrote every byte */
	uint64_t bits; /* arena position of its written bits, or NO_BITS */
};

uint8_t *sim_written;
static struct record rec[SIM_ORACLE_RECORDS];
static uint32_t nrec;       /* unshares this iteration */
static uint8_t arena[ARENA_BYTES] __attribute__((aligned(8)));
static uint64_t arena_head; /* next free position, counting every wrap */
static uint32_t lies, lies_at_begin;
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
	lies = lies_at_begin = 0;
	last_lie = SIM_LIE_NONE;
	last_value = 0;
}

/* ---- written bits ---------------------------------------------------------- */

/* Set or clear bits [from, from + n). Every bitmap here is 8-byte aligned
 * (calloc, a static array), so whole words are stored as words. */
SIM_UNCHECKED static void bits_fill(uint8_t *b, size_t from, size_t n, bool on)
{
	uint64_t *w = (uint64_t *)b + from / 64;
	size_t lo = from % 64, left = n;

	while (left) {
		size_t k = 64 - lo < left ? 64 - lo : left;
		uint64_t m = (k == 64 ? ~0ull : ((1ull << k) - 1)) << lo;

		*w = on ? *w | m : *w & ~m;
		w++;
		left -= k;
		lo = 0;
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

void sim_oracle_forget(size_t off, size_t len)
{
	bits_fill(sim_written, off, len, false);
}

void sim_oracle_wrote(size_t off, size_t len)
{
	bits_fill(sim_written, off, len, true);
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
			 bool writable, const struct sim_share_marks *m,
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
	r->all = false;
	r->bits = NO_BITS;
	if (!writable)
		return;
	/* Refetch mode rewrote device-writable memory behind the model's
	 * back (sim/refetch.c): a forged used idx can publish a stale entry
	 * the driver cannot tell from a fresh one, so nothing the model
	 * recorded says what the driver saw. Every byte counts as written,
	 * and the answer is not the model's. */
	if (sim_refetch_rewrites()) {
		r->m.marks |= SIM_MARK_UNTRUE;
		sim_oracle_forget((size_t)(paddr - sim_dma_base), len);
		return;
	}
	if (nb > ARENA_BYTES) { /* too long to keep: count it all written */
		sim_oracle_forget((size_t)(paddr - sim_dma_base), len);
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
		size_t off;
		struct sim_share_marks *m =
			sim_share_marks_at(c->seg[i].paddr, c->seg[i].len, &off);

		if (!m)
			continue;
		m->marks |= marks;
		if (lie && !m->lie) {
			m->lie = (uint8_t)lie;
			m->value = value;
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
		size_t off, keep;

		if (!g->writable)
			continue;
		m = sim_share_marks_at(g->paddr, g->len, &off);
		/* A truncated chain's middle buffers are not kept, so offsets
		 * past them are unknown: trust what was written there. */
		keep = len <= at ? 0 : len - at < g->len ? len - at : g->len;
		if (m && (!c->truncated || !honest)) {
			if (!honest)
				bits_fill(sim_written, off,
					  c->truncated ? g->len : keep, true);
			if (!c->truncated)
				bits_fill(sim_written, off + keep,
					  g->len - keep, false);
		}
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
	if (lies == lies_at_begin)
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
	if (r->all || r->bits == NO_BITS || arena_head - r->bits > ARENA_BYTES)
		return false; /* all written, or its bits are gone: count them */
	first = first_clear(arena + r->bits % ARENA_BYTES, off, n, &nclear);
	if (first == n)
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
 * ASan's memcmp interceptor on every good answer. */
SIM_UNCHECKED static bool equal(const uint8_t *a, const uint8_t *b, size_t n)
{
	for (; n >= 32; n -= 32, a += 32, b += 32) {
		uint64_t x[4], y[4];

		__builtin_memcpy(x, a, 32);
		__builtin_memcpy(y, b, 32);
		if ((x[0] ^ y[0]) | (x[1] ^ y[1]) | (x[2] ^ y[2]) | (x[3] ^ y[3]))
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
