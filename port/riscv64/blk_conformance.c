/* SPDX-License-Identifier: MIT */
/*
 * blk conformance on QEMU: runs the real virtio-blk driver against every
 * blk device found on virtio-mmio and virtio-pci, with the checks of
 * blk_checks.c, in the frame of conformance.c. Each disk carries its
 * expected values in a params sector (sector 0, written by the host;
 * README.md), so no command line is needed.
 */
#include "blk_checks.h"
#include "board.h"
#include "conformance.h"
#include "virtio/errors.h"
#include "virtio/spec.h"

int main(void);

static struct virtio_blk blk;

static void emit(void *ctx, const char *line)
{
	(void)ctx;
	uart_puts(line);
}

static void check(struct port_run *r, struct virtio_transport *t, int rc)
{
	struct blk_checks checks = { .transport = r->transport,
				     .emit = emit,
				     .poll_budget = PORT_POLL_BUDGET };
	struct blk_expect e;

	if (!rc)
		rc = virtio_blk_init(&blk, t);
	blk_checks_result(&checks, "init", rc ? virtio_strerror(rc) : "OK",
			  rc == 0);
	if (!rc) {
		kprintf("INFO transport=%s features=0x%llx queue_size=%u "
			"blk_size=%u\n",
			r->transport, (unsigned long long)t->features,
			virtq_size(&blk.q), blk.blk_size);
		if (!blk_checks_params(&checks, &blk, &e))
			blk_checks_run(&checks, &blk, &e);
		virtio_blk_destroy(&blk);
	}
	r->pass += checks.pass;
	r->fail += checks.fail;
}

int main(void)
{
	return port_conformance("blk conformance", VIRTIO_ID_BLOCK, check);
}
