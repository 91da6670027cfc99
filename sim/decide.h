/* SPDX-License-Identifier: MIT */
/*
 * The decision stream: the only source of device behaviour.
 *
 * Encoding (the one place it is written down):
 *   The input is read front to back, one decision point after another, in
 *   the order the device meets them. Each decision point reads ONE control
 *   byte. Control byte 0x00, or the end of the input, means "answer as the
 *   VirtIO spec says" (the spec value the caller passes). Any other control
 *   byte means "deviate":
 *     sim_decide(point, spec, nbytes): the answer is the next `nbytes` bytes,
 *       little-endian (bytes past the end of input read as 0).
 *     sim_decide_flag(point): the answer is true (no further bytes).
 *     sim_decide_choice(point, n): the answer is 1 + (control - 1) % (n - 1),
 *       one of the n - 1 non-spec alternatives (0 is the spec choice).
 *   So the empty input, or all zeros, is a complete spec-conforming run.
 *
 * Harnesses may keep part of the input for their workload (fuzz/harness.h);
 * what they hand to sim_reset is decision stream only.
 *
 * Script mode (tests and users reproducing one lie): sim_decide_script
 * takes "point@n=value,point@n=value": the n-th time (from 1) the named point
 * is met, it deviates with `value`; every other decision follows the spec.
 * Script mode reads no input bytes.
 *
 * Every decision is traced as "decide <point> = <value>" when it deviates.
 * Whether any answer differed from the spec's so far this iteration is
 * sim_deviated() (sim/oracle.h): the oracles expect every valid call to an
 * honest device to succeed.
 */
#ifndef SIM_DECIDE_H
#define SIM_DECIDE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* `point` is a static string naming the decision point, e.g. "blk.status". */
uint64_t sim_decide(const char *point, uint64_t spec, unsigned nbytes);
bool sim_decide_flag(const char *point);
uint32_t sim_decide_choice(const char *point, uint32_t n);

/* Replace the byte stream by a script for this iteration (after sim_reset).
 * Returns 0, or -1 with a message on stderr when the script does not parse. */
int sim_decide_script(const char *script);

/* Bytes of decision input consumed so far this iteration. */
size_t sim_decide_consumed(void);

#endif
