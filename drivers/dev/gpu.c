/* SPDX-License-Identifier: MIT */
/*
 * virtio-gpu driver (VirtIO 1.2, 5.7), 2D: one command at a time on the
 * controlq (a request the device reads, a response it writes), cursor
 * commands on the cursorq (read only), a framebuffer and a cursor image in
 * pages the driver dma_allocs and attaches as resource backing. Where the
 * virtio-drivers crate trusts the device (it takes any response of the
 * right type, whatever the used len, and any resolution) this driver
 * checks, and stops a device that lies. Queue mechanics are in queue/; the
 * init sequence in dev/device.c.
 */
#include <string.h>

#include "virtio/device.h"
#include "virtio/errors.h"
#include "virtio/gpu.h"
#include "virtio/le.h"
#include "virtio/spec.h"
#include "virtio/spec/gpu.h"

#define SCANOUT 0u /* the crate's SCANOUT_ID */

static int check_usable(const struct virtio_gpu *g)
{
	int rc;

	if (!g || !g->t)
		return VIRTIO_EINVALID_PARAM;
	if (g->t->broken)
		return VIRTIO_EBROKEN;
	rc = virtq_check(&g->ctrlq);
	return rc ? rc : virtq_check(&g->cursorq);
}

/* The device lied or never answered: reset it (it owns nothing after, the
 * request and response come back with the queue), every later call is
 * EBROKEN. The backing pages are freed at destroy. */
static int stop(struct virtio_gpu *g, int rc)
{
	virtio_device_stop(g->t);
	virtq_destroy(&g->ctrlq);
	virtq_destroy(&g->cursorq);
	return rc;
}

/* A request header of `type` (no fence) at the start of g->req, the rest
 * of the request zero. */
static uint8_t *request(struct virtio_gpu *g, uint32_t type)
{
	memset(g->req, 0, sizeof(g->req));
	virtio_put_le32(g->req + VIRTIO_GPU_HDR_TYPE, type);
	return g->req;
}

static void put_rect(uint8_t *p, uint32_t w, uint32_t h)
{
	virtio_put_le32(p, 0);
	virtio_put_le32(p + 4, 0);
	virtio_put_le32(p + 8, w);
	virtio_put_le32(p + 12, h);
}

/*
 * Send the `req_len`-byte request in g->req on the controlq and wait for
 * its response of `resp_len` bytes in g->resp. 5.7.6.7: the response is a
 * header whose type says how the command went; an answer shorter than the
 * response the command has, or of a type that is neither the `want`ed
 * OK_* nor an ERR_*, is a lie (EBAD_USED, stopped). An ERR_* is EIO.
 */
static int command(struct virtio_gpu *g, size_t req_len, uint32_t want,
		   size_t resp_len)
{
	struct virtq_buf out = { g->req, req_len }, in = { g->resp, resp_len };
	uint32_t used = 0, type;
	int rc;

	rc = virtq_add_wait(&g->ctrlq, &out, 1, &in, 1, &used);
	if (rc == VIRTIO_ETIMEOUT || rc == VIRTIO_EBAD_USED ||
	    rc == VIRTIO_ENEEDS_RESET)
		return stop(g, rc);
	if (rc)
		return rc;
	/* 2.7.8: the queue checked used <= resp_len. */
	if (used < resp_len)
		return stop(g, VIRTIO_EBAD_USED);
	type = virtio_get_le32(g->resp + VIRTIO_GPU_HDR_TYPE);
	if (type == want)
		return VIRTIO_OK;
	if (VIRTIO_GPU_RESP_IS_ERR(type))
		return VIRTIO_EIO;
	return stop(g, VIRTIO_EBAD_USED);
}

/* A command whose answer is OK_NODATA. */
static int nodata(struct virtio_gpu *g, size_t req_len)
{
	return command(g, req_len, VIRTIO_GPU_RESP_OK_NODATA,
		       VIRTIO_GPU_HDR_SIZE);
}

/* ---- config and init ---------------------------------------------------- */

