/* SPDX-License-Identifier: MIT */
/*
 * Entry at 0x80000000 in M-mode (QEMU -bios none): park every hart but 0,
 * enable the FPU, set the stack and trap vector, clear .bss, call main and
 * exit through the finisher with main's return value.
 */
	.section .text.start, "ax"
	.globl _start
_start:
	csrr	t0, mhartid
	bnez	t0, park
	.option push
	.option norelax
	la	gp, __global_pointer$
	.option pop
	la	sp, __stack_top
	/* mstatus.FS = Initial: the compiler may use FP registers (rv64gc). */
	li	t0, (1 << 13)
	csrs	mstatus, t0
	csrw	fcsr, zero
	la	t0, trap_entry
	csrw	mtvec, t0
	la	t0, __bss_start
	la	t1, __bss_end
1:	bgeu	t0, t1, 2f
	sd	zero, 0(t0)
	addi	t0, t0, 8
	j	1b
2:	call	main
	call	board_exit
park:
	wfi
	j	park

	/* Any trap is fatal here: report it and fail. */
	.align 4
trap_entry:
	la	sp, __stack_top
	csrr	a0, mcause
	csrr	a1, mepc
	csrr	a2, mtval
	call	board_trap
	j	park
