/* SPDX-License-Identifier: MIT */
/*
 * Where the driver's device accesses land in a sim build: the accessor
 * hooks of drivers/include/virtio/access.h. MMIO windows sit in a host
 * reservation with no access rights, so a raw dereference faults and is
 * reported; accessor calls are checked and dispatched to the window's front.
 * Ring loads and stores are checked against the page shadow, and loads of
 * device-writable memory let devices make deferred progress (and count
 * towards the hang budget).
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "sim/internal.h"

#define MAX_WINDOWS 16

struct window {
	virtio_paddr_t base;
	size_t size;
	const struct sim_window_ops *ops;
	void *ctx;
	const char *name;
};

static uint8_t *mmio_host; /* PROT_NONE reservation mirroring SIM_MMIO_BASE.. */
static struct window windows[MAX_WINDOWS];
static unsigned nwindows;
static struct {
	void (*fn)(void *);
	void *ctx;
} pollers[SIM_MAX_POLLERS];
static unsigned npollers;
static bool polling; /* a poller is running: no re-entry */
static uint32_t idle_polls;
static struct sigaction old_segv;

static void segv_handler(int sig, siginfo_t *si, void *uc)
{
	uintptr_t a = (uintptr_t)si->si_addr, b = (uintptr_t)mmio_host;
	if (a >= b && a - b < SIM_MMIO_SPAN) {
		sim_report(SIM_MMIO_RAW_DEREF, NULL, NULL,
			   "driver dereferences an MMIO mapping directly instead of using the accessors [paddr=0x%llx]",
			   (unsigned long long)(SIM_MMIO_BASE + (a - b)));
	}
	/* not ours: hand over to whoever was there (ASan, libFuzzer) */
	if (old_segv.sa_flags & SA_SIGINFO && old_segv.sa_sigaction) {
		old_segv.sa_sigaction(sig, si, uc);
		return;
	}
	signal(SIGSEGV, SIG_DFL);
	raise(SIGSEGV);
}

void sim_access_init(void)
{
	void *m = mmap(NULL, SIM_MMIO_SPAN, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (m == MAP_FAILED) {
		fprintf(stderr, "sim: cannot reserve the MMIO span\n");
		exit(2);
	}
	mmio_host = m;
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = segv_handler;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGSEGV, &sa, &old_segv);
}

void sim_access_reset(void)
{
	nwindows = 0;
	npollers = 0;
	idle_polls = 0;
	polling = false;
}

int sim_window_add(virtio_paddr_t base, size_t size,
		   const struct sim_window_ops *ops, void *ctx, const char *name)
{
	if (nwindows == MAX_WINDOWS || size == 0 || base < SIM_MMIO_BASE ||
	    base - SIM_MMIO_BASE > SIM_MMIO_SPAN ||
	    size > SIM_MMIO_SPAN - (base - SIM_MMIO_BASE))
		return -1;
	for (unsigned i = 0; i < nwindows; i++)
		if (base < windows[i].base + windows[i].size &&
		    windows[i].base < base + size)
			return -1;
	windows[nwindows++] = (struct window){base, size, ops, ctx, name};
	sim_trace_s("sim window %s at 0x%llx size 0x%llx", name, base, size, 0);
	return 0;
}

static struct window *window_of(virtio_paddr_t pa, size_t len)
{
	for (unsigned i = 0; i < nwindows; i++) {
		struct window *w = &windows[i];
		if (pa >= w->base && pa - w->base < w->size)
			return len <= w->size - (pa - w->base) ? w : NULL;
	}
	return NULL;
}

volatile void *sim_mmio_phys_to_virt(virtio_paddr_t pa, size_t size)
{
	sim_trace("hal mmio_phys_to_virt paddr=0x%llx size=0x%llx", pa, size, 0,
		  0);
	if (size == 0 || !window_of(pa, size)) {
		sim_report(SIM_MMIO_MAP_OUTSIDE, NULL, NULL,
			   "driver maps MMIO outside every device window [paddr=0x%llx] [size=0x%zx]",
			   (unsigned long long)pa, size);
		return NULL;
	}
	return mmio_host + (pa - SIM_MMIO_BASE);
}

void sim_poller_add(void (*poll)(void *ctx), void *ctx)
{
	if (npollers < SIM_MAX_POLLERS) {
		pollers[npollers].fn = poll;
		pollers[npollers].ctx = ctx;
		npollers++;
	}
}

void sim_progress(void)
{
	idle_polls = 0;
}

/* The driver waits on the device: let devices act, and count the wait. */
static void driver_polls(void)
{
	if (++idle_polls > SIM_HANG_BUDGET)
		sim_report(SIM_HANG, NULL, NULL,
			   "driver polls the device without end [polls=%u] [budget=%u]",
			   (unsigned)idle_polls, (unsigned)SIM_HANG_BUDGET);
	if (polling)
		return;
	polling = true;
	for (unsigned i = 0; i < npollers; i++)
		pollers[i].fn(pollers[i].ctx);
	polling = false;
}

