/* SPDX-License-Identifier: MIT */
/*
 * The device table (fuzz/devices.def) as the C side built it, as one JSON
 * object on stdout: for each device its name, device id, QEMU arguments
 * and seed workloads (hex). pytest/gen_seeds.py writes the seeds into
 * corpus/<name>_<bus>/; the tests parametrize over the devices. No
 * arguments; exit 0.
 */
#include <stdio.h>

#include "fuzz/device.h"

static void json_string(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			putchar('\\');
		putchar(*s);
	}
	putchar('"');
}

int main(void)
{
	printf("{\"devices\": [");
	for (size_t i = 0; i < fuzz_ndevices; i++) {
		const struct fuzz_device *d = fuzz_devices[i];

		printf("%s\n {\"name\": ", i ? "," : "");
		json_string(d->name);
		printf(", \"device_id\": %u, \"qemu\": ", d->device_id);
		json_string(d->qemu);
		printf(", \"seeds\": {");
		for (const struct fuzz_seed *s = d->seeds; s->name; s++) {
			printf("%s\n   ", s == d->seeds ? "" : ",");
			json_string(s->name);
			printf(": \"");
			for (size_t k = 0; k < s->len; k++)
				printf("%02x", s->work[k]);
			putchar('"');
		}
		printf("}}");
	}
	printf("\n]}\n");
	return 0;
}
