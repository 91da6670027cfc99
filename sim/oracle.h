/* SPDX-License-Identifier: MIT */
/*
 * Semantic oracles: findings for a driver call that returns a wrong answer,
 * not only one that crashes. The device side knows what it did (which
 * decisions deviated, which bytes it wrote, which of its answers were lies
 * or errors); a workload, after each driver call, says what the call
 * claimed, and the oracle judges the claim. Four classes (sim/sim.h):
 *
 *   honest-device-rejected   a call with valid arguments failed although no
 *                            decision deviated (sim_oracle_expect_ok)
 *   unwritten-bytes-returned a successful call handed back as device data
 *                            bytes the device never wrote (sim_oracle_check
 *                            with SIM_ORACLE_DATA)
 *   lie-accepted             a call succeeded although the device answered
 *                            it with a lie the driver can see or an error
 *                            status (sim_oracle_check, sim_oracle_call_ok)
 *   data-mismatch            a successful call's data is not what the
 *                            device holds or sent (sim_oracle_same; the
 *                            workload knows what to expect)
 *
 * Not here: what a right answer is for a given device. The workload keeps
 * that (fuzz/harness_blk.c keeps a shadow of the disk); this file gives it
 * the device's facts. Drivers that copy device data out of their own
 * buffers are judged on content (sim_oracle_same), not on written bytes.
 *
 * What the device side records (sim/vq.c, models, sim/mem.c):
 *   Written bytes. For every device-writable share the sim knows which
 *   bytes the device wrote (sim_dma_write): one span, kept with the share,
 *   or a bit per byte once its writes are not one span (sim/oracle.c).
 *   When a used entry returns a chain, what the driver may take from it is
 *   the prefix of the chain's writable bytes its used len names (2.7.8.2:
 *   nothing beyond the first len bytes): bytes past it stop counting as
 *   written. When the entry itself deviated (an id or len the device model
 *   did not answer, an entry published by a used idx jump), the driver
 *   cannot know it: the whole prefix counts as written, whatever it holds,
 *   and the chain's answer is marked untrue (not checkable for content).
 *   A used len shorter than the model's is legal, not a lie.
 *   Lies a driver can see, and error statuses. A used entry naming a head
 *   the device does not hold (out of range, never made available, already
 *   returned), a used len past the writable bytes of the chain it names, a
 *   used idx moving past what was made available; a request status other
 *   than OK (the blk model's status byte). Each is counted, and the shares
 *   of the chain concerned are marked (for an id the device does not hold:
 *   the chain it served, whose answer went out under that id). An id of
 *   another chain the device holds is not detectable: that chain's answer
 *   is untrue, its never-written bytes count as written.
 *   At unshare, each share leaves a record (driver buffer, length, written
 *   bits, marks) in a ring of the last SIM_ORACLE_RECORDS unshares of the
 *   iteration: check a call's buffers right after it returns.
 */
#ifndef SIM_ORACLE_H
#define SIM_ORACLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sim_chain;

#define SIM_ORACLE_RECORDS 64u

/* ---- the workload's side --------------------------------------------------- */

/* Has any decision deviated from the spec answer so far this iteration?
 * HAL failures (hal.dma_alloc_fail, hal.share_fail, a full DMA window) and
 * refetch-mode rewrites count; a deviating value equal to the spec's does
 * not. (sim/decide.c) */
bool sim_deviated(void);

/* `call` was made with valid arguments in a state where it may succeed:
 * rc != 0 while nothing deviated is honest-device-rejected. */
void sim_oracle_expect_ok(int rc, const char *call);

/*
 * A window around one blocking call with nothing else in flight: any lie
 * or error status counted between begin and ok was the call's, so a call
 * that returned success accepted it (lie-accepted). Call ok only after a
 * success; it returns false when it reported.
 */
void sim_oracle_call_begin(void);
bool sim_oracle_call_ok(const char *call);

/* What a successful call claims about a buffer it got back. */
#define SIM_ORACLE_DATA 0x1u   /* buf holds data the device wrote */
#define SIM_ORACLE_STATUS 0x2u /* the call read the device's request status
				* (an error status it accepted is a lie) */
/*
 * Judge the claim by the latest unshare covering each byte of
 * buf[0, len): lie-accepted if a chain it came back with carried a lie the
 * driver can see (or, with SIM_ORACLE_STATUS, an error status);
 * with SIM_ORACLE_DATA, unwritten-bytes-returned for a byte the device did
 * not write, or that no unshare of this iteration covers (the device never
 * had it). One report per call. Returns true when there was no finding
 * and the device's answer was its own (no untrue mark): then the content
 * may be compared with what the device holds.
 */
bool sim_oracle_check(const void *buf, size_t len, unsigned what,
		      const char *call);
/* The usual claim of a read: data, with the request's status read. */
bool sim_oracle_returned(const void *buf, size_t len, const char *call);

/*
 * data-mismatch: got[0, len) must equal want[0, len). Otherwise report the
 * sentence `fmt` (which names the call and its object, e.g. "driver's
 * virtio_blk_read returns other bytes than the disk holds [sector=3]")
 * followed by the first difference. Returns whether they were equal.
 */
bool sim_oracle_same(const void *got, const void *want, size_t len,
		     const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* ---- the device's side (sim/vq.c, models) ----------------------------------- */

enum sim_lie {
	SIM_LIE_NONE = 0,
	SIM_LIE_USED_ID,      /* used id of a head the device does not hold */
	SIM_LIE_USED_LEN,     /* used len past the chain's writable bytes */
	SIM_LIE_USED_IDX,     /* used idx past what was made available */
	SIM_LIE_STATUS,       /* request status other than OK (not a lie,
			       * but no success may follow it either) */
};

/* Count a lie (or error status) of kind `lie` with its value; mark the
 * shares of chain `c` (may be NULL: no chain to blame) with it. */
void sim_oracle_lie(const struct sim_chain *c, enum sim_lie lie,
		    uint64_t value);
/*
 * The used ring no longer says what the engine wrote: a used idx stepped
 * short or back (a later entry then overwrites one the driver may never
 * have read; under IN_ORDER it gives that chain back in a batch),
 * moved behind the engine's back (refetch mode), or a packed used id the
 * engine cannot place. Which entries the driver read, and so which lies it
 * could see, is then unknown: nothing more this iteration is judged
 * (sim_oracle_check and sim_oracle_call_ok stay quiet). The lie itself is
 * still counted, and the used idx check stays the driver's to make. A jump
 * forward is no desync: every entry it passes counts as published.
 */
void sim_oracle_desync(void);
/* The answer to `c` is not the model's (a decided status, say): not for
 * content checks. */
void sim_oracle_untrue(const struct sim_chain *c);
/*
 * A used entry of len `len` returns `c`: writable bytes from `len` on stop
 * counting as written. !honest (the entry deviated): bytes before `len`
 * count as written whatever they hold, and the answer is untrue.
 */
void sim_oracle_used(const struct sim_chain *c, uint32_t len, bool honest);

#endif
