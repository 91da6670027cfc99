/* SPDX-License-Identifier: MIT */
/*
 * VirtIO 1.2, 5.4: the entropy device's constants, with the spec's names.
 * It has no feature bits (5.4.3) and no config space (5.4.4).
 */
#ifndef VIRTIO_SPEC_RNG_H
#define VIRTIO_SPEC_RNG_H

#define VIRTIO_RNG_QUEUE_REQUEST 0u /* 5.4.2: the only queue, requestq */

#endif
