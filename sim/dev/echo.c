/* SPDX-License-Identifier: MIT */
/*
 * The neutral device (echo.h): every chain is accepted; its writable bytes
 * are the readable ones echoed, then a pattern, or the pattern alone.
 */
#include <string.h>

#include "sim/decide.h"
#include "sim/dev/echo.h"
#include "sim/device.h"

static uint8_t pattern(uint16_t head, uint32_t i)
{
	return (uint8_t)(i * 7u + head + (i >> 8));
}

void sim_echo_expected(const struct sim_echo *e, uint16_t head, uint32_t off,
		       uint32_t n, const uint8_t *readable, uint8_t *out)
{
	const struct sim_echo_record *r = &e->rec[head % SIM_ECHO_HEADS];
	uint32_t k = 0;

	if (r->answer != SIM_ECHO_PATTERN && off < r->readable) {
		k = r->readable - off < n ? r->readable - off : n;
		memcpy(out, readable + off, k);
	}
	for (; k < n; k++)
		out[k] = pattern(head, off + k);
}

static uint32_t echo_handle(void *model, struct sim_vq *q,
			    const struct sim_chain *c)
{
	struct sim_echo *e = model;
	struct sim_echo_record *r = &e->rec[c->id % SIM_ECHO_HEADS];
	uint8_t chunk[256];
	uint32_t len, done = 0;

	(void)q;
	r->valid = true;
	e->last_head = c->id;
	r->answer = (uint8_t)sim_decide_choice("echo.answer", SIM_ECHO_ANSWERS_);
	len = c->writable > UINT32_MAX ? UINT32_MAX : (uint32_t)c->writable;
	if (r->answer == SIM_ECHO_HALF)
		len /= 2;
	else if (r->answer == SIM_ECHO_NOTHING)
		len = 0;
	r->readable = c->readable > UINT32_MAX ? UINT32_MAX
					       : (uint32_t)c->readable;
	r->written = 0;
	while (done < len) {
		uint32_t n = len - done, k = 0;

		if (n > sizeof(chunk))
			n = sizeof(chunk);
		if (r->answer != SIM_ECHO_PATTERN && done < r->readable) {
			k = r->readable - done < n ? r->readable - done : n;
			if (sim_chain_read(c, done, chunk, k) != k)
				break;
		}
		for (uint32_t i = k; i < n; i++)
			chunk[i] = pattern(c->id, done + i);
		if (sim_chain_write(c, done, chunk, n) != n)
			break;
		done += n;
		r->written = done;
	}
	sim_trace("echo: id=%llu answer=%llu readable=%llu written=%llu",
		  c->id, r->answer, r->readable, r->written);
	return r->written;
}

static const struct sim_vdev_ops echo_ops = {
	.handle = echo_handle,
};

int sim_echo_create(struct sim_echo *e, const struct sim_echo_config *cfg)
{
	static const struct sim_echo_config defaults;

	if (!cfg)
		cfg = &defaults;
	e->cfg = *cfg;
	if (!e->cfg.queue_max)
		e->cfg.queue_max = SIM_ECHO_QUEUE_MAX_DEFAULT;
	memset(e->rec, 0, sizeof(e->rec));
	sim_vdev_init(&e->dev, SIM_ECHO_DEVICE_ID, 0, 1, e->cfg.queue_max,
		      &echo_ops, e);
	return 0;
}
