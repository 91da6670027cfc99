/* SPDX-License-Identifier: MIT */
/*
 * The socket (vsock) device's entry (fuzz/devices.def): its sim model, the
 * workload the socket_mmio and socket_pci targets and the tests run
 * (operations named by input bytes through the real driver, each answer
 * judged against what the model's host peer knows), and the seed
 * workloads. Not here: the driver (drivers/dev/socket*.c), the model
 * (sim/dev/socket.c).
 *
 * Connections c (byte % 5): peer CID 2, host port / guest port
 *   0: 80/1024+16k  1: 81/1025+16k  (the guest connects; the host accepts)
 *   2: 9/1026+16k   (the host refuses port 9: RST)
 *   3: 3003+16k/7   4: 3004+16k/7  (the host connects; the guest listens
 *                   on 7 unless op 13 says not), k counting the
 *                   connection's incarnations
 * Opcodes (byte % 17); lengths are little-endian:
 *   0 connect c % 3       1 the host connects 3 + ((c + 1) & 1)
 *   2 send c, u16 len (% 1025), u8 seed
 *   3 the host sends c, u16 len (% 1025), u8 seed
 *   4 poll u8 n: up to n + 1 events, until none is there
 *   5 recv c, u16 cap (% 1025)
 *   6 update credit c     7 request credit c
 *   8 shutdown c          9 the host shuts down c
 *  10 force close c      11 the host resets c
 *  12 TRANSPORT_RESET    13 listen u8 on: (on & 1) port 7, else not
 *  14 interrupts u8 e: enable (e & 1), then ack
 *  15 drain: poll, recv everything, update credit, until nothing moves;
 *     then every open connection has every byte the host sent
 *  16 misuse: calls no caller may make (NULL arguments, a fifth
 *     listening port) must be refused, and change nothing
 * Data bytes are seed + i. At most SOCK_MAX_OPS operations run.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz/device.h"
#include "sim/dev/socket.h"
#include "sim/oracle.h"
#include "sim/sim.h"
#include "virtio/socket.h"

#define SOCK_MAX_OPS (FUZZ_QUEUE_MAX + FUZZ_QUEUE_MAX / 2)
#define DATA_MAX 1024u
#define NCONN 5u
#define LISTEN_PORT 7u

_Static_assert(SOCK_MAX_OPS * DATA_MAX <= SIM_SOCKET_LOG,
	       "the model's logs hold every byte a workload moves");

/* Each connection's ports now. A new connection gets a port pair never
 * used before in the iteration (the guest's port for those it opens, the
 * host's for those the host opens), as a real stack would: a packet of
 * an old connection still in a receive buffer then finds none. */
static struct {
	uint32_t host_port, guest_port;
} wconn[NCONN];
static unsigned incarnation[NCONN];

static void new_ports(unsigned c)
{
	static const uint32_t host[3] = { 80, 81, SIM_SOCKET_CLOSED_PORT };
	unsigned k = incarnation[c]++;

	if (c < 3) {
		wconn[c].host_port = host[c];
		wconn[c].guest_port = 1024 + c + 16 * k;
	} else {
		wconn[c].host_port = 3000 + c + 16 * k;
		wconn[c].guest_port = LISTEN_PORT;
	}
}

static struct sim_socket model;
static struct virtio_socket sock;
static struct virtio_transport *cur_t;
static uint8_t data[DATA_MAX];
static bool stopped; /* the driver stopped the device */
static bool listening; /* the workload listens on LISTEN_PORT */

static struct virtio_socket_addr peer_of(unsigned c)
{
	struct virtio_socket_addr a = { VIRTIO_VSOCK_CID_HOST, wconn[c].host_port };

	return a;
}

/* ---- oracle checks ----------------------------------------------------
 * An honest device (nothing deviated) gets no error from a valid call but
 * the connection answers a call may legally get (ENO_CREDIT, ...); a
 * success never follows a lie the driver could see (the model marks the
 * packets and events it lied in; sends are judged by their header's
 * share); stream bytes are judged while nothing deviated: a send is
 * exactly what the host received, a recv exactly the next bytes the host
 * sent, and after a drain every open connection has all of them. Every
 * failed check also writes an `op: oracle` line.
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

/* rc of a call that may also answer alt1/alt2 (0: none) on an honest
 * device. A success on a stopped device is wrong whatever happened. */
