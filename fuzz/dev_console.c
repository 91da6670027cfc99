/* SPDX-License-Identifier: MIT */
/*
 * The console device's entry (fuzz/devices.def): its sim model, the
 * workload the console_mmio and console_pci targets and the tests run
 * (operations named by input bytes through the real driver, each answer
 * judged against what the model knows it did), and the seed workloads.
 * Not here: the driver (drivers/dev/console.c), the model
 * (sim/dev/console.c).
 *
 * Opcodes (byte % 10); lengths are little-endian:
 *   0 send             u8 ch
 *   1 send_bytes       u16 len (% 8193: 0..8192), u8 seed
 *   2 recv, pop        u8 n: up to n + 1 bytes, until none is there
 *   3 recv, no pop     (the next byte, left in place)
 *   4 read (blocking)  u16 len (% 8192 + 1)
 *   5 the host types   u16 len (% 8192 + 1), u8 seed
 *   6 size
 *   7 emergency write  u8 ch
 *   8 ack interrupt
 *   9 stop
 * Bytes sent and typed are seed + i. At most CONSOLE_MAX_OPS operations
 * run; bytes past that are ignored, as after a stop.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz/device.h"
#include "sim/dev/console.h"
#include "sim/oracle.h"
#include "sim/sim.h"
#include "virtio/console.h"

/* As blk's: the queue the model offers and half again. */
#define CONSOLE_MAX_OPS (FUZZ_QUEUE_MAX + FUZZ_QUEUE_MAX / 2)
/* Two pages: sends that cross page boundaries (bounce buffers of two). */
#define SEND_MAX 8192u

_Static_assert(CONSOLE_MAX_OPS * SEND_MAX <= SIM_CONSOLE_IO_MAX,
	       "the model's logs hold everything a workload sends or types");

static struct sim_console model;
static struct virtio_console con;
static uint8_t data[SEND_MAX];

/* What the workload has matched against the model so far. */
static size_t out_seen; /* bytes of the model's output log */
static size_t rx_seen;  /* bytes of the model's sent log the driver returned */

/* ---- oracle checks ----------------------------------------------------
 * What the model knows the answers must be (sim/oracle.h). A call with
 * valid arguments fails on a device that deviated nowhere:
 * honest-device-rejected. The driver copies received bytes out of its own
 * buffer, so they are judged on content: bytes received, bytes the device
 * read from the driver and the size are compared with the model's logs,
 * and a difference is data-mismatch, judged only while nothing deviated
 * (a lying device may make the logs and the driver part ways without the
 * driver being wrong). Every failed check also writes an `op: oracle` line
 * (VFUZZ_HARNESS_LOG=2).
 */
