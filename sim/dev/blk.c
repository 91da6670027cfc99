/* SPDX-License-Identifier: MIT */
/*
 * virtio-blk device model (VirtIO 1.2, 5.2) on a RAM disk. Requests are
 * read as byte streams over the chain (2.6.4: no assumption about framing):
 * a 16-byte header from the readable part, data, and the status byte as the
 * last writable byte. Not here: ring parsing (vq.c), registers (fronts).
 */
#include <string.h>

#include "sim/decide.h"
#include "sim/dev/blk.h"
#include "sim/device.h"
#include "sim/oracle.h"
#include "virtio/le.h"

#define SECTOR VIRTIO_BLK_SECTOR_SIZE
#define BIT(n) (1ull << (n))

/* 5.2.4 struct virtio_blk_config: field offsets, widths, decision names. */
static const struct blk_field {
	uint8_t off, width;
	const char *name;
} fields[] = {
	{ 0x00, 8, "blk.capacity" },      { 0x08, 4, "blk.size_max" },
	{ 0x0c, 4, "blk.seg_max" },       { 0x10, 2, "blk.geometry" },
	{ 0x12, 1, "blk.geometry" },      { 0x13, 1, "blk.geometry" },
	{ 0x14, 4, "blk.blk_size" },      { 0x18, 1, "blk.topology" },
	{ 0x19, 1, "blk.topology" },      { 0x1a, 2, "blk.topology" },
	{ 0x1c, 4, "blk.topology" },      { 0x20, 1, "blk.writeback" },
	{ 0x21, 1, "blk.config" },        { 0x22, 2, "blk.num_queues" },
	{ 0x24, 4, "blk.discard" },       { 0x28, 4, "blk.discard" },
	{ 0x2c, 4, "blk.discard" },       { 0x30, 4, "blk.write_zeroes" },
	{ 0x34, 4, "blk.write_zeroes" },  { 0x38, 1, "blk.write_zeroes" },
	{ 0x39, 1, "blk.config" },        { 0x3a, 1, "blk.config" },
	{ 0x3b, 1, "blk.config" },        { 0x3c, 4, "blk.secure_erase" },
	{ 0x40, 4, "blk.secure_erase" },  { 0x44, 4, "blk.secure_erase" },
	{ 0x48, 4, "blk.zoned" },         { 0x4c, 4, "blk.zoned" },
	{ 0x50, 4, "blk.zoned" },         { 0x54, 4, "blk.zoned" },
	{ 0x58, 4, "blk.zoned" },         { 0x5c, 1, "blk.zoned" },
	{ 0x5d, 1, "blk.config" },        { 0x5e, 1, "blk.config" },
	{ 0x5f, 1, "blk.config" },
};

static const char *blk_config_field(void *model, uint32_t off, unsigned *width)
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

static bool in_range(const struct sim_blk *b, uint64_t sector, uint64_t len)
{
	uint64_t end;

	return len % SECTOR == 0 &&
	       !__builtin_add_overflow(sector, len / SECTOR, &end) &&
	       end <= b->capacity;
}

_Static_assert(SIM_BLK_MAX_SECTORS / 64 <= 64, "dirty_words: a bit per word");

static void mark_dirty(struct sim_blk *b, uint64_t sector, uint64_t n)
{
	for (uint64_t s = sector; s < sector + n; s++) {
		b->dirty[s / 64] |= 1ull << (s % 64);
		b->dirty_words |= 1ull << (s / 64);
	}
}

/* sim_blk_pattern(s, i) is (s * 31 + i) mod 256: a sector is a window of
 * a byte ramp, so restoring one is a memcpy (this runs every iteration). */
static uint8_t ramp[256 + SECTOR];

static void fill_pattern(struct sim_blk *b, uint64_t sector)
{
	memcpy(b->disk + sector * SECTOR,
	       ramp + (uint8_t)sim_blk_pattern(sector, 0), SECTOR);
}

/* 5.2.6.1: one request; returns bytes written into the chain (used len). */
static uint32_t blk_handle(void *model, struct sim_vq *q,
			   const struct sim_chain *c)
{
	struct sim_blk *b = model;
	uint8_t hdr[16], st;
	uint32_t type, status = VIRTIO_BLK_S_OK;
	uint64_t sector, len, written = 0;

	if (c->readable < sizeof(hdr) || c->writable < 1) {
		sim_report(SIM_DESC_MALFORMED, NULL, NULL,
			   "driver submits a blk request without a 16-byte "
			   "header and a status byte [queue=%u] [head=%u] "
			   "[readable=%llu] [writable=%llu]",
			   q->index, c->head, (unsigned long long)c->readable,
			   (unsigned long long)c->writable);
		return 0;
	}
	if (sim_chain_read(c, 0, hdr, sizeof(hdr)) != sizeof(hdr))
		return 0;
	type = virtio_get_le32(hdr);
	sector = virtio_get_le64(hdr + 8);
	switch (type) {
	case VIRTIO_BLK_T_IN:
		len = c->writable - 1;
		if (c->truncated || !in_range(b, sector, len))
			status = VIRTIO_BLK_S_IOERR;
		else if (sim_chain_write(c, 0, b->disk + sector * SECTOR, len) < 0)
			status = VIRTIO_BLK_S_IOERR;
		else
			written = len;
		break;
	case VIRTIO_BLK_T_OUT:
		len = c->readable - sizeof(hdr);
		if (b->cfg.ro || c->truncated || !in_range(b, sector, len)) {
			status = VIRTIO_BLK_S_IOERR;
			break;
		}
		mark_dirty(b, sector, len / SECTOR);
		if (sim_chain_read(c, sizeof(hdr), b->disk + sector * SECTOR,
				   len) < 0)
			status = VIRTIO_BLK_S_IOERR;
		break;
	case VIRTIO_BLK_T_FLUSH:
		if (!b->cfg.flush)
			status = VIRTIO_BLK_S_UNSUPP;
		break;
	case VIRTIO_BLK_T_GET_ID:
		len = c->writable - 1;
		if (len > VIRTIO_BLK_ID_BYTES)
			len = VIRTIO_BLK_ID_BYTES;
		/* As QEMU does: write the id up to its NUL, not the padding,
		 * yet report the whole buffer used. A driver must not trust
		 * the bytes after the NUL (they are bounce-buffer poison). */
		uint32_t id_len = (uint32_t)strnlen((const char *)b->serial,
						    VIRTIO_BLK_ID_BYTES) + 1;
		if (sim_chain_write(c, 0, b->serial,
				    id_len < len ? id_len : len) < 0)
			status = VIRTIO_BLK_S_IOERR;
		else
			written = len;
		break;
	default:
		status = VIRTIO_BLK_S_UNSUPP;
		break;
	}
	st = (uint8_t)sim_decide("blk.status", status, 1);
	sim_trace("blk: type=%llu sector=%llu status=%llu written=%llu", type,
		  sector, st, written);
	/* What a right answer is (sim/oracle.h): a request whose status is
	 * not OK must not end in success; a decided status is not ours. */
	if (st != status)
		sim_oracle_untrue(c);
	if (st != VIRTIO_BLK_S_OK)
		sim_oracle_lie(c, SIM_LIE_STATUS, st);
	if (sim_chain_write(c, c->writable - 1, &st, 1) < 0)
		return (uint32_t)written;
	return (uint32_t)written + 1;
}

