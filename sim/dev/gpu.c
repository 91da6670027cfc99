/* SPDX-License-Identifier: MIT */
/*
 * virtio-gpu device model (VirtIO 1.2, 5.7), 2D: controlq commands are
 * parsed, checked (a request shorter than its command, no room for the
 * response, a transfer past the backing: findings) and answered as QEMU's
 * hw/display/virtio-gpu.c answers them, the response type a decision;
 * cursorq commands move or replace the cursor and are returned with
 * nothing written. Not here: ring parsing (vq.c), registers (fronts).
 */
#include <string.h>

#include "sim/decide.h"
#include "sim/dev/gpu.h"
#include "sim/device.h"
#include "sim/oracle.h"
#include "virtio/le.h"
#include "virtio/spec/gpu.h"

#define BIT(n) (1ull << (n))

/* 5.7.4 struct virtio_gpu_config: le32 fields. */
static const char *gpu_config_field(void *model, uint32_t off, unsigned *width)
{
	static const char *const names[] = {
		"gpu.events_read", "gpu.events_clear", "gpu.num_scanouts",
		"gpu.num_capsets",
	};

	(void)model;
	if (off >= VIRTIO_GPU_CFG_SIZE)
		return NULL;
	*width = 4;
	return names[off / 4];
}

static uint32_t events_read(const struct sim_gpu *g)
{
	return virtio_get_le32(g->dev.config + VIRTIO_GPU_CFG_EVENTS_READ);
}

/* 5.7.4: events_clear is write-to-clear; every other field read-only. */
static int gpu_config_write(void *model, uint32_t off, unsigned width,
			    uint32_t val)
{
	struct sim_gpu *g = model;

	if (off != VIRTIO_GPU_CFG_EVENTS_CLEAR || width != 4)
		return -1;
	virtio_put_le32(g->dev.config + VIRTIO_GPU_CFG_EVENTS_READ,
			events_read(g) & ~val);
	return 0;
}

static struct sim_gpu_res *find(struct sim_gpu *g, uint32_t id)
{
	for (unsigned i = 0; id && i < SIM_GPU_RESOURCES; i++)
		if (g->res[i].id == id)
			return &g->res[i];
	return NULL;
}

const struct sim_gpu_res *sim_gpu_resource(const struct sim_gpu *g,
					   uint32_t id)
{
	return find((struct sim_gpu *)g, id);
}

/* A rect inside a w x h resource (QEMU's checks, overflow-safe). */
static bool rect_inside(const uint8_t *r, uint32_t w, uint32_t h)
{
	uint32_t x = virtio_get_le32(r), y = virtio_get_le32(r + 4);
	uint32_t rw = virtio_get_le32(r + 8), rh = virtio_get_le32(r + 12);

	return x <= w && y <= h && rw <= w - x && rh <= h - y;
}

/* Copy resource pixels of rows [y, y + h), columns [x, x + w) of the
 * scanout's rect into what the scanout shows. */
static void show(struct sim_gpu *g, const struct sim_gpu_res *r, uint32_t x,
		 uint32_t y, uint32_t w, uint32_t h)
{
	for (uint32_t row = y; row < y + h; row++)
		memcpy(g->shown + ((size_t)row * g->scanout_w + x) * 4,
		       r->pixels + ((size_t)(g->scanout_y + row) * r->width +
				    g->scanout_x + x) * 4,
		       (size_t)w * 4);
}

/* Read `len` bytes at `off` of the resource's backing (its entries seen
 * as one stream). Returns 0, 1 when the backing ends first, -1 when the
 * DMA was refused (finding made). */
static int backing_read(const struct sim_gpu_res *r, uint64_t off,
			uint8_t *dst, uint64_t len)
{
	for (uint32_t i = 0; i < r->nbacking && len; i++) {
		uint64_t k;

		if (off >= r->backing[i].len) {
			off -= r->backing[i].len;
			continue;
		}
		k = r->backing[i].len - off;
		if (k > len)
			k = len;
		if (sim_dma_read(r->backing[i].addr + off, dst, (size_t)k))
			return -1;
		dst += k;
		len -= k;
		off = 0;
	}
	return len ? 1 : 0;
}

