/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer's hooks for 1- and 2-byte compares, replaced in the fuzz preset
 * (CMakeLists.txt links with --wrap for them). With -use_value_profile=0,
 * the default and what ./vfuzz runs, those hooks only set bits in the
 * value-profile map, which libFuzzer then never reads: its table of compare
 * operands, which mutations draw on, holds 4- and 8-byte compares alone.
 * Here they cost a call, not the map updates (a sixth of the compare
 * tracing, mostly UBSan's checks of bool loads). Configure with
 * -DVFUZZ_VALUE_PROFILE=ON to keep libFuzzer's own hooks for a campaign
 * with -use_value_profile=1.
 */
#ifdef VFUZZ_NARROW_CMP_HOOKS
#include <stdint.h>

void __wrap___sanitizer_cov_trace_cmp1(uint8_t a, uint8_t b);
void __wrap___sanitizer_cov_trace_const_cmp1(uint8_t a, uint8_t b);
void __wrap___sanitizer_cov_trace_cmp2(uint16_t a, uint16_t b);
void __wrap___sanitizer_cov_trace_const_cmp2(uint16_t a, uint16_t b);

void __wrap___sanitizer_cov_trace_cmp1(uint8_t a, uint8_t b)
{
	(void)a, (void)b;
}

void __wrap___sanitizer_cov_trace_const_cmp1(uint8_t a, uint8_t b)
{
	(void)a, (void)b;
}

void __wrap___sanitizer_cov_trace_cmp2(uint16_t a, uint16_t b)
{
	(void)a, (void)b;
}

void __wrap___sanitizer_cov_trace_const_cmp2(uint16_t a, uint16_t b)
{
	(void)a, (void)b;
}
#endif
