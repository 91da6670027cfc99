/* SPDX-License-Identifier: MIT */
/*
 * virtio-console constants (VirtIO 1.2, 5.3), with the spec's names:
 * feature bits, config layout, the queues of port 0. Shared by the driver
 * (drivers/dev/console.c) and the sim's device model. What every device
 * shares is in virtio/spec.h.
 */
#ifndef VIRTIO_SPEC_CONSOLE_H
#define VIRTIO_SPEC_CONSOLE_H

/* 5.3.3 Feature bits */
#define VIRTIO_CONSOLE_F_SIZE 0
#define VIRTIO_CONSOLE_F_MULTIPORT 1
#define VIRTIO_CONSOLE_F_EMERG_WRITE 2
/* 5.3.4 config layout offsets */
#define VIRTIO_CONSOLE_CFG_COLS 0x00         /* le16 */
#define VIRTIO_CONSOLE_CFG_ROWS 0x02         /* le16 */
#define VIRTIO_CONSOLE_CFG_MAX_NR_PORTS 0x04 /* le32, MULTIPORT only */
#define VIRTIO_CONSOLE_CFG_EMERG_WR 0x08     /* le32, write-only */
#define VIRTIO_CONSOLE_CFG_SIZE 0x0c
/* 5.3.2 Virtqueues: port 0's receiveq and transmitq */
#define VIRTIO_CONSOLE_RECEIVEQ 0u
#define VIRTIO_CONSOLE_TRANSMITQ 1u

#endif
