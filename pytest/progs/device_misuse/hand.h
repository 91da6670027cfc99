/* SPDX-License-Identifier: MIT */
/*
 * The hand-played driver of device_misuse (main.c): the simulated machine
 * (a blk device on virtio-mmio v1/v2 or virtio-pci), the transport driven
 * register by register, and queue 0's rings written byte by byte. Scenarios
 * (misuse.c, correct.c) use these to make exactly the accesses they need.
 */
#ifndef DEVICE_MISUSE_HAND_H
#define DEVICE_MISUSE_HAND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "sim/dev/blk.h"
#include "virtio/le.h"
#include "sim/mmio.h"
#include "sim/pci.h"
#include "virtio/pci_regs.h"

#define QSIZE 8u
#define BIT(n) (1ull << (n))
#define F_V1 BIT(VIRTIO_F_VERSION_1)
#define F_INDIRECT BIT(VIRTIO_F_RING_INDIRECT_DESC)
#define F_EVENT_IDX BIT(VIRTIO_F_RING_EVENT_IDX)
#define FAIL(...) return printf(__VA_ARGS__), printf("\n"), 1
#define EXPECT(c, ...) do { if (!(c)) FAIL(__VA_ARGS__); } while (0)

enum tp { MMIO1 = 1, MMIO2 = 2, PCI = 3, PCI_NOFW = 4 };

/* The driver's queue 0: ring page (descriptors at 0, avail at 128), used
 * ring (legacy: the next page of the same allocation), a 4-page buffer. */
struct hand_drv {
	virtio_paddr_t ring_pa, used_pa, buf_pa;
	uint8_t *ring, *used, *buf;
	uint16_t avail_idx;
};
extern struct hand_drv drv;
#define AVAIL (drv.ring + 16 * QSIZE)
#define AVAIL_PA (drv.ring_pa + 16 * QSIZE)
/* Buffer layout: header at 0, status at 64, indirect tables at 2048,
 * data from 4096. */
#define HDR 0
#define STATUS 64
#define ITAB 2048
#define DATA 4096

extern struct sim_blk *blk;     /* the model fuzz_device_blk created */
extern volatile uint8_t *win;  /* virtio-mmio window, or the PCI BAR */
extern volatile uint8_t *ecam; /* PCI config space of the blk function */
extern enum tp tp;

/* One scenario: run on a fresh machine of transport `tp`; returns 0 when
 * it ran as planned (findings are counted by the sim), else prints why. */
struct scenario {
	const char *name;
	enum tp tp;
	int (*run)(void);
	const char *script;     /* decisions, or NULL: a spec device */
	virtio_paddr_t base;    /* virtio-mmio window, 0: SIM_MMIO_BASE */
};
extern const struct scenario misuse_scenarios[], correct_scenarios[];
extern const size_t misuse_scenario_count, correct_scenario_count;

/* A PCI common-config field's offset in the BAR. */
#define CC(r) (SIM_PCI_COMMON_OFF + VIRTIO_PCI_COMMON_##r)

/* The machine: set up for transport t (mmio_base: the virtio-mmio
 * window), torn down; DMA allocations and MMIO maps that exit(3) on
 * failure. */
void setup(enum tp t, virtio_paddr_t mmio_base);
void teardown(void);
void *alloc(size_t pages, enum virtio_dir dir, virtio_paddr_t *pa);
volatile uint8_t *map(virtio_paddr_t pa, size_t len);
bool legacy(void);
bool is_pci(void);

/* Register accesses at offsets into win. */
uint32_t rd(unsigned off);
void wr(unsigned off, uint32_t v);
uint8_t c8(unsigned off);
uint16_t c16(unsigned off);
uint32_t c32(unsigned off);
void w8(unsigned off, uint8_t v);
void w16(unsigned off, uint16_t v);
void w32(unsigned off, uint32_t v);

/* The transport, on either bus. */
void status_set(uint8_t v);
uint8_t status_get(void);
uint64_t features_get(void);
void features_set_word(uint32_t sel, uint32_t v);
uint64_t negotiate(uint64_t want);
void queue_program(uint32_t qi, uint32_t num, virtio_paddr_t desc,
		   virtio_paddr_t avail, virtio_paddr_t used);
void queue_enable(uint32_t qi);
void queue_up(void);
uint64_t bring_up(uint64_t want);
void notify(uint16_t qi);
uint32_t isr(void);
volatile uint8_t *config(void);

/* Queue 0's rings and blk requests in drv.buf (fields: virtio/le.h). */
void desc(uint8_t *table, unsigned i, virtio_paddr_t a, uint32_t len,
	  uint16_t flags, uint16_t next);
void make_avail(uint16_t head);
uint16_t used_idx(void);
uint32_t used_id(unsigned n);
uint32_t used_len(unsigned n);
uint16_t avail_event(void);
void blk_header(uint32_t type, uint64_t sector);
void blk_request_at(uint16_t first, uint32_t type, uint64_t sector,
		    uint32_t len);
void blk_request(uint32_t type, uint64_t sector, uint32_t len);

#endif
