/* SPDX-License-Identifier: MIT */
/*
 * QEMU riscv64 `virt` machine (QEMU 7.2, -bios none, M-mode): its memory
 * map and the small platform API the port's programs use (UART output,
 * finisher exit, printer). Not a general libc: only what the port needs.
 */
#ifndef PORT_BOARD_H
#define PORT_BOARD_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>  /* port/riscv64/include: snprintf, vsnprintf */
#include <string.h> /* port/riscv64/include: memcpy, memset, ... */

/* hw/riscv/virt.c memory map */
#define BOARD_TEST_BASE 0x00100000ul   /* sifive_test finisher */
#define BOARD_UART_BASE 0x10000000ul   /* ns16550a */
#define BOARD_MMIO_BASE 0x10001000ul   /* virtio-mmio slot 0 */
#define BOARD_MMIO_SLOT_SIZE 0x1000ul
#define BOARD_MMIO_SLOTS 8u
#define BOARD_ECAM_BASE 0x30000000ul   /* PCIe ECAM, 256 buses */
#define BOARD_ECAM_SIZE 0x10000000ul
#define BOARD_PCI_MMIO_BASE 0x40000000ul /* 32-bit PCI memory window */
#define BOARD_PCI_MMIO_SIZE 0x40000000ul
#define BOARD_DRAM_BASE 0x80000000ul

/* uart.c */
void uart_putc(char c);
void uart_puts(const char *s);

/* finisher.c: never returns. code 0 passes, anything else fails. */
__attribute__((noreturn)) void board_exit(unsigned code);

/* print.c: snprintf/vsnprintf (include/stdio.h) and UART output. */
int kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Cycle-ish time from the `time` CSR (10 MHz on virt), for INFO lines. */
static inline uint64_t board_time(void)
{
	uint64_t t;
	__asm__ __volatile__("rdtime %0" : "=r"(t));
	return t;
}
#define BOARD_TIMEBASE_HZ 10000000ull

#endif