static void judge(int rc, const char *call, int alt1, int alt2)
{
	if (stopped) {
		if (rc == VIRTIO_OK)
			mismatch(true, "driver's %s succeeds on a device it "
				 "stopped", call);
	} else if (rc != VIRTIO_OK && (!alt1 || rc != alt1) &&
		   (!alt2 || rc != alt2)) {
		fuzz_log_op("oracle", rc, "expected success from %s", call);
		sim_oracle_expect_ok(rc, call);
	}
}

/* After a call that sent packets returned success: none of them came back
 * with a lie (the header buffer is every packet's first share). */
static void judge_sent(int rc, const char *call)
{
	if (!rc)
		sim_oracle_check(sock.tx_hdr, VIRTIO_VSOCK_HDR_SIZE, 0, call);
}

/* Answers about a connection that a valid call may get from an honest
 * device (the seeds reach them on purpose): not failed operations in the
 * `harness:` line. */
static bool conn_answer(int rc)
{
	return rc == VIRTIO_ENO_CREDIT || rc == VIRTIO_ENOT_CONNECTED ||
	       rc == VIRTIO_ECONN_EXISTS || rc == VIRTIO_EQUEUE_FULL ||
	       rc == VIRTIO_EPEER_SHUTDOWN;
}

static void after(void)
{
	stopped = cur_t->broken;
}

/* ---- operations ------------------------------------------------------- */

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

static void fill(uint8_t *p, size_t n, uint8_t seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(seed + i);
}

static int op_connect(unsigned c)
{
	size_t n;
	int rc;

	/* A connection the driver has keeps its ports (ECONN_EXISTS). */
	if (virtio_socket_recv_available(&sock, peer_of(c), wconn[c].guest_port,
					 &n) == VIRTIO_ENOT_CONNECTED)
		new_ports(c);
	rc = virtio_socket_connect(&sock, peer_of(c), wconn[c].guest_port);

	judge(rc, "virtio_socket_connect", VIRTIO_ECONN_EXISTS,
	      VIRTIO_EQUEUE_FULL);
	judge_sent(rc, "virtio_socket_connect");
	fuzz_log_op("connect", rc, "c=%u", c);
	return rc;
}

static int op_send(unsigned c, size_t len, uint8_t seed)
{
	static const char call[] = "virtio_socket_send";
	struct sim_socket_conn *m =
		sim_socket_find(&model, wconn[c].host_port, wconn[c].guest_port);
	uint32_t before = m ? m->in_len : 0, gen = m ? m->gen : 0;
	/* The host gets the bytes only on a connection it has open (the
	 * driver may not yet have seen its RST or a TRANSPORT_RESET). */
	bool open = m && m->state == SIM_SOCKET_OPEN;
	int rc;

	fill(data, len, seed);
	rc = virtio_socket_send(&sock, peer_of(c), wconn[c].guest_port, data, len);
	/* No connection, no credit, a peer that shut down: answers an
	 * honest device may give (the workload does not track them). */
	if (rc != VIRTIO_ENOT_CONNECTED && rc != VIRTIO_EPEER_SHUTDOWN)
		judge(rc, call, VIRTIO_ENO_CREDIT, 0);
	judge_sent(rc, call);
	if (!rc && open && !sim_deviated()) {
		m = sim_socket_find(&model, wconn[c].host_port,
				    wconn[c].guest_port);
		if (!m || m->gen != gen || m->in_len != before + len)
			mismatch(false, "driver's %s succeeds but the host "
				 "received %u bytes [len=%zu] [c=%u]",
				 call, m ? m->in_len - before : 0, len, c);
		else if (len)
			sim_oracle_same(m->in + before, data, len,
					"driver's %s: the host received other "
					"bytes [c=%u] [len=%zu]", call, c, len);
	}
	m = sim_socket_find(&model, wconn[c].host_port, wconn[c].guest_port);
	fuzz_log_op("send", rc, "c=%u len=%zu fnv=%08x host_got=%u host_fnv=%08x",
		    c, len, fnv(FNV_INIT, data, len), m ? m->in_len : 0,
		    m ? fnv(FNV_INIT, m->in, m->in_len < SIM_SOCKET_LOG
						      ? m->in_len
						      : SIM_SOCKET_LOG)
		      : 0);
	return rc;
}

