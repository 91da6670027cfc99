/* SPDX-License-Identifier: MIT */
/*
 * virtio-gpu device model (VirtIO 1.2, 5.7), 2D, as QEMU's virtio-gpu
 * answers: resources with host-side pixels and the guest backing attached
 * to them, transfers that read the backing from guest memory, scanout 0
 * with what it shows (updated by SET_SCANOUT and RESOURCE_FLUSH from the
 * resource's pixels), a cursor (its image copied at UPDATE_CURSOR, its
 * position), events_read/events_clear and a host-side display change, so
 * a workload can check that what the display shows is exactly what the
 * driver drew. Not here: the transport (give &g->dev to a front), 3D,
 * blobs, EDID (offered, as QEMU does, never answered).
 *
 * Decision points: config reads "gpu.events_read", "gpu.events_clear",
 * "gpu.num_scanouts", "gpu.num_capsets"; per controlq response
 * "gpu.resp_type" (spec: the command's OK_* or the ERR_* QEMU gives);
 * per display info "gpu.enabled", "gpu.width", "gpu.height" of scanout 0.
 */
#ifndef SIM_DEV_GPU_H
#define SIM_DEV_GPU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/vdev.h"
#include "virtio/hal.h"
#include "virtio/spec.h"
#include "virtio/spec/gpu.h"

#define SIM_GPU_DEFAULT_WIDTH 1280u  /* QEMU's xres */
#define SIM_GPU_DEFAULT_HEIGHT 800u  /* QEMU's yres */
#define SIM_GPU_DEFAULT_QUEUE_MAX 256u
#define SIM_GPU_RESOURCES 4u         /* live resources at once */
#define SIM_GPU_RES_BYTES (4u << 20) /* pixels of one (1280x800 fits) */
#define SIM_GPU_BACKING_MAX 64u      /* mem entries of one (QEMU: 16384) */
#define SIM_GPU_CURSOR_BYTES                                                   \
	(VIRTIO_GPU_CURSOR_DIM * VIRTIO_GPU_CURSOR_DIM * 4u)

/* Zero fields mean the default. */
struct sim_gpu_config {
	uint32_t width, height;  /* scanout 0's mode; default 1280x800 */
	uint32_t num_scanouts;   /* default 1, as QEMU's max_outputs */
	uint16_t queue_max;      /* QueueNumMax; default 256 */
	bool no_edid;            /* do not offer VIRTIO_GPU_F_EDID */
};

struct sim_gpu_res {
	uint32_t id;             /* 0: slot free */
	uint32_t format, width, height;
	uint32_t nbacking;       /* mem entries attached; 0: none */
	struct {
		virtio_paddr_t addr;
		uint32_t len;
	} backing[SIM_GPU_BACKING_MAX];
	uint8_t pixels[SIM_GPU_RES_BYTES]; /* host copy, rows of width */
};

struct sim_gpu {
	struct sim_vdev dev;     /* give &g->dev to a front */
	struct sim_gpu_config cfg;
	struct sim_gpu_res res[SIM_GPU_RESOURCES];
	/* Scanout 0: the resource and rect shown, and what it shows. */
	uint32_t scanout_res;    /* 0: disabled */
	uint32_t scanout_w, scanout_h, scanout_x, scanout_y;
	uint8_t shown[SIM_GPU_RES_BYTES]; /* rows of scanout_w pixels */
	uint64_t flushes;        /* RESOURCE_FLUSH answered OK */
	uint64_t transfers;      /* TRANSFER_TO_HOST_2D answered OK */
	/* The cursor: image at the last UPDATE_CURSOR, position. */
	bool cursor_set;
	uint32_t cursor_x, cursor_y, cursor_hot_x, cursor_hot_y;
	uint8_t cursor_image[SIM_GPU_CURSOR_BYTES];
	uint64_t cursor_updates, cursor_moves;
	uint64_t commands;       /* controlq commands answered */
};

/* (Re)create the device for an iteration: no resource, nothing shown.
 * NULL cfg: defaults. Returns 0. */
int sim_gpu_create(struct sim_gpu *g, const struct sim_gpu_config *cfg);

/* The host's display changes to width x height (a monitor resized):
 * GET_DISPLAY_INFO says so from now on, events_read gets
 * VIRTIO_GPU_EVENT_DISPLAY and a config interrupt is raised (5.7.4). */
void sim_gpu_display_change(struct sim_gpu *g, uint32_t width,
			    uint32_t height);

/* events_read as the device holds it. */
uint32_t sim_gpu_events(const struct sim_gpu *g);

/* The resource `id`, or NULL. */
const struct sim_gpu_res *sim_gpu_resource(const struct sim_gpu *g,
					   uint32_t id);

#endif