static const struct sim_vdev_ops blk_ops = {
	.handle = blk_handle,
	.config_field = blk_config_field,
};

int sim_blk_create(struct sim_blk *b, const struct sim_blk_config *cfg)
{
	static const struct sim_blk_config defaults;
	uint64_t features;
	uint8_t *c;
	size_t n;

	if (!cfg)
		cfg = &defaults;
	if (cfg->capacity > SIM_BLK_MAX_SECTORS)
		return -1;
	b->cfg = *cfg;
	b->capacity = cfg->capacity ? cfg->capacity : SIM_BLK_DEFAULT_SECTORS;
	if (!b->cfg.blk_size)
		b->cfg.blk_size = SECTOR;
	if (!b->cfg.queue_max)
		b->cfg.queue_max = SIM_BLK_DEFAULT_QUEUE_MAX;
	if (!b->cfg.serial)
		b->cfg.serial = "vfuzz-blk";

	/* Restore only what was written since the last create. */
	if (!b->initialised) {
		for (unsigned i = 0; i < sizeof(ramp); i++)
			ramp[i] = (uint8_t)i;
		for (uint64_t s = 0; s < SIM_BLK_MAX_SECTORS; s++)
			fill_pattern(b, s);
		memset(b->dirty, 0, sizeof(b->dirty));
		b->dirty_words = 0;
		b->initialised = true;
	}
	while (b->dirty_words) {
		unsigned w = (unsigned)__builtin_ctzll(b->dirty_words);

		while (b->dirty[w]) {
			unsigned bit = (unsigned)__builtin_ctzll(b->dirty[w]);

			fill_pattern(b, w * 64u + bit);
			b->dirty[w] &= b->dirty[w] - 1;
		}
		b->dirty_words &= b->dirty_words - 1;
	}

	memset(b->serial, 0, sizeof(b->serial));
	n = strlen(b->cfg.serial);
	memcpy(b->serial, b->cfg.serial,
	       n < sizeof(b->serial) ? n : sizeof(b->serial));

	features = BIT(VIRTIO_BLK_F_BLK_SIZE);
	if (cfg->seg_max)
		features |= BIT(VIRTIO_BLK_F_SEG_MAX);
	if (cfg->size_max)
		features |= BIT(VIRTIO_BLK_F_SIZE_MAX);
	if (cfg->ro)
		features |= BIT(VIRTIO_BLK_F_RO);
	if (cfg->flush)
		features |= BIT(VIRTIO_BLK_F_FLUSH);
	sim_vdev_init(&b->dev, VIRTIO_ID_BLOCK, features, 1, b->cfg.queue_max,
		      &blk_ops, b);

	c = b->dev.config;
	memset(c, 0, SIM_BLK_CONFIG_LEN);
	virtio_put_le64(c + VIRTIO_BLK_CFG_CAPACITY, b->capacity);
	virtio_put_le32(c + VIRTIO_BLK_CFG_SIZE_MAX, cfg->size_max);
	virtio_put_le32(c + VIRTIO_BLK_CFG_SEG_MAX, cfg->seg_max);
	virtio_put_le32(c + VIRTIO_BLK_CFG_BLK_SIZE, b->cfg.blk_size);
	virtio_put_le16(c + 0x22, 1); /* num_queues */
	b->dev.config_len = SIM_BLK_CONFIG_LEN;
	return 0;
}

int sim_blk_disk_read(const struct sim_blk *b, uint64_t sector, void *buf,
		      size_t len)
{
	if (sector > b->capacity || len > (b->capacity - sector) * SECTOR)
		return -1;
	memcpy(buf, b->disk + sector * SECTOR, len);
	return 0;
}

int sim_blk_disk_write(struct sim_blk *b, uint64_t sector, const void *buf,
		       size_t len)
{
	if (sector > b->capacity || len > (b->capacity - sector) * SECTOR)
		return -1;
	mark_dirty(b, sector, (len + SECTOR - 1) / SECTOR);
	memcpy(b->disk + sector * SECTOR, buf, len);
	return 0;
}
