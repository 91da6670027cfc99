/* SPDX-License-Identifier: MIT */
/*
 * The simulated physical address space and the instrumented HAL.
 * A fixed window of simulated physical memory backs DMA allocations and the
 * bounce buffers of shares (the pKVM/swiotlb/vmbase model: share() returns a
 * simulated physical address, never a host pointer). Every page has a shadow
 * entry; every allocation and share is an object that remembers its call
 * site, so each misuse is reported against where the object was made.
 * Reset touches only the pages the iteration touched.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "sim/decide.h"
#include "sim/internal.h"

#if defined(__has_feature)
#if __has_feature(memory_sanitizer)
#define SIM_MSAN 1
#include <sanitizer/msan_interface.h>
#endif
#endif

#define POISON_BYTE 0xa5 /* DEVICE_TO_DRIVER bounce memory before the device writes */

enum obj_kind { OBJ_DMA = 1, OBJ_SHARE };

struct obj {
	uint8_t kind;
	uint8_t dir;
	bool live;
	virtio_paddr_t paddr;
	size_t pages;
	void *vaddr;      /* DMA: host address of the pages; share: driver buffer */
	size_t len;       /* share: buffer bytes; DMA: pages * PAGE_SIZE */
	struct sim_site site;
	struct sim_site freed;
	struct sim_share_marks marks; /* share: what the oracles know of it */
};

const char *const sim_dir_name[4] = {
	[0] = "none",
	[VIRTIO_DIR_DRIVER_TO_DEVICE] = "DriverToDevice",
	[VIRTIO_DIR_DEVICE_TO_DRIVER] = "DeviceToDriver",
	[VIRTIO_DIR_BOTH] = "Both",
};

uint8_t *sim_dma_host;
virtio_paddr_t sim_dma_base;
size_t sim_dma_npages;
bool sim_unchecked;
struct sim_site sim_cur_site;

static size_t max_alloc_pages;
struct sim_page *sim_pages;
static uint32_t *touched; /* page indices touched this iteration */
static size_t ntouched;
static struct obj *objs;
static uint32_t max_objs;  /* 2 per page of the window: see compact_objs */
static uint32_t nobjs;
static uint32_t seq;       /* allocation/share sequence numbers */
static size_t fresh;       /* pages from here on are unused this iteration */
static size_t reuse;       /* next-fit cursor over freed pages */
static uint32_t *live_shares; /* objs index of each live share */
static uint32_t *remap;       /* compact_objs: old id -> new id, 0: dropped */
static uint32_t nlive_shares;

void virtio_sim_site(const char *func, const char *file, int line)
{
	sim_cur_site.func = func;
	sim_cur_site.file = file;
	sim_cur_site.line = line;
}

static void poison(void *p, size_t n)
{
#ifdef SIM_ASAN
	__asan_poison_memory_region(p, n);
#else
	(void)p, (void)n;
#endif
}

static void unpoison(void *p, size_t n)
{
#ifdef SIM_ASAN
	__asan_unpoison_memory_region(p, n);
#else
	(void)p, (void)n;
#endif
}

/*
 * Copies and fills that stay between the DMA window and the sim's own
 * buffers: the shadow has already checked the window side, so they skip
 * ASan's range checks (SIM_UNCHECKED). Copies that read or write the
 * driver's buffers check its side first (check_driver).
 */

SIM_UNCHECKED static void window_copy(void *dst, const void *src, size_t n)
{
	uint8_t *d = dst;
	const uint8_t *s = src;
	for (; n >= 8; n -= 8, d += 8, s += 8) {
		uint64_t w;
		__builtin_memcpy(&w, s, 8);
		__builtin_memcpy(d, &w, 8);
	}
	while (n--)
		*d++ = *s++;
}

SIM_UNCHECKED static void window_fill(void *dst, uint8_t byte, size_t n)
{
	uint8_t *d = dst;
	uint64_t w = 0x0101010101010101ull * byte;
	for (; n >= 8; n -= 8, d += 8)
		__builtin_memcpy(d, &w, 8);
	while (n--)
		*d++ = byte;
}

