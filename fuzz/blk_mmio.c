/* SPDX-License-Identifier: MIT */
/*
 * blk over virtio-mmio: the real blk driver and split queue against the
 * sim's blk device, every device answer from the input. Flags bit 0 picks
 * MMIO version 1 (legacy) instead of 2; the workload picks the operations.
 */
#include "fuzz/harness.h"
#include "sim/sim.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_case c;
	struct virtio_mmio m;
	fuzz_init();
	fuzz_split(data, size, &c);
	int rc = fuzz_blk_mmio_setup(&c, &sim_hal, (c.flags & 1) ? 1 : 2, &m);
	if (rc == 0)
		fuzz_blk_workload(&m.t, &c.work);
	else
		fuzz_log_workload(rc, 0, 0, false);
	sim_audit();
	return 0;
}
