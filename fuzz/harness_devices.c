/* SPDX-License-Identifier: MIT */
/*
 * The device table (fuzz/device.h) built from fuzz/devices.def: each line
 * becomes a struct fuzz_device over the functions and seeds its device's
 * file defines.
 */
#include <string.h>

#include "fuzz/device.h"

#define VFUZZ_DEVICE(n, id, qemu_args)                                         \
	const struct fuzz_device fuzz_device_##n = {                           \
		.name = #n,                                                    \
		.device_id = id,                                               \
		.model = fuzz_##n##_model,                                     \
		.workload = fuzz_##n##_workload,                               \
		.seeds = fuzz_##n##_seeds,                                     \
		.qemu = qemu_args,                                             \
	};
#include "fuzz/devices.def"
#undef VFUZZ_DEVICE

#define VFUZZ_DEVICE(n, id, qemu_args) &fuzz_device_##n,
const struct fuzz_device *const fuzz_devices[] = {
#include "fuzz/devices.def"
};
#undef VFUZZ_DEVICE
const size_t fuzz_ndevices = sizeof(fuzz_devices) / sizeof(fuzz_devices[0]);

const struct fuzz_device *fuzz_device_find(const char *name)
{
	for (size_t i = 0; i < fuzz_ndevices; i++)
		if (!strcmp(fuzz_devices[i]->name, name))
			return fuzz_devices[i];
	return NULL;
}