#ifdef SIM_ASAN
/* ASan's shadow byte for memory poisoned through its API ("Poisoned by
 * user: f7" in every report's legend). */
#define SHADOW_USER 0xf7
static size_t shadow_scale, shadow_offset; /* __asan_get_shadow_mapping */
#endif

/*
 * A shared driver buffer's whole granules (ASan cannot poison part of one
 * without hiding its neighbours): poisoned at share, after check_driver
 * has found all of it the driver's; given back at unshare only if they are
 * still the sim's poison. A buffer the driver freed or let go out of scope
 * while shared carries ASan's own marking instead, which stays, and the
 * check before the copy back reports it. Freeing or leaving a scope marks
 * a whole object, so the first granule tells. Returns whether it did (on:
 * always; off: the buffer was still all the driver's). Unchecked:
 * ASan-instrumented code (the replay build's sim) cannot read the shadow
 * itself.
 */
SIM_UNCHECKED static bool granules(void *p, size_t n, bool on)
{
	uintptr_t b = ((uintptr_t)p + 7u) & ~(uintptr_t)7u;
	uintptr_t e = ((uintptr_t)p + n) & ~(uintptr_t)7u;
	if (e <= b)
		return false;
#ifdef SIM_ASAN
	if (!on && *(volatile uint8_t *)((b >> shadow_scale) + shadow_offset) !=
			   SHADOW_USER)
		return false;
#endif
	if (on)
		poison((void *)b, e - b);
	else
		unpoison((void *)b, e - b);
	return true;
}

/*
 * Before the sim touches a driver buffer (share, unshare): all of it must
 * be the driver's, or ASan reports as its memcpy would (a share longer than
 * the object, a buffer freed or out of scope while shared). write: the
 * direction lets the device write it back.
 */
__attribute__((noinline)) static void check_driver(const void *p, size_t n,
						   bool write)
{
#ifdef SIM_ASAN
	void *bad = __asan_region_is_poisoned((void *)(uintptr_t)p, n);
	if (bad)
		__asan_report_error(__builtin_return_address(0),
				    __builtin_frame_address(0),
				    __builtin_frame_address(0), bad, write, n);
#else
	(void)p, (void)n, (void)write;
#endif
}

/* A copy to or from a driver buffer, after check_driver: under ASan,
 * memcpy is its interceptor, which would check both sides again. */
static inline void driver_copy(void *dst, const void *src, size_t n)
{
#ifdef SIM_ASAN
	window_copy(dst, src, n);
#else
	memcpy(dst, src, n);
#endif
}

void sim_mem_init(const struct sim_config *cfg)
{
	sim_dma_base = cfg->dma_base;
	sim_dma_npages = cfg->dma_pages;
	max_alloc_pages = cfg->max_alloc_pages;
	size_t bytes = sim_dma_npages * VIRTIO_PAGE_SIZE;
	void *m = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	sim_pages = calloc(sim_dma_npages, sizeof *sim_pages);
	touched = calloc(sim_dma_npages, sizeof *touched);
	max_objs = (uint32_t)(2 * sim_dma_npages);
	objs = calloc(max_objs, sizeof *objs);
	live_shares = calloc(max_objs, sizeof *live_shares);
	remap = calloc(max_objs + 1u, sizeof *remap);
	if (m == MAP_FAILED || !sim_pages || !touched || !objs ||
	    !live_shares || !remap) {
		fprintf(stderr, "sim: cannot reserve %zu pages of DMA window\n",
			sim_dma_npages);
		exit(2);
	}
	sim_dma_host = m;
#ifdef SIM_ASAN
	__asan_get_shadow_mapping(&shadow_scale, &shadow_offset);
#endif
	poison(sim_dma_host, bytes); /* free memory is never the driver's */
}

