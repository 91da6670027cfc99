/* SPDX-License-Identifier: MIT */
/*
 * virtio-gpu constants (VirtIO 1.2, 5.7), with the spec's names: feature
 * bits, config layout, the 2D command and response types, the request and
 * response layouts (byte offsets of little-endian fields), formats. Shared
 * by the driver (drivers/dev/gpu.c) and the sim's device model. 3D
 * (VIRGL), blob resources and context commands are listed only as far as a
 * 2D driver must know them to decline them.
 */
#ifndef VIRTIO_SPEC_GPU_H
#define VIRTIO_SPEC_GPU_H

/* 5.7.3 Feature bits */
#define VIRTIO_GPU_F_VIRGL 0
#define VIRTIO_GPU_F_EDID 1
#define VIRTIO_GPU_F_RESOURCE_UUID 2
#define VIRTIO_GPU_F_RESOURCE_BLOB 3
#define VIRTIO_GPU_F_CONTEXT_INIT 4

/* 5.7.4 struct virtio_gpu_config: le32 each. */
#define VIRTIO_GPU_CFG_EVENTS_READ 0x00
#define VIRTIO_GPU_CFG_EVENTS_CLEAR 0x04
#define VIRTIO_GPU_CFG_NUM_SCANOUTS 0x08
#define VIRTIO_GPU_CFG_NUM_CAPSETS 0x0c
#define VIRTIO_GPU_CFG_SIZE 0x10
/* 5.7.4 events */
#define VIRTIO_GPU_EVENT_DISPLAY 1u

/* 5.7.2 Virtqueues */
#define VIRTIO_GPU_CONTROLQ 0u
#define VIRTIO_GPU_CURSORQ 1u

/* 5.7.6.7 enum virtio_gpu_ctrl_type */
#define VIRTIO_GPU_CMD_GET_DISPLAY_INFO 0x0100u
#define VIRTIO_GPU_CMD_RESOURCE_CREATE_2D 0x0101u
#define VIRTIO_GPU_CMD_RESOURCE_UNREF 0x0102u
#define VIRTIO_GPU_CMD_SET_SCANOUT 0x0103u
#define VIRTIO_GPU_CMD_RESOURCE_FLUSH 0x0104u
#define VIRTIO_GPU_CMD_TRANSFER_TO_HOST_2D 0x0105u
#define VIRTIO_GPU_CMD_RESOURCE_ATTACH_BACKING 0x0106u
#define VIRTIO_GPU_CMD_RESOURCE_DETACH_BACKING 0x0107u
#define VIRTIO_GPU_CMD_GET_CAPSET_INFO 0x0108u
#define VIRTIO_GPU_CMD_GET_CAPSET 0x0109u
#define VIRTIO_GPU_CMD_GET_EDID 0x010au
#define VIRTIO_GPU_CMD_UPDATE_CURSOR 0x0300u
#define VIRTIO_GPU_CMD_MOVE_CURSOR 0x0301u
#define VIRTIO_GPU_RESP_OK_NODATA 0x1100u
#define VIRTIO_GPU_RESP_OK_DISPLAY_INFO 0x1101u
#define VIRTIO_GPU_RESP_OK_CAPSET_INFO 0x1102u
#define VIRTIO_GPU_RESP_OK_CAPSET 0x1103u
#define VIRTIO_GPU_RESP_OK_EDID 0x1104u
#define VIRTIO_GPU_RESP_ERR_UNSPEC 0x1200u
#define VIRTIO_GPU_RESP_ERR_OUT_OF_MEMORY 0x1201u
#define VIRTIO_GPU_RESP_ERR_INVALID_SCANOUT_ID 0x1202u
#define VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID 0x1203u
#define VIRTIO_GPU_RESP_ERR_INVALID_CONTEXT_ID 0x1204u
#define VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER 0x1205u
/* Every error response is 0x12xx (5.7.6.7). */
#define VIRTIO_GPU_RESP_IS_ERR(type) (((type) & 0xff00u) == 0x1200u)

/* 5.7.6.7 struct virtio_gpu_ctrl_hdr: type, flags (le32), fence_id
 * (le64), ctx_id (le32), ring_idx (u8), padding[3]. */
#define VIRTIO_GPU_HDR_TYPE 0
#define VIRTIO_GPU_HDR_FLAGS 4
#define VIRTIO_GPU_HDR_FENCE_ID 8
#define VIRTIO_GPU_HDR_CTX_ID 16
#define VIRTIO_GPU_HDR_RING_IDX 20
#define VIRTIO_GPU_HDR_SIZE 24u
#define VIRTIO_GPU_FLAG_FENCE 1u

/* struct virtio_gpu_rect: x, y, width, height (le32 each), 16 bytes. */
#define VIRTIO_GPU_RECT_SIZE 16u
#define VIRTIO_GPU_MAX_SCANOUTS 16u

