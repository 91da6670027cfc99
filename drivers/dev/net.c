/* SPDX-License-Identifier: MIT */
/*
 * virtio-net driver (VirtIO 1.2, 5.1), first queue pair: receive buffers
 * kept with the device and lent to the caller frame by frame, blocking
 * sends behind a zero header, the MAC and link status under one config
 * generation. Where the virtio-drivers crate trusts the device (it takes
 * the MAC as read, a receive's used len minus the header as the frame,
 * a send's used len as bytes sent) this driver checks, and stops a device
 * that lies. Queue mechanics are in queue/split.c; the init sequence in
 * dev/device.c.
 */
#include <string.h>

#include "virtio/device.h"
#include "virtio/errors.h"
#include "virtio/le.h"
#include "virtio/net.h"
#include "virtio/spec.h"
#include "virtio/spec/net.h"

#define BIT(n) (1ull << (n))
#define NET_WANTED (BIT(VIRTIO_NET_F_MAC) | BIT(VIRTIO_NET_F_STATUS))
/* Header flags a device may set only with a feature this driver never
 * accepts (5.1.6.4.1): NEEDS_CSUM and DATA_VALID need GUEST_CSUM,
 * RSC_INFO needs RSC_EXT. Other bits are unknown and ignored (5.1.6.4.2). */
#define HDR_FLAGS_KNOWN                                                        \
	(VIRTIO_NET_HDR_F_NEEDS_CSUM | VIRTIO_NET_HDR_F_DATA_VALID |           \
	 VIRTIO_NET_HDR_F_RSC_INFO)

static int check_usable(const struct virtio_net *n)
{
	int rc;

	if (!n || !n->t)
		return VIRTIO_EINVALID_PARAM; /* cov-exempt: api-misuse */
	if (n->t->broken)
		return VIRTIO_EBROKEN;
	rc = virtq_check(&n->rxq);
	return rc ? rc : virtq_check(&n->txq);
}

/* The device lied or never answered: reset it (it owns nothing after),
 * every later call is EBROKEN. Buffers still shared come back at destroy. */
static int stop(struct virtio_net *n, int rc)
{
	virtio_device_stop(n->t);
	return rc;
}

static uint8_t *rx_buf(const struct virtio_net *n, uint16_t slot)
{
	return n->rx_storage + (size_t)slot * n->buf_len;
}

/* Put receive buffer `slot` in the receiveq; the caller kicks. */
static int give_rx(struct virtio_net *n, uint16_t slot)
{
	struct virtq_buf in = { rx_buf(n, slot), n->buf_len };
	uint16_t token;
	int rc = virtq_add(&n->rxq, NULL, 0, &in, 1, &token);

	if (rc)
		return rc;
	n->rx[slot].token = token;
	n->rx[slot].state = VIRTIO_NET_RX_DEVICE;
	return VIRTIO_OK;
}

/* ---- config ------------------------------------------------------------ */

/* 2.5.1: the MAC (and the status) from one generation. mac is u8[6]: read
 * byte by byte (4.1.3.1: each field at its own width). */
static int read_mac(struct virtio_net *n, struct virtio_transport *t)
{
	uint8_t mac[VIRTIO_NET_MAC_LEN];
	unsigned tries, i;
	int rc;

	for (tries = 0; tries < VIRTIO_CONFIG_RETRIES; tries++) {
		uint32_t gen = virtio_config_generation(t);

		for (i = 0; i < VIRTIO_NET_MAC_LEN; i++) {
			rc = virtio_config_read(t, VIRTIO_NET_CFG_MAC + i,
						&mac[i], 1);
			if (rc)
				return rc;
		}
		if (virtio_config_generation(t) != gen)
			continue;
		/* 5.1.5: the NIC's own address. A group address (bit 0 of
		 * the first byte) or zero is no station's: a lie. */
		if ((mac[0] & 1u) ||
		    !(mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]))
			return VIRTIO_EBAD_CONFIG;
		memcpy(n->mac, mac, sizeof(mac));
		return VIRTIO_OK;
	}
	return VIRTIO_ECONFIG_UNSTABLE;
}