void sim_mem_reset(void)
{
	for (size_t i = 0; i < ntouched; i++) {
		uint32_t pg = touched[i];
		/* A freed page is poisoned already (release_pages). */
		if (sim_pages[pg].state != SIM_PG_FREED)
			poison(sim_dma_host + (size_t)pg * VIRTIO_PAGE_SIZE,
			       VIRTIO_PAGE_SIZE);
		sim_pages[pg] = (struct sim_page){0};
	}
	for (uint32_t i = 0; i < nlive_shares; i++) {
		struct obj *o = &objs[live_shares[i]];
		granules(o->vaddr, o->len, false); /* leaked share: give it back */
		if (o->dir & VIRTIO_DIR_DEVICE_TO_DRIVER)
			sim_oracle_forget(&o->marks,
					  (size_t)(o->paddr - sim_dma_base),
					  o->len);
	}
	ntouched = 0;
	nobjs = 0;
	seq = 0;
	fresh = 0;
	reuse = 0;
	nlive_shares = 0;
	sim_cur_site = (struct sim_site){0};
}

static inline virtio_paddr_t page_paddr(size_t pg)
{
	return sim_dma_base + (virtio_paddr_t)pg * VIRTIO_PAGE_SIZE;
}

static inline void *page_host(size_t pg)
{
	return sim_dma_host + pg * VIRTIO_PAGE_SIZE;
}

/* Page index of a simulated physical address, or -1. */
static inline long page_of_paddr(virtio_paddr_t pa)
{
	if (pa < sim_dma_base)
		return -1;
	virtio_paddr_t pg = (pa - sim_dma_base) / VIRTIO_PAGE_SIZE;
	return pg < sim_dma_npages ? (long)pg : -1;
}

const struct sim_site *sim_obj_site(uint32_t obj, const char **what,
				    virtio_paddr_t *paddr)
{
	if (!obj || obj > nobjs)
		return NULL;
	struct obj *o = &objs[obj - 1];
	*paddr = o->paddr;
	if (!o->live) {
		*what = o->kind == OBJ_DMA ? "freed" : "unshared";
		return &o->freed;
	}
	*what = o->kind == OBJ_DMA ? "allocated" : "shared";
	return &o->site;
}

/*
 * Pages for a new object: never-used pages first, from a bump pointer, so a
 * freed page is reused as late as possible (a quarantine, as ASan's); once
 * the window is used up, a next-fit scan over freed pages. -1 when full.
 */
static long find_pages(size_t n)
{
	if (n <= sim_dma_npages - fresh) {
		fresh += n;
		return (long)(fresh - n);
	}
	for (size_t tries = 0, run = 0, pg = reuse; tries < 2 * sim_dma_npages;
	     tries++, pg++) {
		if (pg == sim_dma_npages)
			pg = 0, run = 0; /* a run cannot wrap around */
		run = sim_pages[pg].state == SIM_PG_FREED ? run + 1 : 0;
		if (run == n) {
			reuse = pg + 1;
			return (long)(pg + 1 - n);
		}
	}
	return -1;
}

/*
 * The table is full: drop the records of freed objects none of whose pages
 * still names them (every page was reused since), and renumber the rest in
 * the pages and the live-share list. A record is kept while a report could
 * still need it; as every object holds a page of the window, at least half
 * the table (2 records per page) comes free, so an iteration may make any
 * number of objects.
 */
static void compact_objs(void)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < nobjs; i++)
		remap[i + 1] = objs[i].live;
	for (size_t i = 0; i < ntouched; i++)
		if (sim_pages[touched[i]].obj)
			remap[sim_pages[touched[i]].obj] = 1;
	for (uint32_t i = 0; i < nobjs; i++) {
		if (!remap[i + 1])
			continue;
		objs[n] = objs[i];
		remap[i + 1] = ++n;
	}
	for (size_t i = 0; i < ntouched; i++)
		sim_pages[touched[i]].obj = remap[sim_pages[touched[i]].obj];
	for (uint32_t i = 0; i < nlive_shares; i++)
		live_shares[i] = remap[live_shares[i] + 1] - 1;
	nobjs = n;
}

