/* SPDX-License-Identifier: MIT */
/*
 * virtio-blk driver (VirtIO 1.2, 5.2): config validation, request framing
 * (header, data, status byte) and status mapping, blocking and non-blocking.
 * Queue mechanics are in queue/; the init sequence in dev/device.c.
 */
#include <string.h>

#include "virtio/blk.h"
#include "virtio/device.h"
#include "virtio/errors.h"
#include "virtio/le.h"
#include "virtio/spec.h"
#include "virtio/spec/blk.h"

#define BIT(n) (1ull << (n))
#define BLK_WANTED                                                             \
	(BIT(VIRTIO_BLK_F_RO) | BIT(VIRTIO_BLK_F_BLK_SIZE) |                   \
	 BIT(VIRTIO_BLK_F_FLUSH))
#define BLK_SIZE_MAX 65536u
#define STATUS_UNSET 0xffu /* not a status the device may report as OK */

static int read_config(void *drv, struct virtio_transport *t)
{
	struct virtio_blk *b = drv;
	uint8_t raw[8];
	uint32_t bs = VIRTIO_BLK_SECTOR_SIZE;
	int rc;

	rc = virtio_config_read(t, VIRTIO_BLK_CFG_CAPACITY, raw, 8);
	if (rc)
		return rc;
	b->capacity = virtio_get_le64(raw);
	/* A disk of 0 sectors, or one whose byte size overflows, is a lie. */
	if (b->capacity == 0 ||
	    b->capacity > UINT64_MAX / VIRTIO_BLK_SECTOR_SIZE)
		return VIRTIO_EBAD_CONFIG;
	/* 5.2.4: blk_size is only valid when VIRTIO_BLK_F_BLK_SIZE was
	 * negotiated. */
	if (virtio_has_feature(t, VIRTIO_BLK_F_BLK_SIZE)) {
		rc = virtio_config_read(t, VIRTIO_BLK_CFG_BLK_SIZE, raw, 4);
		if (rc)
			return rc;
		bs = virtio_get_le32(raw);
		if (bs < VIRTIO_BLK_SECTOR_SIZE || bs > BLK_SIZE_MAX ||
		    (bs & (bs - 1)))
			return VIRTIO_EBAD_CONFIG;
	}
	b->blk_size = bs;
	b->read_only = virtio_has_feature(t, VIRTIO_BLK_F_RO);
	b->can_flush = virtio_has_feature(t, VIRTIO_BLK_F_FLUSH);
	return VIRTIO_OK;
}

static int setup_queues(void *drv, struct virtio_transport *t)
{
	struct virtio_blk *b = drv;
	uint16_t i, n;
	int rc;

	/* A request is header + data + status: a chain of 3. 2.7.5.3.1 bounds
	 * every chain by the queue size, an indirect table's too, so a queue
	 * of fewer than 3 entries cannot carry one even with indirect. */
	rc = virtq_init(&b->q, t, 0, VIRTQ_MEM(&b->q_mem), 0, 3);
	if (rc)
		return rc;
	n = virtq_size(&b->q);
	for (i = 0; i < n; i++)
		b->reqs[i] = NULL;
	return VIRTIO_OK;
}

static const struct virtio_device_desc blk_device = {
	.device_id = VIRTIO_ID_BLOCK,
	.wanted = BLK_WANTED,
	.required = 0,
	.read_config = read_config,
	.setup_queues = setup_queues,
};

int virtio_blk_init(struct virtio_blk *b, struct virtio_transport *t)
{
	int rc;

	if (!b)
		return VIRTIO_EINVALID_PARAM; /* cov-exempt: api-misuse */
	/* What destroy looks at, before anything can fail. */
	b->t = NULL;
	virtq_clear(&b->q);
	b->capacity = 0;
	b->blk_size = VIRTIO_BLK_SECTOR_SIZE;
	b->read_only = b->can_flush = false;
	rc = virtio_device_check(t, &blk_device);
	if (rc)
		return rc;
	b->t = t; /* ours from here: destroy resets it */
	return virtio_device_init(t, &blk_device, b);
}

static int check_usable(const struct virtio_blk *b)
{
	if (!b || !b->t)
		return VIRTIO_EINVALID_PARAM; /* cov-exempt: api-misuse */
	if (b->t->broken)
		return VIRTIO_EBROKEN; /* even when the queue never came up */
	return virtq_check(&b->q);
}