static int read_config(void *drv, struct virtio_transport *t)
{
	struct virtio_net *n = drv;

	n->has_mac = virtio_has_feature(t, VIRTIO_NET_F_MAC);
	n->has_status = virtio_has_feature(t, VIRTIO_NET_F_STATUS);
	/* 5.1.6.1: the legacy header has no num_buffers without MRG_RXBUF
	 * (never accepted here). */
	n->hdr_size = virtio_has_feature(t, VIRTIO_F_VERSION_1)
			      ? VIRTIO_NET_HDR_SIZE
			      : VIRTIO_NET_HDR_SIZE_LEGACY;
	/* 5.1.4: mac exists with F_MAC, status with F_STATUS. A config space
	 * too small for a field the device offered is refused here, once,
	 * rather than at every link_up. */
	if (n->has_status &&
	    t->config_size < VIRTIO_NET_CFG_STATUS + 2)
		return VIRTIO_ECONFIG_TOO_SMALL;
	return n->has_mac ? read_mac(n, t) : VIRTIO_OK;
}

/* Both queues of the first pair. A send is two buffers (header, frame):
 * without indirect descriptors the transmitq needs 2 entries. If the
 * second queue fails the first goes (after a reset: only a reset device
 * owns nothing), so a failed init holds nothing. */
static int setup_queues(void *drv, struct virtio_transport *t)
{
	struct virtio_net *n = drv;
	uint16_t want = n->nrx;
	int rc;

	rc = virtq_init(&n->rxq, t, VIRTIO_NET_RECEIVEQ, VIRTQ_MEM(&n->rxq_mem),
			want, 1);
	if (rc)
		return rc;
	rc = virtq_init(&n->txq, t, VIRTIO_NET_TRANSMITQ, VIRTQ_MEM(&n->txq_mem),
			want, 2);
	if (rc) {
		(void)virtio_reset(t);
		virtq_destroy(&n->rxq);
	}
	return rc;
}

static const struct virtio_device_desc net_device = {
	.device_id = VIRTIO_ID_NET,
	.wanted = NET_WANTED,
	.required = 0,
	.read_config = read_config,
	.setup_queues = setup_queues,
};

int virtio_net_init(struct virtio_net *n, struct virtio_transport *t,
		    void *rx_storage, size_t buf_len, uint16_t queue_size)
{
	uint16_t i;
	int rc;

	if (!n)
		return VIRTIO_EINVALID_PARAM; /* cov-exempt: api-misuse */
	/* What destroy looks at, before anything can fail. */
	n->t = NULL;
	virtq_clear(&n->rxq);
	virtq_clear(&n->txq);
	n->has_mac = n->has_status = false;
	n->nrx = 0;
	memset(n->rx, 0, sizeof(n->rx));
	if (!rx_storage || buf_len < VIRTIO_NET_MIN_BUFFER_LEN ||
	    buf_len > VIRTIO_NET_MAX_BUFFER_LEN || queue_size < 2 ||
	    queue_size > VIRTIO_NET_QUEUE_SIZE)
		return VIRTIO_EINVALID_PARAM; /* cov-exempt: api-misuse */
	rc = virtio_device_check(t, &net_device);
	if (rc)
		return rc;
	n->t = t; /* ours from here: destroy resets it */
	n->rx_storage = rx_storage;
	n->buf_len = buf_len;
	n->nrx = queue_size;
	rc = virtio_device_init(t, &net_device, n);
	if (rc) {
		n->nrx = 0;
		return rc;
	}
	/* The device is live: a receive buffer per receiveq entry (the
	 * crate's VirtIONet::new), then one notification. */
	n->nrx = virtq_size(&n->rxq);
	for (i = 0; i < n->nrx && !rc; i++)
		rc = give_rx(n, i);
	if (rc) {
		(void)virtio_reset(t);
		virtq_destroy(&n->rxq);
		virtq_destroy(&n->txq);
		memset(n->rx, 0, sizeof(n->rx));
		virtio_fail(t);
		return rc;
	}
	virtq_kick(&n->rxq);
	return VIRTIO_OK;
}

int virtio_net_mac_address(const struct virtio_net *n, uint8_t mac[6])
{
	if (!n || !n->t || !mac)
		return VIRTIO_EINVALID_PARAM; /* cov-exempt: api-misuse */
	if (!n->has_mac)
		return VIRTIO_EUNSUPPORTED;
	memcpy(mac, n->mac, VIRTIO_NET_MAC_LEN);
	return VIRTIO_OK;
}

