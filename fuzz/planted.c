/* SPDX-License-Identifier: MIT */
/*
 * A test-only target with one planted bug per finding class: the input
 * names the bug, "<case>" or "<case> <n>", n a decimal value the bug uses
 * (an index, an offset), so that no compiler can see it coming and the
 * tests can vary it. The tests replay each case through the replay and the
 * fuzz build and require the same class from both (pytest/test_repro.py).
 * Built in every preset, never listed or fuzzed (tools/vfuzzlib/core.py:
 * HIDDEN_TARGETS). Any other input does nothing.
 */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz/harness.h"
#include "sim/device.h" /* sim_dma_write; includes sim/sim.h */
#include "virtio/hal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Defined by libFuzzer only: lets two cases tell the builds apart. */
extern int LLVMFuzzerRunDriver(int *argc, char ***argv,
			       int (*cb)(const uint8_t *, size_t))
	__attribute__((weak));

/* A struct whose last member is a fixed-size array, reached through a
 * pointer: gcc's -fsanitize=bounds takes such an array for a flexible one
 * and checks no index into it. The array after it keeps a read past the
 * ring inside valid memory, so ASan has nothing to say either. */
struct planted_ring {
	uint32_t n;
	uint32_t slot[4];
};
static struct {
	struct planted_ring ring;
	uint32_t after[64];
} rings;

__attribute__((noinline)) static uint32_t ring_slot(struct planted_ring *r,
						     unsigned i)
{
	return r->slot[i];
}

/* A stack buffer's address, kept past the return of its frame. */
static uintptr_t escaped;

__attribute__((noinline)) static void keep_frame(unsigned n)
{
	volatile uint8_t local[16];

	local[n % 16] = 1;
	escaped = (uintptr_t)local;
}

/* Volatile, like the pointers to the heap objects below: neither
 * compiler may drop an access or warn about it ahead of time. */
static volatile uint32_t sink;

/* Run the bug `name` names with value n; 0 when there is no such case. */
static int plant(const char *name, unsigned n)
{
	if (!strcmp(name, "heap-read")) {
		uint8_t *volatile p = malloc(16);
		sink = p[16 + n % 16];
		free(p);
	} else if (!strcmp(name, "heap-write")) {
		volatile uint8_t *volatile p = malloc(16);
		p[16 + n % 16] = 1; /* volatile: -O2 drops a store before free */
		free((void *)p);
	} else if (!strcmp(name, "use-after-free")) {
		uint8_t *volatile p = malloc(16);
		free(p);
		sink = p[n % 16];
	} else if (!strcmp(name, "stack-use-after-return")) {
		keep_frame(n);
		sink = ((volatile uint8_t *)escaped)[n % 16];
	} else if (!strcmp(name, "segv")) {
		sink = *(volatile uint32_t *)(uintptr_t)(0x1000u + 4096u * (n % 16));
	} else if (!strcmp(name, "bounds")) {
		sink = ring_slot(&rings.ring, 4 + n % 32);
	} else if (!strcmp(name, "shift")) {
		sink = 1u << (32 + n % 32);
	} else if (!strcmp(name, "overflow")) {
		volatile int x = INT_MAX - (int)(n % 16);
		sink = (uint32_t)(x + 16);
	} else if (!strcmp(name, "divide")) {
		volatile int zero = 0;
		sink = (uint32_t)((int)n / zero);
	} else if (!strcmp(name, "dma-dealloc-double") ||
		   !strcmp(name, "dma-use-after-free")) {
		virtio_paddr_t pa;
		void *va;
		if (virtio_dma_alloc(&sim_hal, 1, VIRTIO_DIR_BOTH, &pa, &va))
			return 1;
		virtio_dma_dealloc(&sim_hal, pa, va, 1);
		if (name[4] == 'd')
			virtio_dma_dealloc(&sim_hal, pa, va, 1);
		else
			sink = ((volatile uint8_t *)va)[n % 4096];
	} else if (!strcmp(name, "unwritten-read") ||
		   !strcmp(name, "written-read")) {
		/* A DeviceToDriver buffer the device writes only the first
		 * byte of; the driver then branches on byte 1 + n % 15 (never
		 * written: uninitialized to MSan) or on byte 0 (written). */
		uint8_t *volatile p = malloc(16);
		virtio_paddr_t pa;
		uint8_t one = 1;
		if (virtio_share(&sim_hal, p, 16, VIRTIO_DIR_DEVICE_TO_DRIVER,
				 &pa))
			return 1;
		sim_dma_write(pa, &one, 1);
		virtio_unshare(&sim_hal, pa, p, 16,
			       VIRTIO_DIR_DEVICE_TO_DRIVER);
		if (p[name[0] == 'u' ? 1 + n % 15 : 0] == 0xa5)
			sink = 1;
		free(p);
	} else if (!strcmp(name, "fuzz-build-only") ||
		   !strcmp(name, "replay-build-only")) {
		/* The two builds disagree by design: ./vfuzz repro's tests. */
		uint8_t *volatile p = malloc(16);
		if ((LLVMFuzzerRunDriver != NULL) == (name[0] == 'f'))
			sink = p[16 + n % 16];
		free(p);
	} else {
		return 0;
	}
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char text[64], name[sizeof(text)];
	unsigned n = 0;

	if (size >= sizeof(text))
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (sscanf(text, "%63s %u", name, &n) < 1)
		return 0;
	fuzz_init();
	sim_reset(NULL, 0);
	if (plant(name, n))
		fprintf(stderr, "planted: %s survived\n", name);
	sim_audit();
	return 0;
}
