/* SPDX-License-Identifier: MIT */
/*
 * virtio-input constants (VirtIO 1.2, 5.8), with the spec's names: the
 * config selects, the config layout, the event layout, the queues, and the
 * few evdev values (Linux's input-event-codes.h) the driver and the model
 * name. Shared by the driver (drivers/dev/input.c) and the sim's device
 * model. What every device shares is in virtio/spec.h.
 */
#ifndef VIRTIO_SPEC_INPUT_H
#define VIRTIO_SPEC_INPUT_H

/* 5.8.4 enum virtio_input_config_select */
#define VIRTIO_INPUT_CFG_UNSET 0x00
#define VIRTIO_INPUT_CFG_ID_NAME 0x01
#define VIRTIO_INPUT_CFG_ID_SERIAL 0x02
#define VIRTIO_INPUT_CFG_ID_DEVIDS 0x03
#define VIRTIO_INPUT_CFG_PROP_BITS 0x10
#define VIRTIO_INPUT_CFG_EV_BITS 0x11
#define VIRTIO_INPUT_CFG_ABS_INFO 0x12

/* 5.8.4 struct virtio_input_config: offsets. select and subsel are the
 * driver's (written), size and the union the device's. A device may offer
 * less than the whole struct (QEMU: its largest entry plus the header). */
#define VIRTIO_INPUT_CFG_SELECT 0x00 /* u8 */
#define VIRTIO_INPUT_CFG_SUBSEL 0x01 /* u8 */
#define VIRTIO_INPUT_CFG_SIZE 0x02   /* u8 */
#define VIRTIO_INPUT_CFG_DATA 0x08   /* u8[128]: the union u */
#define VIRTIO_INPUT_CFG_DATA_MAX 128u
#define VIRTIO_INPUT_CFG_FULL_SIZE (VIRTIO_INPUT_CFG_DATA + VIRTIO_INPUT_CFG_DATA_MAX)

/* 5.8.4 struct virtio_input_absinfo: min, max, fuzz, flat, res (le32) */
#define VIRTIO_INPUT_ABS_MIN 0
#define VIRTIO_INPUT_ABS_MAX 4
#define VIRTIO_INPUT_ABS_FUZZ 8
#define VIRTIO_INPUT_ABS_FLAT 12
#define VIRTIO_INPUT_ABS_RES 16
#define VIRTIO_INPUT_ABSINFO_SIZE 20u
/* 5.8.4 struct virtio_input_devids: bustype, vendor, product, version (le16) */
#define VIRTIO_INPUT_DEVIDS_BUSTYPE 0
#define VIRTIO_INPUT_DEVIDS_VENDOR 2
#define VIRTIO_INPUT_DEVIDS_PRODUCT 4
#define VIRTIO_INPUT_DEVIDS_VERSION 6
#define VIRTIO_INPUT_DEVIDS_SIZE 8u

/* 5.8.6 struct virtio_input_event: type (le16), code (le16), value (le32) */
#define VIRTIO_INPUT_EVENT_TYPE 0
#define VIRTIO_INPUT_EVENT_CODE 2
#define VIRTIO_INPUT_EVENT_VALUE 4
#define VIRTIO_INPUT_EVENT_SIZE 8u

/* 5.8.2 Virtqueues */
#define VIRTIO_INPUT_EVENTQ 0u
#define VIRTIO_INPUT_STATUSQ 1u

/* evdev (5.8: events follow Linux's input layer) */
#define VIRTIO_INPUT_EV_SYN 0x00
#define VIRTIO_INPUT_EV_KEY 0x01
#define VIRTIO_INPUT_EV_REL 0x02
#define VIRTIO_INPUT_EV_ABS 0x03
#define VIRTIO_INPUT_EV_LED 0x11
#define VIRTIO_INPUT_EV_REP 0x14
#define VIRTIO_INPUT_SYN_REPORT 0
#define VIRTIO_INPUT_LED_NUML 0
#define VIRTIO_INPUT_LED_CAPSL 1
#define VIRTIO_INPUT_LED_SCROLLL 2
#define VIRTIO_INPUT_ABS_X 0
#define VIRTIO_INPUT_ABS_Y 1
#define VIRTIO_INPUT_BUS_VIRTUAL 0x06

#endif
