/* SPDX-License-Identifier: MIT */
/*
 * virtio-console device model (VirtIO 1.2, 5.3), port 0: transmit buffers
 * are read into the host's output log and returned at once (or later, as
 * "vq.defer" says); receive buffers are held until the host has input, then
 * filled with as much of it as fits. Emergency writes land in the output
 * log too. Not here: ring parsing (vq.c), registers (fronts).
 */
#include <string.h>

#include "sim/decide.h"
#include "sim/dev/console.h"
#include "sim/device.h"
#include "virtio/le.h"
#include "virtio/spec/console.h"

#define BIT(n) (1ull << (n))
#define RXQ VIRTIO_CONSOLE_RECEIVEQ
#define TXQ VIRTIO_CONSOLE_TRANSMITQ

/* 5.3.4 struct virtio_console_config: field offsets, widths, names. */
static const struct console_field {
	uint8_t off, width;
	const char *name;
} fields[] = {
	{ VIRTIO_CONSOLE_CFG_COLS, 2, "console.cols" },
	{ VIRTIO_CONSOLE_CFG_ROWS, 2, "console.rows" },
	{ VIRTIO_CONSOLE_CFG_MAX_NR_PORTS, 4, "console.max_nr_ports" },
	{ VIRTIO_CONSOLE_CFG_EMERG_WR, 4, "console.emerg_wr" },
};

static const char *console_config_field(void *model, uint32_t off,
					unsigned *width)
{
	(void)model;
	for (size_t i = sizeof(fields) / sizeof(fields[0]); i-- > 0;) {
		if (off >= fields[i].off) {
			*width = fields[i].width;
			return fields[i].name;
		}
	}
	return NULL;
}

static void log_bytes(uint8_t *log, size_t *len, uint64_t *total,
		      const uint8_t *p, size_t n)
{
	size_t k = SIM_CONSOLE_IO_MAX - *len;

	if (k > n)
		k = n;
	memcpy(log + *len, p, k);
	*len += k;
	*total += n;
}

/* The device uses its queues only while live (3.1.1: after DRIVER_OK) and
 * not waiting for a reset. */
static bool live(const struct sim_vdev *d)
{
	return (d->status & VIRTIO_STATUS_DRIVER_OK) &&
	       !(d->status & VIRTIO_STATUS_DEVICE_NEEDS_RESET);
}

/* ---- transmitq: the driver's bytes to the host -------------------------- */

static uint32_t console_handle(void *model, struct sim_vq *q,
			       const struct sim_chain *ch)
{
	struct sim_console *c = model;
	uint64_t off = 0;

	if (q->index != TXQ)
		return 0; /* receive buffers are filled by serve_rx only */
	if (ch->writable) {
		sim_report(SIM_DESC_MALFORMED, NULL, NULL,
			   "driver puts a device-writable buffer in the "
			   "console's transmitq (5.3.6.1) [queue=%u] [head=%u] "
			   "[writable=%llu]",
			   q->index, ch->head, (unsigned long long)ch->writable);
		return 0;
	}
	while (off < ch->readable) {
		uint8_t scratch[256], *dst = scratch;
		uint64_t k = ch->readable - off;
		int64_t got;

		/* Past a full log the bytes are still read (the device takes
		 * them) and counted. */
		if (c->output_len < SIM_CONSOLE_IO_MAX) {
			dst = c->output + c->output_len;
			if (k > SIM_CONSOLE_IO_MAX - c->output_len)
				k = SIM_CONSOLE_IO_MAX - c->output_len;
		} else if (k > sizeof(scratch)) {
			k = sizeof(scratch);
		}
		got = sim_chain_read(ch, off, dst, k);
		if (got <= 0)
			break; /* DMA refused: the finding is made */
		if (dst != scratch)
			c->output_len += (size_t)got;
		c->output_total += (uint64_t)got;
		off += (uint64_t)got;
	}
	sim_trace("console: tx head=%llu bytes=%llu", ch->head, off, 0, 0);
	return 0; /* the device writes nothing into a transmit buffer */
}

/* ---- receiveq: the host's input to the driver --------------------------- */

