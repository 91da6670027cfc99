/* SPDX-License-Identifier: MIT */
/*
 * The gpu device's entry (fuzz/devices.def): its sim model, the workload
 * the gpu_mmio and gpu_pci targets and the tests run (operations named by
 * input bytes through the real driver, each answer judged against what the
 * model knows it did: the pixels a flush put on the display must be the
 * ones the driver drew), and the seed workloads. Not here: the driver
 * (drivers/dev/gpu.c), the model (sim/dev/gpu.c).
 *
 * Opcodes (byte % 10); lengths are little-endian:
 *   0 resolution
 *   1 setup_framebuffer
 *   2 draw             u8 seed: every framebuffer byte i is seed + i * 7
 *   3 flush
 *   4 setup_cursor     u8 seed, u16 x, u16 y, u8 hot (hot_x = hot % 64,
 *                      hot_y = hot / 4): image byte i is seed ^ i
 *   5 move_cursor      u16 x, u16 y
 *   6 events (read and clear)
 *   7 ack interrupt
 *   8 the host's display changes  u8 w, u8 h: to (16 + w % 128) x
 *                      (16 + h % 128)
 *   9 bad arguments: every call with one it must refuse (EINVALID_PARAM,
 *     the device untouched)
 * At most GPU_MAX_OPS operations run. The workload's `failed` counts the
 * calls that answered otherwise than an honest device makes them answer.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz/device.h"
#include "sim/dev/gpu.h"
#include "sim/oracle.h"
#include "sim/sim.h"
#include "virtio/gpu.h"

#define GPU_MAX_OPS (FUZZ_QUEUE_MAX * 2)
/* A framebuffer of 128x128 at most: an iteration copies it per flush. */
#define GPU_FB_MAX (64u << 10)
/* The model's mode: small, not a whole number of pages. */
#define GPU_WIDTH 40u
#define GPU_HEIGHT 30u

static struct sim_gpu model;
static struct virtio_gpu gpu;
static uint8_t *fb;        /* the driver's framebuffer, NULL: none to draw */
static size_t fb_len;
static uint32_t fb_w, fb_h;
static uint8_t image[VIRTIO_GPU_CURSOR_BYTES];
static bool stopped;       /* the driver said it stopped the device */
static struct virtio_transport *cur_t;
static bool have_fb, have_cursor; /* the driver's last set-up succeeded */
/* Calls that did not answer what an honest device gets (ENOT_READY before
 * a set-up, EUNSUPPORTED past the cap are right answers): the workload's
 * `failed`. */
static unsigned unexpected;

/* ---- oracle checks -----------------------------------------------------
 * A call with valid arguments fails on a device that deviated nowhere:
 * honest-device-rejected. A success after a lie or an error response in
 * its window: lie-accepted. The resolution must be bytes the device wrote.
 * While nothing deviated, what the model holds must be what the driver
 * says and drew (data-mismatch): the resolution, the framebuffer's size
 * and scanout, the pixels a flush shows, the cursor's image and place,
 * the events. Every failed check also writes an `op: oracle` line.
 */
