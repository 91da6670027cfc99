/* SPDX-License-Identifier: MIT */
/*
 * The driver library's one error enum. Functions that can fail return 0 or
 * one of these (negative); results go through out-parameters. Names follow
 * the virtio-drivers crate's Error where it has one.
 */
#ifndef VIRTIO_ERRORS_H
#define VIRTIO_ERRORS_H

enum virtio_err {
	VIRTIO_OK = 0,
	/* queue and device */
	VIRTIO_EQUEUE_FULL = -1,       /* no free descriptors */
	VIRTIO_ENOT_READY = -2,        /* nothing used yet */
	VIRTIO_EWRONG_TOKEN = -3,      /* popped token is not the one asked for */
	VIRTIO_EALREADY_USED = -4,     /* queue already set up */
	VIRTIO_EINVALID_PARAM = -5,    /* caller passed something unusable */
	VIRTIO_EDMA = -6,              /* dma_alloc or share failed */
	VIRTIO_EIO = -7,               /* device reported an I/O error */
	VIRTIO_EUNSUPPORTED = -8,      /* request not supported by the device */
	VIRTIO_ECONFIG_TOO_SMALL = -9, /* config space smaller than the struct */
	VIRTIO_ECONFIG_MISSING = -10,  /* no config space at all */
	/* the device broke the protocol (detected lies) */
	VIRTIO_EBAD_USED = -11,       /* used entry: id, len or idx invalid */
	VIRTIO_EBAD_QUEUE_SIZE = -12, /* queue max size 0 or too small */
	VIRTIO_EFEATURES = -13,       /* FEATURES_OK not kept, or needed feature missing */
	VIRTIO_EBAD_CONFIG = -14,     /* config value out of range */
	VIRTIO_ECONFIG_UNSTABLE = -15, /* config generation never settled */
	VIRTIO_ETIMEOUT = -16,        /* device did not answer within the poll budget */
	VIRTIO_EBROKEN = -17,         /* device lied earlier; needs reset */
	VIRTIO_ENEEDS_RESET = -18,    /* device set DEVICE_NEEDS_RESET */
	VIRTIO_EREAD_ONLY = -19,      /* write to a read-only device */
	/* transport */
	VIRTIO_EBAD_MAGIC = -20,
	VIRTIO_EBAD_VERSION = -21,
	VIRTIO_EBAD_DEVICE_ID = -22,  /* 0 (placeholder) or unexpected type */
	VIRTIO_EBAD_VENDOR = -23,
	VIRTIO_EMMIO_MAP = -24,       /* mmio_phys_to_virt refused */
	/* pci */
	VIRTIO_EPCI_CAP = -30,        /* capability list malformed (loop, next, len) */
	VIRTIO_EPCI_CAP_MISSING = -31,/* a mandatory virtio capability is missing */
	VIRTIO_EPCI_BAR = -32,        /* bad BAR index, unassigned or IO BAR */
	VIRTIO_EPCI_RANGE = -33,      /* region overflows its BAR or is misaligned */
	VIRTIO_EPCI_NOTIFY = -34,     /* notify multiplier/offset out of range */
	VIRTIO_EPCI_MSIX = -35,       /* MSI-X vector not accepted */
	VIRTIO_ENO_DEVICE = -36,      /* enumeration found nothing */
	/* socket (vsock) connections, the crate's SocketError */
	VIRTIO_ENOT_CONNECTED = -37,  /* no such connection (NotConnected) */
	VIRTIO_ENO_CREDIT = -38,      /* peer has no room (InsufficientBufferSpaceInPeer) */
	VIRTIO_ECONN_EXISTS = -39,    /* connection exists (ConnectionExists) */
	VIRTIO_EPEER_SHUTDOWN = -40,  /* peer shut the connection (PeerSocketShutdown) */
	VIRTIO_ERR_MIN_ = -41,
};

/* A short constant name for an error code, e.g. "EBAD_USED". */
const char *virtio_strerror(int err);

#endif
