/* SPDX-License-Identifier: MIT */
/*
 * virtio-gpu driver (VirtIO 1.2, 5.7), 2D only, over any transport, after
 * the virtio-drivers crate's VirtIOGpu: init (controlq 0, cursorq 1;
 * EDID and VIRGL declined), the resolution of scanout 0, a framebuffer the
 * driver dma_allocs and lends to the caller (RESOURCE_CREATE_2D in
 * B8G8R8A8_UNORM, ATTACH_BACKING, SET_SCANOUT), flush
 * (TRANSFER_TO_HOST_2D + RESOURCE_FLUSH), a 64x64 cursor (UPDATE_CURSOR,
 * MOVE_CURSOR on the cursorq), pending events, destroy. One command at a
 * time, no fences. Spec constants are in virtio/spec/gpu.h.
 *
 * Where the crate trusts the device, this driver checks: every response's
 * used len covers the response the command expects, its type is the OK_*
 * the command expects (an ERR_* is EIO, the device stays usable; any other
 * type is EBAD_USED), the display info of scanout 0 (enabled, width and
 * height 1..VIRTIO_GPU_MAX_DIM, the framebuffer size overflow-checked and
 * capped), num_scanouts (1..16) and events_read (known bits only). A lie
 * is EBAD_USED (EBAD_CONFIG at init); after EBAD_USED or ETIMEOUT the
 * device has been reset and every call returns EBROKEN until destroy.
 */
#ifndef VIRTIO_GPU_H
#define VIRTIO_GPU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "virtio/errors.h"
#include "virtio/hal.h"
#include "virtio/spec.h"
#include "virtio/spec/gpu.h"
#include "virtio/virtq.h"

/* The crate's QUEUE_SIZE: one command in flight on each queue. */
#define VIRTIO_GPU_QUEUE_SIZE 2u
/* Widest and tallest scanout the driver takes (QEMU's and Linux's
 * virtio-gpu stay far below). */
#define VIRTIO_GPU_MAX_DIM 16384u
/* Largest framebuffer setup_framebuffer allocates unless init says less. */
#define VIRTIO_GPU_FB_MAX (64u << 20)
/* Bytes of the 64x64 cursor image setup_cursor takes (B8G8R8A8). */
#define VIRTIO_GPU_CURSOR_BYTES                                                \
	(VIRTIO_GPU_CURSOR_DIM * VIRTIO_GPU_CURSOR_DIM * 4u)
/* The crate's resource ids. */
#define VIRTIO_GPU_RESOURCE_FB 0xbabeu
#define VIRTIO_GPU_RESOURCE_CURSOR 0xdadeu

/* PRIVATE: one resource with its dma_alloc'd backing. */
struct virtio_gpu_res {
	uint8_t *mem;            /* backing, driver's pointer; NULL: none */
	virtio_paddr_t paddr;
	size_t pages;
	uint32_t width, height;
	bool created;            /* RESOURCE_CREATE_2D answered OK */
	bool attached;           /* ATTACH_BACKING answered OK */
};

struct virtio_gpu {
	struct virtio_transport *t;
	uint32_t num_scanouts;   /* config, checked at init */
	/* PRIVATE: fields below belong to drivers/dev/gpu.c. */
	size_t fb_max;
	bool scanout_set;        /* SET_SCANOUT shows the framebuffer */
	bool cursor_on;          /* UPDATE_CURSOR answered */
	struct virtq ctrlq, cursorq;
	VIRTQ_STORAGE(VIRTIO_GPU_QUEUE_SIZE) ctrlq_mem, cursorq_mem;
	uint8_t req[VIRTIO_GPU_CURSOR_SIZE + VIRTIO_GPU_MEM_ENTRY_SIZE];
	uint8_t resp[VIRTIO_GPU_RESP_DISPLAY_INFO_SIZE];
	struct virtio_gpu_res fb, cursor;
};

/*
 * Negotiate (the ring features only: EDID and VIRGL are declined), read
 * and check num_scanouts, set up the controlq and the cursorq, DRIVER_OK.
 * fb_max caps the framebuffer setup_framebuffer allocates (0:
 * VIRTIO_GPU_FB_MAX). On failure nothing is held and the device is left
 * FAILED; virtio_gpu_destroy stays safe.
 */
int virtio_gpu_init(struct virtio_gpu *g, struct virtio_transport *t,
		    size_t fb_max);

/* GET_DISPLAY_INFO: scanout 0's width and height. EUNSUPPORTED when the
 * device says scanout 0 is not enabled (no display: it may come with a
 * display event). */
int virtio_gpu_resolution(struct virtio_gpu *g, uint32_t *width,
			  uint32_t *height);

/*
 * The crate's setup_framebuffer: the resolution, then (after taking down a
 * framebuffer set up before) a B8G8R8A8 resource of that size backed by
 * zeroed pages the driver dma_allocs, shown on scanout 0. *fb and *len
 * (width * height * 4 bytes, rows of width pixels, each pixel the bytes
 * B, G, R, A) are the caller's to draw in until the next
 * setup_framebuffer or destroy. EUNSUPPORTED when the size passes fb_max.
 */
int virtio_gpu_setup_framebuffer(struct virtio_gpu *g, uint8_t **fb,
				 size_t *len, uint32_t *width,
				 uint32_t *height);

/* Show what the caller drew: TRANSFER_TO_HOST_2D of the whole
 * framebuffer, then RESOURCE_FLUSH. ENOT_READY without a framebuffer. */
int virtio_gpu_flush(struct virtio_gpu *g);

/*
 * A cursor from `image` (VIRTIO_GPU_CURSOR_BYTES, 64x64 B8G8R8A8; else
 * EINVALID_PARAM) at (x, y) with hot spot (hot_x, hot_y): a resource, its
 * backing, TRANSFER_TO_HOST_2D, then UPDATE_CURSOR on the cursorq. A
 * cursor set up before is taken down first.
 */
int virtio_gpu_setup_cursor(struct virtio_gpu *g, const void *image,
			    size_t len, uint32_t x, uint32_t y, uint32_t hot_x,
			    uint32_t hot_y);
/* MOVE_CURSOR to (x, y). ENOT_READY without a cursor. */
int virtio_gpu_move_cursor(struct virtio_gpu *g, uint32_t x, uint32_t y);

/* Pending events (events_read, 5.7.4), then cleared through events_clear:
 * *events holds VIRTIO_GPU_EVENT_DISPLAY when the display configuration
 * changed (read the resolution again). EBAD_CONFIG for an unknown bit. */
int virtio_gpu_events(struct virtio_gpu *g, uint32_t *events);

/* Read and acknowledge the interrupt status (bit 0: used buffer, bit 1:
 * config change). */
uint32_t virtio_gpu_ack_interrupt(struct virtio_gpu *g);

/* Take the framebuffer and the cursor down while the device is usable
 * (SET_SCANOUT to no resource, DETACH_BACKING, RESOURCE_UNREF; errors are
 * not reported), reset the device, free the queues and the backing pages.
 * Always safe, also after a failed init. */
void virtio_gpu_destroy(struct virtio_gpu *g);

#endif
