/* SPDX-License-Identifier: MIT */
/*
 * The net device's entry (fuzz/devices.def): its sim model, the workload
 * the net_mmio and net_pci targets and the tests run (operations named by
 * input bytes through the real driver, each answer judged against what the
 * model knows it did), and the seed workloads. Not here: the driver
 * (drivers/dev/net.c), the model (sim/dev/net.c).
 *
 * Opcodes (byte % 11); lengths are little-endian:
 *   0 send             u16 len (% 1515: 0..1514), u8 seed
 *   1 the host sends   u16 len (% 1515), u8 seed: a frame on the wire
 *   2 receive          u8 n: up to n + 1 frames, each recycled at once,
 *                      until none is there
 *   3 receive and hold one frame (lent until op 4)
 *   4 recycle every held frame
 *   5 interrupts       u8 e: enable (e & 1) or disable
 *   6 ack interrupt
 *   7 mac address and link status
 *   8 can_send, can_recv
 *   9 loopback         u8 on: (on & 1) sent frames come back
 *  10 recycle again the rx last recycled (EINVALID_PARAM, whatever the
 *     buffer's state: it may be lent again)
 * Frame bytes are seed + i. At most NET_MAX_OPS operations run.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz/device.h"
#include "sim/dev/net.h"
#include "sim/oracle.h"
#include "sim/sim.h"
#include "virtio/net.h"

/* As blk's: the queue the model offers and half again. */
#define NET_MAX_OPS (FUZZ_QUEUE_MAX + FUZZ_QUEUE_MAX / 2)
/* Receive buffers the driver gets (as rng's queue): each is a 1526-byte
 * share an iteration pays for at init; 8 fill the ring and let the ring
 * wrap within NET_MAX_OPS frames. */
#define NET_QUEUE 8u
#define NET_BUF_LEN VIRTIO_NET_MIN_BUFFER_LEN
#define FRAME_MAX SIM_NET_FRAME_MAX

_Static_assert(NET_MAX_OPS <= SIM_NET_LOG_FRAMES &&
		       NET_MAX_OPS * (FRAME_MAX + SIM_NET_MADE_UP_MAX) <=
			       SIM_NET_LOG_BYTES,
	       "the model's logs hold every frame a workload moves");

static struct sim_net model;
static struct virtio_net net;
static uint8_t rx_storage[NET_QUEUE * NET_BUF_LEN];
static uint8_t data[FRAME_MAX];
static struct virtio_net_rx held[NET_QUEUE];
static unsigned nheld;

static struct virtio_net_rx last_recycled; /* for op 10 */
static uint64_t rx_seen; /* frames of the model's rx log the driver returned */
static bool stopped;     /* the driver said it stopped the device */

/* ---- oracle checks ----------------------------------------------------
 * What the model knows the answers must be (sim/oracle.h). A call with
 * valid arguments fails on a device that deviated nowhere:
 * honest-device-rejected. A received frame's header and bytes must be ones
 * the device wrote (unwritten-bytes-returned) into a buffer it did not lie
 * about (lie-accepted), and exactly the frame the model put there; a sent
 * frame exactly what the device read (data-mismatch). Content and state
 * (MAC, link, readiness) are judged while nothing deviated, except a
 * received frame's content, judged whenever the buffer's answer was the
 * device's own. Every failed check also writes an `op: oracle` line.
 */
