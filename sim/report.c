/* SPDX-License-Identifier: MIT */
/*
 * Findings: one report function, one grammar (like dma-debug's err_printk).
 * A report names the driver's mistake, gives bracketed facts with simulated
 * addresses, where the object was made, and the trace tail. Fuzz builds
 * abort so libFuzzer keeps the input; tests may record instead.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "sim/internal.h"

#ifdef SIM_ASAN
#include <sanitizer/common_interface_defs.h>
#endif
#if defined(__has_feature)
#if __has_feature(memory_sanitizer)
#define SIM_MSAN 1
#include <sanitizer/msan_interface.h>
#endif
#endif

static const char *const class_name[SIM_CLASS_COUNT_] = {
	[SIM_OK] = "none",
	[SIM_DMA_ALLOC_ZERO] = "dma-alloc-zero",
	[SIM_DMA_ALLOC_TOO_BIG] = "dma-alloc-too-big",
	[SIM_DEALLOC_UNKNOWN] = "dma-dealloc-unknown",
	[SIM_DEALLOC_MISMATCH] = "dma-dealloc-mismatch",
	[SIM_DEALLOC_WRONG_PAGES] = "dma-dealloc-wrong-pages",
	[SIM_DEALLOC_DOUBLE] = "dma-dealloc-double",
	[SIM_DMA_USE_AFTER_FREE] = "dma-use-after-free",
	[SIM_SHARED_TOUCH] = "shared-buffer-touched",
	[SIM_SHARE_EMPTY] = "share-empty",
	[SIM_SHARE_OVERLAP] = "share-overlap",
	[SIM_UNSHARE_UNKNOWN] = "unshare-unknown",
	[SIM_UNSHARE_WRONG_BUFFER] = "unshare-wrong-buffer",
	[SIM_UNSHARE_WRONG_LENGTH] = "unshare-wrong-length",
	[SIM_UNSHARE_WRONG_DIR] = "unshare-wrong-direction",
	[SIM_UNSHARE_DOUBLE] = "unshare-double",
	[SIM_DMA_LEAK] = "dma-leak",
	[SIM_SHARE_LEAK] = "share-leak",
	[SIM_DEVICE_UNOWNED] = "device-access-unowned",
	[SIM_DEVICE_WRONG_DIR] = "device-write-read-only",
	[SIM_MMIO_MAP_OUTSIDE] = "mmio-map-outside",
	[SIM_MMIO_OUTSIDE] = "mmio-access-outside",
	[SIM_MMIO_WIDTH] = "mmio-wrong-width",
	[SIM_MMIO_MISALIGNED] = "mmio-misaligned",
	[SIM_MMIO_RAW_DEREF] = "mmio-raw-deref",
	[SIM_STATUS_PROTOCOL] = "status-protocol",
	[SIM_QUEUE_CONFIG] = "queue-config",
	[SIM_DESC_LOOP] = "desc-loop",
	[SIM_DESC_NEXT_RANGE] = "desc-next-out-of-range",
	[SIM_DESC_MALFORMED] = "desc-malformed",
	[SIM_AVAIL_JUMP] = "avail-idx-jump",
	[SIM_DESC_AVAIL_FLAGS] = "desc-avail-flags",
	[SIM_DESC_REUSED] = "desc-reused",
	[SIM_BUFFER_ID_TWICE] = "buffer-id-twice",
	[SIM_HONEST_REJECTED] = "honest-device-rejected",
	[SIM_UNWRITTEN_RETURNED] = "unwritten-bytes-returned",
	[SIM_LIE_ACCEPTED] = "lie-accepted",
	[SIM_DATA_MISMATCH] = "data-mismatch",
	[SIM_HANG] = "hang",
};

bool sim_record_mode;
static unsigned findings;
static bool dying; /* a sanitizer is already reporting and will end the process */
static enum sim_class last;

const char *sim_class_name(enum sim_class c)
{
	if ((unsigned)c < SIM_CLASS_COUNT_ && class_name[c])
		return class_name[c];
	return "unknown";
}

unsigned sim_finding_count(void)
{
	return findings;
}

enum sim_class sim_last_finding(void)
{
	return last;
}

#ifdef SIM_MSAN
/* An MSan report ends the process: the trace tail follows it, as it
 * follows every sim report. */
static void msan_died(void)
{
	sim_trace_dump_tail();
}
#endif

void sim_report_init(bool record)
{
	sim_record_mode = record;
#ifdef SIM_MSAN
	__msan_set_death_callback(msan_died);
#endif
}

void sim_report_reset(void)
{
	findings = 0;
	last = SIM_OK;
}

/* Hang and raw MMIO dereference leave no way to continue the driver. */
static bool is_fatal(enum sim_class c)
{
	return c == SIM_HANG || c == SIM_MMIO_RAW_DEREF;
}

void sim_report(enum sim_class c, const char *what, const struct sim_site *site,
		const char *fmt, ...)
{
	va_list ap;
	findings++;
	last = c;
	fflush(stdout);
	fprintf(stderr, "==vfuzz== FINDING %s: ", sim_class_name(c));
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (site && site->seq)
		fprintf(stderr, "==vfuzz==   %s at: #%u %s (%s:%d)\n",
			what ? what : "made", (unsigned)site->seq,
			site->func ? site->func : "?",
			site->file ? site->file : "?", site->line);
	if (sim_cur_site.func)
		fprintf(stderr, "==vfuzz==   last driver HAL call from: %s (%s:%d)\n",
			sim_cur_site.func, sim_cur_site.file, sim_cur_site.line);
	sim_trace_dump_tail();
	if (dying || (sim_record_mode && !is_fatal(c)))
		return;
#ifdef SIM_ASAN
	__sanitizer_print_stack_trace();
#endif
	fflush(stderr);
	abort();
}

#ifdef SIM_ASAN
/*
 * ASan calls this after it reports an access to poisoned memory. The sim
 * poisons freed DMA pages and driver buffers while they are shared, so
 * such a report is one of our classes: say which, and where the object was
 * made. Other ASan reports pass through untouched.
 */
void __asan_on_error(void)
{
	void *addr = __asan_get_report_address();
	enum virtio_dir dir;
	uint32_t obj;
	const struct sim_site *site;
	const char *what = "made";
	virtio_paddr_t pa = 0;
	size_t off;
	if (!addr)
		return;
	dying = true;
	int st = sim_page_state_of(addr, &dir, &obj);
	if (st == SIM_PG_FREED || st == SIM_PG_FREE || st == SIM_PG_BOUNCE) {
		/* bounce: a stale pointer into a page the sim now lends a
		 * share as its bounce buffer; the site is that share's */
		site = sim_obj_site(obj, &what, &pa);
		sim_report(SIM_DMA_USE_AFTER_FREE, what, site,
			   "driver touches DMA memory it does not hold [paddr=0x%llx] [state=%s]",
			   (unsigned long long)(sim_dma_base +
						((uint8_t *)addr - sim_dma_host)),
			   sim_page_state_name(st));
	} else if (sim_shared_buffer_at(addr, &site, &pa, &off)) {
		sim_report(SIM_SHARED_TOUCH, "shared", site,
			   "driver touches its buffer while it is shared with the device [paddr=0x%llx] [offset=%zu]",
			   (unsigned long long)pa, off);
	}
}
#endif
