/* SPDX-License-Identifier: MIT */
/*
 * The driver's virtqueue (drivers/queue/) against a device played by hand
 * (device.c: the device side of VirtIO 1.2 2.7 split and 2.8 packed, with
 * event suppression and in-order batches, over a fake transport whose
 * notify runs the device), for the pytest suite
 * (pytest/test_virtq_formats.py). Every ring and buffer access of the
 * device goes through the sim's checked DMA accessors, and the sim records
 * any finding. Not the sim's queue engine: a second, independent device
 * side, so the packed driver is tested end to end on its own. Here: the
 * driver-side scenarios.
 *
 * ring_loop --format=split|packed [--indirect] [--event-idx] [--in-order]
 *           [--refuse-packed] [--refuse-in-order] [--refetch] [--size=N]
 *           [--count=N]
 *           SCENARIO
 * (--format=packed: the device offers RING_PACKED; --refuse-*: the driver
 * declines a feature through t->refuse_features)
 * prints "result: <scenario> rc=<ERR> ..." lines and "findings=<n>".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ring_loop.h"
#include "sim/decide.h"
#include "sim/sim.h"
#include "virtio/errors.h"
#include "virtio/spec.h"

/* ---- the driver side ---------------------------------------------------- */

#define BUFSZ 64u
static struct virtq q;
static VIRTQ_STORAGE(QMAX) qmem;
static uint16_t want = 8;
static uint64_t refuse; /* --refuse-packed, --refuse-in-order */
static bool refetch;	/* --refetch: the sim's refetch mode */
static uint32_t rng_state = 12345;

static uint32_t rnd(void)
{
	rng_state = rng_state * 1103515245u + 12345u;
	return rng_state >> 8;
}

/* Memory of the chains in flight: slots, and which token holds which. */
static struct chain {
	struct virtq_buf out[VIRTQ_MAX_SG], in[VIRTQ_MAX_SG];
	size_t n_out, n_in;
	bool busy;
	uint8_t mem[VIRTQ_MAX_SG][BUFSZ];
} ch[MAXP];
static unsigned tok_slot[QMAX];

static int setup(void)
{
	D.t.ops = &fops;
	D.t.hal = &sim_hal;
	D.t.poll_budget = 5000;
	D.t.device_id = VIRTIO_ID_BLOCK;
	D.t.refuse_features = refuse;
	int rc = virtio_negotiate(&D.t, 0, 0);
	if (!rc)
		rc = virtq_init(&q, &D.t, 0, VIRTQ_MEM(&qmem), want, 1);
	if (!rc)
		virtio_finish_init(&D.t);
	return rc;
}

static void teardown(void)
{
	(void)virtio_reset(&D.t);
	D.np = 0;
	virtq_destroy(&q);
}

/* A random chain in a free slot: 0..3 readable, 0..3 writable buffers;
 * add it. The slot's memory is the caller's until the pop. */
static int add_random(bool need_in, uint16_t *tok)
{
	unsigned sl = 0;
	struct chain *c;
	int rc;

	while (ch[sl].busy)
		sl++;
	c = &ch[sl];
	c->n_out = rnd() % 4;
	c->n_in = rnd() % 4;
	if (c->n_out + c->n_in == 0 || (need_in && !c->n_in))
		c->n_in = 1;
	while (c->n_out + c->n_in > virtq_size(&q)) /* 2.8.19: no longer */
		c->n_out ? c->n_out-- : c->n_in--;
	for (size_t i = 0; i < c->n_out + c->n_in; i++) {
		size_t len = 1 + rnd() % BUFSZ;

		for (size_t k = 0; k < len; k++)
			c->mem[i][k] = (uint8_t)rnd();
		if (i < c->n_out)
			c->out[i] = (struct virtq_buf){c->mem[i], len};
		else
			c->in[i - c->n_out] =
			    (struct virtq_buf){c->mem[i], len};
	}
	rc = virtq_add(&q, c->out, c->n_out, c->in, c->n_in, tok);
	if (rc)
		return rc;
	c->busy = true;
	tok_slot[*tok] = sl;
	return 0;
}

/* A chain of 8 readable and 16 writable bytes in a free slot; add it. */
static int add_simple(uint16_t *tok)
{
	unsigned sl = 0;
	struct chain *c;
	int rc;

	while (ch[sl].busy)
		sl++;
	c = &ch[sl];
	c->n_out = c->n_in = 1;
	for (size_t k = 0; k < 8; k++)
		c->mem[0][k] = (uint8_t)rnd();
	c->out[0] = (struct virtq_buf){c->mem[0], 8};
	c->in[0] = (struct virtq_buf){c->mem[1], 16};
	rc = virtq_add(&q, c->out, 1, c->in, 1, tok);
	if (rc)
		return rc;
	c->busy = true;
	tok_slot[*tok] = sl;
	return 0;
}