/* Check one register access; the window it hits, or NULL (reported). */
static struct window *mmio_target(const volatile void *addr, unsigned width,
				  virtio_paddr_t *pa, bool write)
{
	uintptr_t a = (uintptr_t)addr, b = (uintptr_t)mmio_host;
	if (a < b || a - b >= SIM_MMIO_SPAN) {
		sim_report(SIM_MMIO_OUTSIDE, NULL, NULL,
			   "driver uses a register accessor on memory that is not an MMIO mapping [width=%u] [access=%s]",
			   width, write ? "write" : "read");
		return NULL;
	}
	*pa = SIM_MMIO_BASE + (a - b);
	struct window *w = window_of(*pa, width);
	if (!w) {
		sim_report(SIM_MMIO_OUTSIDE, NULL, NULL,
			   "driver accesses a register outside its device window [paddr=0x%llx] [width=%u] [access=%s]",
			   (unsigned long long)*pa, width,
			   write ? "write" : "read");
		return NULL;
	}
	if (*pa & (width - 1)) {
		sim_report(SIM_MMIO_MISALIGNED, NULL, NULL,
			   "driver accesses a register at a misaligned address [paddr=0x%llx] [width=%u] [access=%s]",
			   (unsigned long long)*pa, width,
			   write ? "write" : "read");
		return NULL;
	}
	return w;
}

/* The register's name for the trace; resolved only when printed. */
static const char *reg_name(void *ctx, uint64_t off)
{
	struct window *w = ctx;
	const char *n = w->ops->reg_name ? w->ops->reg_name(w->ctx, off) : NULL;
	return n ? n : w->name;
}

uint64_t virtio_sim_mmio_read(const volatile void *addr, unsigned width)
{
	virtio_paddr_t pa;
	struct window *w = mmio_target(addr, width, &pa, false);
	if (!w)
		return ~0ull >> (64 - 8 * width);
	uint64_t off = pa - w->base;
	uint64_t v = w->ops->read(w->ctx, off, width);
	sim_trace_named("mmio read  %-20s @0x%llx w%llu -> 0x%llx", reg_name, w,
			off, pa, width, v);
	driver_polls();
	return v;
}

void virtio_sim_mmio_write(volatile void *addr, unsigned width, uint64_t val)
{
	virtio_paddr_t pa;
	struct window *w = mmio_target(addr, width, &pa, true);
	if (!w)
		return;
	uint64_t off = pa - w->base;
	sim_trace_named("mmio write %-20s @0x%llx w%llu <- 0x%llx", reg_name, w,
			off, pa, width, val);
	idle_polls = 0;
	w->ops->write(w->ctx, off, width, val);
}

/* A ring access to window memory the driver does not hold: report. */
__attribute__((noinline, cold)) static void
ring_bad(const volatile void *addr, unsigned width, bool write, int st,
	 uint32_t obj)
{
	const char *what = "made";
	virtio_paddr_t base = 0;
	const struct sim_site *site = sim_obj_site(obj, &what, &base);
	virtio_paddr_t pa = sim_dma_base +
			    ((const uint8_t *)addr - sim_dma_host);
	sim_report(SIM_DMA_USE_AFTER_FREE, what, site,
		   "driver %s DMA memory it does not hold [paddr=0x%llx] [width=%u] [state=%s]",
		   write ? "writes" : "reads", (unsigned long long)pa, width,
		   sim_page_state_name(st));
}

/* Check a ring access (inline: every ring load and store asks). */
static inline bool ring_ok(const volatile void *addr, unsigned width,
			   bool write, enum virtio_dir *dir)
{
	uint32_t obj;
	int st = sim_page_state_of(addr, dir, &obj);
	if (st < 0 || st == SIM_PG_DMA)
		return true; /* driver memory, or live DMA memory */
	ring_bad(addr, width, write, st, obj);
	return false;
}

static uint64_t raw_load(const volatile void *addr, unsigned width)
{
	switch (width) {
	case 1: return *(const volatile uint8_t *)addr;
	case 2: return *(const volatile uint16_t *)addr;
	case 4: return *(const volatile uint32_t *)addr;
	default: return *(const volatile uint64_t *)addr;
	}
}

static void raw_store(volatile void *addr, unsigned width, uint64_t v)
{
	switch (width) {
	case 1: *(volatile uint8_t *)addr = (uint8_t)v; break;
	case 2: *(volatile uint16_t *)addr = (uint16_t)v; break;
	case 4: *(volatile uint32_t *)addr = (uint32_t)v; break;
	default: *(volatile uint64_t *)addr = v; break;
	}
}

uint64_t virtio_sim_ring_load(const volatile void *addr, unsigned width)
{
	enum virtio_dir dir = 0;
	if (!sim_unchecked && !ring_ok(addr, width, false, &dir))
		return 0;
	if (sim_unchecked || (dir & VIRTIO_DIR_DEVICE_TO_DRIVER))
		driver_polls();
	uint64_t v = raw_load(addr, width);
	if (sim_refetch_on && (dir & VIRTIO_DIR_DEVICE_TO_DRIVER))
		v = sim_refetch_load((volatile void *)addr, width, v);
	return v;
}

void virtio_sim_ring_store(volatile void *addr, unsigned width, uint64_t val)
{
	enum virtio_dir dir = 0;
	if (!sim_unchecked && !ring_ok(addr, width, true, &dir))
		return;
	raw_store(addr, width, val);
}
