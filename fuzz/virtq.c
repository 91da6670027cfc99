/* SPDX-License-Identifier: MIT */
/*
 * The split virtqueue on its own: virtq_add/kick/peek/pop/add_wait with
 * chains of input-chosen shape, many in flight, ring wrap-around, against a
 * device whose used ring (ids, lengths, index, order) comes from the input.
 * Flags (fuzz/harness.h): bit 0 legacy MMIO, bit 1 no indirect descriptors,
 * bit 2 no event idx; bit 6 the packed ring (virtq_packed forces it:
 * FUZZ_FORCE_FLAGS).
 */
#include "fuzz/harness.h"
#include "sim/sim.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_case c;
	struct virtio_transport *t;
	fuzz_init();
	fuzz_split(data, size, &c);
#ifdef FUZZ_FORCE_FLAGS
	c.flags |= FUZZ_FORCE_FLAGS;
#endif
	int rc = fuzz_virtq_setup(&c, &sim_hal, &t);
	if (rc == 0)
		fuzz_virtq_workload(t, &c.work);
	else
		fuzz_log_workload(rc, 0, 0, false);
	sim_audit();
	return 0;
}
