/* SPDX-License-Identifier: MIT */
/*
 * Device access: the only way drivers touch device registers (MMIO) and
 * memory shared with a device (ring fields). Bare metal: inline volatile
 * accesses, little-endian conversion and fences. Sim build (VIRTIO_SIM):
 * every access is routed to the sim, which dispatches MMIO to the transport
 * front, checks ownership, and lets the device act between two reads.
 */
#ifndef VIRTIO_ACCESS_H
#define VIRTIO_ACCESS_H

#include <stdint.h>

#include "virtio/le.h"

#ifdef VIRTIO_SIM

/* Implemented by sim/access.c. width is 1, 2, 4 or 8 bytes. */
uint64_t virtio_sim_mmio_read(const volatile void *addr, unsigned width);
void virtio_sim_mmio_write(volatile void *addr, unsigned width, uint64_t val);
uint64_t virtio_sim_ring_load(const volatile void *addr, unsigned width);
void virtio_sim_ring_store(volatile void *addr, unsigned width, uint64_t val);

#define VIRTIO_ACCESS_(w, bits)                                                \
	static inline uint##bits##_t virtio_read##bits(const volatile void *a) \
	{                                                                      \
		return (uint##bits##_t)virtio_sim_mmio_read(a, w);             \
	}                                                                      \
	static inline void virtio_write##bits(volatile void *a,                \
					      uint##bits##_t v)                \
	{                                                                      \
		virtio_sim_mmio_write(a, w, v);                                \
	}                                                                      \
	static inline uint##bits##_t virtio_load_le##bits(                     \
		const volatile void *a)                                        \
	{                                                                      \
		return (uint##bits##_t)virtio_sim_ring_load(a, w);             \
	}                                                                      \
	static inline void virtio_store_le##bits(volatile void *a,             \
						 uint##bits##_t v)             \
	{                                                                      \
		virtio_sim_ring_store(a, w, v);                                \
	}

/* The sim is single-threaded and sequentially consistent. */
static inline void virtio_mb(void) { __asm__ __volatile__("" ::: "memory"); }

#else /* bare metal */

#define VIRTIO_ACCESS_(w, bits)                                                \
	static inline uint##bits##_t virtio_read##bits(const volatile void *a) \
	{                                                                      \
		return virtio_le##bits##_to_cpu(                               \
			*(const volatile uint##bits##_t *)a);                  \
	}                                                                      \
	static inline void virtio_write##bits(volatile void *a,                \
					      uint##bits##_t v)                \
	{                                                                      \
		*(volatile uint##bits##_t *)a = virtio_cpu_to_le##bits(v);     \
	}                                                                      \
	static inline uint##bits##_t virtio_load_le##bits(                     \
		const volatile void *a)                                        \
	{                                                                      \
		return virtio_le##bits##_to_cpu(                               \
			*(const volatile uint##bits##_t *)a);                  \
	}                                                                      \
	static inline void virtio_store_le##bits(volatile void *a,             \
						 uint##bits##_t v)             \
	{                                                                      \
		*(volatile uint##bits##_t *)a = virtio_cpu_to_le##bits(v);     \
	}

/* Full fence between memory and device accesses in both directions. */
static inline void virtio_mb(void)
{
#if defined(__riscv)
	__asm__ __volatile__("fence iorw, iorw" ::: "memory");
#else
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
#endif
}

#endif

VIRTIO_ACCESS_(1, 8)
VIRTIO_ACCESS_(2, 16)
VIRTIO_ACCESS_(4, 32)
VIRTIO_ACCESS_(8, 64)
#undef VIRTIO_ACCESS_

#endif
