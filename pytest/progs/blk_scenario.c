/* SPDX-License-Identifier: MIT */
/*
 * blk scenarios: the real virtio-blk driver on a sim blk device over
 * virtio-mmio v1/v2 or virtio-pci, in record mode, optionally with a
 * decision script (sim/decide.h) making the device lie. For
 * pytest/test_blk.py and the QEMU differential test (test_qemu.py). Not a
 * fuzz target: one scenario per process, arguments in, lines out.
 *
 * --run=conformance (default) runs port/riscv64/blk_checks.c's plan and
 * prints its RESULT lines as the QEMU port does (host_filled=false).
 * --run=op,op,... runs single driver calls, one line each:
 *   OP <op> rc=<virtio_strerror> [extras]
 * ops: init, destroy, read:S:N, write:S:N, check:S:N (sim disk against the
 * expected contents, no driver call), flush, get_id, submit-read:S:N,
 * submit-write:S:N, peek, complete, complete-all (S sector, N sectors).
 * Successful reads and writes add data=ok|bad: the data read, or the disk
 * after the write, against what the disk must hold (the fresh pattern plus
 * every write the driver reported done). Each completion prints
 * `OP complete rc=.. req=K token=T [data=..]` (K: the K-th submit, from 0);
 * complete-all ends with `OP complete-all rc=.. order=K,K,..`.
 * The transport probe is always the first line: `OP probe rc=.. step=..`;
 * when it fails, every op prints rc=SKIPPED.
 * Device options: --transport=mmio1|mmio2|pci (mmio2), --capacity=N (2048),
 * --serial=S, --read-only, --queue-max=N, --no-indirect, --no-event-idx,
 * --no-flush, --blk-size=N, --packed (the device offers RING_PACKED); --script=<decisions> (sim/decide.h script mode);
 * PCI BARs are assigned by the driver unless --pci-firmware (pre-assigned)
 * or --pci-no-assign (left unassigned); --poll-budget=N (1000).
 * Last: destroy, sim_audit, `FINDINGS <n>[ last=<class>]`; exit 0, or 2
 * with one line on stderr for bad arguments.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "port/riscv64/blk_checks.h"
#include "sim/decide.h"
#include "fuzz/device.h"
#include "sim/dev/blk.h"
#include "sim/sim.h"
#include "virtio/blk.h"

#define SECTOR VIRTIO_BLK_SECTOR_SIZE
#define OP_MAX_SECTORS 128u /* one blocking request: 64 KiB */
#define REQ_MAX 32u	    /* non-blocking requests per run */
#define REQ_MAX_SECTORS 16u
#define POLL_BUDGET 1000u /* far below SIM_HANG_BUDGET */

static struct {
	const char *transport; /* mmio1, mmio2, pci */
	struct sim_blk_config blk;
	const char *script;
	const char *run;
	bool pci_firmware;  /* BARs pre-assigned by "firmware" */
	bool pci_no_assign; /* nobody assigns the BARs */
	bool no_indirect, no_event_idx; /* ring features the device lacks */
	bool packed;                   /* it offers the packed ring */
	uint32_t poll_budget;
} opt = {
    .transport = "mmio2", .run = "conformance", .poll_budget = POLL_BUDGET};

static struct sim_blk *dev; /* the model fuzz_device_blk created */
static struct virtio_blk drv;

/* What the disk must hold: the fresh pattern, then every accepted write. */
static uint8_t model[SIM_BLK_MAX_SECTORS * SECTOR];
static uint8_t buf[OP_MAX_SECTORS * SECTOR];
static unsigned write_gen;

static struct {
	struct virtio_blk_req req;
	uint8_t data[REQ_MAX_SECTORS * SECTOR];
	uint64_t sector;
	unsigned n;
	bool write, in_flight;
	uint16_t token;
} reqs[REQ_MAX];
static unsigned nreqs, n_in_flight;

static void usage(const char *why, const char *arg)
{
	fprintf(stderr, "blk_scenario: %s '%s' (see the file's header)\n", why,
		arg);
	exit(2);
}