/* 5.7.6.8 GET_DISPLAY_INFO: the header alone; the response is the
 * header and 16 struct virtio_gpu_display_one {rect, enabled, flags}. */
#define VIRTIO_GPU_DISPLAY_ONE_SIZE 24u
#define VIRTIO_GPU_DISPLAY_ENABLED 16 /* in a display_one */
#define VIRTIO_GPU_DISPLAY_FLAGS 20
#define VIRTIO_GPU_RESP_DISPLAY_INFO_SIZE                                      \
	(VIRTIO_GPU_HDR_SIZE +                                                 \
	 VIRTIO_GPU_MAX_SCANOUTS * VIRTIO_GPU_DISPLAY_ONE_SIZE)

/* RESOURCE_CREATE_2D: hdr, resource_id, format, width, height. */
#define VIRTIO_GPU_CREATE_2D_RESOURCE_ID 24
#define VIRTIO_GPU_CREATE_2D_FORMAT 28
#define VIRTIO_GPU_CREATE_2D_WIDTH 32
#define VIRTIO_GPU_CREATE_2D_HEIGHT 36
#define VIRTIO_GPU_CREATE_2D_SIZE 40u
/* RESOURCE_UNREF, RESOURCE_DETACH_BACKING: hdr, resource_id, padding. */
#define VIRTIO_GPU_RESOURCE_ID 24
#define VIRTIO_GPU_RESOURCE_CMD_SIZE 32u
/* SET_SCANOUT: hdr, rect, scanout_id, resource_id. */
#define VIRTIO_GPU_RECT 24 /* SET_SCANOUT, RESOURCE_FLUSH, TRANSFER */
#define VIRTIO_GPU_SET_SCANOUT_SCANOUT_ID 40
#define VIRTIO_GPU_SET_SCANOUT_RESOURCE_ID 44
#define VIRTIO_GPU_SET_SCANOUT_SIZE 48u
/* RESOURCE_FLUSH: hdr, rect, resource_id, padding. */
#define VIRTIO_GPU_FLUSH_RESOURCE_ID 40
#define VIRTIO_GPU_FLUSH_SIZE 48u
/* TRANSFER_TO_HOST_2D: hdr, rect, offset (le64), resource_id, padding. */
#define VIRTIO_GPU_TRANSFER_OFFSET 40
#define VIRTIO_GPU_TRANSFER_RESOURCE_ID 48
#define VIRTIO_GPU_TRANSFER_SIZE 56u
/* RESOURCE_ATTACH_BACKING: hdr, resource_id, nr_entries, then nr_entries
 * struct virtio_gpu_mem_entry {addr (le64), length (le32), padding}. */
#define VIRTIO_GPU_ATTACH_NR_ENTRIES 28
#define VIRTIO_GPU_ATTACH_SIZE 32u
#define VIRTIO_GPU_MEM_ENTRY_ADDR 0
#define VIRTIO_GPU_MEM_ENTRY_LENGTH 8
#define VIRTIO_GPU_MEM_ENTRY_SIZE 16u
/* 5.7.6.10 cursorq: UPDATE_CURSOR and MOVE_CURSOR, hdr, struct
 * virtio_gpu_cursor_pos {scanout_id, x, y, padding}, resource_id, hot_x,
 * hot_y, padding. No response is written (the device reads only). */
#define VIRTIO_GPU_CURSOR_SCANOUT_ID 24
#define VIRTIO_GPU_CURSOR_X 28
#define VIRTIO_GPU_CURSOR_Y 32
#define VIRTIO_GPU_CURSOR_RESOURCE_ID 40
#define VIRTIO_GPU_CURSOR_HOT_X 44
#define VIRTIO_GPU_CURSOR_HOT_Y 48
#define VIRTIO_GPU_CURSOR_SIZE 56u
/* A cursor image is 64x64 pixels (5.7.6.10). */
#define VIRTIO_GPU_CURSOR_DIM 64u

/* 5.7.6.8 enum virtio_gpu_formats (4 bytes per pixel each) */
#define VIRTIO_GPU_FORMAT_B8G8R8A8_UNORM 1u
#define VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM 2u
#define VIRTIO_GPU_FORMAT_A8R8G8B8_UNORM 3u
#define VIRTIO_GPU_FORMAT_X8R8G8B8_UNORM 4u
#define VIRTIO_GPU_FORMAT_R8G8B8A8_UNORM 67u
#define VIRTIO_GPU_FORMAT_X8B8G8R8_UNORM 68u
#define VIRTIO_GPU_FORMAT_A8B8G8R8_UNORM 121u
#define VIRTIO_GPU_FORMAT_R8G8B8X8_UNORM 134u

#endif
