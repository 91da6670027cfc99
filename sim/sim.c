/* SPDX-License-Identifier: MIT */
/*
 * The sim's life cycle: init once per process, reset per iteration (cheap:
 * only what the iteration touched), audit at teardown.
 */
#include <stdlib.h>

#include "sim/internal.h"

static bool initialised;

void sim_init(const struct sim_config *cfg)
{
	if (initialised)
		return;
	struct sim_config def = SIM_CONFIG_DEFAULTS;
	if (!cfg)
		cfg = &def;
	initialised = true;
	sim_trace_init();
	sim_report_init(cfg->record);
	sim_mem_init(cfg);
	sim_refetch_init();
	sim_oracle_init();
	sim_access_init();
}

void sim_reset(const uint8_t *input, size_t len)
{
	if (!initialised)
		sim_init(NULL);
	sim_mem_reset();
	sim_refetch_reset();
	sim_oracle_reset();
	sim_access_reset();
	sim_report_reset();
	sim_decide_reset(input, len);
	sim_trace_reset();
}

void sim_audit(void)
{
	if (!sim_unchecked)
		sim_mem_audit();
}