static struct obj *new_obj(enum obj_kind kind, enum virtio_dir dir, long pg,
			   size_t n, uint32_t *id)
{
	if (nobjs == max_objs)
		compact_objs(); /* leaves at least half free */
	struct obj *o = &objs[nobjs++];
	*id = nobjs;
	/* Field by field: a compound literal becomes a memset that ASan's
	 * interceptor checks, on the hottest path of the sim. */
	o->kind = (uint8_t)kind;
	o->dir = (uint8_t)dir;
	o->live = true;
	o->paddr = page_paddr((size_t)pg);
	o->pages = n;
	o->vaddr = NULL;
	o->len = 0;
	o->freed.seq = 0;
	o->marks.marks = 0;
	o->marks.lie = 0;
	o->marks.written = SIM_WRITTEN_NONE;
	o->site = sim_cur_site;
	o->site.seq = ++seq;
	uint8_t st = kind == OBJ_DMA ? SIM_PG_DMA : SIM_PG_BOUNCE;
	for (size_t i = 0; i < n; i++) {
		struct sim_page *p = &sim_pages[(size_t)pg + i];
		if (p->state == SIM_PG_FREE)
			touched[ntouched++] = (uint32_t)((size_t)pg + i);
		p->state = st;
		p->dir = (uint8_t)dir;
		p->obj = *id;
	}
	return o;
}

/* Pages outside live DMA objects are poisoned whole, bounce pages
 * included (only the sim reads and writes them); a DMA object unpoisons
 * its pages and gives them back here. */
static void release_pages(struct obj *o)
{
	long pg = page_of_paddr(o->paddr);
	for (size_t i = 0; i < o->pages; i++)
		sim_pages[(size_t)pg + i].state = SIM_PG_FREED;
	if (o->kind == OBJ_DMA) /* bounce pages were never unpoisoned */
		poison(page_host((size_t)pg), o->pages * VIRTIO_PAGE_SIZE);
	o->live = false;
	o->freed = sim_cur_site;
	o->freed.seq = ++seq;
}

/* The object whose first page is at paddr, live or freed; NULL if none. */
static struct obj *obj_at(virtio_paddr_t pa, int kind)
{
	long pg = page_of_paddr(pa);
	if (pg < 0 || !sim_pages[pg].obj)
		return NULL;
	struct obj *o = &objs[sim_pages[pg].obj - 1];
	return o->kind == kind && o->paddr == pa ? o : NULL;
}

static int sim_dma_alloc(void *ctx, size_t n, enum virtio_dir dir,
			 virtio_paddr_t *paddr, void **vaddr)
{
	(void)ctx;
	sim_trace_s("hal dma_alloc dir=%s pages=%llu", sim_dir_name[dir & 3],
		    n, 0, 0);
	if (n == 0) {
		sim_report(SIM_DMA_ALLOC_ZERO, NULL, NULL,
			   "driver allocates 0 pages of DMA memory [pages=0]");
		return VIRTIO_EINVALID_PARAM;
	}
	if (n > max_alloc_pages) {
		sim_report(SIM_DMA_ALLOC_TOO_BIG, NULL, NULL,
			   "driver allocates more DMA memory than the platform allows [pages=%zu] [limit=%zu]",
			   n, max_alloc_pages);
		return VIRTIO_EDMA;
	}
	long pg = find_pages(n);
	uint32_t id;
	struct obj *o;
	if (pg < 0)
		sim_decide_note_deviation(); /* the platform refuses all the same */
	if (pg < 0 || sim_decide_flag("hal.dma_alloc_fail") ||
	    !(o = new_obj(OBJ_DMA, dir, pg, n, &id))) {
		sim_trace("hal dma_alloc failed", 0, 0, 0, 0);
		return VIRTIO_EDMA;
	}
	o->vaddr = page_host((size_t)pg);
	o->len = n * VIRTIO_PAGE_SIZE;
	unpoison(o->vaddr, o->len);
	window_fill(o->vaddr, 0, o->len);
	*paddr = o->paddr;
	*vaddr = o->vaddr;
	sim_trace("hal dma_alloc -> paddr=0x%llx #%llu", o->paddr, o->site.seq,
		  0, 0);
	return 0;
}

