/* SPDX-License-Identifier: MIT */
/*
 * Input splitting and typed readers (layout in fuzz/harness.h), process
 * set-up. Device set-up is in harness_dev.c, workloads in harness_*.c.
 */
#include "fuzz/harness.h"

#include "sim/sim.h"

uint8_t fuzz_u8(struct fuzz_in *in)
{
	return in->pos < in->len ? in->p[in->pos++] : 0;
}

uint16_t fuzz_u16(struct fuzz_in *in)
{
	uint16_t lo = fuzz_u8(in);
	return (uint16_t)(lo | (uint16_t)fuzz_u8(in) << 8);
}

uint32_t fuzz_u32(struct fuzz_in *in)
{
	uint32_t lo = fuzz_u16(in);
	return lo | (uint32_t)fuzz_u16(in) << 16;
}

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
	sim_init(NULL);
}
