/* SPDX-License-Identifier: MIT */
/*
 * The trace: every HAL call, register access and device decision as one
 * event. Recording stores a static format and four numbers in a ring (no
 * formatting); events are formatted only when printed: all of them live
 * with VFUZZ_TRACE=1, or the tail with a report.
 */
#include <stdio.h>
#include <stdlib.h>

#include "sim/internal.h"

/* 64 bytes, a cache line each. */
struct event {
	const char *fmt;
	/* A name resolved only when printed (register names): name(p, v[3]).
	 * NULL: p is the string fmt takes first, or NULL for numbers only. */
	const char *(*name)(void *ctx, uint64_t off);
	const void *p;
	unsigned long long v[4];
	uint32_t seq;
};

_Static_assert(sizeof(struct event) == 64, "an event is a cache line");
_Static_assert((SIM_TRACE_TAIL & (SIM_TRACE_TAIL - 1)) == 0,
	       "SIM_TRACE_TAIL is a power of two");
static struct event ring[SIM_TRACE_TAIL] __attribute__((aligned(64)));
static uint32_t next_seq; /* events this iteration */
static bool live;         /* print each event as it happens */

static void print_event(const struct event *e)
{
	fprintf(stderr, "  #%u ", (unsigned)e->seq);
	if (e->name)
		fprintf(stderr, e->fmt, e->name((void *)(uintptr_t)e->p, e->v[3]),
			e->v[0], e->v[1], e->v[2]);
	else if (e->p)
		fprintf(stderr, e->fmt, (const char *)e->p, e->v[0], e->v[1],
			e->v[2]);
	else
		fprintf(stderr, e->fmt, e->v[0], e->v[1], e->v[2], e->v[3]);
	fputc('\n', stderr);
}

/* Inlined into its three callers: as a call it takes two of its eight
 * arguments on the stack, and reading them back stalled every event. */
static inline __attribute__((always_inline)) void
record(const char *fmt, const char *(*name)(void *, uint64_t), const void *p,
       unsigned long long a, unsigned long long b, unsigned long long c,
       unsigned long long d)
{
	struct event *e = &ring[next_seq % SIM_TRACE_TAIL];
	e->fmt = fmt;
	e->name = name;
	e->p = p;
	e->v[0] = a;
	e->v[1] = b;
	e->v[2] = c;
	e->v[3] = d;
	e->seq = ++next_seq;
	if (live)
		print_event(e);
}

void sim_trace(const char *fmt, unsigned long long a, unsigned long long b,
	       unsigned long long c, unsigned long long d)
{
	record(fmt, NULL, NULL, a, b, c, d);
}

void sim_trace_s(const char *fmt, const char *s, unsigned long long a,
		 unsigned long long b, unsigned long long c)
{
	record(fmt, NULL, s ? s : "?", a, b, c, 0);
}

void sim_trace_named(const char *fmt, const char *(*name)(void *, uint64_t),
		     void *ctx, uint64_t off, unsigned long long a,
		     unsigned long long b, unsigned long long c)
{
	record(fmt, name, ctx, a, b, c, off); /* v[3]: the offset */
}

void sim_trace_enable(bool on)
{
	live = on;
}

void sim_trace_init(void)
{
	const char *env = getenv("VFUZZ_TRACE");
	live = env && *env && *env != '0';
}

void sim_trace_reset(void)
{
	next_seq = 0;
	if (live)
		fputs("trace: iteration start\n", stderr);
}

void sim_trace_dump_tail(void)
{
	uint32_t n = next_seq < SIM_TRACE_TAIL ? next_seq : SIM_TRACE_TAIL;
	if (live) /* already printed in full */
		return;
	fprintf(stderr, "==vfuzz== last %u trace events:\n", (unsigned)n);
	for (uint32_t i = next_seq - n; i < next_seq; i++)
		print_event(&ring[i % SIM_TRACE_TAIL]);
}
