/* SPDX-License-Identifier: MIT */
/*
 * rng conformance on QEMU: the real virtio-rng driver against every rng
 * device found (virtio-rng-device / virtio-rng-pci with rng-builtin), in
 * the frame of conformance.c. Requests of several sizes: the count must be
 * within the buffer (QEMU fills it whole), the bytes past it untouched,
 * and the entropy must not be all one value.
 */
#include <string.h>

#include "board.h"
#include "conformance.h"
#include "virtio/errors.h"
#include "virtio/rng.h"
#include "virtio/spec.h"

int main(void);

static struct virtio_rng rng;
static uint8_t buf[4096 + 16];

static void request(struct port_run *r, size_t len)
{
	char test[32];
	size_t n = 0;
	bool varied = false, tail_kept = true;
	int rc;

	memset(buf, 0x5a, sizeof(buf));
	rc = virtio_rng_request(&rng, buf, len, &n);
	snprintf(test, sizeof(test), "request_%u", (unsigned)len);
	if (rc) {
		port_result(r, test, virtio_strerror(rc), false);
		return;
	}
	for (size_t i = 1; i < n; i++)
		varied |= buf[i] != buf[0];
	for (size_t i = len; i < sizeof(buf); i++)
		tail_kept &= buf[i] == 0x5a;
	/* 5.4.6.1 allows fewer bytes; QEMU's rng-builtin gives them all. */
	port_result_u(r, test, n, n == len && (varied || len < 8) && tail_kept);
}

static void check(struct port_run *r, struct virtio_transport *t, int rc)
{
	static const size_t sizes[] = { 1, 16, 64, 333, 4096 };

	if (!rc)
		rc = virtio_rng_init(&rng, t);
	port_result(r, "init", rc ? virtio_strerror(rc) : "OK", rc == 0);
	if (rc)
		return;
	kprintf("INFO transport=%s features=0x%llx queue_size=%u\n",
		r->transport, (unsigned long long)t->features,
		virtq_size(&rng.q));
	for (unsigned round = 0; round < 3; round++) /* 15 requests: wraps */
		for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
			request(r, sizes[i]);
	virtio_rng_destroy(&rng);
}

int main(void)
{
	return port_conformance("rng conformance", VIRTIO_ID_RNG, check);
}
