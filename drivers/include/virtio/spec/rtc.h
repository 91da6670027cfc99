/* SPDX-License-Identifier: MIT */
/*
 * virtio-rtc constants (VirtIO 1.4 draft, "RTC Device", device id 17), with
 * the spec's names: the feature bit, the queues, the request and response
 * layouts of the requestq as byte offsets (every field little-endian),
 * status codes, clock types, leap second smearing variants and flags.
 * Shared by the driver (drivers/dev/rtc.c) and the sim's device model.
 * What every device shares is in virtio/spec.h.
 */
#ifndef VIRTIO_SPEC_RTC_H
#define VIRTIO_SPEC_RTC_H

/* Feature bits: alarms (with the alarmq and the alarm requests). */
#define VIRTIO_RTC_F_ALARM 0

/* Virtqueues: the requestq always, the alarmq with F_ALARM. */
#define VIRTIO_RTC_REQUESTQ 0u
#define VIRTIO_RTC_ALARMQ 1u

/* Request message types (struct virtio_rtc_req_head.msg_type). */
#define VIRTIO_RTC_REQ_READ 0x0001u
#define VIRTIO_RTC_REQ_READ_CROSS 0x0002u
#define VIRTIO_RTC_REQ_CFG 0x1000u
#define VIRTIO_RTC_REQ_CLOCK_CAP 0x1001u
#define VIRTIO_RTC_REQ_CROSS_CAP 0x1002u
#define VIRTIO_RTC_REQ_READ_ALARM 0x1003u      /* F_ALARM */
#define VIRTIO_RTC_REQ_SET_ALARM 0x1004u       /* F_ALARM */
#define VIRTIO_RTC_REQ_SET_ALARM_ENABLED 0x1005u /* F_ALARM */
/* alarmq notification type */
#define VIRTIO_RTC_NOTIF_ALARM 0x2000u

/* struct virtio_rtc_req_head: msg_type (le16), reserved[6]. */
#define VIRTIO_RTC_REQ_MSG_TYPE 0
#define VIRTIO_RTC_REQ_HEAD_SIZE 8u
/* READ, CLOCK_CAP (and the alarm requests): clock_id (le16) after the
 * head, then reserved bytes up to 16. */
#define VIRTIO_RTC_REQ_CLOCK_ID 8
#define VIRTIO_RTC_REQ_CFG_SIZE 8u
#define VIRTIO_RTC_REQ_READ_SIZE 16u
#define VIRTIO_RTC_REQ_CLOCK_CAP_SIZE 16u

/* struct virtio_rtc_resp_head: status (u8), reserved[7]. */
#define VIRTIO_RTC_RESP_STATUS 0
#define VIRTIO_RTC_RESP_HEAD_SIZE 8u
/* status */
#define VIRTIO_RTC_S_OK 0u
#define VIRTIO_RTC_S_EOPNOTSUPP 2u
#define VIRTIO_RTC_S_ENODEV 3u
#define VIRTIO_RTC_S_EINVAL 4u
#define VIRTIO_RTC_S_EIO 5u

/* struct virtio_rtc_resp_cfg: head, num_clocks (le16), reserved[6]. */
#define VIRTIO_RTC_RESP_NUM_CLOCKS 8
#define VIRTIO_RTC_RESP_CFG_SIZE 16u
/* struct virtio_rtc_resp_read: head, clock_reading (le64, ns). */
#define VIRTIO_RTC_RESP_CLOCK_READING 8
#define VIRTIO_RTC_RESP_READ_SIZE 16u
/* struct virtio_rtc_resp_clock_cap: head, type, leap_second_smearing,
 * flags (u8 each), reserved[5]. */
#define VIRTIO_RTC_RESP_TYPE 8
#define VIRTIO_RTC_RESP_LEAP_SECOND_SMEARING 9
#define VIRTIO_RTC_RESP_FLAGS 10
#define VIRTIO_RTC_RESP_CLOCK_CAP_SIZE 16u

/* Clock types */
#define VIRTIO_RTC_CLOCK_UTC 0u
#define VIRTIO_RTC_CLOCK_TAI 1u
#define VIRTIO_RTC_CLOCK_MONOTONIC 2u
#define VIRTIO_RTC_CLOCK_UTC_SMEARED 3u
#define VIRTIO_RTC_CLOCK_UTC_MAYBE_SMEARED 4u
#define VIRTIO_RTC_CLOCK_TYPE_MAX VIRTIO_RTC_CLOCK_UTC_MAYBE_SMEARED
/* Leap second smearing variants */
#define VIRTIO_RTC_SMEAR_UNSPECIFIED 0u
#define VIRTIO_RTC_SMEAR_NOON_LINEAR 1u
#define VIRTIO_RTC_SMEAR_UTC_SLS 2u
#define VIRTIO_RTC_SMEAR_MAX VIRTIO_RTC_SMEAR_UTC_SLS
/* Clock capability flags (other bits reserved) */
#define VIRTIO_RTC_FLAG_ALARM_CAP 0x01u

#endif
