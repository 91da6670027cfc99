/* SPDX-License-Identifier: MIT */
/*
 * virtio-net device model (VirtIO 1.2, 5.1), the first queue pair, with a
 * host side: the wire (frames the host sends to the driver; the device
 * puts each in the next receive buffer it holds) and two logs, the frames
 * the device read from transmit buffers and the frames it put in receive
 * buffers, each with its header, so a workload can judge a driver's every
 * byte. Loopback mode sends every transmitted frame back to the driver.
 * A spec device with nothing on the wire holds the driver's receive
 * buffers. Not here: the transport (give &n->dev to a front), the control
 * queue and multiqueue (never offered).
 *
 * Decision points: config reads "net.mac", "net.status",
 * "net.max_virtqueue_pairs", "net.mtu"; per frame put in a receive buffer,
 * each header field "net.flags", "net.gso_type", "net.hdr_len",
 * "net.gso_size", "net.csum_start", "net.csum_offset", "net.num_buffers"
 * (12-byte header only; spec: 0, GSO_NONE, 0, 0, 0, 0, 1), then "net.rx_len"
 * (bytes written, header included; spec: header and frame) and, for bytes
 * past the frame, "net.rx_byte" (spec 0).
 */
#ifndef SIM_DEV_NET_H
#define SIM_DEV_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/vdev.h"
#include "virtio/spec.h"
#include "virtio/spec/net.h"

#define SIM_NET_DEFAULT_QUEUE_MAX 256u /* as QEMU's rx/tx_queue_size */
#define SIM_NET_FRAME_MAX 1514u        /* a wire frame: Ethernet, no FCS */
#define SIM_NET_WIRE_MAX 32u           /* frames waiting for a buffer */
#define SIM_NET_LOG_FRAMES 128u        /* frames logged each way */
#define SIM_NET_LOG_BYTES 262144u      /* bytes logged each way */
/* Bytes past the frame one receive buffer may get (a lying
 * "net.rx_len"), so a huge buffer costs no more than this. */
#define SIM_NET_MADE_UP_MAX 4096u

/* Zero fields mean the default; features are offered unless turned off. */
struct sim_net_config {
	uint8_t mac[6];      /* default 52:54:00:12:34:56 (QEMU's) */
	bool link_down;      /* status without VIRTIO_NET_S_LINK_UP */
	uint16_t queue_max;  /* QueueNumMax; default 256 */
	bool no_mac;         /* do not offer VIRTIO_NET_F_MAC */
	bool no_status;      /* do not offer VIRTIO_NET_F_STATUS */
	bool offloads;       /* offer CSUM, GUEST_CSUM, MRG_RXBUF and MTU too,
			      * as QEMU does (a driver must decline them) */
	bool loopback;       /* transmitted frames come back on the wire */
};

/* One frame in a log: where its bytes are, and its header. */
struct sim_net_frame {
	uint32_t start;      /* in the log's bytes */
	uint32_t len;        /* frame bytes (after the header) */
	uint32_t hdr_bytes;  /* header bytes written / read (short: cut) */
	uint8_t hdr[VIRTIO_NET_HDR_SIZE];
	bool lie;            /* receive: a header no driver may accept */
	uint16_t head;       /* the chain it came in or went out in: its buffer
			      * id (split: head), the driver's token */
};

struct sim_net_log {
	struct sim_net_frame frame[SIM_NET_LOG_FRAMES];
	uint32_t n;          /* frames logged */
	uint64_t total;      /* frames seen, logged or not */
	uint32_t nbytes;
	uint8_t bytes[SIM_NET_LOG_BYTES];
};

struct sim_net {
	struct sim_vdev dev; /* give &n->dev to a front */
	struct sim_net_config cfg;
	bool tx_waiting;     /* transmit chains fetched, deferred */
	/* The wire: frames the host sent, oldest first. */
	struct {
		uint32_t len;
		uint8_t data[SIM_NET_FRAME_MAX];
	} wire[SIM_NET_WIRE_MAX];
	uint32_t wire_head, wire_count;
	uint64_t wire_lost;  /* loopback frames the wire had no room for */
	/* A receiveq used idx moved by other than one (vq.used_idx): which
	 * entries the driver read, and so which buffer an entry's len
	 * applies to, is not known from then on. */
	bool rx_idx_lied;
	struct sim_net_log rx; /* put in receive buffers */
	struct sim_net_log tx; /* read from transmit buffers */
};

/* (Re)create the device for an iteration, wire and logs empty. NULL cfg:
 * defaults. Returns 0. */
int sim_net_create(struct sim_net *n, const struct sim_net_config *cfg);

/* The host sends a frame of `len` (<= SIM_NET_FRAME_MAX) bytes to the
 * driver; a receive buffer the device holds gets it at once (else at the
 * driver's next poll or notify). Returns 0, or -1 when the wire is full or
 * the frame too long. */
int sim_net_host_send(struct sim_net *n, const void *frame, size_t len);
/* Frames on the wire, not yet in a receive buffer. */
static inline uint32_t sim_net_wire_frames(const struct sim_net *n)
{
	return n->wire_count;
}
/* Loopback on or off from now on. */
void sim_net_set_loopback(struct sim_net *n, bool on);

/* Frame k (from 0) of a log, or NULL when it was not logged. */
static inline const uint8_t *sim_net_frame(const struct sim_net_log *l,
					   uint32_t k,
					   const struct sim_net_frame **f)
{
	if (k >= l->n)
		return NULL;
	*f = &l->frame[k];
	return l->bytes + l->frame[k].start;
}

/* The newest frame of a log that went through the chain at `head` (a
 * receive buffer's latest frame), or NULL. */
const uint8_t *sim_net_frame_of(const struct sim_net_log *l, uint16_t head,
				const struct sim_net_frame **f);

#endif
