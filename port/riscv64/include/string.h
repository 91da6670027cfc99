/* SPDX-License-Identifier: MIT */
/*
 * <string.h> for the bare-metal port: only what drivers/ and the port use,
 * implemented in port/riscv64/libc.c. There is no other libc.
 */
#ifndef PORT_STRING_H
#define PORT_STRING_H

#include <stddef.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);

#endif