static int sim_dma_dealloc(void *ctx, virtio_paddr_t paddr, void *vaddr,
			   size_t n)
{
	(void)ctx;
	sim_trace("hal dma_dealloc paddr=0x%llx pages=%llu", paddr, n, 0, 0);
	struct obj *o = obj_at(paddr, OBJ_DMA);
	if (!o) {
		sim_report(SIM_DEALLOC_UNKNOWN, NULL, NULL,
			   "driver frees DMA memory it never allocated [paddr=0x%llx] [pages=%zu]",
			   (unsigned long long)paddr, n);
		return VIRTIO_EINVALID_PARAM;
	}
	if (!o->live) {
		sim_report(SIM_DEALLOC_DOUBLE, "freed", &o->freed,
			   "driver frees DMA memory twice [paddr=0x%llx] [pages=%zu]",
			   (unsigned long long)paddr, n);
		return VIRTIO_EINVALID_PARAM;
	}
	if (vaddr != o->vaddr) {
		sim_report(SIM_DEALLOC_MISMATCH, "allocated", &o->site,
			   "driver frees DMA memory with a virtual address that is not the one allocated with it [paddr=0x%llx] [vaddr=paddr%+lld]",
			   (unsigned long long)paddr,
			   (long long)((uint8_t *)vaddr - (uint8_t *)o->vaddr));
		return VIRTIO_EINVALID_PARAM;
	}
	if (n != o->pages) {
		sim_report(SIM_DEALLOC_WRONG_PAGES, "allocated", &o->site,
			   "driver frees DMA memory with a different page count [paddr=0x%llx] [allocated=%zu] [freed=%zu]",
			   (unsigned long long)paddr, o->pages, n);
		/* free what was allocated, so one mistake is one report */
	}
	release_pages(o);
	return 0;
}

/*
 * Under MemorySanitizer, the bytes of a DeviceToDriver buffer that the
 * device neither wrote nor answered for come back uninitialized: a real
 * bounce buffer or IOMMU mapping hands back whatever was there, so a
 * driver that branches on them (a status byte past the used len, a field
 * the device left out) or passes them on is an MSan report. The bounce
 * side starts uninitialized at share (its origin: the driver's share
 * call); the device's writes initialize what they store, and the copy
 * back at unshare carries that shadow into the driver's buffer. Then what
 * the oracles count written (sim/oracle.c: a used len that claims bytes
 * the device did not store, every byte after refetch rewrites) is
 * initialized too: the driver could not tell those from real data. A Both
 * buffer keeps the driver's own bytes (and their shadow) where the device
 * wrote none.
 */
#ifdef SIM_MSAN
static void msan_bounce_unwritten(void *bounce, size_t len, enum virtio_dir dir)
{
	if (dir == VIRTIO_DIR_DEVICE_TO_DRIVER)
		__msan_allocated_memory(bounce, len);
}

static void msan_claimed(const struct obj *o)
{
	uint8_t *b = o->vaddr;
	const struct sim_share_marks *m = &o->marks;
	size_t base = (size_t)(o->paddr - sim_dma_base);

	if (o->dir != VIRTIO_DIR_DEVICE_TO_DRIVER)
		return;
	if (sim_refetch_rewrites()) {
		__msan_unpoison(b, o->len);
	} else if (m->written == SIM_WRITTEN_SPAN) {
		size_t hi = m->hi < o->len ? m->hi : o->len;
		if (m->lo < hi)
			__msan_unpoison(b + m->lo, hi - m->lo);
	} else if (m->written == SIM_WRITTEN_BITS) {
		for (size_t i = 0; i < o->len; i++)
			if (sim_written[(base + i) / 8] >> ((base + i) & 7) & 1)
				__msan_unpoison(b + i, 1);
	}
}
#else
static void msan_bounce_unwritten(void *bounce, size_t len, enum virtio_dir dir)
{
	(void)bounce, (void)len, (void)dir;
}

