/* SPDX-License-Identifier: MIT */
/*
 * Plays a driver by hand against the device side of the sim (vdev.c, mmio.c,
 * pci.c, pci_bar.c, vq.c, dev/blk.c), register by register and descriptor by
 * descriptor, for the pytest suite: each misuse scenario (misuse.c) must
 * raise exactly its finding, each "ok-" sequence (correct.c) none, and see
 * the device answer as the spec says. The driver it plays is in hand.c.
 * Record mode; prints "findings=<n> last=<class>" on stdout.
 * Not a test of drivers/: no driver code runs here.
 */
#include <stdio.h>
#include <string.h>

#include "hand.h"
#include "sim/decide.h"
#include "sim/sim.h"

static const struct scenario *find(const char *name, bool list)
{
	static const struct {
		const struct scenario *v;
		const size_t *n;
	} tables[] = {
		{misuse_scenarios, &misuse_scenario_count},
		{correct_scenarios, &correct_scenario_count},
	};
	for (size_t t = 0; t < sizeof(tables) / sizeof(tables[0]); t++) {
		for (size_t i = 0; i < *tables[t].n; i++) {
			const struct scenario *s = &tables[t].v[i];
			if (list)
				printf("%s\n", s->name);
			else if (!strcmp(name, s->name))
				return s;
		}
	}
	return NULL;
}

int main(int argc, char **argv)
{
	const struct scenario *s = NULL;
	struct sim_config cfg = {
		.dma_base = SIM_DMA_BASE_DEFAULT,
		.dma_pages = SIM_DMA_PAGES_DEFAULT,
		.max_alloc_pages = SIM_MAX_ALLOC_PAGES_DEFAULT,
		.record = true,
	};
	int rc;

	if (argc != 2) {
		fprintf(stderr, "usage: device_misuse SCENARIO | --list\n");
		return 2;
	}
	if (!strcmp(argv[1], "--list")) {
		find(NULL, true);
		return 0;
	}
	s = find(argv[1], false);
	if (!s) {
		fprintf(stderr, "device_misuse: unknown scenario '%s'\n", argv[1]);
		return 2;
	}
	sim_init(&cfg);
	sim_reset(NULL, 0);
	if (s->script && sim_decide_script(s->script))
		return 3;
	setup(s->tp, s->base ? s->base : SIM_MMIO_BASE);
	rc = s->run();
	if (rc)
		return rc;
	teardown();
	sim_audit();
	printf("findings=%u last=%s\n", sim_finding_count(),
	       sim_class_name(sim_last_finding()));
	return 0;
}