/* ---- controlq commands: each returns the spec response type ------------- */

static uint32_t create_2d(struct sim_gpu *g, const uint8_t *req)
{
	uint32_t id = virtio_get_le32(req + VIRTIO_GPU_CREATE_2D_RESOURCE_ID);
	uint32_t fmt = virtio_get_le32(req + VIRTIO_GPU_CREATE_2D_FORMAT);
	uint32_t w = virtio_get_le32(req + VIRTIO_GPU_CREATE_2D_WIDTH);
	uint32_t h = virtio_get_le32(req + VIRTIO_GPU_CREATE_2D_HEIGHT);
	struct sim_gpu_res *r = NULL;

	if (id == 0 || find(g, id))
		return VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID;
	switch (fmt) {
	case VIRTIO_GPU_FORMAT_B8G8R8A8_UNORM:
	case VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM:
	case VIRTIO_GPU_FORMAT_A8R8G8B8_UNORM:
	case VIRTIO_GPU_FORMAT_X8R8G8B8_UNORM:
	case VIRTIO_GPU_FORMAT_R8G8B8A8_UNORM:
	case VIRTIO_GPU_FORMAT_X8B8G8R8_UNORM:
	case VIRTIO_GPU_FORMAT_A8B8G8R8_UNORM:
	case VIRTIO_GPU_FORMAT_R8G8B8X8_UNORM:
		break;
	default:
		return VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER;
	}
	/* QEMU: no host image of that size (or over its hostmem) is
	 * ERR_OUT_OF_MEMORY. */
	for (unsigned i = 0; i < SIM_GPU_RESOURCES && !r; i++)
		if (!g->res[i].id)
			r = &g->res[i];
	if (!r || w == 0 || h == 0 ||
	    (uint64_t)w * h * 4 > SIM_GPU_RES_BYTES)
		return VIRTIO_GPU_RESP_ERR_OUT_OF_MEMORY;
	r->id = id;
	r->format = fmt;
	r->width = w;
	r->height = h;
	r->nbacking = 0;
	memset(r->pixels, 0, (size_t)w * h * 4);
	return VIRTIO_GPU_RESP_OK_NODATA;
}

static uint32_t unref(struct sim_gpu *g, const uint8_t *req)
{
	struct sim_gpu_res *r = find(g, virtio_get_le32(req + VIRTIO_GPU_RESOURCE_ID));

	if (!r)
		return VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID;
	/* QEMU: a resource on a scanout leaves it disabled. */
	if (g->scanout_res == r->id)
		g->scanout_res = 0;
	r->id = 0;
	r->nbacking = 0;
	return VIRTIO_GPU_RESP_OK_NODATA;
}

static uint32_t set_scanout(struct sim_gpu *g, const uint8_t *req)
{
	const uint8_t *rect = req + VIRTIO_GPU_RECT;
	uint32_t sid = virtio_get_le32(req + VIRTIO_GPU_SET_SCANOUT_SCANOUT_ID);
	uint32_t id = virtio_get_le32(req + VIRTIO_GPU_SET_SCANOUT_RESOURCE_ID);
	uint32_t w = virtio_get_le32(rect + 8), h = virtio_get_le32(rect + 12);
	struct sim_gpu_res *r;

	if (sid >= g->cfg.num_scanouts)
		return VIRTIO_GPU_RESP_ERR_INVALID_SCANOUT_ID;
	if (id == 0) {
		/* 5.7.6.8: resource_id 0 disables the scanout. */
		if (sid == 0)
			g->scanout_res = 0;
		return VIRTIO_GPU_RESP_OK_NODATA;
	}
	r = find(g, id);
	if (!r)
		return VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID;
	/* QEMU: inside the resource, and at least 16x16. */
	if (!rect_inside(rect, r->width, r->height) || w < 16 || h < 16)
		return VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER;
	if (sid == 0) {
		g->scanout_res = id;
		g->scanout_x = virtio_get_le32(rect);
		g->scanout_y = virtio_get_le32(rect + 4);
		g->scanout_w = w;
		g->scanout_h = h;
		/* QEMU shows the resource's pixels at once. */
		show(g, r, 0, 0, w, h);
	}
	return VIRTIO_GPU_RESP_OK_NODATA;
}

