/* SPDX-License-Identifier: MIT */
/*
 * gpu conformance on QEMU: the real virtio-gpu driver against the gpu
 * device found (virtio-gpu-device / virtio-gpu-pci, -display none). It
 * reads the resolution (QEMU: xres x yres, default 1280x800), sets up the
 * framebuffer, draws a known pattern (pixel (x, y): B = x + 2y,
 * G = 7x ^ y, R = 3x + 5y + 1, A = 0xff, each mod 256), flushes, sets up
 * and moves a cursor, then prints SHOWN and holds the display
 * GPU_HOLD_S seconds of guest time: the test stops the guest there, takes
 * QEMU's screendump (QMP) and compares it pixel for pixel. Mirrored in
 * pytest/test_qemu_gpu.py. Runs in the frame of conformance.c (discovery,
 * the HAL audit after teardown, DONE, the exit status).
 */
#include <string.h>

#include "board.h"
#include "conformance.h"
#include "virtio/errors.h"
#include "virtio/gpu.h"
#include "virtio/spec.h"

int main(void);

#define GPU_HOLD_S 3u

static struct virtio_gpu gpu;
static uint8_t image[VIRTIO_GPU_CURSOR_BYTES];

static const char *err_name(int rc)
{
	return rc == 0 ? "OK" : virtio_strerror(rc);
}

/* Mirrored in the test. */
static void draw(uint8_t *fb, uint32_t w, uint32_t h)
{
	for (uint32_t y = 0; y < h; y++) {
		for (uint32_t x = 0; x < w; x++) {
			uint8_t *p = fb + ((size_t)y * w + x) * 4;

			p[0] = (uint8_t)(x + 2 * y);
			p[1] = (uint8_t)((7 * x) ^ y);
			p[2] = (uint8_t)(3 * x + 5 * y + 1);
			p[3] = 0xff;
		}
	}
}

static void check(struct port_run *r, struct virtio_transport *t, int rc)
{
	uint32_t w = 0, h = 0, fw = 0, fh = 0, ev = 0;
	uint8_t *fb = NULL;
	size_t len = 0;
	char v[32];

	if (!rc)
		rc = virtio_gpu_init(&gpu, t, 0);
	port_result(r, "init", err_name(rc), rc == 0);
	if (rc)
		return;
	kprintf("INFO transport=%s features=0x%llx num_scanouts=%u "
		"controlq=%u cursorq=%u\n",
		r->transport, (unsigned long long)t->features,
		(unsigned)gpu.num_scanouts, virtq_size(&gpu.ctrlq),
		virtq_size(&gpu.cursorq));
	rc = virtio_gpu_resolution(&gpu, &w, &h);
	snprintf(v, sizeof(v), "%ux%u", (unsigned)w, (unsigned)h);
	port_result(r, "resolution", rc ? err_name(rc) : v, rc == 0);
	rc = virtio_gpu_events(&gpu, &ev);
	port_result_u(r, "events", rc ? 99 : ev, rc == 0);
	rc = virtio_gpu_setup_framebuffer(&gpu, &fb, &len, &fw, &fh);
	snprintf(v, sizeof(v), "%ux%u", (unsigned)fw, (unsigned)fh);
	port_result(r, "framebuffer", rc ? err_name(rc) : v,
		    rc == 0 && fw == w && fh == h && len == (size_t)w * h * 4);
	if (rc) {
		virtio_gpu_destroy(&gpu);
		return;
	}
	draw(fb, fw, fh);
	rc = virtio_gpu_flush(&gpu);
	port_result(r, "flush", err_name(rc), rc == 0);
	for (size_t i = 0; i < sizeof(image); i++)
		image[i] = (uint8_t)i;
	rc = virtio_gpu_setup_cursor(&gpu, image, sizeof(image), 100, 50, 1, 2);
	port_result(r, "cursor", err_name(rc), rc == 0);
	rc = virtio_gpu_move_cursor(&gpu, 200, 150);
	port_result(r, "move_cursor", err_name(rc), rc == 0);
	/* The test stops the guest here and takes the screendump; guest
	 * time stands still meanwhile. */
	kprintf("SHOWN transport=%s width=%u height=%u\n", r->transport,
		(unsigned)fw, (unsigned)fh);
	uint64_t until = board_time() + GPU_HOLD_S * BOARD_TIMEBASE_HZ;

	while (board_time() < until)
		;
	virtio_gpu_destroy(&gpu);
}

int main(void)
{
	return port_conformance("gpu conformance", VIRTIO_ID_GPU, check);
}