/* Did the device's writes land exactly: echo of the readable bytes, then
 * the pattern, over the whole writable length? */
static bool check(const struct chain *c, uint32_t len, unsigned seq)
{
	uint8_t in[VIRTQ_MAX_SG * BUFSZ];
	uint32_t nin = 0, w = 0, o = 0;

	for (size_t i = 0; i < c->n_out; i++)
		for (size_t k = 0; k < c->out[i].len; k++)
			in[nin++] = ((const uint8_t *)c->out[i].ptr)[k];
	for (size_t i = 0; i < c->n_in; i++)
		w += (uint32_t)c->in[i].len;
	if (len != w)
		return false;
	for (size_t i = 0; i < c->n_in; i++)
		for (size_t k = 0; k < c->in[i].len; k++, o++)
			if (((const uint8_t *)c->in[i].ptr)[k] !=
			    (o < nin ? in[o] : pattern(seq, o)))
				return false;
	return true;
}

/* Pop everything used; each must be exact. Returns chains popped or -rc. */
/* --refetch: decision points met from the start of a peek that finds a
 * used entry to the end of its pop. In the sim's refetch mode each is a
 * driver read of device-writable memory it already read since the device
 * last wrote it (sim/refetch.c); the decision stream is all zeros, so each
 * answers as the spec says and changes nothing. Polls of a position with
 * nothing new (ENOT_READY) are not counted: re-reading there is polling. */
static unsigned long rereads;

static long drain(unsigned *bad)
{
	size_t before = sim_decide_consumed();
	long n = 0;
	uint16_t tok;
	uint32_t len;
	int rc;

	while ((rc = virtq_peek_used(&q, &tok)) == 0) {
		rc = virtq_pop_used(&q, tok, &len);
		if (rc)
			return rc;
		rereads += sim_decide_consumed() - before;
		if (!check(&ch[tok_slot[tok]], len, seq_of[tok]))
			(*bad)++;
		ch[tok_slot[tok]].busy = false;
		n++;
		before = sim_decide_consumed();
	}
	return rc == VIRTIO_ENOT_READY ? n : rc;
}

/* Rounds of: add up to 8 chains, kick, the device uses them in a random
 * order (in order: random batches), pop and check them all. */
static int honest(unsigned count, bool one)
{
	unsigned long adds = 0, popped = 0;
	unsigned bad = 0;

	for (unsigned r = 0; r < count; r++) {
		unsigned k = one ? 1 : 1 + rnd() % 8, added = 0;
		uint16_t tok;
		long got;

		while (added < k && added < MAXP && !add_random(false, &tok))
			added++;
		if (!added)
			return VIRTIO_EQUEUE_FULL;
		adds += added;
		virtq_kick(&q);
		while (D.np) {
			bool inord = D.accepted & BIT(VIRTIO_F_IN_ORDER);
			unsigned at = inord ? 0 : rnd() % D.np;
			unsigned batch = inord ? 1 + rnd() % D.np : 1;

			complete(at, batch, HONEST, 0);
		}
		got = drain(&bad);
		if (got < 0)
			return (int)got;
		popped += (unsigned long)got;
	}
	printf("result: honest rc=OK adds=%lu popped=%lu bad=%u\n", adds,
	       popped, bad);
	printf("result: rereads n=%lu rounds=%u\n", rereads, count);
	return 0;
}

/* add_wait with a device that answers at once. */
static int honest_wait(unsigned count)
{
	struct chain *c = &ch[0];
	unsigned bad = 0;

	D.answer = true;
	for (unsigned r = 0; r < count; r++) {
		uint32_t len = 0;
		int rc;

		c->n_out = 1, c->n_in = 1;
		for (size_t k = 0; k < 16; k++)
			c->mem[0][k] = (uint8_t)rnd();
		c->out[0] = (struct virtq_buf){c->mem[0], 16};
		c->in[0] = (struct virtq_buf){c->mem[1], 1 + rnd() % BUFSZ};
		rc = virtq_add_wait(&q, c->out, 1, c->in, 1, &len);
		if (rc)
			return rc;
		bad += !check(c, len, D.seq - 1);
	}
	D.answer = false;
	printf("result: honest-wait rc=OK adds=%u bad=%u\n", count, bad);
	return 0;
}

static const char *ename(int rc)
{
	return rc ? virtio_strerror(rc) : "OK";
}

