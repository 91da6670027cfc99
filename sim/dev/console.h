/* SPDX-License-Identifier: MIT */
/*
 * virtio-console device model (VirtIO 1.2, 5.3), port 0 only, with a host
 * side: the host's input (what someone types at the console; the device
 * fills receive buffers from it) and two logs, the bytes the device read
 * from the driver (transmit buffers and emergency writes, in order) and the
 * bytes it put in receive buffers. A spec device with no host input has
 * nothing to receive and holds the driver's receive buffers. Not here: the
 * transport (give &c->dev to a front), multiport (control queues).
 *
 * Decision points: config reads "console.cols", "console.rows",
 * "console.max_nr_ports", "console.emerg_wr"; per receive buffer filled
 * from host input "console.rx_len" (bytes written; spec: all the input that
 * fits), and for bytes past the host's input "console.rx_byte" (spec 0).
 */
#ifndef SIM_DEV_CONSOLE_H
#define SIM_DEV_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/vdev.h"
#include "virtio/spec.h"
#include "virtio/spec/console.h"

#define SIM_CONSOLE_CONFIG_LEN 12u /* struct virtio_console_config */
#define SIM_CONSOLE_DEFAULT_QUEUE_MAX 128u /* as QEMU's virtio-serial */
/* Bytes each of the host input and the two logs hold; past that the
 * device still reads and counts them (logs) or refuses them (input). */
#define SIM_CONSOLE_IO_MAX 262144u
/* Bytes past the host's input one receive buffer may get (a lying
 * "console.rx_len"), so a huge buffer costs no more than this. */
#define SIM_CONSOLE_MADE_UP_MAX 4096u

/* Zero fields mean the default; features are offered unless turned off. */
struct sim_console_config {
	uint16_t cols, rows;      /* F_SIZE answer; default 80x25 */
	uint32_t max_nr_ports;    /* config field; default 1 */
	uint16_t queue_max;       /* QueueNumMax; default 128 */
	bool no_size;             /* do not offer VIRTIO_CONSOLE_F_SIZE */
	bool no_emerg_write;      /* do not offer VIRTIO_CONSOLE_F_EMERG_WRITE */
	bool multiport;           /* offer VIRTIO_CONSOLE_F_MULTIPORT (as QEMU
				   * does; this model serves port 0 only) */
	const uint8_t *input;     /* host input there from the start */
	size_t input_len;
};

struct sim_console {
	struct sim_vdev dev;      /* give &c->dev to a front */
	struct sim_console_config cfg;
	bool tx_waiting;          /* transmit chains fetched, deferred */
	size_t input_len, input_pos; /* host input and what was delivered */
	size_t output_len;        /* bytes in output[] */
	uint64_t output_total;    /* bytes read from the driver, all counted */
	size_t sent_len;          /* bytes in sent[] */
	uint64_t sent_total;      /* bytes put in receive buffers */
	uint8_t input[SIM_CONSOLE_IO_MAX];
	uint8_t output[SIM_CONSOLE_IO_MAX];
	uint8_t sent[SIM_CONSOLE_IO_MAX];
};

/* (Re)create the device for an iteration, logs empty. NULL cfg: defaults.
 * Returns 0, or -1 if cfg->input is longer than SIM_CONSOLE_IO_MAX. */
int sim_console_create(struct sim_console *c,
		       const struct sim_console_config *cfg);

/* The host types `n` bytes; a receive buffer the device holds is filled at
 * once (then at each driver poll and notify). Returns the bytes accepted
 * (fewer when the input is full). */
size_t sim_console_host_write(struct sim_console *c, const void *bytes,
			      size_t n);
/* Host input not yet put in a receive buffer. */
static inline size_t sim_console_input_left(const struct sim_console *c)
{
	return c->input_len - c->input_pos;
}
/* What the device read from the driver, in order: transmit buffers and
 * emergency writes (the first SIM_CONSOLE_IO_MAX bytes; output_total
 * counts all). */
static inline const uint8_t *sim_console_output(const struct sim_console *c,
						size_t *len)
{
	*len = c->output_len;
	return c->output;
}
/* What the device put in receive buffers it returned, in order. */
static inline const uint8_t *sim_console_sent(const struct sim_console *c,
					      size_t *len)
{
	*len = c->sent_len;
	return c->sent;
}

#endif