static int read_config(void *drv, struct virtio_transport *t)
{
	struct virtio_gpu *g = drv;
	uint8_t raw[4];
	uint32_t n;
	int rc;

	/* 5.7.4: events_read, events_clear, num_scanouts (and num_capsets,
	 * meaningless without VIRGL) are always there. */
	if (t->config_size < VIRTIO_GPU_CFG_SIZE)
		return VIRTIO_ECONFIG_TOO_SMALL;
	rc = virtio_config_read(t, VIRTIO_GPU_CFG_NUM_SCANOUTS, raw, 4);
	if (rc)
		return rc;
	/* 5.7.4: 1 to VIRTIO_GPU_MAX_SCANOUTS; scanout 0 is the one used. */
	n = virtio_get_le32(raw);
	if (n == 0 || n > VIRTIO_GPU_MAX_SCANOUTS)
		return VIRTIO_EBAD_CONFIG;
	g->num_scanouts = n;
	return VIRTIO_OK;
}

/* A command is one request and one response (the crate's QUEUE_SIZE 2):
 * the controlq needs 2 entries without indirect descriptors, the cursorq
 * 1. If the second queue fails the first goes (after a reset). */
static int setup_queues(void *drv, struct virtio_transport *t)
{
	struct virtio_gpu *g = drv;
	int rc;

	rc = virtq_init(&g->ctrlq, t, VIRTIO_GPU_CONTROLQ,
			VIRTQ_MEM(&g->ctrlq_mem), 0, 2);
	if (rc)
		return rc;
	rc = virtq_init(&g->cursorq, t, VIRTIO_GPU_CURSORQ,
			VIRTQ_MEM(&g->cursorq_mem), 0, 1);
	if (rc) {
		(void)virtio_reset(t);
		virtq_destroy(&g->ctrlq);
	}
	return rc;
}

/* No device feature is accepted: VIRGL (3D), EDID, blobs and contexts
 * are declined, as the crate declines VIRGL. */
static const struct virtio_device_desc gpu_device = {
	.device_id = VIRTIO_ID_GPU,
	.wanted = 0,
	.required = 0,
	.read_config = read_config,
	.setup_queues = setup_queues,
};

int virtio_gpu_init(struct virtio_gpu *g, struct virtio_transport *t,
		    size_t fb_max)
{
	int rc;

	if (!g)
		return VIRTIO_EINVALID_PARAM;
	/* What destroy looks at, before anything can fail. */
	g->t = NULL;
	virtq_clear(&g->ctrlq);
	virtq_clear(&g->cursorq);
	memset(&g->fb, 0, sizeof(g->fb));
	memset(&g->cursor, 0, sizeof(g->cursor));
	g->scanout_set = g->cursor_on = false;
	g->num_scanouts = 0;
	g->fb_max = fb_max && fb_max < VIRTIO_GPU_FB_MAX ? fb_max
							 : VIRTIO_GPU_FB_MAX;
	rc = virtio_device_check(t, &gpu_device);
	if (rc)
		return rc;
	g->t = t; /* ours from here: destroy resets it */
	return virtio_device_init(t, &gpu_device, g);
}

/* ---- display ------------------------------------------------------------ */

int virtio_gpu_resolution(struct virtio_gpu *g, uint32_t *width,
			  uint32_t *height)
{
	const uint8_t *one;
	uint32_t w, h;
	int rc = check_usable(g);

	if (rc)
		return rc;
	if (!width || !height)
		return VIRTIO_EINVALID_PARAM;
	request(g, VIRTIO_GPU_CMD_GET_DISPLAY_INFO);
	rc = command(g, VIRTIO_GPU_HDR_SIZE, VIRTIO_GPU_RESP_OK_DISPLAY_INFO,
		     VIRTIO_GPU_RESP_DISPLAY_INFO_SIZE);
	if (rc)
		return rc;
	/* 5.7.6.8: pmodes[SCANOUT]; the rect's x and y place the scanout
	 * among others, not read. */
	one = g->resp + VIRTIO_GPU_HDR_SIZE + SCANOUT * VIRTIO_GPU_DISPLAY_ONE_SIZE;
	if (!virtio_get_le32(one + VIRTIO_GPU_DISPLAY_ENABLED))
		return VIRTIO_EUNSUPPORTED; /* no display there now */
	w = virtio_get_le32(one + 8);
	h = virtio_get_le32(one + 12);
	/* An enabled scanout has a size, and no display is wider or taller
	 * than VIRTIO_GPU_MAX_DIM: width * height * 4 fits 32 bits. */
	if (w == 0 || h == 0 || w > VIRTIO_GPU_MAX_DIM || h > VIRTIO_GPU_MAX_DIM)
		return stop(g, VIRTIO_EBAD_USED);
	*width = w;
	*height = h;
	return VIRTIO_OK;
}

/* ---- resources ---------------------------------------------------------- */

