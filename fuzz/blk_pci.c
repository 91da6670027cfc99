/* SPDX-License-Identifier: MIT */
/*
 * blk over virtio-pci: the real blk driver and split queue behind the PCI
 * transport (enumeration, BARs, capabilities), every device answer from the
 * input. Flags bit 0: BARs pre-assigned by firmware instead of by the
 * driver; the workload picks the operations (fuzz/harness.h).
 */
#include "fuzz/harness.h"
#include "sim/sim.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_case c;
	struct virtio_pci p;
	fuzz_init();
	fuzz_split(data, size, &c);
	int rc = fuzz_blk_pci_setup(&c, &sim_hal, c.flags & 1, &p);
	if (rc == 0)
		fuzz_blk_workload(&p.t, &c.work);
	else
		fuzz_log_workload(rc, 0, 0, false);
	sim_audit();
	return 0;
}