static uint32_t flush(struct sim_gpu *g, const uint8_t *req)
{
	const uint8_t *rect = req + VIRTIO_GPU_RECT;
	struct sim_gpu_res *r = find(g, virtio_get_le32(req + VIRTIO_GPU_FLUSH_RESOURCE_ID));
	uint64_t x0, y0, x1, y1;

	if (!r)
		return VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID;
	if (!rect_inside(rect, r->width, r->height))
		return VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER;
	g->flushes++;
	if (g->scanout_res != r->id)
		return VIRTIO_GPU_RESP_OK_NODATA;
	/* The flushed rect within the scanout's, in scanout coordinates. */
	x0 = virtio_get_le32(rect);
	y0 = virtio_get_le32(rect + 4);
	x1 = x0 + virtio_get_le32(rect + 8);
	y1 = y0 + virtio_get_le32(rect + 12);
	if (x0 < g->scanout_x)
		x0 = g->scanout_x;
	if (y0 < g->scanout_y)
		y0 = g->scanout_y;
	if (x1 > (uint64_t)g->scanout_x + g->scanout_w)
		x1 = (uint64_t)g->scanout_x + g->scanout_w;
	if (y1 > (uint64_t)g->scanout_y + g->scanout_h)
		y1 = (uint64_t)g->scanout_y + g->scanout_h;
	if (x0 < x1 && y0 < y1)
		show(g, r, (uint32_t)(x0 - g->scanout_x),
		     (uint32_t)(y0 - g->scanout_y), (uint32_t)(x1 - x0),
		     (uint32_t)(y1 - y0));
	return VIRTIO_GPU_RESP_OK_NODATA;
}

static uint32_t transfer(struct sim_gpu *g, const uint8_t *req, uint16_t head)
{
	const uint8_t *rect = req + VIRTIO_GPU_RECT;
	struct sim_gpu_res *r = find(g, virtio_get_le32(req + VIRTIO_GPU_TRANSFER_RESOURCE_ID));
	uint64_t off = virtio_get_le64(req + VIRTIO_GPU_TRANSFER_OFFSET);
	uint32_t x, y, w, h, stride;

	if (!r)
		return VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID;
	if (!r->nbacking)
		return VIRTIO_GPU_RESP_ERR_UNSPEC; /* QEMU: no backing */
	if (!rect_inside(rect, r->width, r->height))
		return VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER;
	x = virtio_get_le32(rect);
	y = virtio_get_le32(rect + 4);
	w = virtio_get_le32(rect + 8);
	h = virtio_get_le32(rect + 12);
	stride = r->width * 4;
	/* QEMU: row i of the rect comes from offset + stride * i of the
	 * backing. */
	for (uint32_t i = 0; i < h; i++) {
		int rc = backing_read(r, off + (uint64_t)stride * i,
				      r->pixels + (size_t)(y + i) * stride +
					      (size_t)x * 4,
				      (uint64_t)w * 4);

		if (rc < 0)
			return VIRTIO_GPU_RESP_ERR_UNSPEC;
		if (rc > 0) {
			sim_report(SIM_DESC_MALFORMED, NULL, NULL,
				   "driver transfers a rect past the backing it "
				   "attached to the resource (5.7.6.8) "
				   "[head=%u] [resource=%u] [offset=%llu] "
				   "[row=%u] [rect=%ux%u]",
				   head, r->id, (unsigned long long)off, i, w, h);
			return VIRTIO_GPU_RESP_ERR_UNSPEC;
		}
	}
	g->transfers++;
	return VIRTIO_GPU_RESP_OK_NODATA;
}

