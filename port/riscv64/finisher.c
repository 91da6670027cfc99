/* SPDX-License-Identifier: MIT */
/*
 * Leaving the machine: the virt board's sifive_test device ends QEMU with
 * exit status 0 (0x5555) or `code` ((code << 16) | 0x3333). Also the fatal
 * trap report, called from start.S.
 */
#include "board.h"

#define FINISHER_PASS 0x5555u
#define FINISHER_FAIL 0x3333u

__attribute__((noreturn)) void board_exit(unsigned code)
{
	volatile uint32_t *test = (volatile uint32_t *)BOARD_TEST_BASE;

	/* The finisher takes a 16-bit code; keep failures non-zero. */
	code &= 0xffffu;
	*test = code ? (code << 16) | FINISHER_FAIL : FINISHER_PASS;
	for (;;)
		__asm__ __volatile__("wfi");
}

void board_trap(uint64_t cause, uint64_t epc, uint64_t tval);

/* A fault in the port or a driver: say where, then fail with code 2. */
void board_trap(uint64_t cause, uint64_t epc, uint64_t tval)
{
	kprintf("\nTRAP mcause=0x%llx mepc=0x%llx mtval=0x%llx\n",
		(unsigned long long)cause, (unsigned long long)epc,
		(unsigned long long)tval);
	board_exit(2);
}
