/* SPDX-License-Identifier: MIT */
/*
 * blk conformance on QEMU: runs the real virtio-blk driver against every
 * blk device found on virtio-mmio and virtio-pci, with the checks of
 * blk_checks.c. Each disk carries its expected values in a params sector
 * (sector 0, written by the host; README.md), so no command line is needed.
 * Adds the HAL audit after each teardown, prints `DONE pass=P fail=F` and
 * exits through the finisher, non-zero on failure.
 */
#include "blk_checks.h"
#include "board.h"
#include "discover.h"
#include "hal.h"
#include "virtio/errors.h"
#include "virtio/spec.h"

int main(void);

/* Polls before a wait gives up: generous, QEMU completes block I/O on
 * another thread while the vCPU spins. */
#define PORT_POLL_BUDGET 50000000u

static struct virtio_blk blk;
static struct virtio_mmio mmio;
static struct virtio_pci pci;
static char transport_name[16];
static struct blk_checks checks;

static void emit(void *ctx, const char *line)
{
	(void)ctx;
	uart_puts(line);
}

static void run_device(const struct board_dev *d, struct virtio_transport *t,
		       int rc)
{
	struct board_hal_stats st;
	struct blk_expect e;
	uint64_t t0 = board_time();
	char v[24];

	kprintf("DEVICE transport=%s base=0x%llx\n", transport_name,
		(unsigned long long)d->paddr);
	if (!rc) {
		t->poll_budget = PORT_POLL_BUDGET;
		rc = virtio_blk_init(&blk, t);
	}
	blk_checks_result(&checks, "init", rc ? virtio_strerror(rc) : "OK",
			  rc == 0);
	if (rc)
		return;
	kprintf("INFO transport=%s features=0x%llx queue_size=%u blk_size=%u\n",
		transport_name, (unsigned long long)t->features,
		virtq_size(&blk.q), blk.blk_size);
	if (!blk_checks_params(&checks, &blk, &e))
		blk_checks_run(&checks, &blk, &e);
	virtio_blk_destroy(&blk);
	/* Like the sim's teardown audit: nothing may stay allocated or shared. */
	board_hal_stats(&st);
	kprintf("INFO transport=%s ms=%llu dma_allocs=%u shares=%u\n",
		transport_name,
		(unsigned long long)((board_time() - t0) * 1000 /
				     BOARD_TIMEBASE_HZ),
		(unsigned)st.dma_allocs, (unsigned)st.shares);
	snprintf(v, sizeof(v), "%u", (unsigned)(st.dma_live_allocs + st.shares_live));
	blk_checks_result(&checks, "leaks", v,
			  st.dma_live_allocs == 0 && st.shares_live == 0);
	snprintf(v, sizeof(v), "%u", (unsigned)st.misuse);
	blk_checks_result(&checks, "hal_misuse", v, st.misuse == 0);
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

int main(void)
{
	struct board_dev devs[2 * BOARD_DEVS_MAX];
	unsigned seen[3] = { 0 }; /* mmio1, mmio2, pci */
	size_t n;

	checks = (struct blk_checks){ .transport = transport_name,
				      .emit = emit,
				      .poll_budget = PORT_POLL_BUDGET };
	kprintf("vfuzz riscv64 blk conformance\n");
	n = board_find_mmio(devs, BOARD_DEVS_MAX);
	n += board_find_pci(devs + n, BOARD_DEVS_MAX);
	for (size_t i = 0; i < n; i++) {
		const struct board_dev *d = &devs[i];
		unsigned kind = d->bus == BOARD_BUS_PCI ? 2 : d->version == 1 ? 0 : 1;
		struct virtio_transport *t;
		int rc;

		if (d->device_id != VIRTIO_ID_BLOCK)
			continue;
		name_transport(d, seen[kind]++);
		if (d->bus == BOARD_BUS_PCI) {
			rc = board_open_pci(d, &pci);
			t = &pci.t;
		} else {
			rc = board_open_mmio(d, &mmio);
			t = &mmio.t;
		}
		run_device(d, t, rc);
	}
	if (!seen[0] && !seen[1] && !seen[2]) {
		snprintf(transport_name, sizeof(transport_name), "none");
		blk_checks_result(&checks, "discover", "0", 0);
	}
	kprintf("DONE pass=%u fail=%u\n", checks.pass, checks.fail);
	return checks.fail ? (int)(checks.fail > 255 ? 255 : checks.fail) : 0;
}
