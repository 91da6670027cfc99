/* SPDX-License-Identifier: MIT */
/*
 * DEVICE_NEEDS_RESET (VirtIO 1.2, 2.1.2) with the real device drivers on
 * the sim, for pytest/test_virtq_formats.py: a device works, then sets
 * DEVICE_NEEDS_RESET (sim_vdev_needs_reset) and stops answering; the next
 * request must come back as ENEEDS_RESET, the one after as EBROKEN, and
 * after destroy and a new init the same device must work again, data
 * exact. Record mode: prints one line per step and "FINDINGS <n>".
 *
 * needs_reset --device=blk|rng|console [--transport=T]
 */
#include <stdio.h>
#include <string.h>

#include "fuzz/device.h"
#include "sim/sim.h"
#include "sim/vdev.h"
#include "virtio/blk.h"
#include "virtio/console.h"
#include "virtio/rng.h"

static struct virtio_blk blk;
static struct virtio_rng rng;
static struct virtio_console con;
static const char *dev = "blk";

static int dev_init(struct virtio_transport *t)
{
	if (!strcmp(dev, "rng"))
		return virtio_rng_init(&rng, t);
	if (!strcmp(dev, "console"))
		return virtio_console_init(&con, t);
	return virtio_blk_init(&blk, t);
}

static void dev_destroy(void)
{
	if (!strcmp(dev, "rng"))
		virtio_rng_destroy(&rng);
	else if (!strcmp(dev, "console"))
		virtio_console_destroy(&con);
	else
		virtio_blk_destroy(&blk);
}

/* One request; blk: write a sector of `seed` and read it back exactly. */
static int request(uint8_t seed)
{
	static uint8_t w[512], r[512];
	size_t n = 0;
	int rc;

	if (!strcmp(dev, "rng"))
		return virtio_rng_request(&rng, r, sizeof r, &n);
	if (!strcmp(dev, "console"))
		return virtio_console_send_bytes(&con, (const uint8_t *)"hi",
						 2);
	memset(w, seed, sizeof w);
	rc = virtio_blk_write(&blk, 1, w, sizeof w);
	if (!rc)
		rc = virtio_blk_read(&blk, 1, r, sizeof r);
	if (!rc && memcmp(w, r, sizeof r))
		return 99;
	return rc;
}

static const char *name(int rc)
{
	return rc == 99 ? "DATA" : rc ? virtio_strerror(rc) : "OK";
}

int main(int argc, char **argv)
{
	struct sim_config cfg = SIM_CONFIG_DEFAULTS;
	struct fuzz_case c = {0};
	static struct fuzz_attached a;
	enum fuzz_transport tr = FUZZ_MMIO_V2;
	const struct fuzz_device *d;
	int rc;

	for (int i = 1; i < argc; i++) {
		if (!strncmp(argv[i], "--device=", 9))
			dev = argv[i] + 9;
		else if (strncmp(argv[i], "--transport=", 12) ||
			 fuzz_transport_parse(argv[i] + 12, &tr)) {
			fprintf(stderr, "needs_reset: bad argument %s\n",
				argv[i]);
			return 2;
		}
	}
	d = fuzz_device_find(dev);
	if (!d) {
		fprintf(stderr, "needs_reset: no device %s\n", dev);
		return 2;
	}
	cfg.record = true;
	sim_init(&cfg);
	fuzz_init();
	fuzz_begin(&c);
	rc = fuzz_attach(d, NULL, tr, &sim_hal, &a);
	printf("attach rc=%s\n", name(rc));
	if (rc)
		return 1;
	rc = dev_init(a.t);
	printf("init rc=%s\n", name(rc));
	if (!rc) {
		printf("before rc=%s\n", name(request(0x5a)));
		sim_vdev_needs_reset(a.dev);
		printf("needs-reset rc=%s\n", name(request(0x33)));
		printf("after rc=%s\n", name(request(0x34)));
		dev_destroy();
		rc = dev_init(a.t);
		printf("reinit rc=%s\n", name(rc));
		printf("again rc=%s\n", name(request(0xa5)));
	}
	dev_destroy();
	sim_audit();
	fuzz_print_findings();
	return 0;
}