static unsigned long long number(const char *s, const char *arg)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 0);

	if (end == s || *end)
		usage("bad number in", arg);
	return v;
}

static void parse_args(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = strchr(a, '=');
		size_t k = v ? (size_t)(v - a) : strlen(a);

		v = v ? v + 1 : NULL;
#define IS(name) (k == sizeof(name) - 1 && !strncmp(a, name, k))
		if (IS("--transport") && v)
			opt.transport = v;
		else if (IS("--capacity") && v)
			opt.blk.capacity = number(v, a);
		else if (IS("--serial") && v)
			opt.blk.serial = v;
		else if (IS("--read-only") && !v)
			opt.blk.ro = true;
		else if (IS("--queue-max") && v && number(v, a) <= UINT16_MAX)
			opt.blk.queue_max = (uint16_t)number(v, a);
		else if (IS("--no-indirect") && !v)
			opt.no_indirect = true;
		else if (IS("--no-event-idx") && !v)
			opt.no_event_idx = true;
		else if (IS("--packed") && !v)
			opt.packed = true;
		else if (IS("--no-flush") && !v)
			opt.blk.flush = false;
		else if (IS("--blk-size") && v)
			opt.blk.blk_size = (uint32_t)number(v, a);
		else if (IS("--script") && v)
			opt.script = v;
		else if (IS("--run") && v)
			opt.run = v;
		else if (IS("--pci-firmware") && !v)
			opt.pci_firmware = true;
		else if (IS("--pci-no-assign") && !v)
			opt.pci_no_assign = true;
		else if (IS("--poll-budget") && v)
			opt.poll_budget = (uint32_t)number(v, a);
		else
			usage("unknown argument", a);
#undef IS
	}
	if (strcmp(opt.transport, "mmio1") && strcmp(opt.transport, "mmio2") &&
	    strcmp(opt.transport, "pci"))
		usage("unknown transport", opt.transport);
	if (opt.blk.capacity > SIM_BLK_MAX_SECTORS)
		usage("capacity above SIM_BLK_MAX_SECTORS in", "--capacity");
}

/* ---- set-up ------------------------------------------------------------ */

/* Device and transport through the seam; *step names the call that
 * failed. */
static int probe(struct virtio_transport **t, const char **step)
{
	static struct fuzz_attached a;
	enum fuzz_transport tr;
	struct sim_vdev *d;
	int rc;

	sim_reset(NULL, 0);
	if (opt.script && sim_decide_script(opt.script))
		exit(2); /* the sim said why, in one line */
	d = fuzz_device_blk.model(&opt.blk);
	if (!d)
		usage("sim_blk_create refused the device", "");
	dev = d->model;
	sim_vdev_offer_rings(d, (opt.no_indirect ? 0 : SIM_RING_INDIRECT) |
				    (opt.no_event_idx ? 0 : SIM_RING_EVENT_IDX) |
				    (opt.packed ? SIM_RING_PACKED : 0));
	if (!strcmp(opt.transport, "pci"))
		tr = opt.pci_firmware	 ? FUZZ_PCI_FIRMWARE_BARS
		     : opt.pci_no_assign ? FUZZ_PCI_UNASSIGNED
					 : FUZZ_PCI_DRIVER_BARS;
	else
		tr = opt.transport[4] == '1' ? FUZZ_MMIO_V1 : FUZZ_MMIO_V2;
	rc = fuzz_attach_dev(d, tr, &sim_hal, &a);
	*t = a.t;
	*step = a.step;
	if (rc == VIRTIO_EINVALID_PARAM && !strcmp(a.step, "device"))
		usage("the sim refused to attach the device on", opt.transport);
	return rc;
}

/* ---- data -------------------------------------------------------------- */

static void write_pattern(uint8_t *p, uint64_t sector, unsigned n)
{
	write_gen++;
	for (unsigned s = 0; s < n; s++)
		for (unsigned i = 0; i < SECTOR; i++)
			p[s * SECTOR + i] =
			    (uint8_t)((sector + s) * 131u + i * 7u +
				      write_gen * 59u + 0x3du);
}

