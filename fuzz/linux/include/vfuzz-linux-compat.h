/* SPDX-License-Identifier: MIT */
/*
 * Forced into every file built against the kernel tree's tools/virtio
 * shims (-include): what the 6.1 shims lack for virtio_ring.c. Nothing
 * here changes Linux's code; it fills in kernel macros the user-space
 * shims do not define.
 */
#ifndef VFUZZ_LINUX_COMPAT_H
#define VFUZZ_LINUX_COMPAT_H

/* include/linux/compiler.h: KCSAN's marker for an intended data race;
 * without KCSAN it is the expression itself. */
#ifndef data_race
#define data_race(expr) (expr)
#endif

#endif