static uint32_t attach(struct sim_gpu *g, const struct sim_chain *ch,
		       const uint8_t *req)
{
	struct sim_gpu_res *r = find(g, virtio_get_le32(req + VIRTIO_GPU_RESOURCE_ID));
	uint32_t n = virtio_get_le32(req + VIRTIO_GPU_ATTACH_NR_ENTRIES);

	if (!r)
		return VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID;
	if (r->nbacking || n == 0 || n > SIM_GPU_BACKING_MAX)
		return VIRTIO_GPU_RESP_ERR_UNSPEC; /* QEMU: attached already */
	if (ch->readable < VIRTIO_GPU_ATTACH_SIZE +
				   (uint64_t)n * VIRTIO_GPU_MEM_ENTRY_SIZE) {
		sim_report(SIM_DESC_MALFORMED, NULL, NULL,
			   "driver attaches backing with fewer mem entries "
			   "than nr_entries says (5.7.6.8) [head=%u] "
			   "[nr_entries=%u] [readable=%llu]",
			   ch->head, n, (unsigned long long)ch->readable);
		return VIRTIO_GPU_RESP_ERR_UNSPEC;
	}
	for (uint32_t i = 0; i < n; i++) {
		uint8_t e[VIRTIO_GPU_MEM_ENTRY_SIZE], probe;
		uint64_t at = VIRTIO_GPU_ATTACH_SIZE +
			      (uint64_t)i * VIRTIO_GPU_MEM_ENTRY_SIZE;

		if (sim_chain_read(ch, at, e, sizeof(e)) != (int64_t)sizeof(e))
			return VIRTIO_GPU_RESP_ERR_UNSPEC;
		r->backing[i].addr = virtio_get_le64(e + VIRTIO_GPU_MEM_ENTRY_ADDR);
		r->backing[i].len = virtio_get_le32(e + VIRTIO_GPU_MEM_ENTRY_LENGTH);
		/* QEMU maps each entry now: memory the driver does not own
		 * is a finding at once, not at the first transfer. */
		if (r->backing[i].len &&
		    (sim_dma_read(r->backing[i].addr, &probe, 1) ||
		     sim_dma_read(r->backing[i].addr + r->backing[i].len - 1,
				  &probe, 1)))
			return VIRTIO_GPU_RESP_ERR_UNSPEC;
	}
	r->nbacking = n;
	return VIRTIO_GPU_RESP_OK_NODATA;
}

static uint32_t detach(struct sim_gpu *g, const uint8_t *req)
{
	struct sim_gpu_res *r = find(g, virtio_get_le32(req + VIRTIO_GPU_RESOURCE_ID));

	if (!r)
		return VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID;
	if (!r->nbacking)
		return VIRTIO_GPU_RESP_ERR_UNSPEC;
	r->nbacking = 0;
	return VIRTIO_GPU_RESP_OK_NODATA;
}

/* 5.7.6.8 GET_DISPLAY_INFO: scanout 0 as the host has it (each field a
 * decision), the other scanouts disabled, as QEMU's one output. Returns
 * whether the driver can see a lie: no enabled scanout 0 to use (not a
 * lie, but no success may follow), a size 0 or past any display. */
static bool display_info(struct sim_gpu *g, uint8_t *resp)
{
	uint8_t *one = resp + VIRTIO_GPU_HDR_SIZE;
	uint32_t en = (uint32_t)sim_decide("gpu.enabled", 1, 4);
	uint32_t w = (uint32_t)sim_decide("gpu.width", g->cfg.width, 4);
	uint32_t h = (uint32_t)sim_decide("gpu.height", g->cfg.height, 4);

	virtio_put_le32(one + 8, w);
	virtio_put_le32(one + 12, h);
	virtio_put_le32(one + VIRTIO_GPU_DISPLAY_ENABLED, en);
	return !en || !w || !h || w > 16384u || h > 16384u;
}

