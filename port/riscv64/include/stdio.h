/* SPDX-License-Identifier: MIT */
/*
 * <stdio.h> for the bare-metal port: formatting into a buffer only
 * (port/riscv64/print.c). Output goes through kprintf (board.h).
 */
#ifndef PORT_STDIO_H
#define PORT_STDIO_H

#include <stdarg.h>
#include <stddef.h>

/* %s %c %d %i %u %x %p %%, l/ll/z, a width, the '0' and '-' flags. */
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
