/* SPDX-License-Identifier: MIT */
/*
 * virtio-console driver (VirtIO 1.2, 5.3), port 0: one receive buffer kept
 * with the device, blocking sends, the size under one config generation,
 * emergency write. Where the virtio-drivers crate trusts the device (it
 * asserts a receive's used len is not 0 and takes it as the byte count)
 * this driver checks, and stops a device that lies. Queue mechanics are in
 * queue/; the init sequence in dev/device.c.
 */
#include <string.h>

#include "virtio/console.h"
#include "virtio/device.h"
#include "virtio/errors.h"
#include "virtio/le.h"
#include "virtio/spec.h"
#include "virtio/spec/console.h"

#define BIT(n) (1ull << (n))
#define CONSOLE_WANTED                                                         \
	(BIT(VIRTIO_CONSOLE_F_SIZE) | BIT(VIRTIO_CONSOLE_F_EMERG_WRITE))

_Static_assert(VIRTIO_CONSOLE_RX_BYTES > 0 &&
		       VIRTIO_CONSOLE_RX_BYTES <= UINT32_MAX,
	       "the receive buffer is one descriptor");

static int check_usable(const struct virtio_console *c)
{
	int rc;

	if (!c || !c->t)
		return VIRTIO_EINVALID_PARAM; /* cov-exempt: api-misuse */
	if (c->t->broken)
		return VIRTIO_EBROKEN;
	rc = virtq_check(&c->rxq);
	return rc ? rc : virtq_check(&c->txq);
}

/* Give the device the receive buffer, unless it has it or still holds
 * bytes recv has not returned (the crate's poll_retrieve). */
static int give_rx(struct virtio_console *c)
{
	struct virtq_buf in = { c->rx_buf, sizeof(c->rx_buf) };
	uint16_t token;
	int rc;

	if (c->rx_out || c->rx_cursor != c->rx_len)
		return VIRTIO_OK;
	rc = virtq_add(&c->rxq, NULL, 0, &in, 1, &token);
	if (rc)
		return rc;
	c->rx_out = true;
	c->rx_token = token;
	virtq_kick(&c->rxq);
	return VIRTIO_OK;
}

/* If the device has filled the receive buffer, take it back. *received
 * (may be NULL) says it did. */
static int take_rx(struct virtio_console *c, bool *received)
{
	uint16_t token;
	uint32_t len = 0;
	int rc;

	if (!c->rx_out)
		return VIRTIO_OK;
	rc = virtq_peek_used(&c->rxq, &token);
	if (rc == VIRTIO_ENOT_READY)
		return VIRTIO_OK;
	/* The queue validated the entry: the id is in flight, and only the
	 * receive buffer is ever in flight here. */
	if (!rc && token != c->rx_token)
		rc = VIRTIO_EBAD_USED; /* cov-exempt: redundant */
	if (!rc)
		rc = virtq_pop_used(&c->rxq, token, &len);
	if (rc) {
		if (rc == VIRTIO_EBAD_USED)
			virtio_device_stop(c->t); /* rx_buf comes back at destroy */
		return rc;
	}
	c->rx_out = false;
	/* 2.7.8: len is what the device wrote; pop checked it is inside the
	 * buffer. A filled receive buffer holds at least one byte: 0 is a
	 * lie (the crate asserts it away). */
	if (len == 0 || len > sizeof(c->rx_buf)) {
		virtio_device_stop(c->t);
		return VIRTIO_EBAD_USED;
	}
	c->rx_cursor = 0;
	c->rx_len = len;
	if (received)
		*received = true;
	return VIRTIO_OK;
}

/* Both queues of port 0; each chain is one buffer, so a queue of 1 entry
 * would do. If the second fails the first goes (after a reset: only a
 * reset device owns nothing), so a failed init holds nothing. */