static void msan_claimed(const struct obj *o)
{
	(void)o;
}
#endif

static struct obj *overlapping_share(const uint8_t *b, size_t len)
{
	for (uint32_t i = 0; i < nlive_shares; i++) {
		struct obj *o = &objs[live_shares[i]];
		const uint8_t *ob = o->vaddr;
		if (b < ob + o->len && ob < b + len)
			return o;
	}
	return NULL;
}

static int sim_share(void *ctx, void *buf, size_t len, enum virtio_dir dir,
		     virtio_paddr_t *paddr)
{
	(void)ctx;
	sim_trace_s("hal share dir=%s len=%llu", sim_dir_name[dir & 3], len, 0,
		    0);
	if (len == 0) {
		sim_report(SIM_SHARE_EMPTY, NULL, NULL,
			   "driver shares an empty buffer [len=0] [dir=%s]",
			   sim_dir_name[dir & 3]);
		return VIRTIO_EINVALID_PARAM;
	}
	struct obj *other = overlapping_share(buf, len);
	if (other) {
		sim_report(SIM_SHARE_OVERLAP, "shared", &other->site,
			   "driver shares memory that overlaps a buffer it already shared [len=%zu] [other paddr=0x%llx] [other len=%zu] [offset=%+lld]",
			   len, (unsigned long long)other->paddr, other->len,
			   (long long)((uint8_t *)buf - (uint8_t *)other->vaddr));
		return VIRTIO_EINVALID_PARAM;
	}
	size_t n = (len + VIRTIO_PAGE_SIZE - 1) / VIRTIO_PAGE_SIZE;
	long pg = n <= max_alloc_pages ? find_pages(n) : -1;
	uint32_t id;
	struct obj *o;
	if (pg < 0)
		sim_decide_note_deviation();
	if (pg < 0 || sim_decide_flag("hal.share_fail") ||
	    !(o = new_obj(OBJ_SHARE, dir, pg, n, &id))) {
		sim_trace("hal share failed", 0, 0, 0, 0);
		return VIRTIO_EDMA;
	}
	o->vaddr = buf;
	o->len = len;
	/* The bounce side is the sim's: bounce pages stay poisoned (a driver
	 * pointer that strays into one, say a stale pointer to a reused DMA
	 * page, is caught) and the copies skip ASan's checks. */
	uint8_t *bounce = page_host((size_t)pg);
	check_driver(buf, len, !(dir & VIRTIO_DIR_DRIVER_TO_DEVICE));
	if (dir & VIRTIO_DIR_DRIVER_TO_DEVICE)
		driver_copy(bounce, buf, len);
	else
		window_fill(bounce, POISON_BYTE, len);
	msan_bounce_unwritten(bounce, len, dir);
	granules(buf, len, true);
	live_shares[nlive_shares++] = id - 1;
	*paddr = o->paddr;
	sim_trace("hal share -> paddr=0x%llx #%llu", o->paddr, o->site.seq, 0,
		  0);
	return 0;
}

static void forget_share(struct obj *o)
{
	uint32_t id = (uint32_t)(o - objs);
	for (uint32_t i = 0; i < nlive_shares; i++) {
		if (live_shares[i] == id) {
			live_shares[i] = live_shares[--nlive_shares];
			return;
		}
	}
}

