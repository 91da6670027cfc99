/* SPDX-License-Identifier: MIT */
/*
 * The one little-endian helper. VirtIO's wire format is little-endian (1.4:
 * le16/le32/le64, config space 2.5, rings 2.7): loads and stores of those
 * fields in plain byte arrays, at any alignment, and conversions of a CPU
 * value to and from its little-endian representation. Freestanding, header
 * only. Not for device registers or ring memory: access.h owns those (and
 * uses the conversions here).
 */
#ifndef VIRTIO_LE_H
#define VIRTIO_LE_H

#include <stdint.h>

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define VIRTIO_LE_SWAP_(bits, v) (v)
#else
#define VIRTIO_LE_SWAP_(bits, v) __builtin_bswap##bits(v)
#endif

/* Width 8 exists so width-generic code (access.h) can name every width. */
static inline uint8_t virtio_cpu_to_le8(uint8_t v) /* cov-exempt: unused */
{
	return v;
}
static inline uint8_t virtio_le8_to_cpu(uint8_t v) /* cov-exempt: unused */
{
	return v;
}
static inline uint16_t virtio_cpu_to_le16(uint16_t v) /* cov-exempt: unused */
{
	return VIRTIO_LE_SWAP_(16, v);
}
static inline uint16_t virtio_le16_to_cpu(uint16_t v) /* cov-exempt: unused */
{
	return VIRTIO_LE_SWAP_(16, v);
}
static inline uint32_t virtio_cpu_to_le32(uint32_t v)
{
	return VIRTIO_LE_SWAP_(32, v);
}
static inline uint32_t virtio_le32_to_cpu(uint32_t v) /* cov-exempt: unused */
{
	return VIRTIO_LE_SWAP_(32, v);
}
static inline uint64_t virtio_cpu_to_le64(uint64_t v)
{
	return VIRTIO_LE_SWAP_(64, v);
}
static inline uint64_t virtio_le64_to_cpu(uint64_t v) /* cov-exempt: unused */
{
	return VIRTIO_LE_SWAP_(64, v);
}
#undef VIRTIO_LE_SWAP_

/*
 * le16/le32/le64 fields in byte arrays: byte by byte, so alignment and host
 * order do not matter; compilers make one load or store of each.
 */
static inline uint16_t virtio_get_le16(const void *p)
{
	const uint8_t *b = p;

	return (uint16_t)(b[0] | b[1] << 8);
}
static inline uint32_t virtio_get_le32(const void *p)
{
	const uint8_t *b = p;

	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
	       (uint32_t)b[3] << 24;
}
static inline uint64_t virtio_get_le64(const void *p)
{
	const uint8_t *b = p;

	return (uint64_t)virtio_get_le32(b) |
	       (uint64_t)virtio_get_le32(b + 4) << 32;
}
static inline void virtio_put_le16(void *p, uint16_t v)
{
	uint8_t *b = p;

	b[0] = (uint8_t)v;
	b[1] = (uint8_t)(v >> 8);
}
static inline void virtio_put_le32(void *p, uint32_t v)
{
	uint8_t *b = p;

	b[0] = (uint8_t)v;
	b[1] = (uint8_t)(v >> 8);
	b[2] = (uint8_t)(v >> 16);
	b[3] = (uint8_t)(v >> 24);
}
static inline void virtio_put_le64(void *p, uint64_t v)
{
	uint8_t *b = p;

	virtio_put_le32(b, (uint32_t)v);
	virtio_put_le32(b + 4, (uint32_t)(v >> 32));
}

/* A field of `n` bytes (1..8) whose width is only known at run time, such
 * as one config-space access of width 1, 2 or 4. */
static inline uint64_t virtio_get_le(const void *p, unsigned n)
{
	const uint8_t *b = p;
	uint64_t v = 0;

	while (n--)
		v = v << 8 | b[n];
	return v;
}
static inline void virtio_put_le(void *p, uint64_t v, unsigned n)
{
	uint8_t *b = p;

	for (unsigned i = 0; i < n; i++)
		b[i] = (uint8_t)(v >> (8 * i));
}

#endif