static void mismatch(bool always, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void mismatch(bool always, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fuzz_log_op("oracle", VIRTIO_OK, "%s", msg);
	if (always || !sim_deviated())
		sim_report(SIM_DATA_MISMATCH, NULL, NULL, "%s", msg);
}

static void check_rc(int rc, int want, const char *what)
{
	if (stopped)
		want = VIRTIO_EBROKEN;
	if (rc != want)
		fuzz_log_op("oracle", rc, "expected %s from %s",
			    virtio_strerror(want), what);
	if (want == VIRTIO_OK)
		sim_oracle_expect_ok(rc, what);
	if (rc == VIRTIO_ETIMEOUT || rc == VIRTIO_EBAD_USED)
		stopped = true;
}

static bool offered(unsigned bit)
{
	return model.dev.features_decided && ((model.dev.features >> bit) & 1);
}

/* Frames the device put in receive buffers the driver has not returned. */
static uint64_t rx_pending(void)
{
	return model.rx.total > rx_seen ? model.rx.total - rx_seen : 0;
}

/* A successful receive: its header and frame are bytes the device wrote
 * into a buffer it told no visible lie about and, while nothing deviated,
 * the frame the model put last in that buffer (found by its chain). Once
 * something deviated, a used entry may name a buffer other than the one
 * the model filled without any mark the oracles could see (an id the
 * device no longer holds), so content is not compared then. */
static void check_received(const struct virtio_net_rx *rx)
{
	static const char call[] = "virtio_net_receive";
	const struct sim_net_frame *f = NULL;
	/* The driver's token for the buffer is the head the device saw. */
	const uint8_t *want = sim_net_frame_of(&model.rx, net.rx[rx->slot].token,
					       &f);
	const uint8_t *buf = rx->frame - net.hdr_size;
	uint8_t h[VIRTIO_NET_HDR_SIZE];
	/* After a receiveq used idx that did not step by one (say it went
	 * back over an entry the driver never read), a later entry may name
	 * a buffer the device no longer holds but the driver does, with no
	 * mark the oracles see (sim/vq.c marks only the chain served): its
	 * written bytes are not known. Lie marks are judged still. */
	unsigned what = model.rx_idx_lied ? SIM_ORACLE_STATUS
					  : SIM_ORACLE_DATA | SIM_ORACLE_STATUS;

	if (!sim_oracle_check(buf, net.hdr_size + rx->len, what, call) ||
	    !want || sim_deviated())
		return;
	if (rx->len != f->len) {
		mismatch(false, "driver's %s returns a frame of another length "
			 "than the device put in the buffer [len=%zu] "
			 "[device=%u]",
			 call, rx->len, f->len);
		return;
	}
	sim_oracle_same(rx->frame, want, rx->len,
			"driver's %s returns other bytes than the device put "
			"in the buffer [frame=%llu] [len=%zu]",
			call, (unsigned long long)rx_seen, rx->len);
	memset(h, 0, sizeof(h));
	h[VIRTIO_NET_HDR_FLAGS] = rx->hdr.flags;
	h[VIRTIO_NET_HDR_GSO_TYPE] = rx->hdr.gso_type;
	virtio_put_le16(h + VIRTIO_NET_HDR_HDR_LEN, rx->hdr.hdr_len);
	virtio_put_le16(h + VIRTIO_NET_HDR_GSO_SIZE, rx->hdr.gso_size);
	virtio_put_le16(h + VIRTIO_NET_HDR_CSUM_START, rx->hdr.csum_start);
	virtio_put_le16(h + VIRTIO_NET_HDR_CSUM_OFFSET, rx->hdr.csum_offset);
	/* num_buffers is the driver's (1: it does not read the field
	 * without MRG_RXBUF); the rest is the device's. */
	if (rx->hdr.num_buffers != 1)
		mismatch(false, "driver's %s says a frame spans %u buffers "
			 "without MRG_RXBUF", call, rx->hdr.num_buffers);
	sim_oracle_same(h, f->hdr, VIRTIO_NET_HDR_NUM_BUFFERS,
			"driver's %s returns another header than the device "
			"wrote [frame=%llu]",
			call, (unsigned long long)rx_seen);
}

/* ---- operations ------------------------------------------------------- */

/* FNV-1a, so op lines can say which bytes went each way (the tests
 * recompute it). Only when op lines are printed: hashing every byte would
 * slow the fuzzer down. */
#define FNV_INIT 0x811c9dc5u
static uint32_t fnv(uint32_t h, const uint8_t *p, size_t n)
{
	static int on = -1;

	if (on < 0) {
		const char *v = getenv("VFUZZ_HARNESS_LOG");

		on = v && atoi(v) >= 2;
	}
	for (size_t i = 0; on && i < n; i++)
		h = (h ^ p[i]) * 0x01000193u;
	return h;
}

/* seed + i, copied from a ramp (a byte loop here was a sixth of an
 * iteration's time). */
static void fill(uint8_t *p, size_t n, uint8_t seed)
{
	static uint8_t ramp[256 + FRAME_MAX];

	if (!ramp[1])
		for (size_t i = 0; i < sizeof(ramp); i++)
			ramp[i] = (uint8_t)i;
	memcpy(p, ramp + seed, n);
}

static int op_send(size_t len, uint8_t seed)
{
	static const char call[] = "virtio_net_send";
	uint64_t before = model.tx.total;
	const struct sim_net_frame *f = NULL;
	const uint8_t *got;
	int rc;

	fill(data, len, seed);
	rc = virtio_net_send(&net, data, len);
	check_rc(rc, VIRTIO_OK, "send");
	got = sim_net_frame(&model.tx, (uint32_t)before, &f);
	if (!rc) {
		/* No visible lie on the buffers the device returned. */
		sim_oracle_check(net.tx_hdr, net.hdr_size, 0, call);
		if (len)
			sim_oracle_check(data, len, 0, call);
		if (model.tx.total != before + 1)
			mismatch(false, "driver's %s succeeds but the device "
				 "read %llu frames [len=%zu]",
				 call,
				 (unsigned long long)(model.tx.total - before),
				 len);
		else if (got && (f->len != len || memcmp(got, data, len)))
			mismatch(false, "driver's %s succeeds but the device "
				 "read another frame [len=%zu] [read=%u]",
				 call, len, f->len);
	}
	fuzz_log_op("send", rc, "len=%zu device_read=%u fnv=%08x", len,
		    got ? f->len : 0, got ? fnv(FNV_INIT, got, f->len) : 0);
	return rc;
}

static void op_host(size_t len, uint8_t seed)
{
	fill(data, len, seed);
	int ok = sim_net_host_send(&model, data, len) == 0;

	fuzz_log_op("host_sends", VIRTIO_OK, "len=%zu sent=%d", len, ok);
}

/* One receive; *got says a frame came (then *rx holds it). */
static int receive_one(struct virtio_net_rx *rx, bool *got)
{
	int rc = virtio_net_receive(&net, rx);

	*got = rc == VIRTIO_OK;
	if (rc == VIRTIO_ENOT_READY && !stopped) {
		/* Right only when the device returned no frame. */
		if (rx_pending())
			sim_oracle_expect_ok(rc, "virtio_net_receive");
		return VIRTIO_OK;
	}
	check_rc(rc, VIRTIO_OK, "receive");
	if (!rc) {
		check_received(rx);
		rx_seen++;
	}
	return rc;
}

static int op_receive(unsigned max)
{
	struct virtio_net_rx rx;
	unsigned n = 0;
	uint32_t h = FNV_INIT;
	bool got = true;
	int rc = VIRTIO_OK;

	while (n < max && got) {
		rc = receive_one(&rx, &got);
		if (rc || !got)
			break;
		h = fnv(h, rx.frame, rx.len);
		fuzz_log_op("frame", VIRTIO_OK,
			    "len=%zu fnv=%08x flags=%u gso_type=%u hdr_len=%u "
			    "gso_size=%u csum_start=%u csum_offset=%u "
			    "num_buffers=%u",
			    rx.len, fnv(FNV_INIT, rx.frame, rx.len),
			    rx.hdr.flags, rx.hdr.gso_type, rx.hdr.hdr_len,
			    rx.hdr.gso_size, rx.hdr.csum_start,
			    rx.hdr.csum_offset, rx.hdr.num_buffers);
		n++;
		rc = virtio_net_recycle(&net, &rx);
		check_rc(rc, VIRTIO_OK, "recycle");
		/* EDMA leaves it lent: the rx is current, not stale. */
		if (rc != VIRTIO_EDMA)
			last_recycled = rx;
		if (rc)
			break;
	}
	fuzz_log_op("receive", rc, "frames=%u fnv=%08x", n, h);
	return rc;
}

static int op_hold(void)
{
	struct virtio_net_rx *rx = &held[nheld];
	bool got = false;
	int rc;

	if (nheld == NET_QUEUE) {
		fuzz_log_op("hold", VIRTIO_OK, "frames=0 full=1");
		return VIRTIO_OK;
	}
	rc = receive_one(rx, &got);
	if (got)
		nheld++;
	fuzz_log_op("hold", rc, "frames=%d len=%zu fnv=%08x", got,
		    got ? rx->len : 0, got ? fnv(FNV_INIT, rx->frame, rx->len) : 0);
	return rc;
}

static int op_recycle(void)
{
	unsigned n = nheld;
	int rc = VIRTIO_OK;

	while (nheld) {
		int r = virtio_net_recycle(&net, &held[nheld - 1]);

		/* A stopped device keeps nothing: the buffer is taken back
		 * all the same. EDMA leaves it lent: try later. */
		check_rc(r, VIRTIO_OK, "recycle");
		if (r == VIRTIO_EDMA) {
			rc = r;
			break;
		}
		last_recycled = held[--nheld];
		if (r)
			rc = r;
	}
	fuzz_log_op("recycle", rc, "frames=%u", n - nheld);
	return rc;
}

static int op_config(void)
{
	uint8_t mac[6] = { 0 };
	bool up = false;
	int rc_mac = virtio_net_mac_address(&net, mac);
	int rc = virtio_net_link_up(&net, &up);
	bool want_up = !offered(VIRTIO_NET_F_STATUS) || !model.cfg.link_down;

	/* The MAC was read at init: known even after a stop. */
	if (offered(VIRTIO_NET_F_MAC)) {
		if (rc_mac)
			sim_oracle_expect_ok(rc_mac, "virtio_net_mac_address");
		else if (memcmp(mac, model.cfg.mac, 6))
			mismatch(false, "driver's virtio_net_mac_address is not "
				 "the device's [mac=%02x:%02x:%02x:%02x:%02x:%02x]",
				 mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
	} else if (rc_mac != VIRTIO_EUNSUPPORTED) {
		mismatch(false, "driver's virtio_net_mac_address answers %s "
			 "without VIRTIO_NET_F_MAC",
			 virtio_strerror(rc_mac));
	}
	check_rc(rc, VIRTIO_OK, "link_up");
	if (!rc && up != want_up)
		mismatch(false, "driver's virtio_net_link_up says %d, the device "
			 "%d", up, want_up);
	fuzz_log_op("config", rc, "mac_rc=%s mac=%02x%02x%02x%02x%02x%02x up=%d",
		    virtio_strerror(rc_mac), mac[0], mac[1], mac[2], mac[3],
		    mac[4], mac[5], up);
	return rc;
}

/* A stale rx (recycled already) must never give the device a buffer:
 * not even when receive has lent the same buffer again since. */
static int op_recycle_again(void)
{
	struct virtio_net_rx stale = last_recycled;
	int rc = virtio_net_recycle(&net, &stale);

	if (rc != VIRTIO_EINVALID_PARAM)
		mismatch(true, "driver's virtio_net_recycle takes an rx it "
			 "recycled before [slot=%u] [rc=%s]",
			 stale.slot, virtio_strerror(rc));
	fuzz_log_op("recycle_again", rc, "slot=%u", stale.slot);
	return VIRTIO_OK;
}

static struct virtio_transport *cur_t;

static int op_ready(void)
{
	bool send = virtio_net_can_send(&net), recv;

	if (send != !stopped)
		mismatch(false, "driver's virtio_net_can_send says %d on a "
			 "device %s", send, stopped ? "stopped" : "usable");
	recv = virtio_net_can_recv(&net);
	if (!stopped && cur_t->broken) {
		/* A lie seen while looking: the device is stopped. */
		stopped = true;
		if (recv)
			mismatch(true, "driver's virtio_net_can_recv says a frame "
				 "is there on a device it stopped");
	} else if (!stopped && recv != (rx_pending() != 0)) {
		mismatch(false, "driver's virtio_net_can_recv says %d with %llu "
			 "frames returned", recv,
			 (unsigned long long)rx_pending());
	}
	fuzz_log_op("ready", VIRTIO_OK, "can_send=%d can_recv=%d", send, recv);
	return VIRTIO_OK;
}

static void op_interrupts(bool on)
{
	virtio_net_set_interrupts(&net, on);
	fuzz_log_op("interrupts", VIRTIO_OK, "enable=%d", on);
}

static void op_ack(void)
{
	uint32_t isr = virtio_net_ack_interrupt(&net);

	fuzz_log_op("ack_interrupt", VIRTIO_OK, "isr=%u", isr);
}

static void op_loopback(bool on)
{
	sim_net_set_loopback(&model, on);
	fuzz_log_op("loopback", VIRTIO_OK, "on=%d", on);
}

/* The default workload: every operation once, frames both ways. */
#define LE16(v) (v) & 0xff, (v) >> 8
#define SEND(n, seed) 0, LE16(n), seed
#define HOST(n, seed) 1, LE16(n), seed
#define RECV(n) 2, (n) - 1
#define HOLD 3
#define RECYCLE 4
#define IRQS(on) 5, on
#define ACK 6
#define CONFIG 7
#define READY 8
#define LOOP(on) 9, on
#define AGAIN 10

static const uint8_t default_ops[] = {
	CONFIG, READY, HOST(60, 0x10), HOST(1514, 0x20), READY, RECV(4),
	SEND(60, 0x30), SEND(1514, 0x40), SEND(0, 0), LOOP(1), SEND(100, 0x50),
	HOLD, RECYCLE, ACK, IRQS(0), HOST(14, 1), RECV(1), ACK, IRQS(1),
	HOST(14, 2), RECV(1), ACK, READY,
};

unsigned fuzz_net_workload(struct virtio_transport *t, struct fuzz_in *work)
{
	struct fuzz_in def = { default_ops, sizeof default_ops, 0 };
	unsigned ops = 0, failed = 0;
	int rc;

	if (work->len == 0)
		work = &def;
	cur_t = t;
	memset(&last_recycled, 0, sizeof(last_recycled));
	rx_seen = 0;
	nheld = 0;
	stopped = false;
	rc = virtio_net_init(&net, t, rx_storage, NET_BUF_LEN, NET_QUEUE);
	check_rc(rc, VIRTIO_OK, "init");
	fuzz_log_op("init", rc, NULL);
	if (rc) {
		virtio_net_destroy(&net);
		fuzz_log_workload(rc, 0, 0, false);
		return 0;
	}
	while (fuzz_more(work) && ops < NET_MAX_OPS) {
		uint8_t op = fuzz_u8(work) % 11;
		size_t len;

		ops++;
		rc = VIRTIO_OK;
		switch (op) {
		case 0:
			len = fuzz_u16(work) % (FRAME_MAX + 1);
			rc = op_send(len, fuzz_u8(work));
			break;
		case 1:
			len = fuzz_u16(work) % (FRAME_MAX + 1);
			op_host(len, fuzz_u8(work));
			break;
		case 2:
			rc = op_receive(1u + fuzz_u8(work));
			break;
		case 3:
			rc = op_hold();
			break;
		case 4:
			rc = op_recycle();
			break;
		case 5:
			op_interrupts(fuzz_u8(work) & 1);
			break;
		case 6:
			op_ack();
			break;
		case 7:
			rc = op_config();
			break;
		case 8:
			rc = op_ready();
			break;
		case 9:
			op_loopback(fuzz_u8(work) & 1);
			break;
		default:
			rc = op_recycle_again();
			break;
		}
		failed += rc != 0;
	}
	bool completed = !t->broken;

	/* Frames still lent come back with the driver's storage. */
	virtio_net_destroy(&net);
	nheld = 0;
	fuzz_log_workload(0, ops, failed, completed);
	return ops;
}

/* ---- the net device's entry (fuzz/devices.def) ------------------------- */

/* As QEMU's virtio-net: MAC, STATUS and the offloads a driver must
 * decline; small rings keep an iteration cheap, the decision stream still
 * offers any other size. */
static const struct sim_net_config fuzz_net_config = {
	.offloads = true,
	.queue_max = FUZZ_QUEUE_MAX,
};

/* The workload judges answers against this model: pair the two. */
struct sim_vdev *fuzz_net_model(const void *opts)
{
	if (sim_net_create(&model, opts ? opts : &fuzz_net_config))
		return NULL;
	return &model.dev;
}

/* Seed workloads, in the opcodes above. */
static const uint8_t host_frames[] = {
	HOST(0, 0), HOST(1, 1), HOST(14, 2), HOST(60, 3), HOST(64, 4),
	HOST(1000, 5), HOST(1513, 6), HOST(1514, 7), RECV(8), RECV(1),
};
static const uint8_t send_sizes[] = {
	SEND(0, 0), SEND(1, 1), SEND(14, 2), SEND(60, 3), SEND(64, 4),
	SEND(1000, 5), SEND(1513, 6), SEND(1514, 7),
};
static const uint8_t loopback[] = {
	LOOP(1), SEND(60, 0xa0), SEND(1514, 0xb0), SEND(0, 0), RECV(3),
	LOOP(0), SEND(42, 0xc0), RECV(1), READY,
};
/* A stale rx recycled again, also once its buffer is lent again. */
static const uint8_t recycle_twice[] = {
	AGAIN, HOST(60, 0), RECV(1), AGAIN, HOST(61, 1), HOST(62, 2), HOLD,
	HOLD, AGAIN, RECYCLE, AGAIN, RECV(2),
};
/* Frames lent to the caller, recycled last first (tokens out of order). */
static const uint8_t hold_all[] = {
	HOST(60, 0), HOST(61, 1), HOST(62, 2), HOST(63, 3), HOST(64, 4),
	HOLD, HOLD, HOLD, HOLD, READY, RECYCLE, RECV(1), HOLD, RECYCLE,
	RECV(8),
};
static const uint8_t ring_wrap[] = {
	LOOP(1), SEND(60, 0), SEND(60, 1), SEND(60, 2), SEND(60, 3),
	SEND(60, 4), SEND(60, 5), SEND(60, 6), SEND(60, 7), SEND(60, 8),
	SEND(60, 9), RECV(10), SEND(60, 10), SEND(60, 11), SEND(60, 12),
	SEND(60, 13), SEND(60, 14), SEND(60, 15), SEND(60, 16), RECV(8),
};
static const uint8_t interrupts[] = {
	IRQS(0), SEND(60, 0), ACK, HOST(60, 1), RECV(1), ACK, IRQS(1),
	SEND(60, 2), ACK, HOST(60, 3), RECV(1), ACK, ACK,
};
static const uint8_t config_ready[] = {
	CONFIG, READY, HOST(60, 0), READY, HOLD, READY, RECYCLE, READY,
	CONFIG,
};

#define SEED(name, work) { name, work, sizeof(work) }
const struct fuzz_seed fuzz_net_seeds[] = {
	{ "default-workload-every-operation", NULL, 0 },
	SEED("host-frames-0-to-1514-bytes-received", host_frames),
	SEED("send-frames-0-to-1514-bytes", send_sizes),
	SEED("loopback-sent-frames-come-back", loopback),
	SEED("four-frames-held-recycled-last-first", hold_all),
	SEED("loopback-seventeen-frames-ring-wrap", ring_wrap),
	SEED("interrupts-off-and-on-with-acks", interrupts),
	SEED("mac-link-and-readiness", config_ready),
	SEED("stale-rx-recycled-again-refused", recycle_twice),
	{ NULL, NULL, 0 },
};