/* The response a command expects, and its size. */
static uint32_t ok_type(uint32_t cmd, uint32_t *size)
{
	*size = VIRTIO_GPU_HDR_SIZE;
	if (cmd == VIRTIO_GPU_CMD_GET_DISPLAY_INFO) {
		*size = VIRTIO_GPU_RESP_DISPLAY_INFO_SIZE;
		return VIRTIO_GPU_RESP_OK_DISPLAY_INFO;
	}
	return VIRTIO_GPU_RESP_OK_NODATA;
}

/* The request size of each 2D command (0: not one). */
static uint32_t req_size(uint32_t cmd)
{
	switch (cmd) {
	case VIRTIO_GPU_CMD_GET_DISPLAY_INFO:
		return VIRTIO_GPU_HDR_SIZE;
	case VIRTIO_GPU_CMD_RESOURCE_CREATE_2D:
		return VIRTIO_GPU_CREATE_2D_SIZE;
	case VIRTIO_GPU_CMD_RESOURCE_UNREF:
	case VIRTIO_GPU_CMD_RESOURCE_DETACH_BACKING:
		return VIRTIO_GPU_RESOURCE_CMD_SIZE;
	case VIRTIO_GPU_CMD_SET_SCANOUT:
		return VIRTIO_GPU_SET_SCANOUT_SIZE;
	case VIRTIO_GPU_CMD_RESOURCE_FLUSH:
		return VIRTIO_GPU_FLUSH_SIZE;
	case VIRTIO_GPU_CMD_TRANSFER_TO_HOST_2D:
		return VIRTIO_GPU_TRANSFER_SIZE;
	case VIRTIO_GPU_CMD_RESOURCE_ATTACH_BACKING:
		return VIRTIO_GPU_ATTACH_SIZE;
	default:
		return 0;
	}
}

