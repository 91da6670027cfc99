// SPDX-License-Identifier: MIT
/*
 * The empty fuzz target: ignores its input and returns. It measures what
 * libFuzzer (or the replay main) costs by itself, the baseline the benchmark
 * compares real targets against. Built but not listed by `vfuzz list`.
 */
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	(void)data;
	(void)size;
	return 0;
}
