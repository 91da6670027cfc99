/* SPDX-License-Identifier: MIT */
/*
 * Shared harness code for the fuzz targets (and the tests and benchmark
 * that run the same workloads). A target file is short: split the input,
 * set up a device, run a workload, tear down, audit.
 *
 * Input layout of every target (documented once, here):
 *   byte 0      flags: target-specific set-up choices in bits 0-3 (bit 0:
 *               MMIO version 1 instead of 2 for MMIO targets); bit 4
 *               (FUZZ_F_NEEDS_RESET), device targets: the device may
 *               enter DEVICE_NEEDS_RESET at each notification (decision
 *               vdev.needs_reset); bit 5
 *               (FUZZ_F_IN_ORDER), every target with queues: the device
 *               offers VIRTIO_F_IN_ORDER; bit 6
 *               (FUZZ_F_PACKED), every target: the device offers
 *               VIRTIO_F_RING_PACKED (the driver then uses the packed
 *               ring); bit 7
 *               (FUZZ_F_REFETCH), every target: the sim's refetch mode, the
 *               device may change what the driver reads twice
 *               (sim_set_refetch)
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
#include "virtio/pci.h"

/* Typed readers over a byte string; past the end they read 0. Inline: a
 * call per input byte cost more than the read, and their one branch (past
 * the end or not) tells the fuzzer nothing the workload's edges do not. */
struct fuzz_in {
	const uint8_t *p;
	size_t len;
	size_t pos;
};
static inline uint8_t fuzz_u8(struct fuzz_in *in)
{
	return in->pos < in->len ? in->p[in->pos++] : 0;
}
static inline uint16_t fuzz_u16(struct fuzz_in *in)
{
	uint16_t lo = fuzz_u8(in);
	return (uint16_t)(lo | (uint16_t)fuzz_u8(in) << 8);
}
static inline uint32_t fuzz_u32(struct fuzz_in *in)
{
	uint32_t lo = fuzz_u16(in);
	return lo | (uint32_t)fuzz_u16(in) << 16;
}
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

#define FUZZ_F_REFETCH 0x80u
#define FUZZ_F_PACKED 0x40u
#define FUZZ_F_IN_ORDER 0x20u
#define FUZZ_F_NEEDS_RESET 0x10u

/* Polls a harness grants a driver before a blocking call gives up (kept
 * far below SIM_HANG_BUDGET: a driver that honours it is never a hang). */
#define FUZZ_POLL_BUDGET 16u

/* Process set-up once (sim_init); safe to call every iteration. */
void fuzz_init(void);

/* ---- devices ---------------------------------------------------------- */
/* The MMIO window of the first simulated device. */
#define FUZZ_MMIO_BASE 0x10000000ull
#define FUZZ_MMIO_SIZE 0x200u
/* The PCI function's slot on the simulated bus (device 1: enumeration
 * walks past an empty device 0 first). */
#define FUZZ_PCI_DEVNO 1u
/* Queue size the simulated devices offer by default. */
#define FUZZ_QUEUE_MAX 16u
/* Sectors of the simulated disk. */
#define FUZZ_BLK_SECTORS 64u

/* The blk device every harness set-up creates (FUZZ_BLK_SECTORS, flush,
 * FUZZ_QUEUE_MAX, serial "vfuzz-blk"); devices are attached through the
 * seam (fuzz/device.h). */
struct sim_blk_config;
extern const struct sim_blk_config fuzz_blk_config;

/* ---- workloads --------------------------------------------------------- */
/*
 * The blk workload: init the driver on `t`, run the operations the bytes
 * name (or the default set when there are none), destroy. Opcodes (byte % 8):
 *   0 read  u16 sector, u8 count    1 write u16 sector, u8 count, u8 fill
 *   2 flush                         3 get_id
 *   4 submit read  u16 sector, u8 count (non-blocking, up to 4 in flight)
 *   5 submit write u16 sector, u8 count, u8 fill
 *   6 complete the next finished request   7 stop
 * Counts are 1..8 sectors. At most FUZZ_BLK_MAX_OPS operations run; bytes
 * past that are ignored, as after a stop. Returns the number of operations
 * run.
 */
/* The queue the device offers and half again (24): every ring slot is
 * used and the ring wraps. Without a cap libFuzzer grows inputs to
 * hundreds of operations (each repetition bucket of a request-path edge
 * counts as a new feature) and most of the time goes to such repeats, with
 * no driver edge found that 24 operations do not reach (measured; README,
 * Benchmark). */
#define FUZZ_BLK_MAX_OPS (FUZZ_QUEUE_MAX + FUZZ_QUEUE_MAX / 2)
unsigned fuzz_blk_workload(struct virtio_transport *t, struct fuzz_in *work);

/*
 * After each call the blk workload asks the oracles (sim/oracle.h) whether
 * the answer was right: a call with valid arguments succeeds when nothing
 * deviated, a success follows no lie the driver could see and no error
 * status and hands back only bytes the device wrote, reads return what a
 * shadow of the disk holds, writes land as written (checked against
 * fuzz_blk_disk, the device the last set-up made; NULL: no disk checks).
 * The driver API it calls: the real driver, or for tests one that gets
 * something wrong (fuzz_blk_workload_with).
 */