int virtio_net_link_up(struct virtio_net *n, bool *up)
{
	uint8_t raw[2];
	int rc = check_usable(n);

	if (rc)
		return rc;
	if (!up)
		return VIRTIO_EINVALID_PARAM; /* cov-exempt: api-misuse */
	if (!n->has_status) {
		*up = true; /* 5.1.4.2: assume the link is active */
		return VIRTIO_OK;
	}
	/* One field: virtio_config_read is one generation on its own. Every
	 * value is a status; only LINK_UP is read (ANNOUNCE needs
	 * GUEST_ANNOUNCE, other bits are reserved). */
	rc = virtio_config_read(n->t, VIRTIO_NET_CFG_STATUS, raw, 2);
	if (rc)
		return rc;
	*up = virtio_get_le16(raw) & VIRTIO_NET_S_LINK_UP;
	return VIRTIO_OK;
}

bool virtio_net_can_send(const struct virtio_net *n)
{
	return check_usable(n) == VIRTIO_OK;
}

/* ---- transmit ------------------------------------------------------------ */

int virtio_net_send(struct virtio_net *n, const void *frame, size_t len)
{
	/* The device only reads both. */
	struct virtq_buf out[2] = { { n ? n->tx_hdr : NULL, 0 },
				    { (void *)frame, len } };
	uint32_t used = 0;
	int rc = check_usable(n);

	if (rc)
		return rc;
	if ((!frame && len) || len > VIRTIO_NET_MAX_FRAME)
		return VIRTIO_EINVALID_PARAM; /* cov-exempt: api-misuse */
	/* 5.1.6.2: no offload negotiated, so flags 0, GSO_NONE, and
	 * num_buffers 0: an all-zero header. */
	memset(n->tx_hdr, 0, sizeof(n->tx_hdr));
	out[0].len = n->hdr_size;
	/* As the crate: an empty frame is the header alone (no empty
	 * buffer in the ring). The queue checks the used entry: the id in
	 * flight, and a len of 0, what a device may write into buffers it
	 * only reads (2.7.8.1): the used len of a send is no byte count. */
	rc = virtq_add_wait(&n->txq, out, len ? 2 : 1, NULL, 0, &used);
	if (rc == VIRTIO_ETIMEOUT || rc == VIRTIO_EBAD_USED ||
	    rc == VIRTIO_ENEEDS_RESET) {
		/* The frame is on loan to the device: take it back (reset,
		 * then destroy the queue) before returning it. */
		virtio_device_stop(n->t);
		virtq_destroy(&n->txq);
	}
	return rc;
}

/* ---- receive ------------------------------------------------------------- */

/* The slot whose buffer the used entry `token` returns; nrx if none. */
static uint16_t slot_of(const struct virtio_net *n, uint16_t token)
{
	uint16_t i;

	for (i = 0; i < n->nrx; i++)
		if (n->rx[i].state == VIRTIO_NET_RX_DEVICE &&
		    n->rx[i].token == token)
			return i;
	return n->nrx; /* cov-exempt: redundant */
}

/* 5.1.6.4: check the header the device wrote into `buf` (the driver's
 * again: read once, into *h). */
static int parse_hdr(const uint8_t *buf, struct virtio_net_hdr *h)
{
	h->flags = buf[VIRTIO_NET_HDR_FLAGS];
	h->gso_type = buf[VIRTIO_NET_HDR_GSO_TYPE];
	h->hdr_len = virtio_get_le16(buf + VIRTIO_NET_HDR_HDR_LEN);
	h->gso_size = virtio_get_le16(buf + VIRTIO_NET_HDR_GSO_SIZE);
	h->csum_start = virtio_get_le16(buf + VIRTIO_NET_HDR_CSUM_START);
	h->csum_offset = virtio_get_le16(buf + VIRTIO_NET_HDR_CSUM_OFFSET);
	/* Without MRG_RXBUF a frame is one buffer, whatever num_buffers
	 * says: the field is not read. The spec has the device write 1
	 * there, but QEMU before 9.2 (and vhost-net before its 2024 fix)
	 * leaves it unwritten on a modern device, so its bytes are whatever
	 * the buffer held, and each buffer is judged by its own used len
	 * anyway. */
	h->num_buffers = 1;
	/* 5.1.6.4.1: without GUEST_CSUM flags is 0 (NEEDS_CSUM, DATA_VALID),
	 * RSC_INFO needs RSC_EXT; without the guest GSO features gso_type is
	 * GSO_NONE. hdr_len, gso_size and the csum fields mean nothing then:
	 * not read further. */
	if ((h->flags & HDR_FLAGS_KNOWN) || h->gso_type != VIRTIO_NET_HDR_GSO_NONE)
		return VIRTIO_EBAD_USED;
	return VIRTIO_OK;
}

