/* SPDX-License-Identifier: MIT */
/*
 * Polled output on the virt machine's ns16550a UART. QEMU needs no baud
 * setup; we only wait for THR empty. No input, no interrupts.
 */
#include "board.h"

#define UART_THR 0 /* transmit holding register */
#define UART_LSR 5 /* line status register */
#define UART_LSR_THRE 0x20

static volatile uint8_t *const uart = (volatile uint8_t *)BOARD_UART_BASE;

void uart_putc(char c)
{
	while (!(uart[UART_LSR] & UART_LSR_THRE))
		;
	uart[UART_THR] = (uint8_t)c;
}

void uart_puts(const char *s)
{
	while (*s)
		uart_putc(*s++);
}
