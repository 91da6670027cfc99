/* SPDX-License-Identifier: MIT */
/*
 * The frame of every device's conformance program on QEMU (the port's side
 * of the device seam): find each device of one type on virtio-mmio and
 * virtio-pci, open its transport, let the device's checks run, audit the
 * HAL after each (nothing allocated or shared may remain), print
 * `DONE pass=P fail=F` and return the exit status. A device's program,
 * <name>_conformance.c (built for each table device that has one), is its
 * checks and one call to port_conformance.
 */
#ifndef PORT_CONFORMANCE_H
#define PORT_CONFORMANCE_H

#include <stdbool.h>
#include <stdint.h>

#include "virtio/transport.h"

/* Polls before a wait gives up: generous, QEMU completes I/O on another
 * thread while the vCPU spins. */
#define PORT_POLL_BUDGET 50000000u

struct port_run {
	const char *transport; /* "mmio1", "mmio2", "pci"; ".N" from the 2nd */
	unsigned pass, fail;
};

/* One `RESULT transport=T test=N value=V ok=0|1` line; counts it. */
void port_result(struct port_run *r, const char *test, const char *value,
		 bool ok);
void port_result_u(struct port_run *r, const char *test,
		   unsigned long long value, bool ok);

/*
 * Run `check` on every device of type `device_id`: `t` is its transport,
 * `open_rc` the transport probe's result (the check reports it). Prints
 * `title` first. Returns 0, or the failure count (at most 255).
 */
int port_conformance(const char *title, uint32_t device_id,
		     void (*check)(struct port_run *r,
				   struct virtio_transport *t, int open_rc));

#endif
