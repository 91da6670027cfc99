/* SPDX-License-Identifier: MIT */
/*
 * Any device of the table (fuzz/devices.def) on any transport, through the
 * seam, in record mode: its workload with the operations given, against a
 * device that lies as a decision script says. For the per-device tests
 * (one test per device lie). Arguments:
 *   --device=NAME        a table device (required)
 *   --transport=T        mmio2 (default), mmio1, pci, pci-firmware
 *   --script=S           decisions in script mode (sim/decide.h)
 *   --work=HEX           the workload bytes (fuzz/dev_<name>.c; none: the
 *                        device's default workload)
 *   --flags=N            the input's flags byte (fuzz/harness.h)
 * Prints the workload's lines (VFUZZ_HARNESS_LOG=2: one `op:` line per
 * operation, then the `harness:` summary), then `FINDINGS <n>[
 * last=<class>]`; exit 0, or 2 with one line on stderr for bad arguments.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz/device.h"
#include "sim/decide.h"
#include "sim/sim.h"

static void usage(const char *why, const char *arg)
{
	fprintf(stderr, "device_scenario: %s '%s' (see the file's header)\n",
		why, arg);
	exit(2);
}

static size_t hex(const char *s, uint8_t *out, size_t max)
{
	size_t n = strlen(s);

	if (n % 2 || n / 2 > max)
		usage("odd or too long hex in", s);
	for (size_t i = 0; i < n / 2; i++) {
		char b[3] = {s[2 * i], s[2 * i + 1], 0}, *end;

		out[i] = (uint8_t)strtoul(b, &end, 16);
		if (*end)
			usage("bad hex in", s);
	}
	return n / 2;
}

int main(int argc, char **argv)
{
	static uint8_t work[4096];
	static struct fuzz_attached a;
	const struct fuzz_device *d = NULL;
	enum fuzz_transport tr = FUZZ_MMIO_V2;
	const char *script = NULL;
	struct fuzz_case c = {0};
	struct sim_config cfg = {
		.dma_base = SIM_DMA_BASE_DEFAULT,
		.dma_pages = SIM_DMA_PAGES_DEFAULT,
		.max_alloc_pages = SIM_MAX_ALLOC_PAGES_DEFAULT,
		.record = true,
	};

	for (int i = 1; i < argc; i++) {
		const char *v = strchr(argv[i], '=');

		if (!v)
			usage("unknown argument", argv[i]);
		v++;
		if (!strncmp(argv[i], "--device=", 9)) {
			d = fuzz_device_find(v);
			if (!d)
				usage("no such device in fuzz/devices.def:", v);
		} else if (!strncmp(argv[i], "--transport=", 12)) {
			if (fuzz_transport_parse(v, &tr))
				usage("unknown transport", v);
		} else if (!strncmp(argv[i], "--script=", 9)) {
			script = v;
		} else if (!strncmp(argv[i], "--work=", 7)) {
			c.work.p = work;
			c.work.len = hex(v, work, sizeof work);
		} else if (!strncmp(argv[i], "--flags=", 8)) {
			c.flags = (uint8_t)strtoul(v, NULL, 0);
		} else {
			usage("unknown argument", argv[i]);
		}
	}
	if (!d)
		usage("missing", "--device=NAME");
	setenv("VFUZZ_HARNESS_LOG", "2", 1);
	sim_init(&cfg);
	fuzz_init();
	fuzz_begin(&c);
	if (script && sim_decide_script(script))
		return 2; /* the sim said why */
	int rc = fuzz_attach(d, NULL, tr, &sim_hal, &a);
	if (rc == 0)
		d->workload(a.t, &c.work);
	else
		printf("attach rc=%s step=%s\n", virtio_strerror(rc), a.step);
	sim_audit();
	fflush(stderr);
	if (sim_finding_count())
		printf("FINDINGS %u last=%s\n", sim_finding_count(),
		       sim_class_name(sim_last_finding()));
	else
		printf("FINDINGS 0\n");
	return 0;
}