static bool in_model(uint64_t sector, unsigned n)
{
	uint64_t cap = dev->capacity;

	return sector <= cap && n <= cap - sector;
}

/* Does `p` hold what sectors [sector, sector+n) must hold? */
static const char *data_check(const uint8_t *p, uint64_t sector, unsigned n)
{
	if (!in_model(sector, n))
		return "outside";
	return memcmp(p, model + sector * SECTOR, (size_t)n * SECTOR) ? "bad"
								      : "ok";
}

/* Does the sim's disk hold it? (Sector by sector: `n` may be the disk.) */
static const char *disk_check(uint64_t sector, unsigned n)
{
	uint8_t one[SECTOR];

	if (!in_model(sector, n))
		return "outside";
	for (uint64_t s = sector; s < sector + n; s++)
		if (sim_blk_disk_read(dev, s, one, SECTOR) ||
		    memcmp(one, model + s * SECTOR, SECTOR))
			return "bad";
	return "ok";
}

static void model_write(const uint8_t *p, uint64_t sector, unsigned n)
{
	if (in_model(sector, n))
		memcpy(model + sector * SECTOR, p, (size_t)n * SECTOR);
}

/* ---- ops --------------------------------------------------------------- */

static const char *err(int rc)
{
	return virtio_strerror(rc);
}

/* "name:S:N" -> sector and count (count 1..max). */
static void op_range(const char *op, const char *args, unsigned max,
		     uint64_t *sector, unsigned *n)
{
	char *end;

	*sector = strtoull(args, &end, 0);
	if (end == args || *end != ':')
		usage("want name:sector:count in", op);
	*n = (unsigned)strtoul(end + 1, &end, 0);
	if (*end || *n == 0 || *n > max)
		usage("bad sector count in", op);
}

/* Finish the request of `token`; returns the completion's rc, and in *done
 * the request it finished (REQ_MAX: none). */
static int complete_token(uint16_t token, unsigned *done)
{
	unsigned k;
	int rc;

	*done = REQ_MAX;

	for (k = 0; k < nreqs; k++)
		if (reqs[k].in_flight && reqs[k].token == token)
			break;
	if (k == nreqs) {
		printf("OP complete rc=EWRONG_TOKEN token=%u req=none\n",
		       token);
		return VIRTIO_EWRONG_TOKEN;
	}
	rc = virtio_blk_complete(&drv, token, &reqs[k].req);
	printf("OP complete rc=%s req=%u token=%u", err(rc), k, token);
	if (rc == 0 || rc == VIRTIO_EIO || rc == VIRTIO_EUNSUPPORTED) {
		reqs[k].in_flight = false;
		n_in_flight--;
		*done = k;
	}
	if (rc == 0 && reqs[k].write) {
		model_write(reqs[k].data, reqs[k].sector, reqs[k].n);
		printf(" data=%s", disk_check(reqs[k].sector, reqs[k].n));
	} else if (rc == 0) {
		printf(" data=%s",
		       data_check(reqs[k].data, reqs[k].sector, reqs[k].n));
	}
	printf("\n");
	return rc;
}

/* Peek until something is used (bounded); ETIMEOUT if nothing comes. */
static int wait_token(uint16_t *token)
{
	int rc = VIRTIO_ENOT_READY;

	for (uint32_t i = 0; i < opt.poll_budget && rc == VIRTIO_ENOT_READY;
	     i++)
		rc = virtio_blk_peek(&drv, token);
	return rc == VIRTIO_ENOT_READY ? VIRTIO_ETIMEOUT : rc;
}

static void op_complete_all(void)
{
	char order[4 * REQ_MAX + 1] = "";
	size_t o = 0;
	int rc = 0;

	while (n_in_flight) {
		uint16_t token;
		unsigned k;

		rc = wait_token(&token);
		if (rc)
			break;
		rc = complete_token(token, &k);
		if (k == REQ_MAX)
			break; /* not finished: the device lied */
		o += (size_t)snprintf(order + o, sizeof(order) - o, "%s%u",
				      o ? "," : "", k);
		rc = 0;
	}
	printf("OP complete-all rc=%s order=%s\n", err(rc),
	       order[0] ? order : "-");
}

