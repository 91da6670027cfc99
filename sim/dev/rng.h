/* SPDX-License-Identifier: MIT */
/*
 * virtio-rng device model (VirtIO 1.2, 5.4): one requestq whose buffers it
 * fills with entropy. Spec-conforming unless the decision stream says
 * otherwise: how many bytes it writes ("rng.len", spec: the whole buffer)
 * and the generator's seed ("rng.seed", spec: a running counter, so every
 * honest answer is known). It keeps what it wrote, so a workload can check
 * that a driver hands back exactly the device's bytes. Not here: the
 * transport (attach the embedded dev through fuzz/device.h).
 */
#ifndef SIM_DEV_RNG_H
#define SIM_DEV_RNG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/vdev.h"

#define SIM_RNG_DEFAULT_QUEUE_MAX 64u
#define SIM_RNG_LOG_MAX 65536u /* bytes of entropy kept per iteration */

/* Zero fields mean the default. */
struct sim_rng_config {
	uint16_t queue_max; /* QueueNumMax; default SIM_RNG_DEFAULT_QUEUE_MAX */
};

struct sim_rng {
	struct sim_vdev dev; /* give &r->dev to a front */
	struct sim_rng_config cfg;
	uint32_t requests;   /* requests served, the honest seed */
	/* Every byte written into the driver's buffers, in order; past
	 * SIM_RNG_LOG_MAX the log stops and `log_full` says so. */
	uint8_t log[SIM_RNG_LOG_MAX];
	size_t nlog;
	bool log_full;
	size_t last_start;   /* where the last request's bytes start in log */
	uint32_t last_len;   /* how many it wrote */
};

/* (Re)create the device for an iteration. NULL cfg: defaults. Returns 0. */
int sim_rng_create(struct sim_rng *r, const struct sim_rng_config *cfg);

#endif
