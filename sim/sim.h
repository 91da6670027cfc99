/* SPDX-License-Identifier: MIT */
/*
 * The simulated machine under the driver: one process-wide instance.
 * It owns a simulated physical window (DMA memory and bounce buffers, with a
 * per-page shadow), the MMIO windows of the devices, the decision stream,
 * the trace and the findings. Harnesses (fuzz/, tests, bench) use this
 * header; device models and fronts also use sim/device.h.
 *
 * Not here: any device behaviour (sim/dev/), any transport register map
 * (sim/mmio.c, sim/pci.c).
 */
#ifndef SIM_SIM_H
#define SIM_SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "virtio/hal.h"

/* ---- set-up -------------------------------------------------------------- */

struct sim_config {
	virtio_paddr_t dma_base;   /* simulated physical base of the DMA window */
	size_t dma_pages;          /* size of the DMA window in pages */
	size_t max_alloc_pages;    /* dma_alloc above this is a finding */
	bool record;               /* tests: record reports instead of aborting */
};
#define SIM_DMA_BASE_DEFAULT 0x80000000ull
#define SIM_DMA_PAGES_DEFAULT 4096u /* 16 MiB */
#define SIM_MAX_ALLOC_PAGES_DEFAULT 256u
#define SIM_MMIO_BASE 0x10000000ull /* device windows live from here */
#define SIM_MMIO_SPAN 0x01000000ull /* 16 MiB of MMIO address space */
/* The defaults sim_init(NULL) uses; tests set .record on a copy. */
#define SIM_CONFIG_DEFAULTS                                                    \
	{                                                                      \
		.dma_base = SIM_DMA_BASE_DEFAULT,                              \
		.dma_pages = SIM_DMA_PAGES_DEFAULT,                            \
		.max_alloc_pages = SIM_MAX_ALLOC_PAGES_DEFAULT,                \
		.record = false,                                               \
	}

/* Once per process. NULL config: defaults. Reads VFUZZ_TRACE (see trace). */
void sim_init(const struct sim_config *cfg);
/*
 * Start an iteration: forget every allocation, share, device window and
 * decision; restore touched pages only. `input` feeds the decision stream
 * (it is not copied; it must outlive the iteration).
 */
void sim_reset(const uint8_t *input, size_t len);
/* End an iteration: report DMA and share leaks still live (teardown audit). */
void sim_audit(void);

/* The instrumented HAL, and the unchecked pass-through used by the bench. */
extern const struct virtio_hal sim_hal;
extern const struct virtio_hal sim_passthru_hal;
/* Select the pass-through mode (device DMA by identity) before sim_reset;
 * only the benchmark does this. */
void sim_use_passthru(bool on);

/* ---- findings ------------------------------------------------------------ */

