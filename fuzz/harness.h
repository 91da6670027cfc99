/* SPDX-License-Identifier: MIT */
/*
 * Shared harness code for the fuzz targets (and the tests and benchmark
 * that run the same workloads). A target file is short: split the input,
 * set up a device, run a workload, tear down, audit.
 *
 * Input layout of every target (documented once, here):
 *   byte 0      flags: target-specific set-up choices (bit 0: MMIO version
 *               1 instead of 2 for MMIO targets)
 *   byte 1      N, the workload length
 *   bytes 2..   N workload bytes (read by the target's workload; N = 0 means
 *               the target's default workload)
 *   the rest    the decision stream (sim/decide.h); empty = a spec device
 * An input shorter than its header says is fine: missing bytes read as 0.
 */
#ifndef FUZZ_HARNESS_H
#define FUZZ_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "virtio/blk.h"
#include "virtio/mmio.h"

/* Typed readers over a byte string; past the end they read 0. */
struct fuzz_in {
	const uint8_t *p;
	size_t len;
	size_t pos;
};
uint8_t fuzz_u8(struct fuzz_in *in);
uint16_t fuzz_u16(struct fuzz_in *in);
uint32_t fuzz_u32(struct fuzz_in *in);
static inline bool fuzz_more(const struct fuzz_in *in)
{
	return in->pos < in->len;
}

struct fuzz_case {
	uint8_t flags;
	struct fuzz_in work;
	const uint8_t *decisions;
	size_t ndecisions;
};
/* Split an input as laid out above. */
void fuzz_split(const uint8_t *data, size_t size, struct fuzz_case *c);

/* Polls a harness grants a driver before a blocking call gives up (kept
 * far below SIM_HANG_BUDGET: a driver that honours it is never a hang). */
#define FUZZ_POLL_BUDGET 64u

/* Process set-up once (sim_init); safe to call every iteration. */
void fuzz_init(void);

/* ---- devices ---------------------------------------------------------- */
/* The MMIO window of the first simulated device. */
#define FUZZ_MMIO_BASE 0x10000000ull
#define FUZZ_MMIO_SIZE 0x200u
/* Queue size the simulated devices offer by default. */
#define FUZZ_QUEUE_MAX 16u
/* Sectors of the simulated disk. */
#define FUZZ_BLK_SECTORS 64u

/* Start an iteration: sim_reset with the case's decisions, a blk device on
 * an MMIO window (version 1 or 2), and the driver's MMIO transport probed
 * over `hal`. Returns the probe's result (0 or a virtio_err). */
int fuzz_blk_mmio_setup(const struct fuzz_case *c, const struct virtio_hal *hal,
			uint32_t version, struct virtio_mmio *m);

/* ---- workloads --------------------------------------------------------- */
/*
 * The blk workload: init the driver on `t`, run the operations the bytes
 * name (or the default set when there are none), destroy. Opcodes (byte % 8):
 *   0 read  u16 sector, u8 count    1 write u16 sector, u8 count, u8 fill
 *   2 flush                         3 get_id
 *   4 submit read  u16 sector, u8 count (non-blocking, up to 4 in flight)
 *   5 submit write u16 sector, u8 count, u8 fill
 *   6 complete the next finished request   7 stop
 * Counts are 1..8 sectors. Returns the number of operations run.
 */
unsigned fuzz_blk_workload(struct virtio_transport *t, struct fuzz_in *work);

#endif