static void sim_unshare(void *ctx, virtio_paddr_t paddr, void *buf, size_t len,
			enum virtio_dir dir)
{
	(void)ctx;
	sim_trace_s("hal unshare dir=%s paddr=0x%llx len=%llu",
		    sim_dir_name[dir & 3], paddr, len, 0);
	struct obj *o = obj_at(paddr, OBJ_SHARE);
	if (!o) {
		sim_report(SIM_UNSHARE_UNKNOWN, NULL, NULL,
			   "driver unshares an address it never shared [paddr=0x%llx] [len=%zu]",
			   (unsigned long long)paddr, len);
		return;
	}
	if (!o->live) {
		sim_report(SIM_UNSHARE_DOUBLE, "unshared", &o->freed,
			   "driver unshares a buffer twice [paddr=0x%llx] [len=%zu]",
			   (unsigned long long)paddr, len);
		return;
	}
	bool matched = buf == o->vaddr && len == o->len && dir == o->dir;
	if (buf != o->vaddr)
		sim_report(SIM_UNSHARE_WRONG_BUFFER, "shared", &o->site,
			   "driver unshares with a different buffer than it shared [paddr=0x%llx] [len=%zu] [buffer=shared%+lld]",
			   (unsigned long long)paddr, len,
			   (long long)((uint8_t *)buf - (uint8_t *)o->vaddr));
	else if (len != o->len)
		sim_report(SIM_UNSHARE_WRONG_LENGTH, "shared", &o->site,
			   "driver unshares with a different length [paddr=0x%llx] [shared=%zu] [unshared=%zu]",
			   (unsigned long long)paddr, o->len, len);
	else if (dir != o->dir)
		sim_report(SIM_UNSHARE_WRONG_DIR, "shared", &o->site,
			   "driver unshares with a different direction [paddr=0x%llx] [shared=%s] [unshared=%s]",
			   (unsigned long long)paddr, sim_dir_name[o->dir & 3],
			   sim_dir_name[dir & 3]);
	/* Recorded mistakes still end the share as it was made, never
	 * writing into memory the driver did not share. */
	bool intact = granules(o->vaddr, o->len, false);
	forget_share(o); /* from here a report on the buffer is not a touch */
	if (o->dir & VIRTIO_DIR_DEVICE_TO_DRIVER) {
		/* Checked whole at share; still our poison, it is still the
		 * driver's. Otherwise ASan's marking of it is reported. */
		if (!intact)
			check_driver(o->vaddr, o->len, true);
		driver_copy(o->vaddr,
			    page_host((size_t)page_of_paddr(o->paddr)), o->len);
		msan_claimed(o);
	}
	if (matched) /* what the device gave back, for the oracles */
		sim_oracle_unshared(o->vaddr, o->len, o->paddr,
				    o->dir & VIRTIO_DIR_DEVICE_TO_DRIVER,
				    &o->marks, &o->site);
	else if (o->dir & VIRTIO_DIR_DEVICE_TO_DRIVER)
		sim_oracle_forget(&o->marks, (size_t)(o->paddr - sim_dma_base),
				  o->len);
	release_pages(o);
}

void sim_mem_audit(void)
{
	for (uint32_t i = 0; i < nobjs; i++) {
		struct obj *o = &objs[i];
		if (!o->live)
			continue;
		if (o->kind == OBJ_DMA)
			sim_report(SIM_DMA_LEAK, "allocated", &o->site,
				   "driver leaks DMA memory at teardown [paddr=0x%llx] [pages=%zu] [dir=%s]",
				   (unsigned long long)o->paddr, o->pages,
				   sim_dir_name[o->dir & 3]);
		else
			sim_report(SIM_SHARE_LEAK, "shared", &o->site,
				   "driver leaves a buffer shared at teardown [paddr=0x%llx] [len=%zu] [dir=%s]",
				   (unsigned long long)o->paddr, o->len,
				   sim_dir_name[o->dir & 3]);
	}
}

/* ---- the device's view ---------------------------------------------------- */

