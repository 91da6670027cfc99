/* SPDX-License-Identifier: MIT */
/*
 * virtio-rtc driver (VirtIO 1.4 draft, "RTC Device") over any transport:
 * the requestq only. Init reads the number of clocks (CFG); then the
 * capabilities of a clock (CLOCK_CAP: its type, leap second smearing and
 * flags) and a clock's reading in nanoseconds (READ), each one blocking
 * request. Alarms are declined: VIRTIO_RTC_F_ALARM is never accepted, so
 * there is no alarmq. The virtio-drivers crate has no rtc module; the API
 * follows its request-style devices (rng, blk): init, getters, blocking
 * calls, interrupt control, destroy. Spec constants are in
 * virtio/spec/rtc.h.
 *
 * Every response is checked: its used len covers the whole response, its
 * status is OK or an error the request can have (EOPNOTSUPP is
 * EUNSUPPORTED, EIO is EIO; ENODEV, EINVAL and unknown statuses answer a
 * request this driver only makes valid: a lie), num_clocks is not 0, a
 * clock's type and smearing are ones the spec defines. Reserved bytes and
 * unknown flag bits are ignored. A reading is any value: a clock may step,
 * also backwards, so no order between readings is checked. A lie is
 * EBAD_USED (the device is stopped: every call returns EBROKEN until
 * destroy), as are ETIMEOUT and ENEEDS_RESET.
 */
#ifndef VIRTIO_RTC_H
#define VIRTIO_RTC_H

#include <stdbool.h>
#include <stdint.h>

#include "virtio/errors.h"
#include "virtio/spec.h"
#include "virtio/spec/rtc.h"
#include "virtio/virtq.h"

/* Entries of the requestq at most; a request is two buffers (request,
 * response), one request at a time. */
#ifndef VIRTIO_RTC_QUEUE_SIZE
#define VIRTIO_RTC_QUEUE_SIZE 8u
#endif
#define VIRTIO_RTC_MSG_MAX 16u /* largest request and response here */

/* What CLOCK_CAP says about a clock, checked. */
struct virtio_rtc_clock_cap {
	uint8_t type;     /* VIRTIO_RTC_CLOCK_*, 0..CLOCK_TYPE_MAX */
	uint8_t smearing; /* VIRTIO_RTC_SMEAR_*, 0..SMEAR_MAX */
	uint8_t flags;    /* VIRTIO_RTC_FLAG_ALARM_CAP or 0 (other bits are
			   * reserved: dropped) */
};

struct virtio_rtc {
	struct virtio_transport *t;
	uint16_t num_clocks; /* from CFG at init: clock ids 0..num_clocks-1 */
	/* PRIVATE: fields below belong to drivers/dev/rtc.c. */
	struct virtq q;
	VIRTQ_STORAGE(VIRTIO_RTC_QUEUE_SIZE) q_mem;
	uint8_t req[VIRTIO_RTC_MSG_MAX];  /* the request in flight */
	uint8_t resp[VIRTIO_RTC_MSG_MAX]; /* its response, as written */
};

/*
 * Negotiate (no device feature: F_ALARM declined; the ring features), set
 * up the requestq, DRIVER_OK, then ask CFG for the number of clocks (0 is
 * a lie: EBAD_USED). On failure nothing is held and the device is left
 * FAILED (or stopped, after a lie); virtio_rtc_destroy stays safe.
 */
int virtio_rtc_init(struct virtio_rtc *r, struct virtio_transport *t);

/* The number of clocks CFG gave at init. */
int virtio_rtc_num_clocks(const struct virtio_rtc *r, uint16_t *n);

/* CLOCK_CAP of `clock` (below num_clocks, else EINVALID_PARAM). */
int virtio_rtc_clock_cap(struct virtio_rtc *r, uint16_t clock,
			 struct virtio_rtc_clock_cap *cap);

/* READ `clock` (below num_clocks, else EINVALID_PARAM): *ns is the
 * device's clock_reading, nanoseconds in the clock's own time scale. */
int virtio_rtc_read(struct virtio_rtc *r, uint16_t clock, uint64_t *ns);

/* Ask for used-buffer interrupts on the requestq, or not (a hint). */
void virtio_rtc_set_interrupts(struct virtio_rtc *r, bool enable);
/* Read and acknowledge the interrupt status. */
uint32_t virtio_rtc_ack_interrupt(struct virtio_rtc *r);

/* Reset the device and free the queue. Always safe, also after a failed
 * init. */
void virtio_rtc_destroy(struct virtio_rtc *r);

#endif