static int check_io(const struct virtio_blk *b, uint64_t sector,
		    const void *buf, size_t len)
{
	uint64_t end;

	/* len + 1 (status) is the chain's writable size, a u32. */
	if (!buf || len == 0 || len % VIRTIO_BLK_SECTOR_SIZE ||
	    len > UINT32_MAX - 1)
		return VIRTIO_EINVALID_PARAM; /* cov-exempt: api-misuse */
	if (__builtin_add_overflow(sector, len / VIRTIO_BLK_SECTOR_SIZE, &end) ||
	    end > b->capacity)
		return VIRTIO_EINVALID_PARAM;
	return VIRTIO_OK;
}

/*
 * 5.2.6: the status byte is the last byte the device writes. It is only
 * read when the used len says the device wrote everything up to and
 * including it; otherwise it holds whatever the buffer held (a bounce
 * buffer's poison in the sim), and the request failed.
 */
static int finish(uint32_t used, uint32_t data_in, uint8_t status)
{
	if (used != data_in + 1)
		return VIRTIO_EIO;
	switch (status) {
	case VIRTIO_BLK_S_OK:
		return VIRTIO_OK;
	case VIRTIO_BLK_S_UNSUPP:
		return VIRTIO_EUNSUPPORTED;
	default: /* IOERR and anything undefined */
		return VIRTIO_EIO;
	}
}

/* Frame a request: header (out), data (out for OUT, in otherwise), status
 * (in). Returns the number of out buffers; *n_in gets the in count. */
static size_t frame(struct virtio_blk_req_hdr *hdr, uint8_t *status,
		    uint32_t type, uint64_t sector, void *data, size_t len,
		    struct virtq_buf *out, struct virtq_buf *in, size_t *n_in)
{
	size_t n_out = 1;

	hdr->type = virtio_cpu_to_le32(type);
	hdr->reserved = 0;
	hdr->sector = virtio_cpu_to_le64(sector);
	*status = STATUS_UNSET;
	out[0] = (struct virtq_buf){ hdr, sizeof(*hdr) };
	*n_in = 0;
	if (len && type == VIRTIO_BLK_T_OUT)
		out[n_out++] = (struct virtq_buf){ data, len };
	else if (len)
		in[(*n_in)++] = (struct virtq_buf){ data, len };
	in[(*n_in)++] = (struct virtq_buf){ status, 1 };
	return n_out;
}

static int request(struct virtio_blk *b, uint32_t type, uint64_t sector,
		   void *data, size_t len)
{
	struct virtio_blk_req_hdr hdr;
	struct virtq_buf out[2], in[2];
	size_t n_out, n_in;
	uint8_t status;
	uint32_t used = 0;
	int rc;

	n_out = frame(&hdr, &status, type, sector, data, len, out, in, &n_in);
	rc = virtq_add_wait(&b->q, out, n_out, in, n_in, &used);
	if (rc == VIRTIO_ETIMEOUT || rc == VIRTIO_EBAD_USED ||
	    rc == VIRTIO_ENEEDS_RESET) {
		/* hdr, status and data are on loan to the device: take them
		 * back (reset, then destroy) before this frame returns. */
		virtio_device_stop(b->t);
		virtq_destroy(&b->q);
		return rc;
	}
	if (rc)
		return rc;
	if (used == 0) {
		virtio_device_stop(b->t);
		virtq_destroy(&b->q);
		return VIRTIO_EBAD_USED;
	}
	return finish(used, type == VIRTIO_BLK_T_OUT ? 0 : (uint32_t)len,
		      status);
}

int virtio_blk_read(struct virtio_blk *b, uint64_t sector, void *buf,
		    size_t len)
{
	int rc = check_usable(b);

	if (!rc)
		rc = check_io(b, sector, buf, len);
	if (rc)
		return rc;
	return request(b, VIRTIO_BLK_T_IN, sector, buf, len);
}

int virtio_blk_write(struct virtio_blk *b, uint64_t sector, const void *buf,
		     size_t len)
{
	int rc = check_usable(b);

	if (!rc)
		rc = check_io(b, sector, buf, len);
	if (rc)
		return rc;
	if (b->read_only)
		return VIRTIO_EREAD_ONLY;
	/* The device only reads it (DRIVER_TO_DEVICE); const is kept. */
	return request(b, VIRTIO_BLK_T_OUT, sector, (void *)buf, len);
}

int virtio_blk_flush(struct virtio_blk *b)
{
	int rc = check_usable(b);

	if (rc)
		return rc;
	if (!b->can_flush)
		return VIRTIO_OK; /* 5.2.6.2: no volatile cache to flush */
	return request(b, VIRTIO_BLK_T_FLUSH, 0, NULL, 0);
}