/* Two chains in flight, then the device's lie; what does peek say? */
static int lie(const char *name)
{
	bool inord = D.accepted & BIT(VIRTIO_F_IN_ORDER);
	uint16_t a, b, tok;
	uint32_t len;
	unsigned bad = 0;
	int rc;

	rc = add_simple(&a);
	if (!rc)
		rc = add_simple(&b);
	if (rc)
		return rc;
	virtq_kick(&q);
	if (!strcmp(name, "bad-id"))
		complete(0, 1, BAD_ID, 0);
	else if (!strcmp(name, "free-id"))
		complete(0, 1, FREE_ID, (uint16_t)(want - 1));
	else if (!strcmp(name, "long-len"))
		complete(0, 1, LONG_LEN, 0);
	else if (!strcmp(name, "wrap-bits"))
		complete(0, 1, WRAP_BITS, 0);
	else if (!strcmp(name, "batch-too-big"))
		complete(0, 2, NO_ADVANCE, 0);
	else if (!strcmp(name, "used-twice") || !strcmp(name, "out-of-order")) {
		/* used-twice: a used, popped, then named again while b is in
		 * flight. out-of-order: b first (in order, that reports a
		 * batch: a counts as used), then a. */
		bool ooo = !strcmp(name, "out-of-order");

		complete(ooo ? 1 : 0, 1, HONEST, 0);
		for (int i = 0; i < (ooo && inord ? 2 : 1); i++) {
			rc = virtq_peek_used(&q, &tok);
			if (!rc)
				rc = virtq_pop_used(&q, tok, &len);
			printf("step: pop%d rc=%s token=%s\n", i, ename(rc),
			       tok == a ? "a" : "b");
			if (rc)
				break;
			ch[tok_slot[tok]].busy = false;
		}
		/* the device then names a (ooo: the chain it has not
		 * used; used-twice: again) */
		write_used(a);
	} else if (!strcmp(name, "nothing-in-flight")) {
		complete(0, 1, HONEST, 0);
		complete(0, 1, HONEST, 0);
		if (drain(&bad) != 2 || bad)
			return 3;
		write_used(a); /* nothing is in flight */
	} else {
		fprintf(stderr, "ring_loop: unknown scenario %s\n", name);
		return 2;
	}
	rc = virtq_peek_used(&q, &tok);
	printf("result: %s rc=%s broken=%d\n", name, ename(rc),
	       virtq_is_broken(&q));
	return 0;
}

/* DEVICE_NEEDS_RESET while a request waits; then reset, re-init, reuse. */
static int needs_reset(void)
{
	struct virtq_buf in = {ch[0].mem[0], 16};
	uint32_t len = 0;
	int rc;

	D.needs_reset = true;
	rc = virtq_add_wait(&q, NULL, 0, &in, 1, &len);
	printf("result: needs-reset rc=%s\n", ename(rc));
	teardown();
	rc = setup();
	if (!rc)
		rc = honest(20, false);
	printf("result: after-reset rc=%s\n", ename(rc));
	return 0;
}

/* Event suppression, both directions (2.7.7/2.7.10, 2.8.10). */
static int notify(void)
{
	bool ev = D.accepted & BIT(VIRTIO_F_RING_EVENT_IDX), pk = packed_mode();
	uint16_t tok;
	unsigned before, bad = 0;

	D.deaf = true; /* the device fetches when we say, below */
	/* the device asks for no notifications */
	if (pk)
		wr(D.devarea + 2, 2, VIRTQ_RING_EVENT_FLAGS_DISABLE);
	else if (!ev)
		wr(D.devarea, 2, VIRTQ_USED_F_NO_NOTIFY);
	else
		wr(D.devarea + 4 + 8u * D.n, 2, (uint16_t)(D.last_avail - 1));
	before = D.notifies;
	add_random(false, &tok);
	virtq_kick(&q);
	printf("result: suppressed notifies=%u\n", D.notifies - before);
	fetch();
	complete(0, 1, HONEST, 0);
	drain(&bad);
	if (ev) {
		/* notify only once the descriptor after the next is added */
		uint16_t at = pk ? D.apos : D.last_avail;
		unsigned first;

		if (pk) {
			uint16_t off = (uint16_t)((at + 1) % D.n);
			bool w = (at + 1) >= D.n ? !D.awrap : D.awrap;

			wr(D.devarea, 2, (uint16_t)(off | (w ? 0x8000u : 0)));
			wr(D.devarea + 2, 2, VIRTQ_RING_EVENT_FLAGS_DESC);
		} else {
			wr(D.devarea + 4 + 8u * D.n, 2, (uint16_t)(at + 1));
		}
		before = D.notifies;
		want = 1; /* single-descriptor chains: positions are chains */
		ch[0].busy = false;
		struct virtq_buf in = {ch[0].mem[0], 8};
		virtq_add(&q, NULL, 0, &in, 1, &tok);
		virtq_kick(&q);
		first = D.notifies - before;
		struct virtq_buf in2 = {ch[1].mem[0], 8};
		virtq_add(&q, NULL, 0, &in2, 1, &tok);
		virtq_kick(&q);
		printf("result: desc-event first=%u second=%u\n", first,
		       D.notifies - before - first);
		fetch();
		while (D.np)
			complete(0, 1, HONEST, 0);
		uint32_t len;
		while (!virtq_peek_used(&q, &tok))
			virtq_pop_used(&q, tok, &len);
	}
	/* the driver asks for no interrupts: what does the device read? */
	virtq_set_interrupts(&q, false);
	if (pk)
		printf("result: driver-event flags=%u\n",
		       (unsigned)rd(D.drv + 2, 2));
	else if (!ev)
		printf("result: avail flags=%u\n", (unsigned)rd(D.drv, 2));
	else
		printf("result: used-event event=%u used=%u\n",
		       (unsigned)rd(D.drv + 4 + 2u * D.n, 2), D.used_idx);
	virtq_set_interrupts(&q, true);
	if (pk)
		printf("result: driver-event-on flags=%u off_wrap=0x%x upos=%u "
		       "uwrap=%d\n",
		       (unsigned)rd(D.drv + 2, 2), (unsigned)rd(D.drv, 2),
		       D.upos, D.uwrap);
	return 0;
}