/* Look for a returned receive buffer: 0 with *token, ENOT_READY, or a
 * lie (the device is then stopped). */
static int peek_rx(struct virtio_net *n, uint16_t *token)
{
	int rc = virtq_peek_used(&n->rxq, token);

	if (rc == VIRTIO_EBAD_USED)
		return stop(n, rc);
	return rc;
}

bool virtio_net_can_recv(struct virtio_net *n)
{
	uint16_t token;

	return check_usable(n) == VIRTIO_OK && peek_rx(n, &token) == VIRTIO_OK;
}

int virtio_net_receive(struct virtio_net *n, struct virtio_net_rx *rx)
{
	uint16_t token, slot;
	uint32_t len = 0;
	int rc = check_usable(n);

	if (rc)
		return rc;
	if (!rx)
		return VIRTIO_EINVALID_PARAM; /* cov-exempt: api-misuse */
	rc = peek_rx(n, &token);
	if (rc)
		return rc;
	/* The queue validated the id as in flight; every chain in flight on
	 * the receiveq is one of the driver's receive buffers. */
	slot = slot_of(n, token);
	if (slot == n->nrx)
		return stop(n, VIRTIO_EBAD_USED); /* cov-exempt: redundant */
	rc = virtq_pop_used(&n->rxq, token, &len);
	if (rc)
		/* cov-exempt: redundant */
		return rc == VIRTIO_EBAD_USED ? stop(n, rc) : rc;
	/* Unshared: the buffer is the driver's again, not yet the caller's. */
	n->rx[slot].state = VIRTIO_NET_RX_IDLE;
	/* 2.7.8: pop checked len <= buf_len. 5.1.6.4: the device writes
	 * the header before every frame: a shorter len is a lie. */
	if (len < n->hdr_size)
		return stop(n, VIRTIO_EBAD_USED);
	rc = parse_hdr(rx_buf(n, slot), &rx->hdr);
	if (rc)
		return stop(n, rc);
	n->rx[slot].state = VIRTIO_NET_RX_CALLER;
	rx->slot = slot;
	rx->lease = ++n->rx[slot].lease;
	rx->frame = rx_buf(n, slot) + n->hdr_size;
	rx->len = len - n->hdr_size;
	return VIRTIO_OK;
}

int virtio_net_recycle(struct virtio_net *n, struct virtio_net_rx *rx)
{
	int rc;

	if (!n || !n->t || !rx || rx->slot >= n->nrx ||
	    n->rx[rx->slot].state != VIRTIO_NET_RX_CALLER ||
	    n->rx[rx->slot].lease != rx->lease)
		return VIRTIO_EINVALID_PARAM;
	rc = check_usable(n);
	if (rc) {
		/* A stopped device takes no buffer: the driver keeps it. */
		n->rx[rx->slot].state = VIRTIO_NET_RX_IDLE;
		return rc;
	}
	rc = give_rx(n, rx->slot);
	if (rc)
		return rc; /* still lent: the caller may try again */
	virtq_kick(&n->rxq);
	rx->frame = NULL;
	rx->len = 0;
	return VIRTIO_OK;
}

/* ---- interrupts and teardown -------------------------------------------- */

void virtio_net_set_interrupts(struct virtio_net *n, bool enable)
{
	if (check_usable(n))
		return;
	virtq_set_interrupts(&n->rxq, enable);
	virtq_set_interrupts(&n->txq, enable);
}

uint32_t virtio_net_ack_interrupt(struct virtio_net *n)
{
	if (!n || !n->t)
		return 0; /* cov-exempt: api-misuse */
	return virtio_ack_interrupt(n->t);
}

void virtio_net_destroy(struct virtio_net *n)
{
	if (!n || !n->t)
		return;
	/* Reset first: only a reset device owns nothing; the receive
	 * buffers still with it come back through virtq_destroy. */
	(void)virtio_reset(n->t);
	virtq_destroy(&n->rxq);
	virtq_destroy(&n->txq);
	memset(n->rx, 0, sizeof(n->rx));
	n->nrx = 0;
	n->t = NULL;
}