static void mismatch(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
static void mismatch(const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	if (sim_deviated())
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	sim_report(SIM_DATA_MISMATCH, NULL, NULL, "%s", msg);
}

/* `what` returned `rc` where an honest device gives `want`, unless the
 * driver has stopped the device: after ETIMEOUT (a blocking read with
 * nothing typed times out on an honest device too) every call is EBROKEN,
 * as console.h promises. */
static bool stopped;

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

static void check_ok(int rc, const char *what)
{
	check_rc(rc, VIRTIO_OK, what);
}

/* Bytes the device sent or the host typed that the driver has not
 * returned yet: an honest device has them in the driver's buffer or puts
 * them there at the driver's next look. */
static size_t rx_pending(void)
{
	size_t sent;

	sim_console_sent(&model, &sent);
	/* A lying device may have made the driver return more than it sent. */
	return (sent > rx_seen ? sent - rx_seen : 0) +
	       sim_console_input_left(&model);
}

/* `what` returned `n` received bytes: the next ones the device sent. */
static void check_received(const char *what, const uint8_t *got, size_t n,
			   bool consumed)
{
	size_t sent;
	const uint8_t *log = sim_console_sent(&model, &sent);

	if (rx_seen + n > sent || memcmp(got, log + rx_seen, n)) {
		fuzz_log_op("oracle", VIRTIO_OK,
			    "%s returned %zu bytes the device did not send "
			    "[at=%zu] [sent=%zu]",
			    what, n, rx_seen, sent);
		mismatch("driver's console receive returns bytes the device "
			 "did not send [at=%zu] [sent=%zu]",
			 rx_seen, sent);
	}
	if (consumed)
		rx_seen += n;
}

/* `what` got nothing: right only when nothing is pending. */
static void check_nothing_pending(const char *what)
{
	if (rx_pending()) {
		fuzz_log_op("oracle", VIRTIO_OK,
			    "%s returned nothing with %zu bytes pending", what,
			    rx_pending());
		mismatch("driver's console receive returns nothing while the "
			 "device sent bytes it did not hand back [pending=%zu]",
			 rx_pending());
	}
}

/* After `what` succeeded (rc 0): since the last check the device read
 * exactly p[0..n) from the driver. After a failure nothing is promised;
 * what the device read is skipped. */
static void check_output(int rc, const char *what, const uint8_t *p,
			 size_t n)
{
	size_t len;
	const uint8_t *out = sim_console_output(&model, &len);

	if (!rc && (len - out_seen != n || memcmp(out + out_seen, p, n))) {
		fuzz_log_op("oracle", VIRTIO_OK,
			    "%s: the device read %zu bytes, not the %zu sent",
			    what, len - out_seen, n);
		mismatch("driver's console send succeeds but the device read "
			 "other bytes [read=%zu] [sent=%zu]",
			 len - out_seen, n);
	}
	out_seen = len;
}

/* Did the device offer feature `bit` (its decided offer, not its config)? */
static bool offered(unsigned bit)
{
	return model.dev.features_decided && ((model.dev.features >> bit) & 1);
}

static void check_size(bool known, const struct virtio_console_size *s)
{
	bool offer = offered(VIRTIO_CONSOLE_F_SIZE);

	if (known != offer ||
	    (known && (s->columns != model.cfg.cols ||
		       s->rows != model.cfg.rows))) {
		fuzz_log_op("oracle", VIRTIO_OK,
			    "size known=%d %ux%u, the device has known=%d "
			    "%ux%u",
			    known, known ? s->columns : 0, known ? s->rows : 0,
			    offer, model.cfg.cols, model.cfg.rows);
		mismatch("driver's console size is not the device's "
			 "[columns=%u] [rows=%u]",
			 known ? s->columns : 0u, known ? s->rows : 0u);
	}
}

/* ---- operations ------------------------------------------------------- */

/* FNV-1a, so op lines can say which bytes went each way (the tests
 * recompute it from the bytes they expect). Only when op lines are printed
 * (VFUZZ_HARNESS_LOG=2, read here as fuzz_init does: the harness has no
 * query for it): hashing every byte would slow the fuzzer down. */
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

/* Bytes the device read from the driver since the last check_output
 * (during this operation), and their hash. */
static size_t device_read(uint32_t *h)
{
	size_t len;
	const uint8_t *out = sim_console_output(&model, &len);

	*h = fnv(FNV_INIT, out + out_seen, len - out_seen);
	return len - out_seen;
}

static void fill(uint8_t *p, size_t n, uint8_t seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(seed + i);
}

static int op_send(uint8_t ch)
{
	int rc = virtio_console_send(&con, ch);
	uint32_t h;
	size_t n = device_read(&h);

	check_ok(rc, "send");
	check_output(rc, "send", &ch, 1);
	fuzz_log_op("send", rc, "device_read=%zu fnv=%08x", n, h);
	return rc;
}

static int op_send_bytes(size_t len, uint8_t seed)
{
	int rc;
	uint32_t h;
	size_t n;

	fill(data, len, seed);
	rc = virtio_console_send_bytes(&con, data, len);
	n = device_read(&h);
	check_ok(rc, "send_bytes");
	check_output(rc, "send_bytes", data, len);
	fuzz_log_op("send_bytes", rc, "len=%zu device_read=%zu fnv=%08x", len,
		    n, h);
	return rc;
}

static int op_recv(bool pop, unsigned max)
{
	unsigned n = 0;
	uint8_t ch = 0;
	uint32_t h = FNV_INIT;
	bool got = true;
	int rc = VIRTIO_OK;

	while (n < max && got) {
		rc = virtio_console_recv(&con, pop, &ch, &got);
		check_ok(rc, "recv");
		if (rc)
			break;
		if (got) {
			check_received("recv", &ch, 1, pop);
			h = fnv(h, &ch, 1);
		} else {
			check_nothing_pending("recv");
		}
		n += got;
	}
	fuzz_log_op(pop ? "recv" : "recv_peek", rc, "bytes=%u fnv=%08x", n, h);
	return rc;
}

static int op_read(size_t len)
{
	size_t n = 0;
	bool pending = rx_pending() != 0;
	int rc = virtio_console_read(&con, data, len, &n);

	/* Nothing to say: an honest device lets the blocking read time out. */
	check_rc(rc, pending ? VIRTIO_OK : VIRTIO_ETIMEOUT, "read");
	if (!rc)
		check_received("read", data, n, true);
	fuzz_log_op("read", rc, "bytes=%zu fnv=%08x", n, fnv(FNV_INIT, data, n));
	return rc;
}

static int op_size(void)
{
	struct virtio_console_size s = { 0, 0 };
	bool known = false;
	int rc = virtio_console_size(&con, &s, &known);

	check_ok(rc, "size");
	if (!rc)
		check_size(known, &s);
	fuzz_log_op("size", rc, "known=%d cols=%u rows=%u", known, s.columns,
		    s.rows);
	return rc;
}

static int op_emergency_write(uint8_t ch)
{
	int rc = virtio_console_emergency_write(&con, ch);
	uint32_t h;
	size_t n = device_read(&h);

	if (offered(VIRTIO_CONSOLE_F_EMERG_WRITE)) {
		check_ok(rc, "emergency_write");
	} else {
		check_rc(rc, VIRTIO_EUNSUPPORTED, "emergency_write");
	}
	check_output(rc, "emergency_write", &ch, 1);
	fuzz_log_op("emergency_write", rc, "device_read=%zu fnv=%08x", n, h);
	return rc;
}

static int op_interrupt(void)
{
	bool received = false;
	int rc = virtio_console_ack_interrupt(&con, &received);

	check_ok(rc, "ack_interrupt");
	fuzz_log_op("ack_interrupt", rc, "received=%d", received);
	return rc;
}

static void op_host(size_t len, uint8_t seed)
{
	fill(data, len, seed);
	len = sim_console_host_write(&model, data, len);
	fuzz_log_op("host_types", VIRTIO_OK, "bytes=%zu", len);
}

/* The default workload: every operation once, input both ways. */
static const uint8_t default_ops[] = {
	5, 15, 0, 'a',   /* the host types 16 bytes */
	8,               /* interrupt: they arrived */
	3,               /* peek at the first */
	2, 15,           /* take all 16 */
	0, 'X',          /* send one byte */
	1, 44, 1, 0x20,  /* send 300 bytes */
	6,               /* size */
	7, '!',          /* emergency write */
	5, 7, 0, 'A',    /* the host types 8 more */
	4, 7, 0,         /* read them, blocking */
	2, 0,            /* nothing left */
};

unsigned fuzz_console_workload(struct virtio_transport *t,
			       struct fuzz_in *work)
{
	struct fuzz_in def = { default_ops, sizeof default_ops, 0 };
	unsigned ops = 0, failed = 0;
	int rc;

	if (work->len == 0)
		work = &def;
	out_seen = rx_seen = 0;
	stopped = false;
	rc = virtio_console_init(&con, t);
	check_ok(rc, "init");
	fuzz_log_op("init", rc, NULL);
	if (rc) {
		virtio_console_destroy(&con);
		fuzz_log_workload(rc, 0, 0, false);
		return 0;
	}
	while (fuzz_more(work) && ops < CONSOLE_MAX_OPS) {
		uint8_t op = fuzz_u8(work) % 10;

		ops++;
		rc = VIRTIO_OK;
		switch (op) {
		case 0:
			rc = op_send(fuzz_u8(work));
			break;
		case 1: {
			size_t len = fuzz_u16(work) % (SEND_MAX + 1);

			rc = op_send_bytes(len, fuzz_u8(work));
			break;
		}
		case 2:
			rc = op_recv(true, 1u + fuzz_u8(work));
			break;
		case 3:
			rc = op_recv(false, 1);
			break;
		case 4:
			rc = op_read(1u + fuzz_u16(work) % SEND_MAX);
			break;
		case 5: {
			size_t len = 1u + fuzz_u16(work) % SEND_MAX;

			op_host(len, fuzz_u8(work));
			break;
		}
		case 6:
			rc = op_size();
			break;
		case 7:
			rc = op_emergency_write(fuzz_u8(work));
			break;
		case 8:
			rc = op_interrupt();
			break;
		default:
			work->pos = work->len;
			break;
		}
		failed += rc != 0;
	}
	bool completed = !t->broken;

	virtio_console_destroy(&con);
	fuzz_log_workload(0, ops, failed, completed);
	return ops;
}

/* ---- the console device's entry (fuzz/devices.def) --------------------- */

/* Every feature offered, as QEMU's virtio-serial offers MULTIPORT and
 * EMERG_WRITE (and this model SIZE too); small rings keep an iteration
 * cheap, the decision stream still offers any other size. */
static const struct sim_console_config fuzz_console_config = {
	.cols = 80,
	.rows = 25,
	.max_nr_ports = 1,
	.multiport = true,
	.queue_max = FUZZ_QUEUE_MAX,
};

/* The workload judges answers against this model: pair the two. */
struct sim_vdev *fuzz_console_model(const void *opts)
{
	if (sim_console_create(&model, opts ? opts : &fuzz_console_config))
		return NULL;
	return &model.dev;
}

/* Seed workloads, in the opcodes above. */
#define LE16(v) (v) & 0xff, (v) >> 8
#define SEND(ch) 0, ch
#define SEND_BYTES(n, seed) 1, LE16(n), seed
#define RECV(n) 2, (n) - 1
#define PEEK 3
#define READ(n) 4, LE16((n) - 1)
#define HOST(n, seed) 5, LE16((n) - 1), seed
#define GET_SIZE 6
#define EMERG(ch) 7, ch
#define IRQ 8

static const uint8_t one_byte_sends[] = {
	SEND('h'), SEND('e'), SEND('l'), SEND('l'), SEND('o'), SEND('\n'),
	SEND(0), SEND(0xff),
};
/* Empty, tiny, around a page and two whole pages. */
static const uint8_t send_sizes[] = {
	SEND_BYTES(0, 0),     SEND_BYTES(1, 1),     SEND_BYTES(2, 2),
	SEND_BYTES(63, 3),    SEND_BYTES(64, 4),    SEND_BYTES(511, 5),
	SEND_BYTES(4095, 6),  SEND_BYTES(4096, 7),  SEND_BYTES(4097, 8),
	SEND_BYTES(8192, 9),
};
static const uint8_t recv_pop_and_peek[] = {
	PEEK, HOST(64, 0x30), PEEK, PEEK, RECV(32), PEEK, RECV(32), RECV(1),
	PEEK,
};
/* More input than the 4096-byte receive buffer: it goes round twice. */
static const uint8_t read_two_buffers[] = {
	HOST(5000, 0x11), READ(8192), READ(8192), RECV(1), HOST(3, 0x7e),
	READ(1), READ(2),
};
static const uint8_t size_and_emergency[] = {
	GET_SIZE, EMERG('E'), EMERG(0), EMERG(0xff), GET_SIZE,
};
static const uint8_t interrupts[] = {
	IRQ, HOST(10, 0x40), IRQ, IRQ, RECV(10), IRQ, HOST(1, 0), IRQ, PEEK,
	RECV(2),
};
static const uint8_t echo_interleaved[] = {
	HOST(5, 'a'),     RECV(5), SEND_BYTES(5, 'a'), HOST(300, 0),
	SEND('!'),        READ(100), RECV(100), SEND_BYTES(1000, 0x80),
	READ(200),        EMERG('.'), IRQ, GET_SIZE, RECV(1),
};

#define SEED(name, work) { name, work, sizeof(work) }
const struct fuzz_seed fuzz_console_seeds[] = {
	{ "default-workload-every-operation", NULL, 0 },
	SEED("send-one-byte-at-a-time", one_byte_sends),
	SEED("send-bytes-0-to-8192-across-pages", send_sizes),
	SEED("host-input-recv-with-and-without-pop", recv_pop_and_peek),
	SEED("host-input-past-the-receive-buffer-read-blocking",
	     read_two_buffers),
	SEED("size-and-emergency-writes", size_and_emergency),
	SEED("interrupts-with-and-without-input", interrupts),
	SEED("echo-send-and-receive-interleaved", echo_interleaved),
	{ NULL, NULL, 0 },
};