int main(int argc, char **argv)
{
	const char *scenario = NULL;
	unsigned count = 100;
	int rc;

	D.offered = BIT(VIRTIO_F_VERSION_1);
	D.qmax = 8;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--format=packed"))
			D.offered |= BIT(VIRTIO_F_RING_PACKED);
		else if (!strcmp(a, "--format=split"))
			;
		else if (!strcmp(a, "--indirect"))
			D.offered |= BIT(VIRTIO_F_RING_INDIRECT_DESC);
		else if (!strcmp(a, "--event-idx"))
			D.offered |= BIT(VIRTIO_F_RING_EVENT_IDX);
		else if (!strcmp(a, "--in-order"))
			D.offered |= BIT(VIRTIO_F_IN_ORDER);
		else if (!strcmp(a, "--refuse-packed"))
			refuse |= BIT(VIRTIO_F_RING_PACKED);
		else if (!strcmp(a, "--refuse-in-order"))
			refuse |= BIT(VIRTIO_F_IN_ORDER);
		else if (!strcmp(a, "--refetch"))
			refetch = true;
		else if (!strncmp(a, "--size=", 7))
			D.qmax = want = (uint16_t)atoi(a + 7);
		else if (!strncmp(a, "--count=", 8))
			count = (unsigned)atoi(a + 8);
		else
			scenario = a;
	}
	if (!scenario || want == 0 || want > QMAX) {
		fprintf(stderr,
			"usage: ring_loop [--format=split|packed] [--indirect]"
			" [--event-idx] [--in-order] [--size=N] [--count=N] "
			"SCENARIO\n");
		return 2;
	}
	struct sim_config cfg = SIM_CONFIG_DEFAULTS;
	cfg.record = true;
	sim_init(&cfg);
	if (refetch) {
		static const uint8_t zeros[1u << 20];

		sim_reset(zeros, sizeof zeros);
		sim_set_refetch(true);
	} else {
		sim_reset(NULL, 0);
	}
	rc = setup();
	printf("format: %s size=%u accepted=0x%llx\n",
	       virtq_is_packed(&q) ? "packed" : "split", virtq_size(&q),
	       (unsigned long long)D.accepted);
	if (rc) {
		printf("result: init rc=%s\n", ename(rc));
		return 1;
	}
	if (!strcmp(scenario, "honest"))
		rc = honest(count, false);
	else if (!strcmp(scenario, "honest-one"))
		rc = honest(count, true);
	else if (!strcmp(scenario, "honest-wait"))
		rc = honest_wait(count);
	else if (!strcmp(scenario, "needs-reset"))
		rc = needs_reset();
	else if (!strcmp(scenario, "notify"))
		rc = notify();
	else
		rc = lie(scenario);
	if (rc) {
		printf("result: %s rc=%s\n", scenario,
		       rc > 0 ? "harness" : ename(rc));
		return 1;
	}
	teardown();
	sim_audit();
	printf("findings=%u last=%s\n", sim_finding_count(),
	       sim_class_name(sim_last_finding()));
	return 0;
}
