/* SPDX-License-Identifier: MIT */
/*
 * Input splitting and typed readers (layout in fuzz/harness.h), process
 * set-up, the workloads' log. Device set-up is in harness_attach.c, the
 * device table in harness_devices.c, workloads in harness_*.c and dev_*.c.
 */
#define _GNU_SOURCE /* program_invocation_short_name */
#include "fuzz/harness.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "sim/sim.h"
#include "virtio/errors.h"

/* VFUZZ_HARNESS_LOG, read once: 1, a summary line per workload; 2, also a
 * line per operation. */
static bool log_on, log_ops;

void fuzz_split(const uint8_t *data, size_t size, struct fuzz_case *c)
{
	struct fuzz_in in = {data, size, 0};
	c->flags = fuzz_u8(&in);
	size_t n = fuzz_u8(&in);
	size_t avail = size - in.pos;
	if (n > avail)
		n = avail; /* a short input: the missing workload reads as 0 */
	c->work = (struct fuzz_in){data + in.pos, n, 0};
	c->decisions = data + in.pos + n;
	c->ndecisions = avail - n;
}

void fuzz_init(void)
{
	static bool done;

	sim_init(NULL);
	if (!done) {
		const char *v = getenv("VFUZZ_HARNESS_LOG");

		done = true;
		log_on = v && *v;
		log_ops = log_on && atoi(v) >= 2;
	}
}

void fuzz_log_workload(int init_rc, unsigned ops, unsigned failed,
		       bool completed)
{
	/* The binary's name is the target's (build/<preset>/<target>). */
	if (log_on)
		fprintf(stderr,
			"harness: %s init=%s ops=%u failed=%u completed=%d\n",
			program_invocation_short_name, virtio_strerror(init_rc),
			ops, failed, completed ? 1 : 0);
}

void fuzz_log_op(const char *op, int rc, const char *fmt, ...)
{
	va_list ap;

	if (!log_ops)
		return;
	fprintf(stderr, "op: %s rc=%s", op, virtio_strerror(rc));
	if (fmt) {
		fputc(' ', stderr);
		va_start(ap, fmt);
		vfprintf(stderr, fmt, ap);
		va_end(ap);
	}
	fputc('\n', stderr);
}