static int create_2d(struct virtio_gpu *g, uint32_t id,
		     struct virtio_gpu_res *r, uint32_t w, uint32_t h)
{
	uint8_t *p = request(g, VIRTIO_GPU_CMD_RESOURCE_CREATE_2D);
	int rc;

	virtio_put_le32(p + VIRTIO_GPU_CREATE_2D_RESOURCE_ID, id);
	virtio_put_le32(p + VIRTIO_GPU_CREATE_2D_FORMAT,
			VIRTIO_GPU_FORMAT_B8G8R8A8_UNORM);
	virtio_put_le32(p + VIRTIO_GPU_CREATE_2D_WIDTH, w);
	virtio_put_le32(p + VIRTIO_GPU_CREATE_2D_HEIGHT, h);
	rc = nodata(g, VIRTIO_GPU_CREATE_2D_SIZE);
	if (rc)
		return rc;
	r->created = true;
	r->width = w;
	r->height = h;
	return VIRTIO_OK;
}

/* dma_alloc zeroed backing for `bytes` (`image` copied in when given:
 * written before the device may read it), then ATTACH_BACKING as one
 * entry. */
static int attach(struct virtio_gpu *g, uint32_t id, struct virtio_gpu_res *r,
		  size_t bytes, const void *image)
{
	size_t pages = (bytes + VIRTIO_PAGE_SIZE - 1) / VIRTIO_PAGE_SIZE;
	uint8_t *p;
	void *mem;
	int rc;

	rc = virtio_dma_alloc(g->t->hal, pages, VIRTIO_DIR_DRIVER_TO_DEVICE,
			      &r->paddr, &mem);
	if (rc)
		return rc;
	r->mem = mem;
	r->pages = pages;
	if (image)
		memcpy(mem, image, bytes);
	p = request(g, VIRTIO_GPU_CMD_RESOURCE_ATTACH_BACKING);
	virtio_put_le32(p + VIRTIO_GPU_RESOURCE_ID, id);
	virtio_put_le32(p + VIRTIO_GPU_ATTACH_NR_ENTRIES, 1);
	p += VIRTIO_GPU_ATTACH_SIZE;
	virtio_put_le64(p + VIRTIO_GPU_MEM_ENTRY_ADDR, r->paddr);
	virtio_put_le32(p + VIRTIO_GPU_MEM_ENTRY_LENGTH, (uint32_t)bytes);
	rc = nodata(g, VIRTIO_GPU_ATTACH_SIZE + VIRTIO_GPU_MEM_ENTRY_SIZE);
	if (rc == VIRTIO_OK)
		r->attached = true;
	return rc;
}

static int transfer(struct virtio_gpu *g, uint32_t id,
		    const struct virtio_gpu_res *r)
{
	uint8_t *p = request(g, VIRTIO_GPU_CMD_TRANSFER_TO_HOST_2D);

	put_rect(p + VIRTIO_GPU_RECT, r->width, r->height);
	virtio_put_le64(p + VIRTIO_GPU_TRANSFER_OFFSET, 0);
	virtio_put_le32(p + VIRTIO_GPU_TRANSFER_RESOURCE_ID, id);
	return nodata(g, VIRTIO_GPU_TRANSFER_SIZE);
}

static int set_scanout(struct virtio_gpu *g, uint32_t id, uint32_t w,
		       uint32_t h)
{
	uint8_t *p = request(g, VIRTIO_GPU_CMD_SET_SCANOUT);

	put_rect(p + VIRTIO_GPU_RECT, w, h);
	virtio_put_le32(p + VIRTIO_GPU_SET_SCANOUT_SCANOUT_ID, SCANOUT);
	virtio_put_le32(p + VIRTIO_GPU_SET_SCANOUT_RESOURCE_ID, id);
	return nodata(g, VIRTIO_GPU_SET_SCANOUT_SIZE);
}

/* A command naming only a resource: DETACH_BACKING or RESOURCE_UNREF. */
static int resource_cmd(struct virtio_gpu *g, uint32_t type, uint32_t id)
{
	uint8_t *p = request(g, type);

	virtio_put_le32(p + VIRTIO_GPU_RESOURCE_ID, id);
	return nodata(g, VIRTIO_GPU_RESOURCE_CMD_SIZE);
}

static void free_backing(struct virtio_gpu *g, struct virtio_gpu_res *r)
{
	if (r->mem)
		(void)virtio_dma_dealloc(g->t->hal, r->paddr, r->mem, r->pages);
	r->mem = NULL;
	r->pages = 0;
}

