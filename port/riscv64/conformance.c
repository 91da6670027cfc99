/* SPDX-License-Identifier: MIT */
/*
 * The conformance frame (conformance.h): discovery, transports, the HAL
 * audit after each device, the DONE line. Not here: any device's checks.
 */
#include "conformance.h"

#include "board.h"
#include "discover.h"
#include "hal.h"
#include "virtio/errors.h"

static struct virtio_mmio mmio;
static struct virtio_pci pci;
static char transport_name[16];

void port_result(struct port_run *r, const char *test, const char *value,
		 bool ok)
{
	kprintf("RESULT transport=%s test=%s value=%s ok=%d\n", r->transport,
		test, value, ok ? 1 : 0);
	if (ok)
		r->pass++;
	else
		r->fail++;
}

void port_result_u(struct port_run *r, const char *test,
		   unsigned long long value, bool ok)
{
	char v[24];

	snprintf(v, sizeof(v), "%llu", value);
	port_result(r, test, v, ok);
}

static void name_transport(const struct board_dev *d, unsigned nth)
{
	const char *kind = d->bus == BOARD_BUS_PCI ? "pci"
			   : d->version == 1      ? "mmio1"
						  : "mmio2";

	if (nth)
		snprintf(transport_name, sizeof(transport_name), "%s.%u", kind,
			 nth);
	else
		snprintf(transport_name, sizeof(transport_name), "%s", kind);
}

/* Like the sim's teardown audit: nothing may stay allocated or shared. */
static void audit(struct port_run *r, uint64_t t0)
{
	struct board_hal_stats st;

	board_hal_stats(&st);
	kprintf("INFO transport=%s ms=%llu dma_allocs=%u shares=%u\n",
		r->transport,
		(unsigned long long)((board_time() - t0) * 1000 /
				     BOARD_TIMEBASE_HZ),
		(unsigned)st.dma_allocs, (unsigned)st.shares);
	port_result_u(r, "leaks", st.dma_live_allocs + st.shares_live,
		      st.dma_live_allocs == 0 && st.shares_live == 0);
	port_result_u(r, "hal_misuse", st.misuse, st.misuse == 0);
}

int port_conformance(const char *title, uint32_t device_id,
		     void (*check)(struct port_run *r,
				   struct virtio_transport *t, int open_rc))
{
	struct board_dev devs[2 * BOARD_DEVS_MAX];
	unsigned seen[3] = { 0 }; /* mmio1, mmio2, pci */
	struct port_run r = { .transport = transport_name };
	size_t n;

	kprintf("vfuzz riscv64 %s\n", title);
	n = board_find_mmio(devs, BOARD_DEVS_MAX);
	n += board_find_pci(devs + n, BOARD_DEVS_MAX);
	for (size_t i = 0; i < n; i++) {
		const struct board_dev *d = &devs[i];
		unsigned kind = d->bus == BOARD_BUS_PCI ? 2
				: d->version == 1      ? 0
						       : 1;
		struct virtio_transport *t;
		uint64_t t0 = board_time();
		int rc;

		if (d->device_id != device_id)
			continue;
		name_transport(d, seen[kind]++);
		kprintf("DEVICE transport=%s base=0x%llx\n", transport_name,
			(unsigned long long)d->paddr);
		if (d->bus == BOARD_BUS_PCI) {
			rc = board_open_pci(d, &pci);
			t = &pci.t;
		} else {
			rc = board_open_mmio(d, &mmio);
			t = &mmio.t;
		}
		t->poll_budget = PORT_POLL_BUDGET;
		check(&r, t, rc);
		audit(&r, t0);
	}
	if (!seen[0] && !seen[1] && !seen[2]) {
		snprintf(transport_name, sizeof(transport_name), "none");
		port_result(&r, "discover", "0", false);
	}
	kprintf("DONE pass=%u fail=%u\n", r.pass, r.fail);
	return r.fail ? (int)(r.fail > 255 ? 255 : r.fail) : 0;
}