/* Fill one receive buffer; returns the bytes written (the used len). */
static uint32_t fill_rx(struct sim_console *c, struct sim_vq *q,
			const struct sim_chain *ch)
{
	uint64_t left = sim_console_input_left(c), n, host, off;

	/* 5.3.6.1: receive buffers are device-writable only. */
	if (ch->readable || !ch->writable) {
		sim_report(SIM_DESC_MALFORMED, NULL, NULL,
			   "driver puts a device-readable buffer in the "
			   "console's receiveq (5.3.6.1) [queue=%u] [head=%u] "
			   "[readable=%llu] [writable=%llu]",
			   q->index, ch->head, (unsigned long long)ch->readable,
			   (unsigned long long)ch->writable);
		return 0;
	}
	n = sim_decide("console.rx_len",
		       left < ch->writable ? left : ch->writable, 4);
	if (n > ch->writable)
		n = ch->writable;
	host = n < left ? n : left;
	if (n - host > SIM_CONSOLE_MADE_UP_MAX)
		n = host + SIM_CONSOLE_MADE_UP_MAX;
	if (sim_chain_write(ch, 0, c->input + c->input_pos, host) < 0)
		return 0;
	log_bytes(c->sent, &c->sent_len, &c->sent_total,
		  c->input + c->input_pos, (size_t)host);
	c->input_pos += (size_t)host;
	/* A lying length: bytes the host never typed. */
	for (off = host; off < n;) {
		uint8_t made[256];
		uint64_t k = n - off < sizeof(made) ? n - off : sizeof(made);

		for (uint64_t i = 0; i < k; i++)
			made[i] = (uint8_t)sim_decide("console.rx_byte", 0, 1);
		if (sim_chain_write(ch, off, made, k) < 0)
			return (uint32_t)off;
		log_bytes(c->sent, &c->sent_len, &c->sent_total, made,
			  (size_t)k);
		off += k;
	}
	sim_trace("console: rx head=%llu bytes=%llu from_host=%llu", ch->head,
		  n, host, 0);
	return (uint32_t)n;
}

/* Fill the receive buffers the device holds while the host has input. */
static void serve_rx(struct sim_console *c)
{
	struct sim_vdev *d = &c->dev;
	struct sim_vq *q = &d->q[RXQ];
	uint16_t old = q->used_idx, head;
	bool any = false;

	if (!live(d) || !q->ready || q->broken)
		return;
	while (sim_console_input_left(c) && q->npending &&
	       sim_vq_pick(q, &head)) {
		uint32_t len = 0;

		if (sim_vq_chain(q, head, &d->chain) == 0)
			len = fill_rx(c, q, &d->chain);
		else
			sim_vdev_needs_reset(d);
		/* A malformed chain is still returned (len 0), as the core
		 * does, so a driver in record mode is not left waiting. */
		if (sim_vq_push(q, head, len) || q->broken ||
		    (d->status & VIRTIO_STATUS_DEVICE_NEEDS_RESET))
			break;
		any = true;
	}
	(void)sim_vq_flush(q); /* an IN_ORDER batch held back (vq.batch) */
	if (q->broken)
		sim_vdev_needs_reset(d);
	if (any && sim_vq_need_interrupt(q, old))
		sim_vdev_interrupt(d, VIRTIO_MMIO_INT_VRING);
}

/* ---- device hooks -------------------------------------------------------- */

/* The core's notify handling, except that receive buffers wait for input
 * and deferred transmits are this model's own (the core's deferral would
 * serve the receiveq too). */
static void console_notify(void *model, struct sim_vdev *d, struct sim_vq *q)
{
	struct sim_console *c = model;

	if (sim_vq_fetch(q) < 0) {
		sim_vdev_needs_reset(d);
		return;
	}
	if (q->index == RXQ) {
		serve_rx(c);
		return;
	}
	if (!q->npending)
		return;
	if (sim_decide_flag("vq.defer")) {
		c->tx_waiting = true;
		return;
	}
	sim_vdev_serve(d, q);
}

/* Each driver poll: deferred transmits may complete, input may arrive. */
static void console_poll(void *model, struct sim_vdev *d)
{
	struct sim_console *c = model;
	struct sim_vq *tx = &d->q[TXQ];

	if (!live(d))
		return;
	if (c->tx_waiting) {
		if (!tx->npending || tx->broken)
			c->tx_waiting = false;
		else if (!sim_decide_flag("vq.defer")) {
			sim_vdev_serve(d, tx);
			c->tx_waiting = tx->npending != 0;
		}
	}
	serve_rx(c);
}

