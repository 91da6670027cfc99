/* SPDX-License-Identifier: MIT */
/*
 * Every device target: <name>_mmio and <name>_pci for each line of
 * fuzz/devices.def, built from this one file (CMakeLists.txt defines
 * FUZZ_DEVICE as the device's descriptor and FUZZ_PCI as 0 or 1). The real
 * driver over the real transport against the device's sim model, every
 * device answer from the input. Flags bit 0: MMIO version 1, or PCI BARs
 * pre-assigned by firmware; the workload bytes pick the operations.
 * <name>_<bus>_packed is the same target with FUZZ_FORCE_FLAGS set to
 * FUZZ_F_PACKED: every input runs over the packed ring (campaigns and the
 * benchmark of one format; its inputs replay only through it).
 */
#include "fuzz/device.h"
#include "sim/sim.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_case c;
	static struct fuzz_attached a;

	fuzz_init();
	fuzz_split(data, size, &c);
#ifdef FUZZ_FORCE_FLAGS
	c.flags |= FUZZ_FORCE_FLAGS;
#endif
	fuzz_begin(&c);
	int rc = fuzz_attach(&FUZZ_DEVICE, NULL,
			     fuzz_transport_of(FUZZ_PCI, c.flags), &sim_hal, &a);
	if (rc == 0)
		FUZZ_DEVICE.workload(a.t, &c.work);
	else
		fuzz_log_workload(rc, 0, 0, false);
	sim_audit();
	return 0;
}
