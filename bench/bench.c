/* SPDX-License-Identifier: MIT */
/*
 * vbench: what the sim costs. Runs a device's default workload over MMIO
 * (--device NAME from fuzz/devices.def, default blk) through
 * the instrumented sim HAL and through the unchecked pass-through HAL in one
 * process, interleaved in rounds so machine noise hits both alike, and
 * reports the ratio. Also runs a long series of iterations and samples RSS,
 * which must stay flat. Built in the release preset (no sanitizers);
 * `./vfuzz bench` adds the libFuzzer execs/s of every target.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fuzz/device.h"
#include "sim/sim.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static long rss_kb(void)
{
	long pages = 0, resident = 0;
	FILE *f = fopen("/proc/self/statm", "r");
	if (!f)
		return -1;
	if (fscanf(f, "%ld %ld", &pages, &resident) != 2)
		resident = -1;
	fclose(f);
	return resident < 0 ? -1 : resident * (sysconf(_SC_PAGESIZE) / 1024);
}

static const struct fuzz_device *device = &fuzz_device_blk;

/* One iteration of the <device>_mmio target's default workload, version 2. */
static void iteration(const struct virtio_hal *hal)
{
	static const uint8_t input[2] = {0, 0};
	static struct fuzz_attached a;
	struct fuzz_case c;
	fuzz_split(input, sizeof input, &c);
	fuzz_begin(&c);
	if (fuzz_attach(device, NULL, FUZZ_MMIO_V2, hal, &a) == 0)
		device->workload(a.t, &c.work);
	sim_audit();
}

static double run(const struct virtio_hal *hal, bool passthru, long n)
{
	sim_use_passthru(passthru);
	double t0 = now();
	for (long i = 0; i < n; i++)
		iteration(hal);
	double dt = now() - t0;
	sim_use_passthru(false);
	return dt;
}

int main(int argc, char **argv)
{
	bool json = false;
	long iters = 200000, rss_iters = 1000000;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json")) {
			json = true;
		} else if (!strcmp(argv[i], "--iters") && i + 1 < argc) {
			iters = atol(argv[++i]);
		} else if (!strcmp(argv[i], "--rss-iters") && i + 1 < argc) {
			rss_iters = atol(argv[++i]);
		} else if (!strcmp(argv[i], "--device") && i + 1 < argc) {
			device = fuzz_device_find(argv[++i]);
			if (!device) {
				fprintf(stderr, "vbench: unknown device '%s'\n", argv[i]);
				return 2;
			}
		} else {
			fprintf(stderr, "vbench: unknown argument '%s' (use --json, --iters N, --rss-iters N, --device NAME)\n",
				argv[i]);
			return 2;
		}
	}
	if (iters < 10 || rss_iters < 10) {
		fprintf(stderr, "vbench: iteration counts must be at least 10\n");
		return 2;
	}
	fuzz_init();
	run(&sim_hal, false, iters / 10); /* warm up both paths */
	run(&sim_passthru_hal, true, iters / 10);
	double checked = 0, passthru = 0;
	const int rounds = 5;
	for (int r = 0; r < rounds; r++) {
		checked += run(&sim_hal, false, iters / rounds);
		passthru += run(&sim_passthru_hal, true, iters / rounds);
	}
	long rss_first = 0;
	double t0 = now();
	for (long i = 0; i < rss_iters; i++) {
		iteration(&sim_hal);
		if (i == rss_iters / 10)
			rss_first = rss_kb();
	}
	double rss_time = now() - t0;
	long rss_last = rss_kb();
	double n = (double)(iters / rounds * rounds);
	if (json) {
		printf("{\"sim_overhead\": %.3f, \"checked_execs_per_s\": %.0f, "
		       "\"passthru_execs_per_s\": %.0f, \"rss_iterations\": %ld, "
		       "\"rss_kb_at_10pct\": %ld, \"rss_kb_at_end\": %ld, "
		       "\"rss_run_execs_per_s\": %.0f}\n",
		       checked / passthru, n / checked, n / passthru, rss_iters,
		       rss_first, rss_last, (double)rss_iters / rss_time);
	} else {
		printf("%s_mmio workload, release build, %ld iterations each\n",
		       device->name, (long)n);
		printf("  instrumented sim HAL   %10.0f iterations/s\n", n / checked);
		printf("  pass-through HAL       %10.0f iterations/s\n", n / passthru);
		printf("  sim overhead           %10.2fx\n", checked / passthru);
		printf("  RSS over %ld iterations: %ld KiB at 10%%, %ld KiB at the end\n",
		       rss_iters, rss_first, rss_last);
	}
	return 0;
}