static uint32_t control(struct sim_gpu *g, struct sim_vq *q,
			const struct sim_chain *ch)
{
	uint8_t req[VIRTIO_GPU_TRANSFER_SIZE], resp[VIRTIO_GPU_RESP_DISPLAY_INFO_SIZE];
	uint32_t cmd, want, size, type, need;
	bool lie = false;

	memset(req, 0, sizeof(req));
	if (ch->readable < VIRTIO_GPU_HDR_SIZE) {
		sim_report(SIM_DESC_MALFORMED, NULL, NULL,
			   "driver puts a chain in the gpu controlq without a "
			   "request header to read (5.7.6.7) [queue=%u] "
			   "[head=%u] [readable=%llu]",
			   q->index, ch->head, (unsigned long long)ch->readable);
		return 0;
	}
	if (sim_chain_read(ch, 0, req, ch->readable < sizeof(req)
					       ? ch->readable
					       : sizeof(req)) < 0)
		return 0;
	cmd = virtio_get_le32(req + VIRTIO_GPU_HDR_TYPE);
	want = ok_type(cmd, &size);
	need = req_size(cmd);
	if (ch->writable < size || (need && ch->readable < need)) {
		sim_report(SIM_DESC_MALFORMED, NULL, NULL,
			   "driver puts a gpu command in the controlq shorter "
			   "than its request, or without room for its response "
			   "(5.7.6.7) [head=%u] [type=0x%x] [readable=%llu] "
			   "[request=%u] [writable=%llu] [response=%u]",
			   ch->head, cmd, (unsigned long long)ch->readable, need,
			   (unsigned long long)ch->writable, size);
		return 0;
	}
	memset(resp, 0, sizeof(resp));
	switch (cmd) {
	case VIRTIO_GPU_CMD_GET_DISPLAY_INFO:
		type = want;
		lie = display_info(g, resp);
		break;
	case VIRTIO_GPU_CMD_RESOURCE_CREATE_2D:
		type = create_2d(g, req);
		break;
	case VIRTIO_GPU_CMD_RESOURCE_UNREF:
		type = unref(g, req);
		break;
	case VIRTIO_GPU_CMD_SET_SCANOUT:
		type = set_scanout(g, req);
		break;
	case VIRTIO_GPU_CMD_RESOURCE_FLUSH:
		type = flush(g, req);
		break;
	case VIRTIO_GPU_CMD_TRANSFER_TO_HOST_2D:
		type = transfer(g, req, ch->head);
		break;
	case VIRTIO_GPU_CMD_RESOURCE_ATTACH_BACKING:
		type = attach(g, ch, req);
		break;
	case VIRTIO_GPU_CMD_RESOURCE_DETACH_BACKING:
		type = detach(g, req);
		break;
	default:
		type = VIRTIO_GPU_RESP_ERR_UNSPEC; /* 3D, EDID, ... not offered */
		break;
	}
	type = (uint32_t)sim_decide("gpu.resp_type", type, 4);
	virtio_put_le32(resp + VIRTIO_GPU_HDR_TYPE, type);
	/* 5.7.6.7: a fenced request's response carries its fence. */
	if (virtio_get_le32(req + VIRTIO_GPU_HDR_FLAGS) & VIRTIO_GPU_FLAG_FENCE) {
		virtio_put_le32(resp + VIRTIO_GPU_HDR_FLAGS, VIRTIO_GPU_FLAG_FENCE);
		memcpy(resp + VIRTIO_GPU_HDR_FENCE_ID,
		       req + VIRTIO_GPU_HDR_FENCE_ID, 12);
	}
	if (sim_chain_write(ch, 0, resp, size) < 0)
		return 0;
	g->commands++;
	/* An error, or any type but the one the command expects: no
	 * success may follow. */
	if (lie || type != want)
		sim_oracle_lie(ch, SIM_LIE_STATUS, type);
	sim_trace("gpu: cmd=0x%llx head=%llu resp=0x%llx lie=%llu", cmd,
		  ch->head, type, lie);
	return size;
}

/* 5.7.6.10: the cursorq. QEMU copies the cursor image out of the
 * resource's pixels at UPDATE_CURSOR (a 64x64 one) and writes nothing
 * back. */
static uint32_t cursor(struct sim_gpu *g, struct sim_vq *q,
		       const struct sim_chain *ch)
{
	uint8_t req[VIRTIO_GPU_CURSOR_SIZE];
	const struct sim_gpu_res *r;
	uint32_t cmd;

	if (ch->readable < VIRTIO_GPU_CURSOR_SIZE) {
		sim_report(SIM_DESC_MALFORMED, NULL, NULL,
			   "driver puts a chain in the gpu cursorq shorter than "
			   "struct virtio_gpu_update_cursor (5.7.6.10) "
			   "[queue=%u] [head=%u] [readable=%llu]",
			   q->index, ch->head, (unsigned long long)ch->readable);
		return 0;
	}
	if (sim_chain_read(ch, 0, req, sizeof(req)) < 0)
		return 0;
	cmd = virtio_get_le32(req + VIRTIO_GPU_HDR_TYPE);
	if (cmd != VIRTIO_GPU_CMD_UPDATE_CURSOR &&
	    cmd != VIRTIO_GPU_CMD_MOVE_CURSOR)
		return 0;
	if (virtio_get_le32(req + VIRTIO_GPU_CURSOR_SCANOUT_ID) >=
	    g->cfg.num_scanouts)
		return 0; /* QEMU ignores it */
	g->cursor_x = virtio_get_le32(req + VIRTIO_GPU_CURSOR_X);
	g->cursor_y = virtio_get_le32(req + VIRTIO_GPU_CURSOR_Y);
	if (cmd == VIRTIO_GPU_CMD_MOVE_CURSOR) {
		g->cursor_moves++;
		return 0;
	}
	g->cursor_hot_x = virtio_get_le32(req + VIRTIO_GPU_CURSOR_HOT_X);
	g->cursor_hot_y = virtio_get_le32(req + VIRTIO_GPU_CURSOR_HOT_Y);
	r = find(g, virtio_get_le32(req + VIRTIO_GPU_CURSOR_RESOURCE_ID));
	g->cursor_set = r && r->width == VIRTIO_GPU_CURSOR_DIM &&
			r->height == VIRTIO_GPU_CURSOR_DIM;
	if (g->cursor_set)
		memcpy(g->cursor_image, r->pixels, SIM_GPU_CURSOR_BYTES);
	g->cursor_updates++;
	return 0;
}