static void op_submit(const char *op, const char *args, bool write)
{
	uint64_t s;
	unsigned n, k = nreqs;
	int rc;

	op_range(op, args, REQ_MAX_SECTORS, &s, &n);
	if (k == REQ_MAX)
		usage("too many submits at", op);
	reqs[k].sector = s;
	reqs[k].n = n;
	reqs[k].write = write;
	if (write) {
		write_pattern(reqs[k].data, s, n);
		rc =
		    virtio_blk_submit_write(&drv, &reqs[k].req, s, reqs[k].data,
					    (size_t)n * SECTOR, &reqs[k].token);
	} else {
		memset(reqs[k].data, 0, sizeof(reqs[k].data));
		rc = virtio_blk_submit_read(&drv, &reqs[k].req, s, reqs[k].data,
					    (size_t)n * SECTOR, &reqs[k].token);
	}
	nreqs++;
	printf("OP %s rc=%s", op, err(rc));
	if (!rc) {
		reqs[k].in_flight = true;
		n_in_flight++;
		printf(" req=%u token=%u", k, reqs[k].token);
	}
	printf("\n");
}

static void op_io(const char *op, const char *args, bool write)
{
	uint64_t s;
	unsigned n;
	int rc;

	op_range(op, args, OP_MAX_SECTORS, &s, &n);
	if (write) {
		static uint8_t wbuf[OP_MAX_SECTORS * SECTOR];

		write_pattern(wbuf, s, n);
		rc = virtio_blk_write(&drv, s, wbuf, (size_t)n * SECTOR);
		if (!rc)
			model_write(wbuf, s, n);
		printf("OP %s rc=%s", op, err(rc));
		if (!rc)
			printf(" data=%s", disk_check(s, n));
	} else {
		memset(buf, 0, (size_t)n * SECTOR);
		rc = virtio_blk_read(&drv, s, buf, (size_t)n * SECTOR);
		printf("OP %s rc=%s", op, err(rc));
		if (!rc)
			printf(" data=%s", data_check(buf, s, n));
	}
	printf("\n");
}

static void op_get_id(void)
{
	uint8_t id[VIRTIO_BLK_ID_BYTES];
	int rc;

	memset(id, 0x5a, sizeof(id));
	rc = virtio_blk_get_id(&drv, id);
	printf("OP get_id rc=%s", err(rc));
	if (!rc) {
		unsigned i, pad_bad = 0;
		printf(" id=");
		for (i = 0; i < sizeof(id) && id[i]; i++)
			printf(id[i] > 0x20 && id[i] < 0x7f && id[i] != '%'
				   ? "%c"
				   : "%%%02x",
			       id[i]);
		for (; i < sizeof(id); i++) /* blk.h: NUL-padded */
			pad_bad += id[i] != 0;
		printf(" pad=%s", pad_bad ? "bad" : "ok");
	}
	printf("\n");
}