static int setup_queues(void *drv, struct virtio_transport *t)
{
	struct virtio_console *c = drv;
	int rc;

	c->has_size = virtio_has_feature(t, VIRTIO_CONSOLE_F_SIZE);
	c->has_emerg_write = virtio_has_feature(t, VIRTIO_CONSOLE_F_EMERG_WRITE);
	rc = virtq_init(&c->rxq, t, VIRTIO_CONSOLE_RECEIVEQ,
			VIRTQ_MEM(&c->rxq_mem), 0, 1);
	if (rc)
		return rc;
	rc = virtq_init(&c->txq, t, VIRTIO_CONSOLE_TRANSMITQ,
			VIRTQ_MEM(&c->txq_mem), 0, 1);
	if (rc) {
		(void)virtio_reset(t);
		virtq_destroy(&c->rxq);
	}
	return rc;
}

/* No config is read at init: the size is read when asked for (it may
 * change: a config interrupt), emerg_wr is write-only. */
static const struct virtio_device_desc console_device = {
	.device_id = VIRTIO_ID_CONSOLE,
	.wanted = CONSOLE_WANTED,
	.required = 0,
	.setup_queues = setup_queues,
};

int virtio_console_init(struct virtio_console *c, struct virtio_transport *t)
{
	int rc;

	if (!c)
		return VIRTIO_EINVALID_PARAM; /* cov-exempt: api-misuse */
	/* What destroy looks at, before anything can fail. */
	c->t = NULL;
	virtq_clear(&c->rxq);
	virtq_clear(&c->txq);
	c->has_size = c->has_emerg_write = false;
	c->rx_out = false;
	c->rx_cursor = c->rx_len = 0;
	rc = virtio_device_check(t, &console_device);
	if (rc)
		return rc;
	c->t = t; /* ours from here: destroy resets it */
	rc = virtio_device_init(t, &console_device, c);
	if (rc)
		return rc;
	/* The device is live: give it the receive buffer (the crate's
	 * poll_retrieve in new). */
	rc = give_rx(c);
	if (rc) {
		(void)virtio_reset(t);
		virtq_destroy(&c->rxq);
		virtq_destroy(&c->txq);
		virtio_fail(t);
	}
	return rc;
}

int virtio_console_size(struct virtio_console *c,
			struct virtio_console_size *size, bool *known)
{
	uint8_t raw[4];
	unsigned tries;
	int rc = check_usable(c);

	if (rc)
		return rc;
	if (!size || !known)
		return VIRTIO_EINVALID_PARAM; /* cov-exempt: api-misuse */
	*known = false;
	if (!c->has_size)
		return VIRTIO_OK;
	/* 2.5.1: cols and rows from one generation. Each field is read at its
	 * own width (4.1.3.1, 4.2.2.2), so one virtio_config_read of both
	 * would not do; the generation brackets the two. Every u16 value is a
	 * size, so nothing else to check. */
	for (tries = 0; tries < VIRTIO_CONFIG_RETRIES; tries++) {
		uint32_t gen = virtio_config_generation(c->t);

		rc = virtio_config_read(c->t, VIRTIO_CONSOLE_CFG_COLS, raw, 2);
		if (!rc)
			rc = virtio_config_read(c->t, VIRTIO_CONSOLE_CFG_ROWS,
						raw + 2, 2);
		if (rc)
			return rc;
		if (virtio_config_generation(c->t) == gen) {
			size->columns = virtio_get_le16(raw);
			size->rows = virtio_get_le16(raw + 2);
			*known = true;
			return VIRTIO_OK;
		}
	}
	return VIRTIO_ECONFIG_UNSTABLE;
}

int virtio_console_send_bytes(struct virtio_console *c, const void *buf,
			      size_t len)
{
	struct virtq_buf out = { (void *)buf, len }; /* the device only reads */
	uint32_t used = 0;
	int rc = check_usable(c);

	if (rc)
		return rc;
	if (!buf && len)
		return VIRTIO_EINVALID_PARAM; /* cov-exempt: api-misuse */
	if (len == 0)
		return VIRTIO_OK; /* nothing to send (embedded-io's write) */
	if (len > UINT32_MAX)
		return VIRTIO_EINVALID_PARAM; /* cov-exempt: api-misuse */
	/* The queue checks the used entry: the id in flight, and a len of 0,
	 * the bytes a device may write into a buffer it only reads. */
	rc = virtq_add_wait(&c->txq, &out, 1, NULL, 0, &used);
	if (rc == VIRTIO_ETIMEOUT || rc == VIRTIO_EBAD_USED ||
	    rc == VIRTIO_ENEEDS_RESET) {
		/* buf is on loan to the device: take it back (reset, then
		 * destroy the queue) before returning it to the caller. */
		virtio_device_stop(c->t);
		virtq_destroy(&c->txq);
	}
	return rc;
}

