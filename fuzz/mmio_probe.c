/* SPDX-License-Identifier: MIT */
/*
 * virtio-mmio probe and blk initialisation only: the register header
 * (magic, version, device id, vendor), features, queue size and config
 * space all come from the input, then teardown. Flags bit 0 picks MMIO
 * version 1; the workload bytes are ignored.
 */
#include "fuzz/device.h"
#include "sim/sim.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t stop = 7; /* the workload's "stop" opcode */
	struct fuzz_case c;
	static struct fuzz_attached a;
	fuzz_init();
	fuzz_split(data, size, &c);
	struct fuzz_in init_only = {&stop, 1, 0};
	fuzz_begin(&c);
	int rc = fuzz_attach(&fuzz_device_blk, NULL, fuzz_transport_of(false, c.flags),
			     &sim_hal, &a);
	if (rc == 0)
		fuzz_blk_workload(a.t, &init_only);
	else
		fuzz_log_workload(rc, 0, 0, false);
	sim_audit();
	return 0;
}