enum sim_class {
	SIM_OK = 0,
	/* dma_alloc / dma_dealloc */
	SIM_DMA_ALLOC_ZERO,        /* dma_alloc of 0 pages */
	SIM_DMA_ALLOC_TOO_BIG,     /* dma_alloc over the sim's limit */
	SIM_DEALLOC_UNKNOWN,       /* dma_dealloc of a paddr never allocated */
	SIM_DEALLOC_MISMATCH,      /* dma_dealloc vaddr does not match paddr */
	SIM_DEALLOC_WRONG_PAGES,   /* dma_dealloc with another page count */
	SIM_DEALLOC_DOUBLE,        /* dma_dealloc of freed memory */
	SIM_DMA_USE_AFTER_FREE,    /* driver touches freed DMA memory */
	/* share / unshare */
	SIM_SHARED_TOUCH,          /* driver touches its buffer while shared */
	SIM_SHARE_EMPTY,           /* share of a 0-byte buffer */
	SIM_SHARE_OVERLAP,         /* share overlapping a live share */
	SIM_UNSHARE_UNKNOWN,       /* unshare of a paddr never shared */
	SIM_UNSHARE_WRONG_BUFFER,  /* unshare names another buffer */
	SIM_UNSHARE_WRONG_LENGTH,  /* unshare with another length */
	SIM_UNSHARE_WRONG_DIR,     /* unshare with another direction */
	SIM_UNSHARE_DOUBLE,        /* unshare of an already unshared paddr */
	/* teardown */
	SIM_DMA_LEAK,              /* DMA memory still allocated at teardown */
	SIM_SHARE_LEAK,            /* buffer still shared at teardown */
	/* the device, told by the driver, reaches memory */
	SIM_DEVICE_UNOWNED,        /* device told to access memory nobody gave it */
	SIM_DEVICE_WRONG_DIR,      /* device told to write memory shared read-only */
	/* MMIO */
	SIM_MMIO_MAP_OUTSIDE,      /* mmio_phys_to_virt outside any device window */
	SIM_MMIO_OUTSIDE,          /* register access outside the window */
	SIM_MMIO_WIDTH,            /* register access at the wrong width */
	SIM_MMIO_MISALIGNED,       /* register access not naturally aligned */
	SIM_MMIO_RAW_DEREF,        /* raw dereference of an MMIO mapping */
	/* protocol, found by fronts and the device-side queue engine */
	SIM_STATUS_PROTOCOL,       /* status / feature / queue set-up out of order */
	SIM_QUEUE_CONFIG,          /* queue size or area address unusable */
	SIM_DESC_LOOP,             /* descriptor chain loops */
	SIM_DESC_NEXT_RANGE,       /* descriptor next out of range */
	SIM_DESC_MALFORMED,        /* other malformed descriptor (len 0, nested indirect...) */
	SIM_AVAIL_JUMP,            /* avail idx moved past the queue size */
	SIM_DESC_AVAIL_FLAGS,      /* packed: AVAIL/USED bits not available ones */
	SIM_DESC_REUSED,           /* packed: descriptor rewritten while the device owns it */
	SIM_BUFFER_ID_TWICE,       /* packed: buffer id made available while in flight */
	/* wrong answers: the device knows what was right (sim/oracle.h) */
	SIM_HONEST_REJECTED,       /* valid call fails though nothing deviated */
	SIM_UNWRITTEN_RETURNED,    /* success hands back bytes the device never wrote */
	SIM_LIE_ACCEPTED,          /* success after a visible lie or an error status */
	SIM_DATA_MISMATCH,         /* success with other data than the device holds or sent */
	SIM_HANG,                  /* driver polled past the budget */
	SIM_CLASS_COUNT_,
};

/* "dma-dealloc-double" etc. */
const char *sim_class_name(enum sim_class c);

/* An object a report can point at: a DMA allocation or a share. */
struct sim_site {
	uint32_t seq;        /* allocation/share sequence number, from 1 */
	const char *func;    /* driver function that made it */
	const char *file;
	int line;
};

/*
 * Report a finding. `fmt` is a plain sentence naming the driver's mistake
 * followed by bracketed facts: "driver unshares with a different length
 * [paddr=0x80004000] [shared=512] [unshared=4096]". `what`/`site` (may be
 * NULL) say where the object involved was made. Prints the report and the
 * trace tail to stderr, then aborts, unless record mode is on.
 */
void sim_report(enum sim_class c, const char *what, const struct sim_site *site,
		const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Record mode: findings so far this iteration, and the last one's class. */
unsigned sim_finding_count(void);
enum sim_class sim_last_finding(void);

/* ---- trace --------------------------------------------------------------- */

/*
 * Every HAL call, register access and device decision becomes one event.
 * Events carry simulated addresses only, so the same input gives a
 * byte-identical trace. Recording is cheap (no formatting): an event is a
 * static format string plus up to four numbers, formatted only when printed.
 * `fmt` consumes unsigned long long arguments only (%llx, %llu, %lld...);
 * sim_trace_s's fmt takes one %s first (a static string), then numbers.
 * With VFUZZ_TRACE=1 (or sim_trace_enable) every event is printed to stderr
 * as it happens; otherwise the last SIM_TRACE_TAIL are printed with a report.
 */
#define SIM_TRACE_TAIL 64 /* a power of two: the ring index is a mask */
void sim_trace(const char *fmt, unsigned long long a, unsigned long long b,
	       unsigned long long c, unsigned long long d);
void sim_trace_s(const char *fmt, const char *s, unsigned long long a,
		 unsigned long long b, unsigned long long c);
void sim_trace_enable(bool on);
/* Print the kept tail to stderr (reports do this themselves). */
void sim_trace_dump_tail(void);

/* ---- double fetches ---------------------------------------------------------- */

/*
 * Refetch mode, for this iteration (sim_reset turns it off): when the driver
 * reads device-writable DMA memory through the ring accessors that it has
 * already read since the device last wrote it, the decision point
 * "ring.refetch" lets the device have changed it in between (sim/refetch.c).
 * A driver that reads each device value once never meets it but when it
 * polls (re-reading an index the device has not moved yet).
 */
void sim_set_refetch(bool on);

/* ---- decisions: see sim/decide.h -------------------------------------------- */

#endif
