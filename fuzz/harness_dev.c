/* SPDX-License-Identifier: MIT */
/*
 * Device set-up for the harness: the simulated devices an iteration starts
 * with, attached to their transport fronts, and the driver's transport
 * probed on top. One static instance of each: a fuzz process runs one
 * iteration at a time.
 */
#include "fuzz/harness.h"

#include "sim/dev/blk.h"
#include "sim/mmio.h"
#include "sim/sim.h"

static struct sim_blk blk_dev;
static struct sim_mmio_dev mmio_dev;

const struct sim_blk_config fuzz_blk_config = {
	.capacity = FUZZ_BLK_SECTORS,
	.flush = true,
	.serial = "vfuzz-blk",
	/* small rings keep an iteration cheap; the decision stream still
	 * offers any other size */
	.queue_max = FUZZ_QUEUE_MAX,
};

int fuzz_blk_mmio_setup(const struct fuzz_case *c, const struct virtio_hal *hal,
			uint32_t version, struct virtio_mmio *m)
{
	return fuzz_blk_mmio_setup_rings(c, hal, version, true, true, m);
}

int fuzz_blk_mmio_setup_rings(const struct fuzz_case *c,
			      const struct virtio_hal *hal, uint32_t version,
			      bool indirect, bool event_idx,
			      struct virtio_mmio *m)
{
	struct sim_blk_config cfg = fuzz_blk_config;
	cfg.no_indirect = !indirect;
	cfg.no_event_idx = !event_idx;
	sim_reset(c->decisions, c->ndecisions);
	sim_set_refetch(c->flags & FUZZ_F_REFETCH);
	if (sim_blk_create(&blk_dev, &cfg) != 0 ||
	    sim_mmio_attach(&mmio_dev, FUZZ_MMIO_BASE, version, &blk_dev.dev) != 0)
		return VIRTIO_EINVALID_PARAM; /* a harness bug, not the driver's */
	fuzz_blk_disk = &blk_dev;
	int rc = virtio_mmio_init(m, hal, FUZZ_MMIO_BASE, FUZZ_MMIO_SIZE);
	m->t.poll_budget = FUZZ_POLL_BUDGET;
	return rc;
}