static void console_reset(void *model)
{
	struct sim_console *c = model;

	c->tx_waiting = false; /* the core cleared the queues */
}

/* 5.3.4: emerg_wr is the one writable field, and exists only when the
 * device offers VIRTIO_CONSOLE_F_EMERG_WRITE; 5.3.5.1: the device takes a
 * write at any time, even before the driver is done initialising. */
static int console_config_write(void *model, uint32_t off, unsigned width,
				uint32_t val)
{
	struct sim_console *c = model;
	uint8_t ch = (uint8_t)val;

	if (off < VIRTIO_CONSOLE_CFG_EMERG_WR)
		return -1;
	if (!(sim_vdev_device_features(&c->dev) &
	      BIT(VIRTIO_CONSOLE_F_EMERG_WRITE))) {
		sim_report(SIM_STATUS_PROTOCOL, NULL, NULL,
			   "driver writes emerg_wr on a console that does not "
			   "offer VIRTIO_CONSOLE_F_EMERG_WRITE [offset=0x%x] "
			   "[width=%u] [value=0x%x]",
			   off, width, val);
		return 0;
	}
	/* A legacy driver may write the field bytewise: its low byte is the
	 * character, the others carry nothing. */
	if (off == VIRTIO_CONSOLE_CFG_EMERG_WR) {
		log_bytes(c->output, &c->output_len, &c->output_total, &ch, 1);
		sim_trace("console: emergency write 0x%llx", ch, 0, 0, 0);
	}
	return 0;
}

static const struct sim_vdev_ops console_ops = {
	.reset = console_reset,
	.handle = console_handle,
	.config_field = console_config_field,
	.config_write = console_config_write,
	.notify = console_notify,
	.poll = console_poll,
};

int sim_console_create(struct sim_console *c,
		       const struct sim_console_config *cfg)
{
	static const struct sim_console_config defaults;
	uint64_t features = 0;
	uint8_t *p;

	if (!cfg)
		cfg = &defaults;
	if (cfg->input_len > SIM_CONSOLE_IO_MAX ||
	    (cfg->input_len && !cfg->input))
		return -1;
	c->cfg = *cfg;
	if (!c->cfg.cols && !c->cfg.rows) {
		c->cfg.cols = 80;
		c->cfg.rows = 25;
	}
	if (!c->cfg.max_nr_ports)
		c->cfg.max_nr_ports = 1;
	if (!c->cfg.queue_max)
		c->cfg.queue_max = SIM_CONSOLE_DEFAULT_QUEUE_MAX;
	c->tx_waiting = false;
	c->input_len = cfg->input_len;
	c->input_pos = 0;
	if (cfg->input_len)
		memcpy(c->input, cfg->input, cfg->input_len);
	c->output_len = c->sent_len = 0;
	c->output_total = c->sent_total = 0;

	if (!cfg->no_size)
		features |= BIT(VIRTIO_CONSOLE_F_SIZE);
	if (!cfg->no_emerg_write)
		features |= BIT(VIRTIO_CONSOLE_F_EMERG_WRITE);
	if (cfg->multiport)
		features |= BIT(VIRTIO_CONSOLE_F_MULTIPORT);
	/* Port 0's receiveq and transmitq; no control queues. */
	sim_vdev_init(&c->dev, VIRTIO_ID_CONSOLE, features, 2,
		      c->cfg.queue_max, &console_ops, c);
	p = c->dev.config;
	memset(p, 0, SIM_CONSOLE_CONFIG_LEN);
	virtio_put_le16(p + VIRTIO_CONSOLE_CFG_COLS, c->cfg.cols);
	virtio_put_le16(p + VIRTIO_CONSOLE_CFG_ROWS, c->cfg.rows);
	virtio_put_le32(p + VIRTIO_CONSOLE_CFG_MAX_NR_PORTS, c->cfg.max_nr_ports);
	c->dev.config_len = SIM_CONSOLE_CONFIG_LEN;
	return 0;
}

size_t sim_console_host_write(struct sim_console *c, const void *bytes,
			      size_t n)
{
	size_t room = SIM_CONSOLE_IO_MAX - c->input_len;

	if (n > room)
		n = room;
	if (n) {
		memcpy(c->input + c->input_len, bytes, n);
		c->input_len += n;
		sim_trace("console: host types %llu bytes", n, 0, 0, 0);
	}
	serve_rx(c); /* the device does not wait for the driver to look */
	return n;
}
