/* SPDX-License-Identifier: MIT */
/*
 * Linux's split virtqueue (drivers/virtio/virtio_ring.c, from the
 * linux-source package; see fuzz/linux/) under the virtq target's
 * workload: chains of input-chosen shape, kicks, get_buf, callbacks off
 * and on, detach at teardown, against a device whose used ring comes from
 * the input. Flags: fuzz/linux/workload.h. Built again as
 * linux_ring_packed with FUZZ_FORCE_FLAGS=0x40: the device offers
 * VIRTIO_F_RING_PACKED and Linux makes its packed ring.
 */
#include "fuzz/linux/workload.h"
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
#else
	c.flags &= (uint8_t)~FUZZ_F_PACKED; /* linux_ring_packed's */
#endif
	int rc = fuzz_linux_ring_setup(&c, &t);
	if (rc == 0)
		fuzz_linux_ring_workload(t, &c.work);
	else
		fuzz_log_workload(rc, 0, 0, false);
	sim_audit();
	return 0;
}
