/* SPDX-License-Identifier: MIT */
/*
 * virtio-rng device model (VirtIO 1.2, 5.4): each chain of the requestq is
 * one request; the device fills its writable bytes with entropy from a
 * small deterministic generator. Not here: ring parsing (vq.c), registers
 * (fronts).
 */
#include <string.h>

#include "sim/decide.h"
#include "sim/dev/rng.h"
#include "sim/device.h"
#include "virtio/spec.h"

/* xorshift32 from a non-zero state: cheap, and every honest byte is known
 * from the request number alone. */
static uint32_t next(uint32_t *s)
{
	uint32_t x = *s;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return *s = x;
}

/* 5.4.6: one request; returns the bytes it says it wrote (the used len). */
static uint32_t rng_handle(void *model, struct sim_vq *q,
			   const struct sim_chain *c)
{
	struct sim_rng *r = model;
	uint8_t chunk[256];
	uint32_t len, written = 0, state;

	/* 5.4.6.1: the driver's buffers are device-writable only. */
	if (c->readable || !c->writable) {
		sim_report(SIM_DESC_MALFORMED, NULL, NULL,
			   "driver submits an rng request that is not one "
			   "writable buffer [queue=%u] [head=%u] [readable=%llu] "
			   "[writable=%llu]",
			   q->index, c->head, (unsigned long long)c->readable,
			   (unsigned long long)c->writable);
		return 0;
	}
	/* 5.4.6.1 lets the device use less than the whole buffer; a used
	 * len past what it wrote is the queue engine's lie ("vq.used_len"). */
	len = c->writable > UINT32_MAX ? UINT32_MAX : (uint32_t)c->writable;
	len = (uint32_t)sim_decide("rng.len", len, 4);
	if (len > c->writable)
		len = (uint32_t)c->writable;
	state = (uint32_t)sim_decide("rng.seed", ++r->requests, 4);
	if (!state)
		state = 1;
	r->last_start = r->nlog;
	while (written < len) {
		uint32_t n = len - written;

		if (n > sizeof(chunk))
			n = sizeof(chunk);
		for (uint32_t i = 0; i < n; i++)
			chunk[i] = (uint8_t)(next(&state) >> 24);
		if (sim_chain_write(c, written, chunk, n) != n)
			break;
		if (!r->log_full && r->nlog + n <= SIM_RNG_LOG_MAX) {
			memcpy(r->log + r->nlog, chunk, n);
			r->nlog += n;
		} else {
			r->log_full = true;
		}
		written += n;
	}
	r->last_len = written;
	sim_trace("rng: len=%llu written=%llu", len, written, 0, 0);
	return written;
}

static const struct sim_vdev_ops rng_ops = {
	.handle = rng_handle,
};

int sim_rng_create(struct sim_rng *r, const struct sim_rng_config *cfg)
{
	static const struct sim_rng_config defaults;

	if (!cfg)
		cfg = &defaults;
	r->cfg = *cfg;
	if (!r->cfg.queue_max)
		r->cfg.queue_max = SIM_RNG_DEFAULT_QUEUE_MAX;
	r->requests = 0;
	r->nlog = 0;
	r->log_full = false;
	r->last_start = 0;
	r->last_len = 0;
	/* 5.4.3: no device-specific feature bits; 5.4.4: no config. */
	sim_vdev_init(&r->dev, VIRTIO_ID_RNG, 0, 1, r->cfg.queue_max, &rng_ops,
		      r);
	return 0;
}
