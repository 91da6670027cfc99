/* SPDX-License-Identifier: MIT */
/*
 * The gpu model's own checks at work (sim/dev/gpu.c): the real gpu driver
 * brought up on the model through the seam (virtio-mmio v2, record mode),
 * then one command no virtio-gpu driver may give the device, put in a
 * queue through the driver's queue API. For pytest/test_gpu.py: each
 * misuse must be the finding named, the correct use none. Not a fuzz
 * target.
 *
 * gpu_misuse SCENARIO
 *   ctrl-no-header            a controlq chain of 8 readable bytes
 *   ctrl-short-request        RESOURCE_CREATE_2D of the header alone
 *   ctrl-no-room-for-response GET_DISPLAY_INFO with a 24-byte response
 *   attach-fewer-entries      ATTACH_BACKING saying 2 entries, giving 1
 *   attach-unowned-backing    ATTACH_BACKING of memory the driver never
 *                             allocated
 *   transfer-past-backing     a 40x30 resource with 4096 bytes of backing,
 *                             the whole rect transferred
 *   cursor-short              a cursorq chain of 24 bytes
 *   config-write-read-only    the driver writes num_scanouts
 *   ok-framebuffer-and-cursor the driver's framebuffer, flush and cursor
 * Prints `FINDINGS <n>[ last=<class>]`; exit 0, 2 for a bad argument, 3
 * when the set-up fails.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz/device.h"
#include "sim/dev/gpu.h"
#include "sim/sim.h"
#include "virtio/gpu.h"
#include "virtio/le.h"

static struct fuzz_attached a;
static struct virtio_gpu gpu;
static uint8_t req[64], resp[VIRTIO_GPU_RESP_DISPLAY_INFO_SIZE];
static uint8_t image[VIRTIO_GPU_CURSOR_BYTES];

/* One chain of `rlen` request bytes and `wlen` response bytes on `q`,
 * waited for. */
static void submit(struct virtq *q, size_t rlen, size_t wlen)
{
	struct virtq_buf out = { req, rlen }, in = { resp, wlen };
	uint32_t used;

	(void)virtq_add_wait(q, &out, 1, wlen ? &in : NULL, wlen ? 1 : 0, &used);
}

static void command(uint32_t type, size_t rlen)
{
	virtio_put_le32(req, type);
	submit(&gpu.ctrlq, rlen, VIRTIO_GPU_HDR_SIZE);
}

/* RESOURCE_CREATE_2D of resource 7, 40x30. */
static void create(void)
{
	memset(req, 0, sizeof req);
	virtio_put_le32(req + VIRTIO_GPU_CREATE_2D_RESOURCE_ID, 7);
	virtio_put_le32(req + VIRTIO_GPU_CREATE_2D_FORMAT,
			VIRTIO_GPU_FORMAT_B8G8R8A8_UNORM);
	virtio_put_le32(req + VIRTIO_GPU_CREATE_2D_WIDTH, 40);
	virtio_put_le32(req + VIRTIO_GPU_CREATE_2D_HEIGHT, 30);
	command(VIRTIO_GPU_CMD_RESOURCE_CREATE_2D, VIRTIO_GPU_CREATE_2D_SIZE);
}

/* ATTACH_BACKING of resource 7: `n` entries said, one given. */
static void attach(virtio_paddr_t addr, uint32_t len, uint32_t n)
{
	memset(req, 0, sizeof req);
	virtio_put_le32(req + VIRTIO_GPU_RESOURCE_ID, 7);
	virtio_put_le32(req + VIRTIO_GPU_ATTACH_NR_ENTRIES, n);
	virtio_put_le64(req + VIRTIO_GPU_ATTACH_SIZE, addr);
	virtio_put_le32(req + VIRTIO_GPU_ATTACH_SIZE + 8, len);
	command(VIRTIO_GPU_CMD_RESOURCE_ATTACH_BACKING,
		VIRTIO_GPU_ATTACH_SIZE + VIRTIO_GPU_MEM_ENTRY_SIZE);
}

