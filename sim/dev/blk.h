/* SPDX-License-Identifier: MIT */
/*
 * virtio-blk device model (VirtIO 1.2, 5.2) on a RAM disk of up to
 * SIM_BLK_MAX_SECTORS sectors: IN, OUT, FLUSH, GET_ID; anything else is
 * UNSUPP, out-of-range or read-only writes are IOERR. Spec-conforming
 * unless the decision stream says otherwise. Not here: the transport
 * (sim_mmio_attach the embedded dev).
 *
 * The disk starts as sim_blk_pattern(); sim_blk_create restores only the
 * sectors written since, so calling it every iteration is cheap.
 */
#ifndef SIM_DEV_BLK_H
#define SIM_DEV_BLK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/vdev.h"
#include "virtio/spec.h"
#include "virtio/spec/blk.h"

#define SIM_BLK_MAX_SECTORS 4096u
#define SIM_BLK_DEFAULT_SECTORS 128u
#define SIM_BLK_DEFAULT_QUEUE_MAX 256u
#define SIM_BLK_CONFIG_LEN 0x60u /* struct virtio_blk_config through zoned */

/* Zero fields mean the default. */
struct sim_blk_config {
	uint64_t capacity;     /* sectors; default SIM_BLK_DEFAULT_SECTORS */
	uint32_t blk_size;     /* VIRTIO_BLK_F_BLK_SIZE value; default 512 */
	uint32_t seg_max;      /* offered (VIRTIO_BLK_F_SEG_MAX) if non-zero */
	uint32_t size_max;     /* offered (VIRTIO_BLK_F_SIZE_MAX) if non-zero */
	uint16_t queue_max;    /* QueueNumMax; default 256 */
	bool ro;               /* offer VIRTIO_BLK_F_RO and refuse writes */
	bool flush;            /* offer VIRTIO_BLK_F_FLUSH */
	const char *serial;    /* GET_ID answer; default "vfuzz-blk" */
};

struct sim_blk {
	struct sim_vdev dev;         /* give &b->dev to a front */
	struct sim_blk_config cfg;
	uint64_t capacity;
	uint8_t serial[VIRTIO_BLK_ID_BYTES];
	bool initialised;            /* disk holds pattern + dirty sectors */
	uint64_t dirty[SIM_BLK_MAX_SECTORS / 64];
	uint64_t dirty_words;        /* bit w: dirty[w] has a sector */
	uint8_t disk[SIM_BLK_MAX_SECTORS * VIRTIO_BLK_SECTOR_SIZE];
};

/* (Re)create the device for an iteration. NULL cfg: defaults. Returns 0, or
 * -1 if capacity exceeds SIM_BLK_MAX_SECTORS. */
int sim_blk_create(struct sim_blk *b, const struct sim_blk_config *cfg);

/* Tests: read or set disk contents directly (no decisions, no checks).
 * Return 0, or -1 if the range passes the capacity. */
int sim_blk_disk_read(const struct sim_blk *b, uint64_t sector, void *buf,
		      size_t len);
int sim_blk_disk_write(struct sim_blk *b, uint64_t sector, const void *buf,
		       size_t len);
/* Initial byte `off` of `sector` of every fresh disk. */
static inline uint8_t sim_blk_pattern(uint64_t sector, unsigned off)
{
	return (uint8_t)(sector * 31u + off);
}

#endif
