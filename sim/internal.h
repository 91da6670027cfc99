/* SPDX-License-Identifier: MIT */
/*
 * Shared state of the sim core's own files (mem.c, access.c, report.c,
 * trace.c, decide.c, passthru.c, oracle.c). Not for fronts or device models.
 */
#ifndef SIM_INTERNAL_H
#define SIM_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/device.h"
#include "sim/sim.h"
#include "virtio/errors.h"

/* SIM_ASAN: the program runs under ASan, so the sim poisons what the driver
 * must not touch. The build defines it when the program links ASan even if
 * the sim's own code is not instrumented (the fuzz build, CMakeLists.txt). */
#if !defined(SIM_ASAN) && defined(__SANITIZE_ADDRESS__)
#define SIM_ASAN 1
#elif !defined(SIM_ASAN) && defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SIM_ASAN 1
#endif
#endif
#ifdef SIM_ASAN
#include <sanitizer/asan_interface.h>
#endif

/*
 * Loops over the sim's own memory (the DMA window, its bitmaps) that must
 * not become library calls: under ASan, memcpy and memset are interceptors
 * that check both ranges, the fuzz path's largest sanitizer cost.
 */
#if defined(__clang__)
#define SIM_UNCHECKED __attribute__((no_sanitize("address"), no_builtin("memcpy", "memset")))
#else
#define SIM_UNCHECKED __attribute__((no_sanitize_address, optimize("no-tree-loop-distribute-patterns")))
#endif

extern const char *const sim_dir_name[4];

/* Where the driver's current HAL call comes from (virtio_sim_site). */
extern struct sim_site sim_cur_site;

/* The window of DMA memory as the host sees it. */
extern uint8_t *sim_dma_host;
extern virtio_paddr_t sim_dma_base;
extern size_t sim_dma_npages;
extern bool sim_record_mode;
extern bool sim_unchecked; /* pass-through HAL in use: no shadow, no checks */

/* Page states of the shadow. */
enum sim_page_state {
	SIM_PG_FREE = 0,  /* never used this iteration */
	SIM_PG_DMA,       /* live dma_alloc */
	SIM_PG_BOUNCE,    /* live share's bounce memory */
	SIM_PG_FREED,     /* was DMA or bounce; obj says which, for double frees */
};
/* A page state as reports name it ([state=...]). */
static inline const char *sim_page_state_name(int st)
{
	switch (st) {
	case SIM_PG_FREE: return "never allocated";
	case SIM_PG_DMA: return "allocated";
	case SIM_PG_BOUNCE: return "bounce";
	default: return "freed";
	}
}
/* The shadow: one entry per page of the DMA window. */
struct sim_page {
	uint8_t state; /* enum sim_page_state */
	uint8_t dir;   /* enum virtio_dir of the live object */
	uint32_t obj;  /* index of the object (+1; 0: none) */
};
extern struct sim_page *sim_pages;

/* Shadow state of the page holding host address p, or -1 outside the
 * window. Inline: every driver ring access asks. */
static inline int sim_page_state_of(const volatile void *p,
				    enum virtio_dir *dir, uint32_t *obj)
{
	uintptr_t a = (uintptr_t)p, b = (uintptr_t)sim_dma_host;
	if (a < b || a - b >= sim_dma_npages * VIRTIO_PAGE_SIZE)
		return -1;
	const struct sim_page *pg = &sim_pages[(a - b) / VIRTIO_PAGE_SIZE];
	*dir = (enum virtio_dir)pg->dir;
	*obj = pg->obj;
	return pg->state;
}
/* Describe an object for a report: "allocated"/"shared"/"freed" site. */
const struct sim_site *sim_obj_site(uint32_t obj, const char **what,
				    virtio_paddr_t *paddr);

bool sim_shared_buffer_at(const void *p, const struct sim_site **site,
			  virtio_paddr_t *paddr, size_t *off);

/* A trace event whose %s is name(ctx, off), looked up only if printed. */
void sim_trace_named(const char *fmt, const char *(*name)(void *, uint64_t),
		     void *ctx, uint64_t off, unsigned long long a,
		     unsigned long long b, unsigned long long c);
void sim_trace_init(void);
void sim_trace_reset(void);
void sim_decide_reset(const uint8_t *data, size_t len);
void sim_mem_init(const struct sim_config *cfg);
void sim_mem_reset(void);
void sim_mem_audit(void);
void sim_access_init(void);
void sim_access_reset(void);
void sim_report_reset(void);
void sim_report_init(bool record);

/* Double fetches (refetch.c): the mode, set per iteration; a driver read of
 * device-writable window memory (the value it would see; returns the one it
 * sees); a device write of [off, off + len) of the window. */
extern bool sim_refetch_on;
void sim_refetch_init(void);
void sim_refetch_reset(void);
uint64_t sim_refetch_load(volatile void *addr, unsigned width, uint64_t v);
void sim_refetch_device_wrote(size_t off, size_t len);

/* The oracles (oracle.c, API in sim/oracle.h). What they know of one
 * share while it lives: marks, and the first lie or error it was part of. */
#define SIM_MARK_LIED 0x1u   /* a lie the driver can see */
#define SIM_MARK_ERROR 0x2u  /* an error status */
#define SIM_MARK_UNTRUE 0x4u /* an answer the model did not give */
enum sim_written_form {
	SIM_WRITTEN_NONE = 0, /* the device wrote nothing yet */
	SIM_WRITTEN_SPAN,     /* it wrote bytes [lo, hi) of the share */
	SIM_WRITTEN_BITS,     /* more than one span: sim_written says */
};
struct sim_share_marks {
	uint8_t marks;   /* SIM_MARK_* */
	uint8_t lie;     /* enum sim_lie of the first lie or error */
	uint8_t written; /* enum sim_written_form */
	uint32_t value;  /* the lie's value */
	uint32_t lo, hi; /* SIM_WRITTEN_SPAN */
};
/* A bit per byte of the DMA window: written by the device, for shares
 * whose writes are not one span (nearly all are). Bits outside such live
 * shares are always clear. */
extern uint8_t *sim_written;
void sim_oracle_init(void);
void sim_oracle_reset(void);
/* mem.c: the device wrote [off, off + len) of the share whose bytes start
 * at window offset `base`; a share ends as it was made (writable: the
 * device could write it: what it wrote goes to a record); a writable
 * share ends otherwise (a mistaken unshare, a leak at reset). */
void sim_oracle_wrote(struct sim_share_marks *m, size_t base, size_t off,
		      size_t len);
void sim_oracle_unshared(const void *buf, size_t len, virtio_paddr_t paddr,
			 bool writable, struct sim_share_marks *m,
			 const struct sim_site *site);
void sim_oracle_forget(struct sim_share_marks *m, size_t base, size_t len);
/* mem.c for oracle.c: the marks of the live share holding all of
 * [pa, pa + len), its window offset and pa's offset in it; NULL if none. */
struct sim_share_marks *sim_share_marks_at(virtio_paddr_t pa, size_t len,
					   size_t *base, size_t *off);
/* decide.c: a platform refusal outside the decision stream (a full DMA
 * window) is a deviation all the same. */
void sim_decide_note_deviation(void);

/* mmio_phys_to_virt of the sim HALs (access.c). */
volatile void *sim_mmio_phys_to_virt(virtio_paddr_t pa, size_t size);

/* Device-side DMA with the pass-through HAL: paddr is a host address. */
int sim_passthru_dma(virtio_paddr_t pa, void *buf, size_t len, bool write);

#endif