/* Detach, free and unref `r` while the device is usable; stops at the
 * first error, so a retry resumes there. */
static int take_down(struct virtio_gpu *g, uint32_t id,
		     struct virtio_gpu_res *r)
{
	int rc;

	if (r->attached) {
		rc = resource_cmd(g, VIRTIO_GPU_CMD_RESOURCE_DETACH_BACKING, id);
		if (rc)
			return rc;
		r->attached = false;
	}
	/* Detached (or never attached): the device no longer reads it. */
	free_backing(g, r);
	if (r->created) {
		rc = resource_cmd(g, VIRTIO_GPU_CMD_RESOURCE_UNREF, id);
		if (rc)
			return rc;
		r->created = false;
	}
	return VIRTIO_OK;
}

static int take_down_fb(struct virtio_gpu *g)
{
	int rc;

	if (g->scanout_set) {
		/* 5.7.6.8: resource_id 0 disables the scanout. */
		rc = set_scanout(g, 0, 0, 0);
		if (rc)
			return rc;
		g->scanout_set = false;
	}
	return take_down(g, VIRTIO_GPU_RESOURCE_FB, &g->fb);
}

int virtio_gpu_setup_framebuffer(struct virtio_gpu *g, uint8_t **fb,
				 size_t *len, uint32_t *width,
				 uint32_t *height)
{
	uint32_t w, h, bytes;
	int rc = check_usable(g);

	if (rc)
		return rc;
	if (!fb || !len)
		return VIRTIO_EINVALID_PARAM;
	rc = virtio_gpu_resolution(g, &w, &h);
	if (rc)
		return rc;
	/* Both are at most VIRTIO_GPU_MAX_DIM (checked where read); the
	 * product is checked all the same, then capped. */
	if (__builtin_mul_overflow(w, h, &bytes) ||
	    __builtin_mul_overflow(bytes, 4u, &bytes) || bytes > g->fb_max)
		return VIRTIO_EUNSUPPORTED;
	rc = take_down_fb(g);
	if (rc)
		return rc;
	rc = create_2d(g, VIRTIO_GPU_RESOURCE_FB, &g->fb, w, h);
	if (!rc)
		rc = attach(g, VIRTIO_GPU_RESOURCE_FB, &g->fb, bytes, NULL);
	if (!rc)
		rc = set_scanout(g, VIRTIO_GPU_RESOURCE_FB, w, h);
	if (rc)
		return rc; /* what was made goes at the next set-up or destroy */
	g->scanout_set = true;
	*fb = g->fb.mem;
	*len = bytes;
	if (width)
		*width = w;
	if (height)
		*height = h;
	return VIRTIO_OK;
}

int virtio_gpu_flush(struct virtio_gpu *g)
{
	uint8_t *p;
	int rc = check_usable(g);

	if (rc)
		return rc;
	if (!g->scanout_set)
		return VIRTIO_ENOT_READY;
	rc = transfer(g, VIRTIO_GPU_RESOURCE_FB, &g->fb);
	if (rc)
		return rc;
	p = request(g, VIRTIO_GPU_CMD_RESOURCE_FLUSH);
	put_rect(p + VIRTIO_GPU_RECT, g->fb.width, g->fb.height);
	virtio_put_le32(p + VIRTIO_GPU_FLUSH_RESOURCE_ID, VIRTIO_GPU_RESOURCE_FB);
	return nodata(g, VIRTIO_GPU_FLUSH_SIZE);
}

/* ---- cursor -------------------------------------------------------------- */

/* UPDATE_CURSOR or MOVE_CURSOR: the device only reads it (5.7.6.10), so
 * the queue takes its used len as 0 whatever it says. */
static int cursor_cmd(struct virtio_gpu *g, uint32_t type, uint32_t x,
		      uint32_t y, uint32_t hot_x, uint32_t hot_y)
{
	uint8_t *p = request(g, type);
	struct virtq_buf out = { p, VIRTIO_GPU_CURSOR_SIZE };
	uint32_t used = 0;
	int rc;

	virtio_put_le32(p + VIRTIO_GPU_CURSOR_SCANOUT_ID, SCANOUT);
	virtio_put_le32(p + VIRTIO_GPU_CURSOR_X, x);
	virtio_put_le32(p + VIRTIO_GPU_CURSOR_Y, y);
	virtio_put_le32(p + VIRTIO_GPU_CURSOR_RESOURCE_ID,
			VIRTIO_GPU_RESOURCE_CURSOR);
	virtio_put_le32(p + VIRTIO_GPU_CURSOR_HOT_X, hot_x);
	virtio_put_le32(p + VIRTIO_GPU_CURSOR_HOT_Y, hot_y);
	rc = virtq_add_wait(&g->cursorq, &out, 1, NULL, 0, &used);
	if (rc == VIRTIO_ETIMEOUT || rc == VIRTIO_EBAD_USED ||
	    rc == VIRTIO_ENEEDS_RESET)
		return stop(g, rc);
	return rc;
}

