/* SPDX-License-Identifier: MIT */
/*
 * virtio-console driver (VirtIO 1.2, 5.3) over any transport, port 0 only
 * (receiveq 0, transmitq 1), as the virtio-drivers crate's VIRTIO Console:
 * blocking send, non-blocking recv with or without pop, a blocking read,
 * the console size (VIRTIO_CONSOLE_F_SIZE), emergency write
 * (VIRTIO_CONSOLE_F_EMERG_WRITE) and interrupt acknowledgement. The caller
 * owns all storage, the receive buffer included. Not here: multiport (the
 * control queues), which the driver never accepts. Spec constants are in
 * virtio/spec/console.h.
 */
#ifndef VIRTIO_CONSOLE_H
#define VIRTIO_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "virtio/errors.h"
#include "virtio/spec.h"
#include "virtio/spec/console.h"
#include "virtio/virtq.h"

/* Entries the driver asks for per queue: one receive buffer and one send
 * are ever in flight (the crate uses 2 as well). */
#define VIRTIO_CONSOLE_QUEUE_SIZE 2u
/* The receive buffer, in struct virtio_console (the crate's is a page). */
#ifndef VIRTIO_CONSOLE_RX_BYTES
#define VIRTIO_CONSOLE_RX_BYTES VIRTIO_PAGE_SIZE
#endif

/* The console's size in characters (the crate's Size). */
struct virtio_console_size {
	uint16_t columns;
	uint16_t rows;
};

struct virtio_console {
	struct virtio_transport *t;
	bool has_size;        /* VIRTIO_CONSOLE_F_SIZE negotiated */
	bool has_emerg_write; /* VIRTIO_CONSOLE_F_EMERG_WRITE negotiated */
	/* PRIVATE: fields below belong to drivers/dev/console.c. */
	struct virtq rxq, txq;
	VIRTQ_STORAGE(VIRTIO_CONSOLE_QUEUE_SIZE) rxq_mem, txq_mem;
	bool rx_out;          /* rx_buf is with the device (rx_token) */
	uint16_t rx_token;
	uint32_t rx_cursor;   /* next byte of rx_buf recv returns */
	uint32_t rx_len;      /* bytes the device put in rx_buf, validated */
	uint8_t rx_buf[VIRTIO_CONSOLE_RX_BYTES];
};

/*
 * Negotiate (SIZE and EMERG_WRITE when offered; never MULTIPORT), set up
 * both queues of port 0, DRIVER_OK, and give the device the receive
 * buffer. On failure nothing is held and the device is left FAILED;
 * virtio_console_destroy stays safe.
 *
 * After ETIMEOUT, EBAD_USED or ENEEDS_RESET from any call the device has
 * been reset and every later call returns EBROKEN until destroy and a new
 * init. Each value the device
 * gives is checked: a used entry must name the buffer in flight with a
 * length inside it (receive: 1..VIRTIO_CONSOLE_RX_BYTES; send: 0), and the
 * size is read under one config generation.
 */
int virtio_console_init(struct virtio_console *c, struct virtio_transport *t);

/* The size, if the device reports it: *known is false without
 * VIRTIO_CONSOLE_F_SIZE (the crate's Ok(None)). ECONFIG_UNSTABLE when the
 * generation never settles (the device stays usable). */
int virtio_console_size(struct virtio_console *c,
			struct virtio_console_size *size, bool *known);

/* Blocking: queue the bytes, notify, wait (bounded by t->poll_budget) for
 * the device to take them. An empty send_bytes sends nothing and succeeds.
 * The bytes are back with the caller whatever the result. */
int virtio_console_send(struct virtio_console *c, uint8_t ch);
int virtio_console_send_bytes(struct virtio_console *c, const void *buf,
			      size_t len);

/*
 * Non-blocking: the next received byte, if any (*got false: none yet; the
 * crate's Ok(None)). With pop the byte is consumed; without, the next call
 * returns it again. Keeps the receive buffer with the device whenever it
 * holds nothing unread.
 */
int virtio_console_recv(struct virtio_console *c, bool pop, uint8_t *ch,
			bool *got);

/*
 * Blocking (the crate's embedded-io Read): wait until at least one byte
 * has arrived, then copy up to `len` of them; *n gets how many. Waits at
 * most t->poll_budget polls, then ETIMEOUT (ENEEDS_RESET if the device
 * set DEVICE_NEEDS_RESET) with the device reset (so only
 * call it when input is expected; recv polls without giving up).
 */
int virtio_console_read(struct virtio_console *c, void *buf, size_t len,
			size_t *n);

/* Write one byte through the config field emerg_wr; EUNSUPPORTED without
 * VIRTIO_CONSOLE_F_EMERG_WRITE. */
int virtio_console_emergency_write(struct virtio_console *c, uint8_t ch);

/* Read and acknowledge the interrupt status; on a used-buffer interrupt,
 * complete a finished receive. *received: new bytes arrived. */
int virtio_console_ack_interrupt(struct virtio_console *c, bool *received);

/* Reset the device, reclaim the receive buffer, free the queues. Always
 * safe, also after a failed init. */
void virtio_console_destroy(struct virtio_console *c);

#endif