struct sim_blk;
extern struct sim_blk *fuzz_blk_disk;
struct fuzz_blk_driver {
	int (*init)(struct virtio_blk *b, struct virtio_transport *t);
	int (*read)(struct virtio_blk *b, uint64_t sector, void *buf,
		    size_t len);
	int (*write)(struct virtio_blk *b, uint64_t sector, const void *buf,
		     size_t len);
	int (*flush)(struct virtio_blk *b);
	int (*get_id)(struct virtio_blk *b, uint8_t id[20]);
	int (*submit_read)(struct virtio_blk *b, struct virtio_blk_req *req,
			   uint64_t sector, void *buf, size_t len,
			   uint16_t *token);
	int (*submit_write)(struct virtio_blk *b, struct virtio_blk_req *req,
			    uint64_t sector, const void *buf, size_t len,
			    uint16_t *token);
	int (*peek)(struct virtio_blk *b, uint16_t *token);
	int (*complete)(struct virtio_blk *b, uint16_t token,
			struct virtio_blk_req *req);
	void (*destroy)(struct virtio_blk *b);
};
extern const struct fuzz_blk_driver fuzz_blk_real_driver;
unsigned fuzz_blk_workload_with(const struct fuzz_blk_driver *drv,
				struct virtio_transport *t,
				struct fuzz_in *work);

/*
 * Seed completion: with VFUZZ_HARNESS_LOG set (read once by fuzz_init), each
 * workload prints one line to stderr,
 *   harness: <target> init=<rc name> ops=<n run> failed=<n> completed=<0|1>
 * where init is the driver's init result (virtio_strerror), failed counts
 * operations that returned an error, and completed says the workload ran to
 * its end with the device not broken (blk: every request completed; virtq:
 * no chain kept past the poll budget). Targets whose set-up fails before the
 * workload call it with that error. No cost (one test) when unset.
 */
void fuzz_log_workload(int init_rc, unsigned ops, unsigned failed,
		       bool completed);
/* With VFUZZ_HARNESS_LOG=2, also one line per operation a workload runs,
 *   op: <op> rc=<virtio_strerror> [<facts, from fmt>]
 * for tests that check a driver's answer to one device lie. */
void fuzz_log_op(const char *op, int rc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Test programs in record mode: `FINDINGS <n>[ last=<class>]` on stdout. */
void fuzz_print_findings(void);

/* ==== the split queue (fuzz/harness_virtq.c) ============================= */

/*
 * Flags of the split-queue target (byte 0 of the input):
 *   bit 0  MMIO version 1 (legacy ring layout) instead of 2
 *   bit 1  the device does not offer VIRTIO_F_RING_INDIRECT_DESC
 *   bit 2  the device does not offer VIRTIO_F_RING_EVENT_IDX
 */
#define FUZZ_VQ_LEGACY 0x1u
#define FUZZ_VQ_NO_INDIRECT 0x2u
#define FUZZ_VQ_NO_EVENT_IDX 0x4u

/*
 * Start a split-queue iteration: sim_reset, the neutral device (ring
 * features as the flags say) on MMIO, the driver's transport probed. Returns 0 or a
 * virtio_err; *t is the transport.
 */
int fuzz_virtq_setup(const struct fuzz_case *c, const struct virtio_hal *hal,
		     struct virtio_transport **t);
/* The same after the caller's sim_reset (and decision script): the neutral
 * device with the ring features `flags` allow, attached and probed. */
int fuzz_virtq_attach(uint8_t flags, const struct virtio_hal *hal,
		      struct virtio_transport **t);

/*
 * The split-queue workload: the virtq API driven directly. virtio_negotiate,
 * virtq_init of queue 0 with the wanted size from the first workload byte
 * (u8, 0 = the device's maximum), DRIVER_OK, then operations; finally
 * virtio_reset and virtq_destroy. Chains go to the sim's neutral device
 * (sim/dev/echo.h), which takes any shape and echoes or fills by decision:
 * the point is the queue. Opcodes (byte % 8):
 *   0 add   u8 shape, per buffer u8 size code, u8 a, u8 b (the readable
 *           bytes: a 16-byte header of a, then a ramp from a by b per
 *           buffer). Shape: bits 0-2 n_out - 1, bits 3-5 n_in - 1, bit 6
 *           no readable buffer, bit 7 no writable one, clamped to
 *           VIRTQ_MAX_SG buffers; size code c: 0, 1 byte; 255, 4096
 *           bytes; else (c % 32 + 1) * 16 bytes
 *   1 kick
 *   2 pop   the next used chain (peek, bounded polling, pop)
 *   3 add_wait (same arguments as add; needs nothing in flight)
 *   4 cycle u8 n: 1..256 times add a 3-buffer chain, kick, pop (ring
 *           wrap-around on a small queue)
 *   5 fill  add chains until the queue or the harness's slots are full,
 *           then kick (the fill's last add failing is not an error)
 *   6 drain kick, then pop everything in flight
 *   7 stop
 */
unsigned fuzz_virtq_workload(struct virtio_transport *t, struct fuzz_in *work);

#endif
