/* SPDX-License-Identifier: MIT */
/*
 * PCI configuration-space registers (PCI Local Bus 3.0, PCIe ECAM) and the
 * virtio-pci structures (VirtIO 1.2, 4.1), with the specs' names. Shared by
 * the driver (drivers/pci, drivers/transport/pci.c) and the sim's PCI front.
 * Constants only; no code.
 */
#ifndef VIRTIO_PCI_REGS_H
#define VIRTIO_PCI_REGS_H

/* ---- ECAM: 4 KiB of config space per function, 1 MiB per bus ---------- */
#define PCI_ECAM_BUS_SHIFT 20
#define PCI_ECAM_DEV_SHIFT 15
#define PCI_ECAM_FN_SHIFT 12
#define PCI_ECAM_BUS_SIZE (1u << PCI_ECAM_BUS_SHIFT)
#define PCI_CFG_SPACE_SIZE 0x1000u /* extended config space of one function */
#define PCI_CFG_STD_SIZE 0x100u    /* where capability lists live */
#define PCI_MAX_DEV 32u
#define PCI_MAX_FN 8u

/* ---- type 0/1 header ---------------------------------------------------- */
#define PCI_VENDOR_ID 0x00      /* 16 */
#define PCI_DEVICE_ID 0x02      /* 16 */
#define PCI_COMMAND 0x04        /* 16 */
#define PCI_STATUS 0x06         /* 16 */
#define PCI_REVISION_ID 0x08    /* 8 */
#define PCI_CLASS_PROG 0x09     /* 8 */
#define PCI_CLASS_DEVICE 0x0a   /* 16 */
#define PCI_HEADER_TYPE 0x0e    /* 8 */
#define PCI_BASE_ADDRESS_0 0x10 /* 32 each, 6 (type 0) or 2 (type 1) */
#define PCI_SUBSYSTEM_VENDOR_ID 0x2c /* 16 */
#define PCI_SUBSYSTEM_ID 0x2e   /* 16 */
#define PCI_CAPABILITY_LIST 0x34 /* 8 */
#define PCI_INTERRUPT_LINE 0x3c /* 8 */
#define PCI_INTERRUPT_PIN 0x3d  /* 8 */
#define PCI_STD_HEADER_SIZE 0x40u /* capabilities start at or after this */

#define PCI_VENDOR_ID_NONE 0xffffu /* no function here (master abort) */

#define PCI_COMMAND_IO 0x1u
#define PCI_COMMAND_MEMORY 0x2u
#define PCI_COMMAND_MASTER 0x4u
#define PCI_COMMAND_INTX_DISABLE 0x400u

#define PCI_STATUS_CAP_LIST 0x10u

#define PCI_HEADER_TYPE_MASK 0x7fu
#define PCI_HEADER_TYPE_NORMAL 0u
#define PCI_HEADER_TYPE_BRIDGE 1u
#define PCI_HEADER_TYPE_CARDBUS 2u
#define PCI_HEADER_TYPE_MULTI_FUNCTION 0x80u
#define PCI_STD_NUM_BARS 6u    /* type 0 header */
#define PCI_BRIDGE_NUM_BARS 2u /* type 1 header */

#define PCI_BASE_ADDRESS_SPACE_IO 0x1u
#define PCI_BASE_ADDRESS_MEM_TYPE_MASK 0x6u
#define PCI_BASE_ADDRESS_MEM_TYPE_32 0x0u
#define PCI_BASE_ADDRESS_MEM_TYPE_1M 0x2u /* reserved since PCI 2.2 */
#define PCI_BASE_ADDRESS_MEM_TYPE_64 0x4u
#define PCI_BASE_ADDRESS_MEM_PREFETCH 0x8u
#define PCI_BASE_ADDRESS_MEM_FLAGS 0xfu
#define PCI_BASE_ADDRESS_IO_FLAGS 0x3u

/* Capability header: id, next. */
#define PCI_CAP_LIST_ID 0
#define PCI_CAP_LIST_NEXT 1
#define PCI_CAP_ID_VNDR 0x09u
#define PCI_CAP_ID_MSIX 0x11u
/* Bound on a capability walk: 48 dword-aligned slots in 0x40..0xff. */
#define PCI_CAP_MAX_WALK 48u

/* ---- virtio-pci (VirtIO 1.2, 4.1) --------------------------------------- */
#define VIRTIO_PCI_VENDOR_ID 0x1af4u
#define VIRTIO_PCI_DEVICE_ID_TRANS_MIN 0x1000u /* 4.1.2.1 transitional */
#define VIRTIO_PCI_DEVICE_ID_TRANS_MAX 0x103fu
#define VIRTIO_PCI_DEVICE_ID_MODERN 0x1040u /* + virtio device id */
#define VIRTIO_PCI_DEVICE_ID_MAX 0x107fu

