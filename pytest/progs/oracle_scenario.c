/* SPDX-License-Identifier: MIT */
/*
 * The semantic oracles (sim/oracle.h) at work: the harness's blk or
 * split-queue workload (fuzz/harness_blk.c, fuzz/harness_virtq.c) against
 * the sim's blk device on virtio-mmio, driven through the real blk driver
 * or through one that gets its answer wrong, with decision scripts making
 * the device lie. For pytest/test_oracles.py: each wrong driver must be
 * caught, the real one never. Not a fuzz target.
 *
 * oracle_scenario [--driver=NAME] [--workload=blk|virtq] [--version=1|2]
 *                 [--flags=N] [--work=HEX] [--script=S]...
 * --work: the workload bytes (opcodes in fuzz/harness.h), hex; none: the
 * default workload. --flags: the virtq workload's device flags. Each
 * --script (sim/decide.h script mode; none: one spec-conforming run) is
 * one iteration on a fresh machine, in record mode. Prints one line per
 * iteration, `run <script>: findings=<n> last=<class>`, then the totals,
 * `findings=<n> last=<class>`; exit 0, or 2 for bad arguments.
 *
 * Drivers (all but `real` wrap the real driver and get one thing wrong):
 *   real                 drivers/dev/blk.c
 *   flush-fails          flush returns EIO after a good flush
 *   eio-as-success       every EIO (error status, short used len) is OK
 *   bad-used-as-success  a used entry found lying (EBAD_USED) is OK
 *   reads-next-sector    read(s) reads sector s + 1
 *   writes-next-sector   write(s) writes sector s + 1
 *   id-not-padded        get_id leaves the buffer's bytes after the NUL
 *   id-made-up           get_id answers "vfuzz-blk" without the device
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz/device.h"
#include "sim/decide.h"
#include "sim/dev/blk.h"
#include "sim/sim.h"


static int eio_ok(int rc)
{
	return rc == VIRTIO_EIO ? 0 : rc;
}

static int bad_used_ok(int rc)
{
	return rc == VIRTIO_EBAD_USED ? 0 : rc;
}

static int flush_fails(struct virtio_blk *b)
{
	int rc = virtio_blk_flush(b);

	return rc ? rc : VIRTIO_EIO;
}

#define WRAP(name, map)                                                        \
	static int name##_read(struct virtio_blk *b, uint64_t s, void *buf,   \
			       size_t len)                                     \
	{                                                                      \
		return map(virtio_blk_read(b, s, buf, len));                   \
	}                                                                      \
	static int name##_write(struct virtio_blk *b, uint64_t s,             \
				const void *buf, size_t len)                   \
	{                                                                      \
		return map(virtio_blk_write(b, s, buf, len));                  \
	}                                                                      \
	static int name##_flush(struct virtio_blk *b)                          \
	{                                                                      \
		return map(virtio_blk_flush(b));                               \
	}                                                                      \
	static int name##_get_id(struct virtio_blk *b, uint8_t id[20])         \
	{                                                                      \
		return map(virtio_blk_get_id(b, id));                          \
	}                                                                      \
	static int name##_complete(struct virtio_blk *b, uint16_t token,      \
				   struct virtio_blk_req *req)                 \
	{                                                                      \
		return map(virtio_blk_complete(b, token, req));                \
	}
WRAP(eio, eio_ok)
WRAP(bad_used, bad_used_ok)

static int next_sector_read(struct virtio_blk *b, uint64_t s, void *buf,
			    size_t len)
{
	return virtio_blk_read(b, s + 1, buf, len);
}

static int next_sector_write(struct virtio_blk *b, uint64_t s,
			     const void *buf, size_t len)
{
	return virtio_blk_write(b, s + 1, buf, len);
}

static int next_sector_submit_write(struct virtio_blk *b,
				    struct virtio_blk_req *req, uint64_t s,
				    const void *buf, size_t len, uint16_t *token)
{
	return virtio_blk_submit_write(b, req, s + 1, buf, len, token);
}

static int id_not_padded(struct virtio_blk *b, uint8_t id[20])
{
	int rc = virtio_blk_get_id(b, id);
	size_t n = strnlen((const char *)id, VIRTIO_BLK_ID_BYTES);

	/* As a driver that copies the whole buffer back and never pads. */
	if (!rc && n + 1 < VIRTIO_BLK_ID_BYTES)
		memset(id + n + 1, 0xa5, VIRTIO_BLK_ID_BYTES - n - 1);
	return rc;
}

static int id_made_up(struct virtio_blk *b, uint8_t id[20])
{
	(void)b;
	memset(id, 0, VIRTIO_BLK_ID_BYTES);
	memcpy(id, "vfuzz-blk", 9);
	return 0;
}