int virtio_console_send(struct virtio_console *c, uint8_t ch)
{
	return virtio_console_send_bytes(c, &ch, 1);
}

int virtio_console_recv(struct virtio_console *c, bool pop, uint8_t *ch,
			bool *got)
{
	int rc = check_usable(c);

	if (rc)
		return rc;
	if (!ch || !got)
		return VIRTIO_EINVALID_PARAM; /* cov-exempt: api-misuse */
	*got = false;
	rc = take_rx(c, NULL);
	if (rc)
		return rc;
	if (c->rx_cursor == c->rx_len)
		return give_rx(c); /* nothing unread: the device may fill it */
	*ch = c->rx_buf[c->rx_cursor];
	*got = true;
	if (pop) {
		c->rx_cursor++;
		/* The byte is the caller's either way: if the buffer cannot go
		 * back now (EDMA), the next recv or read tries again. */
		(void)give_rx(c);
	}
	return VIRTIO_OK;
}

int virtio_console_read(struct virtio_console *c, void *buf, size_t len,
			size_t *n)
{
	uint32_t i, budget, k;
	int rc = check_usable(c);

	if (rc)
		return rc;
	if (!n || (!buf && len))
		return VIRTIO_EINVALID_PARAM; /* cov-exempt: api-misuse */
	*n = 0;
	if (len == 0)
		return VIRTIO_OK; /* cov-exempt: unused */
	budget = c->t->poll_budget ? c->t->poll_budget : 1;
	for (i = 0; c->rx_cursor == c->rx_len; i++) {
		if (i == budget) {
			/* rx_buf stays with the reset device until destroy. */
			rc = virtio_needs_reset(c->t) ? VIRTIO_ENEEDS_RESET
						      : VIRTIO_ETIMEOUT;
			virtio_device_stop(c->t);
			return rc;
		}
		rc = give_rx(c);
		if (!rc)
			rc = take_rx(c, NULL);
		if (rc)
			return rc;
	}
	k = c->rx_len - c->rx_cursor;
	if (k > len)
		k = (uint32_t)len;
	memcpy(buf, c->rx_buf + c->rx_cursor, k);
	c->rx_cursor += k;
	*n = k;
	(void)give_rx(c); /* as in recv: retried by the next call */
	return VIRTIO_OK;
}

int virtio_console_emergency_write(struct virtio_console *c, uint8_t ch)
{
	uint8_t raw[4];
	int rc = check_usable(c);

	if (rc)
		return rc;
	if (!c->has_emerg_write)
		return VIRTIO_EUNSUPPORTED;
	/* 5.3.4: emerg_wr is a le32 whose low byte is the character. */
	virtio_put_le32(raw, ch);
	return virtio_config_write(c->t, VIRTIO_CONSOLE_CFG_EMERG_WR, raw, 4);
}

int virtio_console_ack_interrupt(struct virtio_console *c, bool *received)
{
	int rc = check_usable(c);

	if (rc)
		return rc;
	if (!received)
		return VIRTIO_EINVALID_PARAM; /* cov-exempt: api-misuse */
	*received = false;
	/* Bit 0: a used buffer; bit 1 (config change) needs nothing here:
	 * size reads the config afresh. Other bits are reserved. */
	if (!(virtio_ack_interrupt(c->t) & VIRTIO_MMIO_INT_VRING))
		return VIRTIO_OK;
	return take_rx(c, received);
}

void virtio_console_destroy(struct virtio_console *c)
{
	if (!c || !c->t)
		return;
	/* Reset first: only a reset device owns nothing; the receive buffer
	 * still with the device comes back through virtq_destroy. */
	(void)virtio_reset(c->t);
	virtq_destroy(&c->rxq);
	virtq_destroy(&c->txq);
	c->rx_out = false;
	c->rx_cursor = c->rx_len = 0;
	c->t = NULL;
}
