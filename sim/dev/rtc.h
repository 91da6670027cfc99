/* SPDX-License-Identifier: MIT */
/*
 * virtio-rtc device model (VirtIO 1.4 draft, "RTC Device"): the requestq
 * with CFG, CLOCK_CAP and READ served from a table of clocks whose
 * readings advance by a fixed step per READ, so every honest answer is
 * known; READ_CROSS and CROSS_CAP are EOPNOTSUPP (no cross-timestamping),
 * as are the alarm requests (the model raises no alarm). It keeps its last
 * answer, so a workload can check that a driver hands back exactly the
 * device's values. Not here: the transport (give &r->dev to a front).
 *
 * Decision points, per request: "rtc.status" (spec: OK, ENODEV for a
 * clock id it does not have, EOPNOTSUPP for a request it does not serve,
 * EINVAL for one it cannot parse); with status OK, CFG "rtc.num_clocks",
 * CLOCK_CAP "rtc.clock_type", "rtc.smearing", "rtc.clock_flags", READ
 * "rtc.reading" (spec: the table's); then "rtc.reserved" (the byte every
 * reserved byte of the response holds, spec 0) and "rtc.len" (the used
 * len, spec: the whole response; at most that).
 */
#ifndef SIM_DEV_RTC_H
#define SIM_DEV_RTC_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/vdev.h"

#define SIM_RTC_DEFAULT_QUEUE_MAX 64u
#define SIM_RTC_MAX_CLOCKS 8u
#define SIM_RTC_RESP_MAX 24u /* READ_CROSS's response, the largest */

struct sim_rtc_clock {
	uint8_t type;      /* VIRTIO_RTC_CLOCK_* */
	uint8_t smearing;  /* VIRTIO_RTC_SMEAR_* */
	uint8_t flags;     /* VIRTIO_RTC_FLAG_* */
	uint64_t start;    /* first reading, ns */
	uint64_t step;     /* added per READ served, ns */
};

/* Zero fields mean the default. */
struct sim_rtc_config {
	uint16_t queue_max; /* QueueNumMax; default SIM_RTC_DEFAULT_QUEUE_MAX */
	/* The clocks; nclocks 0: four (UTC, TAI, monotonic, UTC smeared
	 * noon-linear). */
	uint16_t nclocks;
	struct sim_rtc_clock clock[SIM_RTC_MAX_CLOCKS];
	bool alarm;         /* offer VIRTIO_RTC_F_ALARM (and the alarmq) */
};

/* The model's last response, as it wrote it. */
struct sim_rtc_answer {
	uint16_t msg_type;
	uint16_t clock;
	uint8_t status;
	uint32_t len;       /* used len */
	uint8_t resp[SIM_RTC_RESP_MAX];
};

struct sim_rtc {
	struct sim_vdev dev; /* give &r->dev to a front */
	struct sim_rtc_config cfg;
	uint64_t reads[SIM_RTC_MAX_CLOCKS]; /* READs served per clock */
	/* num_clocks the last CFG answer said since reset (told_valid):
	 * the clock ids a driver may name; told_known: the answer wrote it
	 * (else the driver read bytes the device never wrote, and no clock
	 * id is judged). */
	uint16_t told;
	bool told_valid, told_known;
	uint32_t requests;   /* requests answered */
	struct sim_rtc_answer last;
};

/* (Re)create the device for an iteration. NULL cfg: defaults. Returns 0,
 * or -1 for more than SIM_RTC_MAX_CLOCKS clocks. */
int sim_rtc_create(struct sim_rtc *r, const struct sim_rtc_config *cfg);

/* The reading clock `i` gives at its n-th READ (from 0). */
uint64_t sim_rtc_reading(const struct sim_rtc *r, uint16_t i, uint64_t n);

#endif
