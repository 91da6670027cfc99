/* SPDX-License-Identifier: MIT */
/*
 * virtio-mmio probe and blk initialisation only: the register header
 * (magic, version, device id, vendor), features, queue size and config
 * space all come from the input, then teardown. Flags bit 0 picks MMIO
 * version 1; the workload bytes are ignored.
 */
#include "fuzz/harness.h"
#include "sim/sim.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t stop = 7; /* the workload's "stop" opcode */
	struct fuzz_case c;
	struct virtio_mmio m;
	fuzz_init();
	fuzz_split(data, size, &c);
	struct fuzz_in init_only = {&stop, 1, 0};
	int rc = fuzz_blk_mmio_setup(&c, &sim_hal, (c.flags & 1) ? 1 : 2, &m);
	if (rc == 0)
		fuzz_blk_workload(&m.t, &init_only);
	else
		fuzz_log_workload(rc, 0, 0, false);
	sim_audit();
	return 0;
}
