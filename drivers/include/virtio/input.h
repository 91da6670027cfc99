/* SPDX-License-Identifier: MIT */
/*
 * virtio-input driver (VirtIO 1.2, 5.8) over any transport, after the
 * virtio-drivers crate's VirtIOInput: init with the caller's event
 * buffers (eventq 0 filled with them; statusq 1), a non-blocking
 * pop_pending_event that hands back one event and lends its buffer to the
 * device again, the config selects (query_config_select and the name,
 * serial, ids, prop_bits, ev_bits and abs_info helpers), a blocking status
 * event (the statusq: LEDs, say), interrupt acknowledgement and destroy.
 * Negotiates no device feature (5.8.3 has none). The caller owns the event
 * buffers. Spec constants are in virtio/spec/input.h.
 *
 * Where the crate trusts the device, this driver checks: every event's
 * used len (exactly 8: 5.8.6.1 has the device write a whole event; the
 * queue checks the id is in flight), every config answer (read between
 * two equal generations, after select and subsel are written; size at
 * most 128 and inside the config space the device has; 8 for ID_DEVIDS,
 * 20 for ABS_INFO, 0 for UNSET, or 0 for "not supported"; select and
 * subsel read back as written whenever size is not 0; an axis with
 * min <= max and fuzz, flat within its range), a status event's used len
 * (0; the queue checks it). A lie is EBAD_USED or EBAD_CONFIG; after
 * either, or ETIMEOUT, the device has been reset and every call returns
 * EBROKEN until destroy.
 */
#ifndef VIRTIO_INPUT_H
#define VIRTIO_INPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "virtio/errors.h"
#include "virtio/spec.h"
#include "virtio/spec/input.h"
#include "virtio/virtq.h"

/* Event buffers at most (the crate's QUEUE_SIZE). */
#ifndef VIRTIO_INPUT_QUEUE_SIZE
#define VIRTIO_INPUT_QUEUE_SIZE 32u
#endif
/* The statusq: one status event in flight at a time. */
#define VIRTIO_INPUT_STATUS_QUEUE_SIZE 2u

/* 5.8.6: one evdev event. */
struct virtio_input_event {
	uint16_t type;
	uint16_t code;
	uint32_t value;
};

/* 5.8.4 struct virtio_input_devids */
struct virtio_input_devids {
	uint16_t bustype;
	uint16_t vendor;
	uint16_t product;
	uint16_t version;
};

/* 5.8.4 struct virtio_input_absinfo (min and max as evdev's, signed) */
struct virtio_input_absinfo {
	int32_t min;
	int32_t max;
	uint32_t fuzz;
	uint32_t flat;
	uint32_t res;
};

/* PRIVATE: one event buffer's state. */
enum virtio_input_slot_state {
	VIRTIO_INPUT_EV_IDLE = 0,  /* with the driver (a failed re-lend) */
	VIRTIO_INPUT_EV_DEVICE,    /* in the eventq (token) */
};

struct virtio_input {
	struct virtio_transport *t;
	/* PRIVATE: fields below belong to drivers/dev/input.c. */
	struct virtq eventq, statusq;
	VIRTQ_STORAGE(VIRTIO_INPUT_QUEUE_SIZE) eventq_mem;
	VIRTQ_STORAGE(VIRTIO_INPUT_STATUS_QUEUE_SIZE) statusq_mem;
	uint8_t *events;           /* nevents buffers of 8 bytes */
	uint16_t nevents;
	uint16_t last_slot;        /* the buffer of the last popped event */
	uint8_t status[VIRTIO_INPUT_EVENT_SIZE];
	struct {
		uint16_t token;
		uint8_t state;     /* enum virtio_input_slot_state */
	} ev[VIRTIO_INPUT_QUEUE_SIZE];
};

/*
 * Set up both queues, DRIVER_OK, and give the device one event buffer per
 * eventq entry: buffer i is event_storage[8 * i, 8 * i + 8), so it holds
 * 8 * nevents bytes and stays the driver's until destroy. nevents is
 * 1..VIRTIO_INPUT_QUEUE_SIZE (EINVALID_PARAM otherwise); a device with a
 * smaller eventq gets fewer. ECONFIG_TOO_SMALL when the config space has
 * not even the select/subsel/size header. On failure nothing is held and
 * the device is left FAILED; virtio_input_destroy stays safe.
 */
int virtio_input_init(struct virtio_input *in, struct virtio_transport *t,
		      void *event_storage, uint16_t nevents);

/*
 * Non-blocking: the oldest event the device returned (ENOT_READY: none),
 * its buffer lent to the device again. A buffer the platform refused to
 * share again (EDMA) stays with the driver and is offered at the next call.
 */
int virtio_input_pop_pending_event(struct virtio_input *in,
				   struct virtio_input_event *ev);

/*
 * Write select and subsel, read the answer: its size into *size and its
 * bytes into data[0, *size) (data holds VIRTIO_INPUT_CFG_DATA_MAX bytes).
 * *size 0: the device has no such information (5.8.5.1).
 * ECONFIG_UNSTABLE when the generation never settles (the device stays
 * usable).
 */
int virtio_input_query_config_select(struct virtio_input *in, uint8_t select,
				     uint8_t subsel,
				     uint8_t data[VIRTIO_INPUT_CFG_DATA_MAX],
				     uint8_t *size);

/* ID_NAME, ID_SERIAL: the string, cut at its first NUL and NUL-terminated
 * (buf holds VIRTIO_INPUT_CFG_DATA_MAX + 1 bytes); *len its length. A
 * device without one gives "" (size 0). */
int virtio_input_name(struct virtio_input *in,
		      char buf[VIRTIO_INPUT_CFG_DATA_MAX + 1], size_t *len);
int virtio_input_serial(struct virtio_input *in,
			char buf[VIRTIO_INPUT_CFG_DATA_MAX + 1], size_t *len);
/* ID_DEVIDS; EUNSUPPORTED when the device has none (size 0). */
int virtio_input_ids(struct virtio_input *in, struct virtio_input_devids *ids);
/* PROP_BITS, EV_BITS of `type`: the bitmap and its size (0: none, for
 * ev_bits an event type the device does not produce). */
int virtio_input_prop_bits(struct virtio_input *in,
			   uint8_t bits[VIRTIO_INPUT_CFG_DATA_MAX], uint8_t *size);
int virtio_input_ev_bits(struct virtio_input *in, uint8_t type,
			 uint8_t bits[VIRTIO_INPUT_CFG_DATA_MAX], uint8_t *size);
/* ABS_INFO of `axis`; EUNSUPPORTED when the device has no such axis. */
int virtio_input_abs_info(struct virtio_input *in, uint8_t axis,
			  struct virtio_input_absinfo *info);

/* Blocking: send one status event (5.8.6.2; e.g. EV_LED, LED_CAPSL, 1)
 * on the statusq and wait (bounded by t->poll_budget) for the device to
 * take it. */
int virtio_input_send_status(struct virtio_input *in,
			     const struct virtio_input_event *ev);

/* Read and acknowledge the interrupt status (bit 0: used buffer, bit 1:
 * config change). */
uint32_t virtio_input_ack_interrupt(struct virtio_input *in);

/* Reset the device, reclaim every buffer, free the queues. Always safe,
 * also after a failed init. */
void virtio_input_destroy(struct virtio_input *in);

#endif