static void op_host_send(unsigned c, size_t len, uint8_t seed)
{
	int ok;

	fill(data, len, seed);
	ok = sim_socket_host_send(&model, wconn[c].host_port,
				  wconn[c].guest_port, data, len) == 0;
	fuzz_log_op("host_sends", VIRTIO_OK, "c=%u len=%zu sent=%d", c, len, ok);
}

static const char *const ev_name[] = {
	[VIRTIO_SOCKET_EV_NONE] = "none",
	[VIRTIO_SOCKET_EV_CONNECTION_REQUEST] = "connection_request",
	[VIRTIO_SOCKET_EV_CONNECTED] = "connected",
	[VIRTIO_SOCKET_EV_DISCONNECTED] = "disconnected",
	[VIRTIO_SOCKET_EV_RECEIVED] = "received",
	[VIRTIO_SOCKET_EV_CREDIT_UPDATE] = "credit_update",
	[VIRTIO_SOCKET_EV_CREDIT_REQUEST] = "credit_request",
	[VIRTIO_SOCKET_EV_TRANSPORT_RESET] = "transport_reset",
};

/* One poll; *got says an event came. */
static int poll_one(bool *got)
{
	static const char call[] = "virtio_socket_poll";
	struct virtio_socket_event ev;
	int rc = virtio_socket_poll(&sock, &ev);

	*got = rc == VIRTIO_OK;
	if (rc == VIRTIO_ENOT_READY)
		return VIRTIO_OK;
	judge(rc, call, 0, 0);
	if (!rc) {
		/* The packet (or event) came with no lie the driver could
		 * see, in bytes the device wrote; replies went out clean. */
		if (ev.pkt)
			sim_oracle_check(ev.pkt, ev.pkt_len,
					 SIM_ORACLE_DATA | SIM_ORACLE_STATUS, call);
		judge_sent(rc, call);
		fuzz_log_op("event", rc,
			    "type=%s reason=%u port=%u local=%u len=%u cid=%llu",
			    ev.type < sizeof(ev_name) / sizeof(ev_name[0])
				    ? ev_name[ev.type]
				    : "?",
			    ev.reason, ev.peer.port, ev.local_port, ev.len,
			    (unsigned long long)sock.guest_cid);
	}
	return rc;
}

static int op_poll(unsigned max, unsigned *n)
{
	bool got = true;
	int rc = VIRTIO_OK;

	*n = 0;
	while (*n < max && got && !rc) {
		rc = poll_one(&got);
		*n += got;
	}
	return rc;
}

static int recv_some(unsigned c, size_t cap, size_t *got)
{
	static const char call[] = "virtio_socket_recv";
	struct sim_socket_conn *m;
	int rc = virtio_socket_recv(&sock, peer_of(c), wconn[c].guest_port,
				    data, cap, got);

	if (rc != VIRTIO_ENOT_CONNECTED)
		judge(rc, call, 0, 0);
	m = sim_socket_find(&model, wconn[c].host_port, wconn[c].guest_port);
	if (!rc && *got) {
		/* The next bytes of the host's stream, in order. */
		if (!m || m->checked + *got > m->out_sent)
			mismatch(false, "driver's %s returns %zu bytes the host "
				 "never sent [c=%u]", call, *got, c);
		else if (!sim_deviated())
			sim_oracle_same(data, m->out + m->checked, *got,
					"driver's %s returns other bytes than "
					"the host sent [c=%u] [at=%u]",
					call, c, m->checked);
		if (m)
			m->checked += (uint32_t)*got;
	}
	return rc;
}