static void mismatch(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void mismatch(const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fuzz_log_op("oracle", VIRTIO_OK, "%s", msg);
	if (!sim_deviated())
		sim_report(SIM_DATA_MISMATCH, NULL, NULL, "%s", msg);
}

/* Judge rc against `want` (the answer of an honest device), and a success
 * against the lies and error responses of its window. */
static void check_rc(int rc, int want, const char *what)
{
	if (stopped)
		want = VIRTIO_EBROKEN;
	if (rc != want) {
		unexpected++;
		fuzz_log_op("oracle", rc, "expected %s from %s",
			    virtio_strerror(want), what);
	}
	if (want == VIRTIO_OK)
		sim_oracle_expect_ok(rc, what);
	else if (rc != want && !sim_deviated())
		sim_report(SIM_DATA_MISMATCH, NULL, NULL,
			   "driver's virtio_gpu_%s answers %s, not %s, on an "
			   "honest device", what, virtio_strerror(rc),
			   virtio_strerror(want));
	if (rc == VIRTIO_OK)
		sim_oracle_call_ok(what);
	if (rc == VIRTIO_ETIMEOUT || rc == VIRTIO_EBAD_USED ||
	    rc == VIRTIO_ENEEDS_RESET)
		stopped = true;
}

/* The last response header is the device's, with no visible lie. */
static void check_resp(size_t len, const char *call)
{
	sim_oracle_check(gpu.resp, len, SIM_ORACLE_DATA | SIM_ORACLE_STATUS,
			 call);
}

/* ---- operations ------------------------------------------------------- */

static int op_resolution(void)
{
	uint32_t w = 0, h = 0;
	int rc;

	sim_oracle_call_begin();
	rc = virtio_gpu_resolution(&gpu, &w, &h);
	check_rc(rc, VIRTIO_OK, "resolution");
	if (!rc) {
		check_resp(VIRTIO_GPU_RESP_DISPLAY_INFO_SIZE,
			   "virtio_gpu_resolution");
		if (w != model.cfg.width || h != model.cfg.height)
			mismatch("driver's virtio_gpu_resolution says %ux%u, "
				 "the device %ux%u", w, h, model.cfg.width,
				 model.cfg.height);
	}
	fuzz_log_op("resolution", rc, "width=%u height=%u", w, h);
	return rc;
}

static int op_setup(void)
{
	uint64_t bytes = (uint64_t)model.cfg.width * model.cfg.height * 4;
	int want = bytes > GPU_FB_MAX ? VIRTIO_EUNSUPPORTED : VIRTIO_OK;
	uint8_t *p = NULL;
	size_t len = 0;
	uint32_t w = 0, h = 0;
	int rc;

	sim_oracle_call_begin();
	rc = virtio_gpu_setup_framebuffer(&gpu, &p, &len, &w, &h);
	check_rc(rc, want, "setup_framebuffer");
	/* A set-up that failed before taking the old framebuffer down (no
	 * resolution, too big) leaves it shown and drawable. */
	if (rc && (!gpu.scanout_set || gpu.fb.mem != fb)) {
		fb = NULL;
		have_fb = false;
	}
	if (!rc) {
		check_resp(VIRTIO_GPU_HDR_SIZE, "virtio_gpu_setup_framebuffer");
		fb = p;
		fb_len = len;
		fb_w = w;
		fb_h = h;
		have_fb = true;
		if (len != (size_t)w * h * 4)
			mismatch("driver's virtio_gpu_setup_framebuffer hands out "
				 "%zu bytes for %ux%u", len, w, h);
		else if (w != model.cfg.width || h != model.cfg.height ||
			 model.scanout_res != VIRTIO_GPU_RESOURCE_FB ||
			 model.scanout_w != w || model.scanout_h != h)
			mismatch("driver's virtio_gpu_setup_framebuffer says "
				 "%ux%u, the device shows resource %u of %ux%u",
				 w, h, model.scanout_res, model.scanout_w,
				 model.scanout_h);
	}
	fuzz_log_op("setup_framebuffer", rc, "width=%u height=%u len=%zu", w, h,
		    len);
	return rc;
}

static void op_draw(uint8_t seed)
{
	if (fb)
		for (size_t i = 0; i < fb_len; i++)
			fb[i] = (uint8_t)(seed + i * 7);
	fuzz_log_op("draw", VIRTIO_OK, "seed=%u bytes=%zu", seed,
		    fb ? fb_len : 0);
}

static int op_flush(void)
{
	bool equal = false;
	int rc;

	sim_oracle_call_begin();
	rc = virtio_gpu_flush(&gpu);
	check_rc(rc, have_fb ? VIRTIO_OK : VIRTIO_ENOT_READY, "flush");
	if (!rc) {
		check_resp(VIRTIO_GPU_HDR_SIZE, "virtio_gpu_flush");
		if (!fb)
			mismatch("driver's virtio_gpu_flush succeeds without a "
				 "framebuffer");
		else if (model.scanout_w != fb_w || model.scanout_h != fb_h)
			mismatch("driver's virtio_gpu_flush: the device shows "
				 "%ux%u, the framebuffer is %ux%u",
				 model.scanout_w, model.scanout_h, fb_w, fb_h);
		else if (!(equal = !memcmp(model.shown, fb, fb_len)) &&
			 !sim_deviated())
			sim_oracle_same(model.shown, fb, fb_len,
					"driver's virtio_gpu_flush: the display "
					"shows other pixels than the driver drew "
					"[%ux%u]", fb_w, fb_h);
	}
	fuzz_log_op("flush", rc, "width=%u height=%u shown_equal=%d",
		    model.scanout_w, model.scanout_h, equal);
	return rc;
}

static int op_cursor(uint8_t seed, uint32_t x, uint32_t y, uint8_t hot)
{
	uint32_t hx = hot % 64u, hy = hot / 4u;
	int rc;

	for (size_t i = 0; i < sizeof(image); i++)
		image[i] = (uint8_t)(seed ^ i);
	have_cursor = false;
	sim_oracle_call_begin();
	rc = virtio_gpu_setup_cursor(&gpu, image, sizeof(image), x, y, hx, hy);
	check_rc(rc, VIRTIO_OK, "setup_cursor");
	if (!rc) {
		have_cursor = true;
		if (!model.cursor_set || model.cursor_x != x ||
		    model.cursor_y != y || model.cursor_hot_x != hx ||
		    model.cursor_hot_y != hy)
			mismatch("driver's virtio_gpu_setup_cursor: the device's "
				 "cursor is %s at %u,%u hot %u,%u, not at %u,%u "
				 "hot %u,%u", model.cursor_set ? "set" : "unset",
				 model.cursor_x, model.cursor_y,
				 model.cursor_hot_x, model.cursor_hot_y, x, y,
				 hx, hy);
		else if (!sim_deviated())
			sim_oracle_same(model.cursor_image, image, sizeof(image),
					"driver's virtio_gpu_setup_cursor: the "
					"device's cursor image is not the one "
					"given");
	}
	fuzz_log_op("setup_cursor", rc, "x=%u y=%u hot_x=%u hot_y=%u", x, y,
		    hx, hy);
	return rc;
}

static int op_move(uint32_t x, uint32_t y)
{
	int rc;

	sim_oracle_call_begin();
	rc = virtio_gpu_move_cursor(&gpu, x, y);
	check_rc(rc, have_cursor ? VIRTIO_OK : VIRTIO_ENOT_READY, "move_cursor");
	if (!rc && (model.cursor_x != x || model.cursor_y != y))
		mismatch("driver's virtio_gpu_move_cursor to %u,%u: the device's "
			 "cursor is at %u,%u", x, y, model.cursor_x,
			 model.cursor_y);
	fuzz_log_op("move_cursor", rc, "x=%u y=%u", x, y);
	return rc;
}

static int op_events(void)
{
	uint32_t want = sim_gpu_events(&model), ev = 0;
	int rc;

	sim_oracle_call_begin();
	rc = virtio_gpu_events(&gpu, &ev);

	check_rc(rc, VIRTIO_OK, "events");
	if (!rc && (ev != want || sim_gpu_events(&model) != 0))
		mismatch("driver's virtio_gpu_events says 0x%x, the device had "
			 "0x%x and has 0x%x", ev, want, sim_gpu_events(&model));
	fuzz_log_op("events", rc, "events=%u", ev);
	return rc;
}

static void op_ack(void)
{
	uint32_t isr = virtio_gpu_ack_interrupt(&gpu);

	fuzz_log_op("ack_interrupt", VIRTIO_OK, "isr=%u", isr);
}

static void op_display(uint32_t w, uint32_t h)
{
	sim_gpu_display_change(&model, w, h);
	fuzz_log_op("display_change", VIRTIO_OK, "width=%u height=%u", w, h);
}

/* Arguments no call may take: refused before the device hears of them
 * (EBROKEN first once the device is stopped). */
static int op_bad_args(void)
{
	uint32_t w, h;
	uint8_t *p;
	size_t len;
	unsigned wrong = 0;
	int want = stopped ? VIRTIO_EBROKEN : VIRTIO_EINVALID_PARAM;
	int rcs[] = {
		virtio_gpu_resolution(&gpu, NULL, &h),
		virtio_gpu_resolution(&gpu, &w, NULL),
		virtio_gpu_setup_framebuffer(&gpu, NULL, &len, NULL, NULL),
		virtio_gpu_setup_framebuffer(&gpu, &p, NULL, NULL, NULL),
		virtio_gpu_setup_cursor(&gpu, NULL, sizeof(image), 0, 0, 0, 0),
		virtio_gpu_setup_cursor(&gpu, image, sizeof(image) - 1, 0, 0, 0, 0),
		virtio_gpu_setup_cursor(&gpu, image, sizeof(image), 0, 0, 64, 0),
		virtio_gpu_setup_cursor(&gpu, image, sizeof(image), 0, 0, 0, 64),
		virtio_gpu_events(&gpu, NULL),
	};
	/* No driver at all: refused whatever the device's state. */
	int none[] = {
		virtio_gpu_init(NULL, cur_t, 0),
		virtio_gpu_resolution(NULL, &w, &h),
		virtio_gpu_flush(NULL),
		virtio_gpu_move_cursor(NULL, 0, 0),
	};

	for (size_t i = 0; i < sizeof(rcs) / sizeof(rcs[0]); i++)
		wrong += rcs[i] != want;
	for (size_t i = 0; i < sizeof(none) / sizeof(none[0]); i++)
		wrong += none[i] != VIRTIO_EINVALID_PARAM;
	wrong += virtio_gpu_ack_interrupt(NULL) != 0;
	virtio_gpu_destroy(NULL);
	if (wrong)
		sim_report(SIM_DATA_MISMATCH, NULL, NULL,
			   "driver's virtio_gpu_* calls take %u bad arguments "
			   "they must refuse", wrong);
	fuzz_log_op("bad_args", wrong ? VIRTIO_EINVALID_PARAM : VIRTIO_OK,
		    "wrong=%u", wrong);
	return VIRTIO_OK;
}

/* The default workload: every operation, the display drawn and shown. */
#define LE16(v) (v) & 0xff, (v) >> 8
#define RES 0
#define SETUP 1
#define DRAW(seed) 2, seed
#define FLUSH 3
#define CURSOR(seed, x, y, hot) 4, seed, LE16(x), LE16(y), hot
#define MOVE(x, y) 5, LE16(x), LE16(y)
#define EVENTS 6
#define ACK 7
#define DISPLAY(w, h) 8, (w) - 16, (h) - 16
#define BAD_ARGS 9

static const uint8_t default_ops[] = {
	RES, EVENTS, SETUP, DRAW(0x11), FLUSH, ACK, CURSOR(0x5a, 10, 20, 0x41),
	MOVE(30, 5), DRAW(0x80), FLUSH, DISPLAY(64, 48), ACK, EVENTS, RES,
	SETUP, DRAW(0x33), FLUSH, MOVE(0, 0), EVENTS, BAD_ARGS,
};

unsigned fuzz_gpu_workload(struct virtio_transport *t, struct fuzz_in *work)
{
	struct fuzz_in def = { default_ops, sizeof default_ops, 0 };
	unsigned ops = 0;
	int rc;

	if (work->len == 0)
		work = &def;
	unexpected = 0;
	cur_t = t;
	fb = NULL;
	have_fb = have_cursor = stopped = false;
	sim_oracle_call_begin();
	rc = virtio_gpu_init(&gpu, t, GPU_FB_MAX);
	check_rc(rc, VIRTIO_OK, "init");
	fuzz_log_op("init", rc, "num_scanouts=%u", gpu.num_scanouts);
	if (rc) {
		virtio_gpu_destroy(&gpu);
		fuzz_log_workload(rc, 0, 0, false);
		return 0;
	}
	while (fuzz_more(work) && ops < GPU_MAX_OPS) {
		uint8_t op = fuzz_u8(work) % 10, a, b;
		uint16_t x, y;

		ops++;
		switch (op) {
		case 0:
			rc = op_resolution();
			break;
		case 1:
			rc = op_setup();
			break;
		case 2:
			op_draw(fuzz_u8(work));
			break;
		case 3:
			rc = op_flush();
			break;
		case 4:
			a = fuzz_u8(work);
			x = fuzz_u16(work);
			y = fuzz_u16(work);
			rc = op_cursor(a, x, y, fuzz_u8(work));
			break;
		case 5:
			x = fuzz_u16(work);
			rc = op_move(x, fuzz_u16(work));
			break;
		case 6:
			rc = op_events();
			break;
		case 7:
			op_ack();
			break;
		case 9:
			rc = op_bad_args();
			break;
		default:
			a = fuzz_u8(work);
			b = fuzz_u8(work);
			op_display(16u + a % 128u, 16u + b % 128u);
			break;
		}
	}
	bool completed = !t->broken;

	/* The framebuffer and the cursor go with the driver. */
	virtio_gpu_destroy(&gpu);
	fb = NULL;
	fuzz_log_workload(0, ops, unexpected, completed);
	return ops;
}

/* ---- the gpu device's entry (fuzz/devices.def) ------------------------- */

/* As QEMU's virtio-gpu (EDID offered, a driver declines it), with a small
 * display and rings to keep an iteration cheap; the decision stream still
 * offers any other size. */
static const struct sim_gpu_config fuzz_gpu_config = {
	.width = GPU_WIDTH,
	.height = GPU_HEIGHT,
	.queue_max = FUZZ_QUEUE_MAX,
};

/* The workload judges answers against this model: pair the two. */
struct sim_vdev *fuzz_gpu_model(const void *opts)
{
	if (sim_gpu_create(&model, opts ? opts : &fuzz_gpu_config))
		return NULL;
	return &model.dev;
}

/* Seed workloads, in the opcodes above. */
static const uint8_t drawn_shown[] = {
	SETUP, DRAW(1), FLUSH, DRAW(2), FLUSH, FLUSH, RES,
};
static const uint8_t display_change[] = {
	EVENTS, DISPLAY(128, 128), ACK, EVENTS, EVENTS, RES, SETUP, DRAW(3),
	FLUSH, DISPLAY(16, 16), SETUP, DRAW(4), FLUSH,
};
static const uint8_t past_the_cap[] = {
	DISPLAY(143, 143), SETUP, FLUSH, DISPLAY(129, 128), SETUP,
	DISPLAY(17, 100), SETUP, DRAW(5), FLUSH,
};
static const uint8_t cursor[] = {
	CURSOR(0, 0, 0, 0), MOVE(1, 1), MOVE(0xffff, 0xffff),
	CURSOR(0xff, 500, 300, 0xff), MOVE(7, 9), ACK,
};
static const uint8_t not_ready[] = {
	FLUSH, MOVE(1, 2), SETUP, FLUSH, SETUP, SETUP, DRAW(6), FLUSH,
	CURSOR(1, 2, 3, 4), MOVE(5, 6),
};
static const uint8_t bad_args[] = {
	BAD_ARGS, SETUP, BAD_ARGS, CURSOR(2, 3, 4, 5), BAD_ARGS, FLUSH,
};
static const uint8_t interrupts[] = {
	ACK, SETUP, ACK, FLUSH, ACK, DISPLAY(20, 20), ACK, EVENTS, ACK,
};

#define SEED(name, work) { name, work, sizeof(work) }
const struct fuzz_seed fuzz_gpu_seeds[] = {
	{ "default-workload-every-operation", NULL, 0 },
	SEED("framebuffer-drawn-flushed-shown", drawn_shown),
	SEED("display-change-event-new-framebuffer", display_change),
	SEED("framebuffer-past-the-cap-refused", past_the_cap),
	SEED("cursor-set-moved-and-replaced", cursor),
	SEED("flush-and-move-before-set-up-not-ready", not_ready),
	SEED("interrupts-and-acks", interrupts),
	SEED("bad-arguments-refused", bad_args),
	{ NULL, NULL, 0 },
};