int virtio_gpu_setup_cursor(struct virtio_gpu *g, const void *image,
			    size_t len, uint32_t x, uint32_t y, uint32_t hot_x,
			    uint32_t hot_y)
{
	const uint32_t dim = VIRTIO_GPU_CURSOR_DIM;
	int rc = check_usable(g);

	if (rc)
		return rc;
	if (!image || len != VIRTIO_GPU_CURSOR_BYTES || hot_x >= dim ||
	    hot_y >= dim)
		return VIRTIO_EINVALID_PARAM;
	g->cursor_on = false;
	rc = take_down(g, VIRTIO_GPU_RESOURCE_CURSOR, &g->cursor);
	if (!rc)
		rc = create_2d(g, VIRTIO_GPU_RESOURCE_CURSOR, &g->cursor, dim,
			       dim);
	if (!rc)
		rc = attach(g, VIRTIO_GPU_RESOURCE_CURSOR, &g->cursor, len,
			    image);
	if (!rc)
		rc = transfer(g, VIRTIO_GPU_RESOURCE_CURSOR, &g->cursor);
	if (!rc)
		rc = cursor_cmd(g, VIRTIO_GPU_CMD_UPDATE_CURSOR, x, y, hot_x,
				hot_y);
	g->cursor_on = rc == VIRTIO_OK;
	return rc;
}

int virtio_gpu_move_cursor(struct virtio_gpu *g, uint32_t x, uint32_t y)
{
	int rc = check_usable(g);

	if (rc)
		return rc;
	if (!g->cursor_on)
		return VIRTIO_ENOT_READY;
	return cursor_cmd(g, VIRTIO_GPU_CMD_MOVE_CURSOR, x, y, 0, 0);
}

/* ---- events, interrupts, teardown ---------------------------------------- */

int virtio_gpu_events(struct virtio_gpu *g, uint32_t *events)
{
	uint8_t raw[4];
	uint32_t ev;
	int rc = check_usable(g);

	if (rc)
		return rc;
	if (!events)
		return VIRTIO_EINVALID_PARAM;
	rc = virtio_config_read(g->t, VIRTIO_GPU_CFG_EVENTS_READ, raw, 4);
	if (rc)
		return rc;
	/* 5.7.4: EVENT_DISPLAY is the one event there is. */
	ev = virtio_get_le32(raw);
	if (ev & ~VIRTIO_GPU_EVENT_DISPLAY)
		return VIRTIO_EBAD_CONFIG;
	if (ev) {
		/* 5.7.4: a 1 written to events_clear clears that event. */
		rc = virtio_config_write(g->t, VIRTIO_GPU_CFG_EVENTS_CLEAR, raw, 4);
		if (rc)
			return rc; /* cov-exempt: redundant */
	}
	*events = ev;
	return VIRTIO_OK;
}

uint32_t virtio_gpu_ack_interrupt(struct virtio_gpu *g)
{
	if (!g || !g->t)
		return 0;
	return virtio_ack_interrupt(g->t);
}

void virtio_gpu_destroy(struct virtio_gpu *g)
{
	if (!g || !g->t)
		return;
	/* The crate's teardown while the device answers; a failed command
	 * only ends it early: the reset below takes everything back. */
	if (check_usable(g) == VIRTIO_OK)
		(void)take_down_fb(g);
	if (check_usable(g) == VIRTIO_OK)
		(void)take_down(g, VIRTIO_GPU_RESOURCE_CURSOR, &g->cursor);
	/* Reset first: only a reset device owns nothing (it reads no
	 * backing after), then the queues and the pages go. */
	(void)virtio_reset(g->t);
	virtq_destroy(&g->ctrlq);
	virtq_destroy(&g->cursorq);
	free_backing(g, &g->fb);
	free_backing(g, &g->cursor);
	memset(&g->fb, 0, sizeof(g->fb));
	memset(&g->cursor, 0, sizeof(g->cursor));
	g->scanout_set = g->cursor_on = false;
	g->t = NULL;
}