static int op_recv(unsigned c, size_t cap)
{
	size_t got = 0;
	int rc = recv_some(c, cap, &got);

	fuzz_log_op("recv", rc, "c=%u got=%zu fnv=%08x", c, got,
		    fnv(FNV_INIT, data, got));
	return rc;
}

/* A connection call that sends one packet. */
static int op_ctl(const char *name, unsigned c,
		  int (*fn)(struct virtio_socket *, struct virtio_socket_addr,
			    uint32_t))
{
	int rc = fn(&sock, peer_of(c), wconn[c].guest_port);

	if (rc != VIRTIO_ENOT_CONNECTED && rc != VIRTIO_EPEER_SHUTDOWN)
		judge(rc, name, 0, 0);
	judge_sent(rc, name);
	fuzz_log_op(name, rc, "c=%u", c);
	return rc;
}

static void op_host(const char *name, unsigned c,
		    int (*fn)(struct sim_socket *, uint32_t, uint32_t))
{
	int ok = fn(&model, wconn[c].host_port, wconn[c].guest_port) == 0;

	fuzz_log_op(name, VIRTIO_OK, "c=%u done=%d", c, ok);
}

/* Everything the host sent, on every open connection, reaches the
 * caller: poll, recv, give credit back, until nothing moves. */
static int op_drain(void)
{
	unsigned rounds, n, c;
	int rc = VIRTIO_OK;

	size_t moved = 1;

	/* Ends when a poll finds nothing after a round that moved nothing
	 * (a round's credit update may bring data to the next poll). */
	for (rounds = 0; rounds < 64 && !rc && !stopped; rounds++) {
		size_t got, before = moved;

		rc = op_poll(64, &n);
		after();
		if (!n && !before)
			break;
		moved = 0;
		for (c = 0; c < NCONN && !rc && !stopped; c++) {
			do {
				got = 0;
				rc = recv_some(c, DATA_MAX, &got);
				moved += got;
			} while (!rc && got);
			if (rc == VIRTIO_ENOT_CONNECTED)
				rc = VIRTIO_OK;
			else if (!rc && got == 0 &&
				 virtio_socket_is_established(&sock, peer_of(c),
							      wconn[c].guest_port)) {
				rc = virtio_socket_update_credit(
					&sock, peer_of(c), wconn[c].guest_port);
				if (rc == VIRTIO_EPEER_SHUTDOWN)
					rc = VIRTIO_OK;
				judge(rc, "virtio_socket_update_credit", 0, 0);
			}
			after();
		}
	}
	for (c = 0; c < NCONN && !rc && !stopped && !sim_deviated(); c++) {
		struct sim_socket_conn *m = sim_socket_find(
			&model, wconn[c].host_port, wconn[c].guest_port);

		if (m && m->state == SIM_SOCKET_OPEN && m->checked != m->out_len)
			mismatch(false, "driver's recv got %u of the %u bytes "
				 "the host sent on an open connection after a "
				 "drain [c=%u]", m->checked, m->out_len, c);
	}
	fuzz_log_op("drain", rc, "rounds=%u", rounds);
	return rc;
}

static void op_listen(bool on)
{
	int rc = VIRTIO_OK;

	listening = on;
	if (on)
		rc = virtio_socket_listen(&sock, LISTEN_PORT);
	else
		virtio_socket_unlisten(&sock, LISTEN_PORT);
	if (rc)
		mismatch(true, "driver's virtio_socket_listen refuses the one "
			 "port [rc=%s]", virtio_strerror(rc));
	fuzz_log_op("listen", rc, "on=%d", on);
}

/* Calls with arguments no caller may give: refused (EINVALID_PARAM, or
 * EQUEUE_FULL for a fifth port), whatever the device did. */