int virtio_blk_get_id(struct virtio_blk *b, uint8_t id[20])
{
	int rc = check_usable(b);

	if (rc)
		return rc;
	if (!id)
		return VIRTIO_EINVALID_PARAM; /* cov-exempt: api-misuse */
	rc = request(b, VIRTIO_BLK_T_GET_ID, 0, id, VIRTIO_BLK_ID_BYTES);
	if (rc)
		return rc;
	/* 5.2.6: the id is NUL-padded only when shorter than 20 bytes, and a
	 * device may write just strlen+1 bytes (QEMU does) while reporting the
	 * whole buffer used: nothing after the first NUL is the device's. */
	size_t n = 0;
	while (n < VIRTIO_BLK_ID_BYTES && id[n] != 0)
		n++;
	memset(id + n, 0, VIRTIO_BLK_ID_BYTES - n);
	return 0;
}

static int submit(struct virtio_blk *b, struct virtio_blk_req *req,
		  uint32_t type, uint64_t sector, void *buf, size_t len,
		  uint16_t *token)
{
	struct virtq_buf out[2], in[2];
	size_t n_out, n_in;
	uint16_t tok;
	int rc = check_usable(b);

	if (!rc)
		rc = check_io(b, sector, buf, len);
	if (rc)
		return rc;
	if (!req || !token)
		return VIRTIO_EINVALID_PARAM; /* cov-exempt: api-misuse */
	if (type == VIRTIO_BLK_T_OUT && b->read_only)
		return VIRTIO_EREAD_ONLY;
	req->data = buf;
	req->len = len;
	req->type = type;
	n_out = frame(&req->hdr, &req->status, type, sector, buf, len, out, in,
		      &n_in);
	rc = virtq_add(&b->q, out, n_out, in, n_in, &tok);
	if (rc)
		return rc;
	b->reqs[tok] = req;
	virtq_kick(&b->q);
	*token = tok;
	return VIRTIO_OK;
}

int virtio_blk_submit_read(struct virtio_blk *b, struct virtio_blk_req *req,
			   uint64_t sector, void *buf, size_t len,
			   uint16_t *token)
{
	return submit(b, req, VIRTIO_BLK_T_IN, sector, buf, len, token);
}

int virtio_blk_submit_write(struct virtio_blk *b, struct virtio_blk_req *req,
			    uint64_t sector, const void *buf, size_t len,
			    uint16_t *token)
{
	return submit(b, req, VIRTIO_BLK_T_OUT, sector, (void *)buf, len, token);
}

int virtio_blk_peek(struct virtio_blk *b, uint16_t *token)
{
	int rc = check_usable(b);

	if (rc)
		return rc;
	rc = virtq_peek_used(&b->q, token);
	/* On a lie, the requests in flight come back at destroy. */
	if (rc == VIRTIO_EBAD_USED)
		virtio_device_stop(b->t);
	return rc;
}

int virtio_blk_complete(struct virtio_blk *b, uint16_t token,
			struct virtio_blk_req *req)
{
	uint32_t used = 0;
	int rc = check_usable(b);

	if (rc)
		return rc; /* cov-exempt: redundant */
	if (!req)
		return VIRTIO_EINVALID_PARAM; /* cov-exempt: api-misuse */
	if (token >= virtq_size(&b->q) || b->reqs[token] != req)
		return VIRTIO_EWRONG_TOKEN; /* cov-exempt: api-misuse */
	rc = virtq_pop_used(&b->q, token, &used);
	if (rc == VIRTIO_EBAD_USED)
		virtio_device_stop(b->t); /* cov-exempt: redundant */
	if (rc)
		return rc; /* cov-exempt: redundant */
	b->reqs[token] = NULL;
	if (used == 0) {
		virtio_device_stop(b->t);
		return VIRTIO_EBAD_USED;
	}
	return finish(used, req->type == VIRTIO_BLK_T_OUT ? 0 : (uint32_t)req->len,
		      req->status);
}

void virtio_blk_destroy(struct virtio_blk *b)
{
	if (!b || !b->t)
		return;
	/* Reset first: only a reset device owns nothing. A device that never
	 * reads back 0 is not waited for forever; its memory is reclaimed
	 * anyway, as there is nothing better to do with it. */
	(void)virtio_reset(b->t);
	virtq_destroy(&b->q);
	b->t = NULL;
}
