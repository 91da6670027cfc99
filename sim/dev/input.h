/* SPDX-License-Identifier: MIT */
/*
 * virtio-input device model (VirtIO 1.2, 5.8) with a host side: the
 * events the host sends (a keyboard's keys, say; the device puts each in
 * the next event buffer it holds, oldest first) and two logs, the events
 * it wrote into event buffers and the status events it read, so a
 * workload can judge a driver's every event. The config answers are
 * QEMU 7.2's virtio-keyboard's (hw/input/virtio-input-hid.c: name, ids,
 * EV_KEY, EV_REP and EV_LED bitmaps), optionally with a serial, PROP_BITS
 * and two absolute axes as its virtio-tablet's. As QEMU, a select/subsel
 * with no answer reads all zero (select and subsel too), and each config
 * write moves the generation once the device is live. Unlike QEMU, events
 * are delivered one by one as buffers allow, not held until EV_SYN and
 * dropped when the batch does not fit. Not here: the transport (give
 * &m->dev to a front).
 *
 * Decision points: config reads "input.select", "input.subsel",
 * "input.size", "input.reserved", "input.data" (each byte); per event put
 * in a buffer "input.type", "input.code", "input.value" (spec: the host's)
 * and "input.event_len" (bytes written; spec 8).
 */
#ifndef SIM_DEV_INPUT_H
#define SIM_DEV_INPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/vdev.h"
#include "virtio/spec.h"
#include "virtio/spec/input.h"

#define SIM_INPUT_DEFAULT_QUEUE_MAX 64u /* as QEMU's */
#define SIM_INPUT_PENDING_MAX 64u       /* host events waiting for a buffer */
#define SIM_INPUT_LOG_MAX 256u          /* events logged each way */
#define SIM_INPUT_ENTRIES_MAX 12u       /* config answers */

/* Zero fields mean the default. */
struct sim_input_config {
	uint16_t queue_max;  /* QueueNumMax; default 64 */
	const char *serial;  /* ID_SERIAL (QEMU's serial=); NULL: none */
	bool axes;           /* EV_ABS and ABS_INFO of X and Y, as QEMU's
			      * virtio-tablet (0..0x7fff) */
	bool prop_bits;      /* PROP_BITS: INPUT_PROP_DIRECT */
};

/* One config answer: what select/subsel reads. */
struct sim_input_entry {
	uint8_t select, subsel, size;
	uint8_t data[VIRTIO_INPUT_CFG_DATA_MAX];
};

/* One event either way. */
struct sim_input_event {
	uint16_t type, code;
	uint32_t value;
	uint32_t len;        /* eventq: bytes written (8 unless a lie) */
	uint16_t head;       /* the chain's buffer id: the driver's token */
};

struct sim_input_log {
	struct sim_input_event ev[SIM_INPUT_LOG_MAX];
	uint32_t n;          /* logged */
	uint64_t total;      /* seen, logged or not */
};

struct sim_input {
	struct sim_vdev dev; /* give &m->dev to a front */
	struct sim_input_config cfg;
	struct sim_input_entry entry[SIM_INPUT_ENTRIES_MAX];
	unsigned nentries;
	uint8_t select, subsel; /* as the driver wrote them */
	bool status_waiting; /* status chains fetched, deferred */
	/* Host events not yet in a buffer, oldest first. */
	struct sim_input_event pending[SIM_INPUT_PENDING_MAX];
	uint32_t pend_head, npend;
	uint64_t lost;       /* host events the pending list had no room for */
	/* An eventq used idx moved by other than one: which entries the
	 * driver read is not known from then on (as sim_net's rx_idx_lied). */
	bool ev_idx_lied;
	uint8_t leds;        /* EV_LED state the status events set (bit = code) */
	struct sim_input_log events; /* written into event buffers */
	struct sim_input_log status; /* read from status buffers */
};

/* (Re)create the device for an iteration, logs empty. NULL cfg: defaults
 * (a keyboard). Returns 0. */
int sim_input_create(struct sim_input *m, const struct sim_input_config *cfg);

/* The host sends an event; a buffer the device holds gets it at once
 * (else at the driver's next poll or notify). Returns 0, or -1 when the
 * pending list is full (the event is lost). */
int sim_input_host_send(struct sim_input *m, uint16_t type, uint16_t code,
			uint32_t value);

/* Host events waiting for an event buffer. */
static inline uint32_t sim_input_pending(const struct sim_input *m)
{
	return m->npend;
}

/* The answer to select/subsel, or NULL when the device has none. */
const struct sim_input_entry *sim_input_entry(const struct sim_input *m,
					      uint8_t select, uint8_t subsel);

#endif