/* The live object covering [pa, pa+len), or report and NULL. */
static struct obj *device_target(virtio_paddr_t pa, size_t len, bool write)
{
	long pg = page_of_paddr(pa);
	struct obj *o = NULL;
	if (pg >= 0 && sim_pages[pg].obj &&
	    (sim_pages[pg].state == SIM_PG_DMA || sim_pages[pg].state == SIM_PG_BOUNCE))
		o = &objs[sim_pages[pg].obj - 1];
	size_t end;
	if (!o || __builtin_add_overflow(pa - o->paddr, len, &end) ||
	    end > o->len) {
		const char *what = "made";
		virtio_paddr_t base = 0;
		const struct sim_site *site =
			pg >= 0 ? sim_obj_site(sim_pages[pg].obj, &what, &base)
				: NULL;
		sim_report(SIM_DEVICE_UNOWNED, what, site,
			   "driver gave the device an address it does not own [paddr=0x%llx] [len=%zu] [access=%s]%s",
			   (unsigned long long)pa, len, write ? "write" : "read",
			   o ? " [past the end of its object]" : "");
		return NULL;
	}
	if (write && !(o->dir & VIRTIO_DIR_DEVICE_TO_DRIVER)) {
		sim_report(SIM_DEVICE_WRONG_DIR,
			   o->kind == OBJ_DMA ? "allocated" : "shared", &o->site,
			   "driver let the device write memory it shared read-only [paddr=0x%llx] [len=%zu] [dir=%s]",
			   (unsigned long long)pa, len,
			   sim_dir_name[o->dir & 3]);
		return NULL;
	}
	return o;
}

int sim_dma_read(virtio_paddr_t pa, void *dst, size_t len)
{
	if (sim_unchecked)
		return sim_passthru_dma(pa, dst, len, false);
	if (!device_target(pa, len, false))
		return -1;
	window_copy(dst,
		    page_host((size_t)page_of_paddr(pa)) +
			    (pa & (VIRTIO_PAGE_SIZE - 1)),
		    len);
	return 0;
}

int sim_dma_write(virtio_paddr_t pa, const void *src, size_t len)
{
	struct obj *o;

	if (sim_unchecked)
		return sim_passthru_dma(pa, (void *)src, len, true);
	if (!(o = device_target(pa, len, true)))
		return -1;
	if (o->kind == OBJ_SHARE)
		sim_oracle_wrote(&o->marks, (size_t)(o->paddr - sim_dma_base),
				 (size_t)(pa - o->paddr), len);
	window_copy(page_host((size_t)page_of_paddr(pa)) +
			    (pa & (VIRTIO_PAGE_SIZE - 1)),
		    src, len);
	if (sim_refetch_on) /* what the driver reads next is new */
		sim_refetch_device_wrote((size_t)(pa - sim_dma_base), len);
	return 0;
}

struct sim_share_marks *sim_share_marks_at(virtio_paddr_t pa, size_t len,
					   size_t *base, size_t *off)
{
	long pg = sim_unchecked ? -1 : page_of_paddr(pa);
	struct obj *o;

	if (pg < 0 || !sim_pages[pg].obj || sim_pages[pg].state != SIM_PG_BOUNCE)
		return NULL;
	o = &objs[sim_pages[pg].obj - 1];
	if (pa - o->paddr > o->len || len > o->len - (pa - o->paddr))
		return NULL;
	*base = (size_t)(o->paddr - sim_dma_base);
	*off = (size_t)(pa - o->paddr);
	return &o->marks;
}

static volatile void *sim_mmio_map(void *ctx, virtio_paddr_t pa, size_t size);

static const struct virtio_hal_ops sim_hal_ops = {
	.dma_alloc = sim_dma_alloc,
	.dma_dealloc = sim_dma_dealloc,
	.mmio_phys_to_virt = sim_mmio_map,
	.share = sim_share,
	.unshare = sim_unshare,
};

const struct virtio_hal sim_hal = {.ops = &sim_hal_ops, .ctx = NULL};

static volatile void *sim_mmio_map(void *ctx, virtio_paddr_t pa, size_t size)
{
	(void)ctx;
	return sim_mmio_phys_to_virt(pa, size);
}

/* Is p inside a driver buffer that is shared right now? (ASan hook) */
bool sim_shared_buffer_at(const void *p, const struct sim_site **site,
			  virtio_paddr_t *paddr, size_t *off)
{
	for (uint32_t i = 0; i < nlive_shares; i++) {
		struct obj *o = &objs[live_shares[i]];
		const uint8_t *b = o->vaddr;
		if ((const uint8_t *)p >= b && (const uint8_t *)p < b + o->len) {
			*site = &o->site;
			*paddr = o->paddr;
			*off = (size_t)((const uint8_t *)p - b);
			return true;
		}
	}
	return false;
}