static void op_misuse(void)
{
	struct virtio_socket_addr p = peer_of(0);
	uint32_t port = wconn[0].guest_port;
	size_t n = 0;
	unsigned bad = 0, i;
	int rc;

	bad += virtio_socket_poll(&sock, NULL) != (stopped ? VIRTIO_EBROKEN
							     : VIRTIO_EINVALID_PARAM);
	rc = virtio_socket_send(&sock, p, port, NULL, 1);
	bad += rc == VIRTIO_OK;
	rc = virtio_socket_recv(&sock, p, port, NULL, 1, &n);
	bad += rc == VIRTIO_OK;
	rc = virtio_socket_recv(&sock, p, port, data, 1, NULL);
	bad += rc == VIRTIO_OK;
	bad += virtio_socket_recv_available(&sock, p, port, NULL) !=
	       VIRTIO_EINVALID_PARAM;
	bad += virtio_socket_listen(NULL, 1) != VIRTIO_EINVALID_PARAM;
	virtio_socket_unlisten(NULL, 1);
	virtio_socket_unlisten(&sock, 12345); /* never listened: nothing */
	bad += virtio_socket_init(NULL, cur_t) != VIRTIO_EINVALID_PARAM;
	bad += virtio_socket_guest_cid(NULL) != 0;
	bad += virtio_socket_is_established(NULL, p, port);
	for (i = 0; i < VIRTIO_SOCKET_MAX_LISTEN; i++)
		(void)virtio_socket_listen(&sock, 100 + i);
	bad += virtio_socket_listen(&sock, 200) != VIRTIO_EQUEUE_FULL &&
	       sock.nlisten == VIRTIO_SOCKET_MAX_LISTEN;
	for (i = 0; i < VIRTIO_SOCKET_MAX_LISTEN; i++)
		virtio_socket_unlisten(&sock, 100 + i);
	if (listening)
		(void)virtio_socket_listen(&sock, LISTEN_PORT);
	if (bad)
		mismatch(true, "driver takes %u calls no caller may make", bad);
	fuzz_log_op("misuse", VIRTIO_OK, "refused=%d", !bad);
}

static void op_interrupts(bool on)
{
	virtio_socket_set_interrupts(&sock, on);
	fuzz_log_op("interrupts", VIRTIO_OK, "enable=%d isr=%u", on,
		    virtio_socket_ack_interrupt(&sock));
}

/* The default workload: every operation once, data both ways. */
#define LE16(v) (v) & 0xff, (v) >> 8
#define CONNECT(c) 0, c
#define HCONNECT(c) 1, c
#define SEND(c, n, seed) 2, c, LE16(n), seed
#define HSEND(c, n, seed) 3, c, LE16(n), seed
#define POLL(n) 4, (n) - 1
#define RECV(c, n) 5, c, LE16(n)
#define UPDATE(c) 6, c
#define REQUEST(c) 7, c
#define SHUTDOWN(c) 8, c
#define HSHUTDOWN(c) 9, c
#define CLOSE(c) 10, c
#define HRESET(c) 11, c
#define TRESET 12
#define LISTEN(on) 13, on
#define IRQS(on) 14, on
#define DRAIN 15
#define MISUSE 16

static const uint8_t default_ops[] = {
	CONNECT(0), POLL(4), SEND(0, 100, 0x10), HSEND(0, 200, 0x20),
	POLL(4), RECV(0, 1024), UPDATE(0), REQUEST(0), POLL(4),
	HCONNECT(3), POLL(4), SEND(3, 50, 0x30), HSEND(3, 60, 0x40),
	POLL(4), RECV(3, 30), RECV(3, 1024), CONNECT(2), POLL(4),
	SHUTDOWN(0), POLL(4), CLOSE(3), IRQS(0), MISUSE, DRAIN,
};

