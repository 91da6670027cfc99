/* SPDX-License-Identifier: MIT */
/*
 * The decision stream (encoding documented in sim/decide.h): fuzz input
 * bytes, or a script of named deviations, decide every device answer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/decide.h"
#include "sim/internal.h"
#include "sim/oracle.h"

#define SCRIPT_MAX 32

struct script_entry {
	char point[48];
	uint32_t nth;   /* deviate at this occurrence (from 1) */
	uint32_t seen;  /* occurrences so far */
	uint64_t value;
};

static const uint8_t *in;
static size_t in_len, in_pos;
static struct script_entry script[SCRIPT_MAX];
static unsigned script_len;
static bool scripted;
/* Some answer differed from the spec's this iteration (sim_deviated). */
static bool deviated;

void sim_decide_reset(const uint8_t *data, size_t len)
{
	in = data;
	in_len = data ? len : 0;
	in_pos = 0;
	scripted = false;
	script_len = 0;
	deviated = false;
}

bool sim_deviated(void)
{
	return deviated;
}

void sim_decide_note_deviation(void)
{
	deviated = true;
}

size_t sim_decide_consumed(void)
{
	return in_pos;
}

static uint8_t next_byte(void)
{
	return in_pos < in_len ? in[in_pos++] : 0;
}

/* Script mode: the deviation for this occurrence of `point`, if any. */
static bool script_hit(const char *point, uint64_t *value)
{
	bool hit = false;
	/* Every entry naming the point counts this occurrence, whichever of
	 * them deviates, so entries may be written in any order. */
	for (unsigned i = 0; i < script_len; i++) {
		struct script_entry *e = &script[i];
		if (strcmp(e->point, point) != 0)
			continue;
		if (++e->seen == e->nth && !hit) {
			*value = e->value;
			hit = true;
		}
	}
	return hit;
}

/* One control byte: is this a deviation, and its raw control value. */
static bool deviates(const char *point, uint64_t *value, uint8_t *control)
{
	if (scripted)
		return script_hit(point, value);
	*control = next_byte();
	return *control != 0;
}

uint64_t sim_decide(const char *point, uint64_t spec, unsigned nbytes)
{
	uint64_t v = 0;
	uint8_t control = 0;
	if (!deviates(point, &v, &control))
		return spec;
	if (!scripted) {
		for (unsigned i = 0; i < nbytes && i < 8; i++)
			v |= (uint64_t)next_byte() << (8 * i);
	}
	deviated = deviated || v != spec;
	sim_trace_s("decide %s = 0x%llx (spec 0x%llx)", point, v, spec, 0);
	return v;
}

bool sim_decide_flag(const char *point)
{
	uint64_t v = 0;
	uint8_t control = 0;
	if (!deviates(point, &v, &control))
		return false;
	if (scripted && v == 0)
		return false;
	deviated = true;
	sim_trace_s("decide %s = yes", point, 0, 0, 0);
	return true;
}

uint32_t sim_decide_choice(const char *point, uint32_t n)
{
	uint64_t v = 0;
	uint8_t control = 0;
	if (n < 2 || !deviates(point, &v, &control))
		return 0;
	uint32_t c = scripted ? (uint32_t)(v % n)
			      : 1u + (uint32_t)(control - 1u) % (n - 1u);
	deviated = deviated || c != 0;
	if (c)
		sim_trace_s("decide %s = choice %llu of %llu", point, c, n, 0);
	return c;
}

int sim_decide_script(const char *text)
{
	scripted = true;
	script_len = 0;
	const char *p = text;
	while (*p) {
		struct script_entry *e = &script[script_len];
		const char *at = strchr(p, '@');
		const char *end = strchr(p, ',');
		if (!end)
			end = p + strlen(p);
		if (script_len == SCRIPT_MAX) {
			fprintf(stderr, "sim: decision script has more than %d entries\n",
				SCRIPT_MAX);
			return -1;
		}
		if (!at || at > end || (size_t)(at - p) >= sizeof e->point ||
		    at == p) {
			fprintf(stderr,
				"sim: bad decision script entry '%.*s' (want point@n=value)\n",
				(int)(end - p), p);
			return -1;
		}
		memcpy(e->point, p, (size_t)(at - p));
		e->point[at - p] = 0;
		char *q;
		unsigned long nth = strtoul(at + 1, &q, 10);
		if (*q != '=' || nth == 0 || nth > UINT32_MAX) {
			fprintf(stderr,
				"sim: bad occurrence in decision script entry '%.*s'\n",
				(int)(end - p), p);
			return -1;
		}
		char *r;
		unsigned long long val = strtoull(q + 1, &r, 0);
		if (r != end || r == q + 1) {
			fprintf(stderr,
				"sim: bad value in decision script entry '%.*s'\n",
				(int)(end - p), p);
			return -1;
		}
		e->nth = (uint32_t)nth;
		e->seen = 0;
		e->value = val;
		script_len++;
		p = *end ? end + 1 : end;
	}
	return 0;
}