int main(int argc, char **argv)
{
	struct sim_config cfg = SIM_CONFIG_DEFAULTS;
	struct fuzz_case c = { 0 };
	const char *s = argc == 2 ? argv[1] : "";
	virtio_paddr_t pa = 0;
	void *mem = NULL;

	cfg.record = true;
	sim_init(&cfg);
	fuzz_init();
	fuzz_begin(&c);
	if (fuzz_attach(&fuzz_device_gpu, NULL, FUZZ_MMIO_V2, &sim_hal, &a) ||
	    virtio_gpu_init(&gpu, a.t, 0))
		return 3;
	memset(req, 0, sizeof req);
	if (!strcmp(s, "ctrl-no-header")) {
		virtio_put_le32(req, VIRTIO_GPU_CMD_GET_DISPLAY_INFO);
		submit(&gpu.ctrlq, 8, VIRTIO_GPU_HDR_SIZE);
	} else if (!strcmp(s, "ctrl-short-request")) {
		command(VIRTIO_GPU_CMD_RESOURCE_CREATE_2D, VIRTIO_GPU_HDR_SIZE);
	} else if (!strcmp(s, "ctrl-no-room-for-response")) {
		command(VIRTIO_GPU_CMD_GET_DISPLAY_INFO, VIRTIO_GPU_HDR_SIZE);
	} else if (!strcmp(s, "attach-fewer-entries") ||
		   !strcmp(s, "transfer-past-backing")) {
		bool past = s[0] == 't';

		if (virtio_dma_alloc(&sim_hal, 1, VIRTIO_DIR_DRIVER_TO_DEVICE,
				     &pa, &mem))
			return 3;
		create();
		attach(pa, 4096, past ? 1 : 2);
		if (past) {
			memset(req, 0, sizeof req);
			virtio_put_le32(req + VIRTIO_GPU_RECT + 8, 40);
			virtio_put_le32(req + VIRTIO_GPU_RECT + 12, 30);
			virtio_put_le32(req + VIRTIO_GPU_TRANSFER_RESOURCE_ID, 7);
			command(VIRTIO_GPU_CMD_TRANSFER_TO_HOST_2D,
				VIRTIO_GPU_TRANSFER_SIZE);
		}
	} else if (!strcmp(s, "attach-unowned-backing")) {
		create();
		attach(SIM_DMA_BASE_DEFAULT - 0x10000, 4096, 1);
	} else if (!strcmp(s, "cursor-short")) {
		virtio_put_le32(req, VIRTIO_GPU_CMD_MOVE_CURSOR);
		submit(&gpu.cursorq, VIRTIO_GPU_HDR_SIZE, 0);
	} else if (!strcmp(s, "config-write-read-only")) {
		uint8_t one[4] = { 1, 0, 0, 0 };

		(void)virtio_config_write(a.t, VIRTIO_GPU_CFG_NUM_SCANOUTS, one, 4);
	} else if (!strcmp(s, "ok-framebuffer-and-cursor")) {
		uint8_t *fb;
		size_t len;

		if (virtio_gpu_setup_framebuffer(&gpu, &fb, &len, NULL, NULL))
			return 3;
		memset(fb, 0x5a, len);
		if (virtio_gpu_flush(&gpu) ||
		    virtio_gpu_setup_cursor(&gpu, image, sizeof image, 1, 2, 3,
					    4) ||
		    virtio_gpu_move_cursor(&gpu, 5, 6))
			return 3;
	} else {
		fprintf(stderr, "gpu_misuse: unknown scenario '%s' (see the "
				"file's header)\n", s);
		return 2;
	}
	virtio_gpu_destroy(&gpu);
	if (mem)
		(void)virtio_dma_dealloc(&sim_hal, pa, mem, 1);
	sim_audit();
	fuzz_print_findings();
	return 0;
}
