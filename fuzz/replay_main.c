// SPDX-License-Identifier: MIT
/*
 * Standalone main for fuzz targets built without libFuzzer (gcc or clang):
 * replays files, or directories of files, through LLVMFuzzerTestOneInput.
 * Each input is copied into an allocation of its exact size, so ASan sees an
 * over-read by one byte. It does not fuzz, mutate or catch findings: a finding
 * aborts the process, as it does under libFuzzer.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
/* Weak: a target without an initializer links to NULL. */
__attribute__((weak)) int LLVMFuzzerInitialize(int *argc, char ***argv);

static const char usage[] =
	"usage: %s [--trace] [--quiet] [--help] PATH...\n"
	"Replay each input file through the fuzz target; directories are\n"
	"searched recursively, files replayed in name order (dot files skipped).\n"
	"An empty file is the spec-conforming device.\n"
	"  --trace  print every sim trace event (sets VFUZZ_TRACE=1)\n"
	"  --quiet  print nothing but findings and errors\n"
	"Exit status: 0 no finding, 2 usage or unreadable input; a finding aborts.\n";

static bool quiet;

/* A growable list of file paths, in replay order. */
struct paths {
	char **v;
	size_t n, cap;
};

static void fail_read(const char *path, const char *why)
{
	fprintf(stderr, "replay: cannot read %s: %s\n", path, why);
	exit(2);
}

static void *xrealloc(void *p, size_t size)
{
	p = realloc(p, size);
	if (!p) {
		fprintf(stderr, "replay: out of memory\n");
		exit(2);
	}
	return p;
}

static void paths_add(struct paths *ps, char *path)
{
	if (ps->n == ps->cap) {
		ps->cap = ps->cap ? 2 * ps->cap : 16;
		ps->v = xrealloc(ps->v, ps->cap * sizeof(*ps->v));
	}
	ps->v[ps->n++] = path;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name); /* not strcoll: no locale */
}

static int not_hidden(const struct dirent *d)
{
	return d->d_name[0] != '.'; /* also skips ".gitkeep" placeholders */
}

/* Append `path` (a file) or every file under it (a directory). */
static void collect(struct paths *ps, const char *path)
{
	struct stat st;

	if (stat(path, &st) != 0)
		fail_read(path, strerror(errno));
	if (S_ISREG(st.st_mode)) {
		paths_add(ps, strdup(path));
		return;
	}
	if (!S_ISDIR(st.st_mode))
		fail_read(path, "not a regular file or directory");

	struct dirent **ents;
	int n = scandir(path, &ents, not_hidden, by_name);
	if (n < 0)
		fail_read(path, strerror(errno));
	for (int i = 0; i < n; i++) {
		char *sub;
		size_t len = strlen(path);
		const char *sep = len && path[len - 1] == '/' ? "" : "/";
		if (asprintf(&sub, "%s%s%s", path, sep, ents[i]->d_name) < 0)
			fail_read(path, "out of memory");
		collect(ps, sub);
		free(sub);
		free(ents[i]);
	}
	free(ents);
}

/* Read a whole file into a malloc of exactly its size. */
static uint8_t *read_input(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	struct stat st;

	if (!f || fstat(fileno(f), &st) != 0)
		fail_read(path, strerror(errno));
	*size = (size_t)st.st_size;
	uint8_t *data = malloc(*size); /* 0 bytes: any access is an overflow */
	if (!data && *size)
		fail_read(path, strerror(ENOMEM));
	if (fread(data, 1, *size, f) != *size)
		fail_read(path, ferror(f) ? strerror(errno) : "file shrank while read");
	fclose(f);
	return data;
}

int main(int argc, char **argv)
{
	struct paths ps = { 0 };
	bool trace = false, flags_done = false;
	int nargs = 0;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (flags_done || a[0] != '-' || a[1] == '\0') {
			nargs++;
		} else if (strcmp(a, "--") == 0) {
			flags_done = true;
		} else if (strcmp(a, "--trace") == 0) {
			trace = true;
		} else if (strcmp(a, "--quiet") == 0) {
			quiet = true;
		} else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			printf(usage, argv[0]);
			return 0;
		} else {
			fprintf(stderr, "replay: unknown flag '%s' (see --help)\n", a);
			return 2;
		}
	}
	if (nargs == 0) {
		fprintf(stderr, usage, argv[0]);
		return 2;
	}
	if (trace)
		setenv("VFUZZ_TRACE", "1", 1);

	flags_done = false;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!flags_done && strcmp(a, "--") == 0)
			flags_done = true;
		else if (flags_done || a[0] != '-' || a[1] == '\0')
			collect(&ps, a);
	}

	if (LLVMFuzzerInitialize)
		LLVMFuzzerInitialize(&argc, &argv);

	for (size_t i = 0; i < ps.n; i++) {
		size_t size;
		uint8_t *data = read_input(ps.v[i], &size);
		if (!quiet && size == 0)
			fprintf(stderr, "replay: %s (0 bytes, empty input: spec-conforming device)\n",
				ps.v[i]);
		else if (!quiet)
			fprintf(stderr, "replay: %s (%zu bytes)\n", ps.v[i], size);
		LLVMFuzzerTestOneInput(data, size);
		free(data);
		free(ps.v[i]);
	}
	if (!quiet)
		fprintf(stderr, "replay: %zu input%s, no finding\n", ps.n, ps.n == 1 ? "" : "s");
	free(ps.v);
	return 0;
}