static struct {
	const char *name;
	struct fuzz_blk_driver d;
} drivers[] = {
	{"real", {0}},
	{"flush-fails", {.flush = flush_fails}},
	{"eio-as-success",
	 {.read = eio_read, .write = eio_write, .flush = eio_flush,
	  .get_id = eio_get_id, .complete = eio_complete}},
	{"bad-used-as-success",
	 {.read = bad_used_read, .write = bad_used_write,
	  .flush = bad_used_flush, .get_id = bad_used_get_id,
	  .complete = bad_used_complete}},
	{"reads-next-sector", {.read = next_sector_read}},
	{"writes-next-sector",
	 {.write = next_sector_write, .submit_write = next_sector_submit_write}},
	{"id-not-padded", {.get_id = id_not_padded}},
	{"id-made-up", {.get_id = id_made_up}},
};

/* The real driver where the wrong one has nothing of its own. */
static void complete_driver(struct fuzz_blk_driver *d)
{
	const struct fuzz_blk_driver *r = &fuzz_blk_real_driver;

#define REAL(f) d->f = d->f ? d->f : r->f
	REAL(init);
	REAL(read);
	REAL(write);
	REAL(flush);
	REAL(get_id);
	REAL(submit_read);
	REAL(submit_write);
	REAL(peek);
	REAL(complete);
	REAL(destroy);
#undef REAL
}

static void usage(const char *why, const char *arg)
{
	fprintf(stderr, "oracle_scenario: %s '%s' (see the file's header)\n",
		why, arg);
	exit(2);
}

static size_t hex(const char *s, uint8_t *out, size_t max)
{
	size_t n = 0;

	for (; s[0] && s[1] && n < max; s += 2) {
		char b[3] = {s[0], s[1], 0}, *end;

		out[n++] = (uint8_t)strtoul(b, &end, 16);
		if (*end)
			usage("bad hex in", s);
	}
	if (*s)
		usage("odd or too long hex", s);
	return n;
}

int main(int argc, char **argv)
{
	static const char *scripts[4096];
	static uint8_t work[4096];
	struct sim_config cfg = SIM_CONFIG_DEFAULTS;
	struct fuzz_blk_driver *d = NULL;
	bool virtq = false;
	unsigned version = 2, flags = 0, nscripts = 0, total = 0;
	size_t nwork = 0;
	enum sim_class last = SIM_OK;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = strchr(a, '=');

		if (!v)
			usage("unknown argument", a);
		v++;
		if (!strncmp(a, "--driver=", 9)) {
			for (size_t k = 0; k < sizeof drivers / sizeof *drivers; k++)
				if (!strcmp(v, drivers[k].name))
					d = &drivers[k].d;
			if (!d)
				usage("unknown driver", v);
		} else if (!strncmp(a, "--workload=", 11) &&
			   (!strcmp(v, "blk") || !strcmp(v, "virtq"))) {
			virtq = !strcmp(v, "virtq");
		} else if (!strncmp(a, "--version=", 10) &&
			   (!strcmp(v, "1") || !strcmp(v, "2"))) {
			version = (unsigned)atoi(v);
		} else if (!strncmp(a, "--flags=", 8)) {
			flags = (unsigned)strtoul(v, NULL, 0);
		} else if (!strncmp(a, "--work=", 7)) {
			nwork = hex(v, work, sizeof work);
		} else if (!strncmp(a, "--script=", 9) && nscripts < 4096) {
			scripts[nscripts++] = v;
		} else {
			usage("unknown argument", a);
		}
	}
	if (!d)
		d = &drivers[0].d;
	complete_driver(d);
	if (!nscripts)
		scripts[nscripts++] = "";
	cfg.record = true;
	sim_init(&cfg);
	for (unsigned i = 0; i < nscripts; i++) {
		static struct fuzz_attached a;
		struct fuzz_in in = {work, nwork, 0};
		struct sim_vdev *dev;
		int rc;

		sim_reset(NULL, 0);
		if (*scripts[i] && sim_decide_script(scripts[i]))
			return 2;
		if (virtq) {
			/* The queue target's own set-up: the neutral device. */
			static struct virtio_transport *t;

			rc = fuzz_virtq_attach((uint8_t)flags, &sim_hal, &t);
			a.t = t;
		} else {
			dev = fuzz_device_blk.model(NULL);
			if (!dev)
				return 3;
			rc = fuzz_attach_dev(dev,
					     version == 1 ? FUZZ_MMIO_V1
							  : FUZZ_MMIO_V2,
					     &sim_hal, &a);
			if (rc == VIRTIO_EINVALID_PARAM &&
			    !strcmp(a.step, "device"))
				return 3;
		}
		if (rc == 0 && virtq)
			fuzz_virtq_workload(a.t, &in);
		else if (rc == 0)
			fuzz_blk_workload_with(d, a.t, &in);
		sim_audit();
		printf("run %s: findings=%u last=%s\n", scripts[i],
		       sim_finding_count(), sim_class_name(sim_last_finding()));
		total += sim_finding_count();
		if (sim_finding_count())
			last = sim_last_finding();
	}
	printf("findings=%u last=%s\n", total, sim_class_name(last));
	return 0;
}