unsigned fuzz_socket_workload(struct virtio_transport *t, struct fuzz_in *work)
{
	struct fuzz_in def = { default_ops, sizeof default_ops, 0 };
	unsigned ops = 0, failed = 0, n;
	int rc;

	if (work->len == 0)
		work = &def;
	cur_t = t;
	stopped = false;
	for (unsigned c = 0; c < NCONN; c++) {
		incarnation[c] = 0;
		new_ports(c);
	}
	rc = virtio_socket_init(&sock, t);
	judge(rc, "virtio_socket_init", 0, 0);
	fuzz_log_op("init", rc, "cid=%llu",
		    (unsigned long long)virtio_socket_guest_cid(&sock));
	if (rc) {
		virtio_socket_destroy(&sock);
		fuzz_log_workload(rc, 0, 0, false);
		return 0;
	}
	if (!sim_deviated() && sock.guest_cid != model.cfg.guest_cid)
		mismatch(false, "driver's guest CID is not the device's "
			 "[cid=%llu]", (unsigned long long)sock.guest_cid);
	(void)virtio_socket_listen(&sock, LISTEN_PORT);
	listening = true;
	after();
	while (fuzz_more(work) && ops < SOCK_MAX_OPS) {
		uint8_t op = fuzz_u8(work) % 17;
		unsigned c = 0;
		size_t len;

		if (op < 12 && op != 4)
			c = fuzz_u8(work) % NCONN;
		ops++;
		rc = VIRTIO_OK;
		switch (op) {
		case 0:
			rc = op_connect(c % 3);
			break;
		case 1:
			c = 3 + ((c + 1) & 1);
			if (!sim_socket_find(&model, wconn[c].host_port,
					     wconn[c].guest_port) ||
			    sim_socket_find(&model, wconn[c].host_port,
					    wconn[c].guest_port)->state ==
				    SIM_SOCKET_CLOSED)
				new_ports(c);
			op_host("host_connects", c, sim_socket_host_connect);
			break;
		case 2:
			len = fuzz_u16(work) % (DATA_MAX + 1);
			rc = op_send(c, len, fuzz_u8(work));
			break;
		case 3:
			len = fuzz_u16(work) % (DATA_MAX + 1);
			op_host_send(c, len, fuzz_u8(work));
			break;
		case 4:
			rc = op_poll(1u + fuzz_u8(work), &n);
			fuzz_log_op("poll", rc, "events=%u", n);
			break;
		case 5:
			rc = op_recv(c, fuzz_u16(work) % (DATA_MAX + 1));
			break;
		case 6:
			rc = op_ctl("update_credit", c, virtio_socket_update_credit);
			break;
		case 7:
			rc = op_ctl("request_credit", c,
				    virtio_socket_request_credit);
			break;
		case 8:
			rc = op_ctl("shutdown", c, virtio_socket_shutdown);
			break;
		case 9:
			op_host("host_shutdown", c, sim_socket_host_shutdown);
			break;
		case 10:
			rc = op_ctl("force_close", c, virtio_socket_force_close);
			break;
		case 11:
			op_host("host_reset", c, sim_socket_host_reset);
			break;
		case 12:
			sim_socket_transport_reset(&model);
			fuzz_log_op("transport_reset", VIRTIO_OK, NULL);
			break;
		case 13:
			op_listen(fuzz_u8(work) & 1);
			break;
		case 14:
			op_interrupts(fuzz_u8(work) & 1);
			break;
		case 15:
			rc = op_drain();
			break;
		default:
			op_misuse();
			break;
		}
		after();
		failed += rc != 0 && !conn_answer(rc);
	}
	bool completed = !t->broken;

	virtio_socket_destroy(&sock);
	fuzz_log_workload(0, ops, failed, completed);
	return ops;
}

/* ---- the socket device's entry (fuzz/devices.def) ------------------------ */

/* Small rings keep an iteration cheap; the decision stream still offers
 * any other size. */
static const struct sim_socket_config fuzz_socket_config = {
	.queue_max = FUZZ_QUEUE_MAX,
};

struct sim_vdev *fuzz_socket_model(const void *opts)
{
	if (sim_socket_create(&model, opts ? opts : &fuzz_socket_config))
		return NULL;
	return &model.dev;
}

/* Seed workloads, in the opcodes above. */
static const uint8_t sizes[] = {
	CONNECT(0), POLL(2), SEND(0, 0, 0), SEND(0, 1, 1), SEND(0, 467, 2),
	SEND(0, 468, 3), SEND(0, 1024, 4), HSEND(0, 1, 5), HSEND(0, 467, 6),
	HSEND(0, 468, 7), HSEND(0, 469, 8), POLL(8), RECV(0, 1024),
	RECV(0, 1024), DRAIN,
};
/* The host's 4096-byte buffer runs out: ENO_CREDIT and a CREDIT_REQUEST,
 * the host's CREDIT_UPDATE, then room again. */