/* 4.1.4 cfg_type of struct virtio_pci_cap */
#define VIRTIO_PCI_CAP_COMMON_CFG 1u
#define VIRTIO_PCI_CAP_NOTIFY_CFG 2u
#define VIRTIO_PCI_CAP_ISR_CFG 3u
#define VIRTIO_PCI_CAP_DEVICE_CFG 4u
#define VIRTIO_PCI_CAP_PCI_CFG 5u
#define VIRTIO_PCI_CAP_SHARED_MEMORY_CFG 8u
#define VIRTIO_PCI_CAP_VENDOR_CFG 9u

/* 4.1.4 struct virtio_pci_cap field offsets */
#define VIRTIO_PCI_CAP_VNDR 0    /* u8: PCI_CAP_ID_VNDR */
#define VIRTIO_PCI_CAP_NEXT 1    /* u8 */
#define VIRTIO_PCI_CAP_LEN 2     /* u8 */
#define VIRTIO_PCI_CAP_CFG_TYPE 3 /* u8 */
#define VIRTIO_PCI_CAP_BAR 4     /* u8 */
#define VIRTIO_PCI_CAP_ID 5      /* u8 */
#define VIRTIO_PCI_CAP_OFFSET 8  /* le32 */
#define VIRTIO_PCI_CAP_LENGTH 12 /* le32 */
#define VIRTIO_PCI_CAP_SIZE 16u  /* sizeof(struct virtio_pci_cap) */
/* 4.1.4.4 struct virtio_pci_notify_cap */
#define VIRTIO_PCI_NOTIFY_CAP_MULT 16 /* le32 notify_off_multiplier */
#define VIRTIO_PCI_NOTIFY_CAP_SIZE 20u
/* 4.1.4.9 struct virtio_pci_cfg_cap */
#define VIRTIO_PCI_CFG_CAP_DATA 16 /* u8 pci_cfg_data[4] */
#define VIRTIO_PCI_CFG_CAP_SIZE 20u
#define VIRTIO_PCI_CAP_BAR_MAX 5u  /* 0x6..0xff reserved */

/* 4.1.4.3 struct virtio_pci_common_cfg */
#define VIRTIO_PCI_COMMON_DEVICE_FEATURE_SELECT 0x00 /* le32 */
#define VIRTIO_PCI_COMMON_DEVICE_FEATURE 0x04        /* le32 */
#define VIRTIO_PCI_COMMON_DRIVER_FEATURE_SELECT 0x08 /* le32 */
#define VIRTIO_PCI_COMMON_DRIVER_FEATURE 0x0c        /* le32 */
#define VIRTIO_PCI_COMMON_MSIX_CONFIG 0x10           /* le16 */
#define VIRTIO_PCI_COMMON_NUM_QUEUES 0x12            /* le16 */
#define VIRTIO_PCI_COMMON_DEVICE_STATUS 0x14         /* u8 */
#define VIRTIO_PCI_COMMON_CONFIG_GENERATION 0x15     /* u8 */
#define VIRTIO_PCI_COMMON_QUEUE_SELECT 0x16          /* le16 */
#define VIRTIO_PCI_COMMON_QUEUE_SIZE 0x18            /* le16 */
#define VIRTIO_PCI_COMMON_QUEUE_MSIX_VECTOR 0x1a     /* le16 */
#define VIRTIO_PCI_COMMON_QUEUE_ENABLE 0x1c          /* le16 */
#define VIRTIO_PCI_COMMON_QUEUE_NOTIFY_OFF 0x1e      /* le16 */
#define VIRTIO_PCI_COMMON_QUEUE_DESC 0x20            /* le64, two le32 */
#define VIRTIO_PCI_COMMON_QUEUE_DRIVER 0x28          /* le64, two le32 */
#define VIRTIO_PCI_COMMON_QUEUE_DEVICE 0x30          /* le64, two le32 */
#define VIRTIO_PCI_COMMON_QUEUE_NOTIFY_DATA 0x38     /* le16 (1.2) */
#define VIRTIO_PCI_COMMON_QUEUE_RESET 0x3a           /* le16 (1.2) */
/* What the driver uses: through queue_device (the 1.0 struct). */
#define VIRTIO_PCI_COMMON_CFG_MIN 0x38u
#define VIRTIO_PCI_COMMON_CFG_SIZE 0x3cu /* the 1.2 struct */

/* 4.1.4.5 ISR status bits */
#define VIRTIO_PCI_ISR_QUEUE 0x1u
#define VIRTIO_PCI_ISR_CONFIG 0x2u

/* 4.1.4.3 / 4.1.5.1.2: "no MSI-X vector" */
#define VIRTIO_MSI_NO_VECTOR 0xffffu

#endif