static void run_op(const char *op, struct virtio_transport *t)
{
	const char *colon = strchr(op, ':');
	size_t k = colon ? (size_t)(colon - op) : strlen(op);
	const char *args = colon ? colon + 1 : "";
	uint16_t token;
	uint64_t s;
	unsigned n;
	int rc;

#define IS(name) (k == sizeof(name) - 1 && !strncmp(op, name, k))
	if (IS("init")) {
		rc = virtio_blk_init(&drv, t);
		printf("OP init rc=%s\n", err(rc));
	} else if (IS("destroy")) {
		virtio_blk_destroy(&drv);
		for (unsigned i = 0; i < nreqs; i++)
			reqs[i].in_flight = false; /* back with the reset */
		n_in_flight = 0;
		printf("OP destroy rc=OK\n");
	} else if (IS("read") || IS("write")) {
		op_io(op, args, IS("write"));
	} else if (IS("check")) {
		op_range(op, args, SIM_BLK_MAX_SECTORS, &s, &n);
		printf("OP %s rc=OK data=%s\n", op, disk_check(s, n));
	} else if (IS("flush")) {
		printf("OP flush rc=%s\n", err(virtio_blk_flush(&drv)));
	} else if (IS("get_id")) {
		op_get_id();
	} else if (IS("submit-read") || IS("submit-write")) {
		op_submit(op, args, IS("submit-write"));
	} else if (IS("peek")) {
		rc = virtio_blk_peek(&drv, &token);
		printf("OP peek rc=%s", err(rc));
		if (!rc)
			printf(" token=%u", token);
		printf("\n");
	} else if (IS("complete")) {
		rc = wait_token(&token);
		if (rc)
			printf("OP complete rc=%s\n", err(rc));
		else
			complete_token(token, &n);
	} else if (IS("complete-all")) {
		op_complete_all();
	} else {
		usage("unknown op", op);
	}
#undef IS
}

/* The poll budget applies from the first call that can wait. */
static void run_ops(struct virtio_transport *t, int probe_rc)
{
	char list[1024], *save = NULL;

	if (strlen(opt.run) >= sizeof(list))
		usage("op list too long", "--run");
	strcpy(list, opt.run);
	for (char *op = strtok_r(list, ",", &save); op;
	     op = strtok_r(NULL, ",", &save)) {
		if (probe_rc)
			printf("OP %s rc=SKIPPED\n", op); /* nothing to drive */
		else
			run_op(op, t);
	}
}

/* ---- conformance ------------------------------------------------------- */

static void emit(void *ctx, const char *line)
{
	(void)ctx;
	fputs(line, stdout);
}

static void run_conformance(struct virtio_transport *t, int rc)
{
	struct blk_checks c = {.transport = opt.transport,
			       .emit = emit,
			       .poll_budget = opt.poll_budget};
	struct blk_expect e = {.capacity = dev->capacity,
			       .read_only = opt.blk.ro,
			       .host_filled = false};

	snprintf(e.serial, sizeof(e.serial), "%s", dev->cfg.serial);
	if (!rc)
		rc = virtio_blk_init(&drv, t);
	blk_checks_result(&c, "init", rc ? err(rc) : "OK", rc == 0);
	if (!rc) {
		printf("INFO transport=%s features=0x%llx queue_size=%u "
		       "blk_size=%u\n",
		       opt.transport, (unsigned long long)t->features,
		       virtq_size(&drv.q), drv.blk_size);
		blk_checks_run(&c, &drv, &e);
	}
	virtio_blk_destroy(&drv);
	sim_audit();
	printf("RESULT transport=%s test=findings value=%u ok=%d\n",
	       opt.transport, sim_finding_count(), sim_finding_count() == 0);
	printf("DONE pass=%u fail=%u\n", c.pass, c.fail);
}

int main(int argc, char **argv)
{
	struct sim_config cfg = SIM_CONFIG_DEFAULTS;
	struct virtio_transport *t = NULL;
	const char *step;
	int rc;

	opt.blk.capacity = 2048;
	opt.blk.flush = true; /* as QEMU's virtio-blk */
	parse_args(argc, argv);
	setvbuf(stdout, NULL, _IOLBF, 0);
	cfg.record = true;
	sim_init(&cfg);
	rc = probe(&t, &step);
	/* The model starts as the fresh disk. */
	for (uint64_t s = 0; s < dev->capacity; s++)
		for (unsigned i = 0; i < SECTOR; i++)
			model[s * SECTOR + i] = sim_blk_pattern(s, i);
	if (!rc)
		t->poll_budget = opt.poll_budget;
	if (!strcmp(opt.run, "conformance")) {
		run_conformance(t, rc);
	} else {
		printf("OP probe rc=%s step=%s\n", err(rc), step);
		run_ops(t, rc);
		virtio_blk_destroy(&drv);
		sim_audit();
	}
	fuzz_print_findings();
	return 0;
}