static const uint8_t credit_out[] = {
	CONNECT(1), POLL(1), SEND(1, 1024, 0), SEND(1, 1024, 1),
	SEND(1, 1024, 2), SEND(1, 1024, 3), SEND(1, 1024, 4), POLL(4),
	SEND(1, 1024, 5), SEND(1, 1024, 6), REQUEST(1), POLL(4),
};
/* The host sends past the guest's 1024-byte buffer: it waits, asks for
 * credit, and goes on once the caller reads and updates. */
static const uint8_t credit_in[] = {
	CONNECT(0), POLL(1), HSEND(0, 1024, 0), HSEND(0, 1024, 1),
	HSEND(0, 700, 2), POLL(16), RECV(0, 500), UPDATE(0), POLL(16),
	RECV(0, 1024), DRAIN,
};
static const uint8_t host_connects[] = {
	HCONNECT(3), HCONNECT(4), POLL(4), HSEND(3, 300, 9), SEND(3, 200, 8),
	POLL(4), RECV(3, 1024), LISTEN(0), HCONNECT(3), CLOSE(3), POLL(2),
	HCONNECT(3), POLL(2), LISTEN(1), HCONNECT(3), POLL(2), DRAIN,
};
static const uint8_t refused[] = {
	CONNECT(2), POLL(2), SEND(2, 10, 0), CONNECT(2), CONNECT(2), POLL(2),
	RECV(2, 10),
};
/* Shutdowns: the host's with data still buffered (the connection lives
 * until it is read), and the guest's (the host answers RST). */
static const uint8_t shutdowns[] = {
	CONNECT(0), CONNECT(1), POLL(4), HSEND(0, 100, 1), HSHUTDOWN(0),
	POLL(4), SEND(0, 10, 0), UPDATE(0), RECV(0, 60), RECV(0, 60),
	POLL(2), SHUTDOWN(1), POLL(2), SEND(1, 1, 1), HRESET(1), POLL(2),
};
static const uint8_t resets[] = {
	CONNECT(0), HCONNECT(3), POLL(4), HSEND(0, 100, 1), TRESET, POLL(4),
	SEND(0, 10, 0), RECV(0, 100), CONNECT(0), POLL(2), SEND(0, 10, 2),
	HRESET(0), POLL(2), CLOSE(0),
};
/* Five connections, four slots: the fifth is refused (EQUEUE_FULL) and a
 * host request beyond them gets RST. */
static const uint8_t table_full[] = {
	CONNECT(0), CONNECT(1), HCONNECT(3), POLL(4), CONNECT(2), POLL(2),
	CONNECT(2), CONNECT(4), HCONNECT(4), POLL(4), CLOSE(0), CONNECT(4),
	POLL(2), DRAIN,
};
static const uint8_t interrupts[] = {
	IRQS(0), CONNECT(0), POLL(1), IRQS(0), HSEND(0, 10, 0), IRQS(1),
	HSEND(0, 10, 1), IRQS(1), POLL(2), RECV(0, 20),
};

#define SEED(name, work) { name, work, sizeof(work) }
const struct fuzz_seed fuzz_socket_seeds[] = {
	{ "default-workload-every-operation", NULL, 0 },
	SEED("stream-sizes-0-to-1024-both-ways", sizes),
	SEED("host-credit-runs-out-and-comes-back", credit_out),
	SEED("host-sends-past-guest-credit-waits", credit_in),
	SEED("host-connects-listening-and-not", host_connects),
	SEED("connect-to-closed-port-reset", refused),
	SEED("shutdown-both-ways-with-data-buffered", shutdowns),
	SEED("transport-reset-drops-connections", resets),
	SEED("five-connections-four-slots", table_full),
	SEED("interrupts-off-and-on-with-acks", interrupts),
	{ NULL, NULL, 0 },
};