static uint32_t gpu_handle(void *model, struct sim_vq *q,
			   const struct sim_chain *ch)
{
	if (q->index == VIRTIO_GPU_CONTROLQ)
		return control(model, q, ch);
	return cursor(model, q, ch);
}

/* QEMU's reset: every resource goes, the scanouts are disabled. */
static void gpu_reset(void *model)
{
	struct sim_gpu *g = model;

	for (unsigned i = 0; i < SIM_GPU_RESOURCES; i++) {
		g->res[i].id = 0;
		g->res[i].nbacking = 0;
	}
	g->scanout_res = 0;
}

static const struct sim_vdev_ops gpu_ops = {
	.reset = gpu_reset,
	.handle = gpu_handle,
	.config_field = gpu_config_field,
	.config_write = gpu_config_write,
};

int sim_gpu_create(struct sim_gpu *g, const struct sim_gpu_config *cfg)
{
	static const struct sim_gpu_config defaults;
	uint8_t *p;

	if (!cfg)
		cfg = &defaults;
	g->cfg = *cfg;
	if (!g->cfg.width)
		g->cfg.width = SIM_GPU_DEFAULT_WIDTH;
	if (!g->cfg.height)
		g->cfg.height = SIM_GPU_DEFAULT_HEIGHT;
	if (!g->cfg.num_scanouts)
		g->cfg.num_scanouts = 1;
	if (!g->cfg.queue_max)
		g->cfg.queue_max = SIM_GPU_DEFAULT_QUEUE_MAX;
	gpu_reset(g);
	g->scanout_w = g->scanout_h = g->scanout_x = g->scanout_y = 0;
	g->flushes = g->transfers = g->commands = 0;
	g->cursor_set = false;
	g->cursor_x = g->cursor_y = g->cursor_hot_x = g->cursor_hot_y = 0;
	g->cursor_updates = g->cursor_moves = 0;
	sim_vdev_init(&g->dev, VIRTIO_ID_GPU,
		      cfg->no_edid ? 0 : BIT(VIRTIO_GPU_F_EDID), 2,
		      g->cfg.queue_max, &gpu_ops, g);
	p = g->dev.config;
	memset(p, 0, VIRTIO_GPU_CFG_SIZE);
	virtio_put_le32(p + VIRTIO_GPU_CFG_NUM_SCANOUTS, g->cfg.num_scanouts);
	g->dev.config_len = VIRTIO_GPU_CFG_SIZE;
	return 0;
}

void sim_gpu_display_change(struct sim_gpu *g, uint32_t width,
			    uint32_t height)
{
	g->cfg.width = width;
	g->cfg.height = height;
	virtio_put_le32(g->dev.config + VIRTIO_GPU_CFG_EVENTS_READ,
			events_read(g) | VIRTIO_GPU_EVENT_DISPLAY);
	g->dev.config_gen++;
	sim_vdev_interrupt(&g->dev, VIRTIO_MMIO_INT_CONFIG);
	sim_trace("gpu: display %llux%llu", width, height, 0, 0);
}

uint32_t sim_gpu_events(const struct sim_gpu *g)
{
	return events_read(g);
}
