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

struct event {
	const char *fmt;
	const char *s; /* NULL: fmt takes numbers only */
	/* or a name resolved only when printed (register names) */
	const char *(*name)(void *ctx, uint64_t off);
	void *name_ctx;
	unsigned long long v[4];
	uint32_t seq;
};

static struct event ring[SIM_TRACE_TAIL];
static uint32_t next_seq; /* events this iteration */
static bool live;         /* print each event as it happens */

static void print_event(const struct event *e)
{
	fprintf(stderr, "  #%u ", (unsigned)e->seq);
	if (e->name)
		fprintf(stderr, e->fmt, e->name(e->name_ctx, e->v[3]), e->v[0],
			e->v[1], e->v[2]);
	else if (e->s)
		fprintf(stderr, e->fmt, e->s, e->v[0], e->v[1], e->v[2]);
	else
		fprintf(stderr, e->fmt, e->v[0], e->v[1], e->v[2], e->v[3]);
	fputc('\n', stderr);
}

/* Inlined into its three callers: as a call it takes two of its eight
 * arguments on the stack, and reading them back stalled every event. */
static inline __attribute__((always_inline)) void
record(const char *fmt, const char *s,
		   const char *(*name)(void *, uint64_t), void *name_ctx,
		   unsigned long long a, unsigned long long b,
		   unsigned long long c, unsigned long long d)
{
	struct event *e = &ring[next_seq % SIM_TRACE_TAIL];
	e->fmt = fmt;
	e->s = s;
	e->name = name;
	e->name_ctx = name_ctx;
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
	record(fmt, NULL, NULL, NULL, a, b, c, d);
}

void sim_trace_s(const char *fmt, const char *s, unsigned long long a,
		 unsigned long long b, unsigned long long c)
{
	record(fmt, s ? s : "?", NULL, NULL, a, b, c, 0);
}

void sim_trace_named(const char *fmt, const char *(*name)(void *, uint64_t),
		     void *ctx, uint64_t off, unsigned long long a,
		     unsigned long long b, unsigned long long c)
{
	record(fmt, NULL, name, ctx, a, b, c, off); /* v[3]: the offset */
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
