/* SPDX-License-Identifier: MIT */
/*
 * virtio-pci enumeration, BAR handling, capability parsing and blk
 * initialisation only: the device id, BAR register behaviour, capability
 * list, notify multiplier, queue count and config space all come from the
 * input, then teardown. Flags bit 0: BARs pre-assigned by firmware instead
 * of by the driver; the workload bytes are ignored.
 */
#include "fuzz/device.h"
#include "sim/sim.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t stop = 7; /* the blk workload's "stop" opcode */
	struct fuzz_case c;
	static struct fuzz_attached a;
	fuzz_init();
	fuzz_split(data, size, &c);
	struct fuzz_in init_only = {&stop, 1, 0};
	fuzz_begin(&c);
	int rc = fuzz_attach(&fuzz_device_blk, NULL, fuzz_transport_of(true, c.flags),
			     &sim_hal, &a);
	if (rc == 0)
		fuzz_blk_workload(a.t, &init_only);
	else
		fuzz_log_workload(rc, 0, 0, false);
	sim_audit();
	return 0;
}
