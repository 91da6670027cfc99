/* SPDX-License-Identifier: MIT */
/*
 * The split-queue workload: the virtq API driven directly with chains of
 * input-chosen shape (readable only, writable only, mixed), against the
 * sim's neutral device (sim/dev/echo.h) on MMIO, whose used ring the
 * decision stream controls (opcodes in fuzz/harness.h). The oracles
 * (sim/oracle.h) judge the queue's answers: on an honest device every valid
 * add and every pop of a notified chain succeeds, no pop follows a used
 * entry the queue could see was a lie, and the bytes a popped chain's used
 * len covers are the ones the device wrote: its readable bytes echoed, or
 * its pattern. Not here: any device's meaning of a request.
 */
#include <string.h>

#include "fuzz/device.h"
#include "sim/dev/echo.h"
#include "sim/oracle.h"
#include "sim/sim.h"
#include "virtio/spec.h"

#define SLOTS 16u     /* chains the harness keeps in flight */
#define BUF_MAX 4096u /* bytes of one buffer */
#define HDR_LEN 16u   /* a header at the start of the readable bytes */
#define NO_SLOT 0xffu

/* Memory of one chain in flight; untouched while the device owns it. */
struct slot {
	bool busy;
	bool kicked;       /* the device was notified since it was added */
	uint16_t ndesc;    /* ring descriptors it holds */
	struct chain_shape {
		uint8_t n_out, n_in;
		uint32_t len[VIRTQ_MAX_SG]; /* readable ones first */
	} shape;
	uint8_t mem[VIRTQ_MAX_SG][BUF_MAX];
};

/* A chain as the input describes it, laid out in a slot's memory. */
struct chain {
	struct virtq_buf out[VIRTQ_MAX_SG], in[VIRTQ_MAX_SG];
	size_t n_out, n_in;
};

static struct sim_echo echo;
#define QUEUE_MAX 256u /* entries: the first workload byte asks for 1..255 */

static struct virtq vq;
static VIRTQ_STORAGE(QUEUE_MAX) vq_mem;
static struct slot slots[SLOTS];
static uint8_t tok_slot[QUEUE_MAX]; /* token -> slot, or NO_SLOT */
static bool indirect;      /* RING_INDIRECT_DESC negotiated */
static uint8_t readable_stream[VIRTQ_MAX_SG * BUF_MAX];
static uint8_t expected[VIRTQ_MAX_SG * BUF_MAX];

/* The default workload: every opcode, wrap-around, a full queue. */
static const uint8_t default_ops[] = {
	0,                      /* want: the device's maximum */
	0, 0x08, 0, 31, 0, 0, 5, /* add: 16 bytes out, 512 and 1 in */
	0, 0x09, 0, 31, 31, 0, 1, 7, /* add: 16 and 512 out, 1 in */
	1, 2, 2,                /* kick, pop both */
	3, 0x08, 0, 19, 0, 3, 0, /* add_wait: GET_ID into 320 bytes */
	4, 40,                  /* 40 add/kick/pop cycles */
	5, 6,                   /* fill the queue, drain it */
	7,
};

int fuzz_virtq_attach(uint8_t flags, const struct virtio_hal *hal,
		      struct virtio_transport **t)
{
	static const struct sim_echo_config cfg = {
		/* small rings keep an iteration cheap; the decision stream
		 * still offers any other size */
		.queue_max = FUZZ_QUEUE_MAX,
	};
	static struct fuzz_attached a;

	sim_echo_create(&echo, &cfg);
	sim_vdev_offer_rings(&echo.dev,
			     (flags & FUZZ_VQ_NO_INDIRECT ? 0 : SIM_RING_INDIRECT) |
			     (flags & FUZZ_VQ_NO_EVENT_IDX ? 0 : SIM_RING_EVENT_IDX) |
			     (flags & FUZZ_F_PACKED ? SIM_RING_PACKED : 0) |
			     (flags & FUZZ_F_IN_ORDER ? SIM_RING_IN_ORDER : 0));
	*t = &a.mmio.t;
	return fuzz_attach_dev(&echo.dev,
			       (flags & FUZZ_VQ_LEGACY) ? FUZZ_MMIO_V1
							: FUZZ_MMIO_V2,
			       hal, &a);
}

int fuzz_virtq_setup(const struct fuzz_case *c, const struct virtio_hal *hal,
		     struct virtio_transport **t)
{
	fuzz_begin(c);
	return fuzz_virtq_attach(c->flags, hal, t);
}

static int take_slot(void)
{
	for (unsigned i = 0; i < SLOTS; i++)
		if (!slots[i].busy)
			return (int)i;
	return -1;
}

/* 1 byte, 16..512 bytes, or a page: every byte of a writable buffer is
 * written, checked and compared, so page-sized ones only where asked. */
static size_t buf_len(uint8_t code)
{
	if (code == 255)
		return BUF_MAX;
	return code ? ((size_t)code % 32 + 1) * 16 : 1;
}

/* A header at the start of the readable bytes (the first buffer holds at
 * least HDR_LEN), the rest of each readable buffer a ramp: what the device
 * echoes back. */
static void fill_readable(int s, const struct chain *ch, uint8_t a, uint8_t b)
{
	for (size_t i = 0; i < ch->n_out; i++) {
		uint8_t *p = slots[s].mem[i];

		for (size_t k = 0; k < ch->out[i].len; k++)
			p[k] = (uint8_t)(a + b * i + k);
	}
	if (ch->n_out)
		memset(slots[s].mem[0], a, HDR_LEN < ch->out[0].len
						   ? HDR_LEN
						   : ch->out[0].len);
}

/*
 * Read an add's arguments; lay the chain out in slot `s` (-1: read only).
 * Shape: bits 0-2 readable buffers - 1, bits 3-5 writable buffers - 1, bit
 * 6 none readable, bit 7 none writable (not both); at most VIRTQ_MAX_SG
 * buffers. Then a size code per buffer and two bytes that seed its
 * contents.
 */
static void read_chain(struct fuzz_in *w, int s, struct chain *ch)
{
	uint8_t shape = fuzz_u8(w);
	size_t n_out = 1 + (shape & 7u), n_in = 1 + (shape >> 3 & 7u);

	if (shape & 0x40)
		n_out = 0;
	else if (shape & 0x80)
		n_in = 0;
	if (n_out > VIRTQ_MAX_SG - (n_in ? 1 : 0))
		n_out = VIRTQ_MAX_SG - (n_in ? 1 : 0);
	if (n_out + n_in > VIRTQ_MAX_SG)
		n_in = VIRTQ_MAX_SG - n_out;
	ch->n_out = n_out;
	ch->n_in = n_in;
	for (size_t i = 0; i < n_out + n_in; i++) {
		size_t len = buf_len(fuzz_u8(w));
		if (i == 0 && n_out && len < HDR_LEN)
			len = HDR_LEN;
		struct virtq_buf b = {s >= 0 ? slots[s].mem[i] : NULL, len};
		if (i < n_out)
			ch->out[i] = b;
		else
			ch->in[i - n_out] = b;
	}
	uint8_t a = fuzz_u8(w), b = fuzz_u8(w);
	if (s >= 0)
		fill_readable(s, ch, a, b);
}

/* The cycles' and fills' chain: a 16-byte header, 512 bytes and 1 byte
 * in. */
static void sector_chain(int s, uint64_t n, struct chain *ch)
{
	ch->n_out = 1;
	ch->n_in = 2;
	ch->out[0] = (struct virtq_buf){slots[s].mem[0], HDR_LEN};
	ch->in[0] = (struct virtq_buf){slots[s].mem[1], 512};
	ch->in[1] = (struct virtq_buf){slots[s].mem[2], 1};
	fill_readable(s, ch, (uint8_t)n, 1);
}

/* Ring descriptors a chain takes (2.7.5.3: one, with an indirect table). */
static uint16_t descs_of(const struct chain *ch)
{
	size_t n = ch->n_out + ch->n_in;

	return (uint16_t)(indirect && n > 1 ? 1 : n);
}

/* Can the queue take the chain now? (Its size bounds every chain, an
 * indirect table's too; descriptors in flight are not free.) */
static bool room_for(const struct chain *ch)
{
	unsigned used = 0;

	for (unsigned i = 0; i < SLOTS; i++)
		used += slots[i].busy ? slots[i].ndesc : 0;
	return ch->n_out + ch->n_in <= virtq_size(&vq) &&
	       used + descs_of(ch) <= virtq_size(&vq);
}

/* Remember the chain's layout for the check at pop. */
static void keep_shape(struct slot *sl, const struct chain *ch)
{
	sl->shape.n_out = (uint8_t)ch->n_out;
	sl->shape.n_in = (uint8_t)ch->n_in;
	for (size_t i = 0; i < ch->n_out; i++)
		sl->shape.len[i] = (uint32_t)ch->out[i].len;
	for (size_t i = 0; i < ch->n_in; i++)
		sl->shape.len[ch->n_out + i] = (uint32_t)ch->in[i].len;
}

static int add(int s, const struct chain *ch)
{
	uint16_t tok;
	bool valid = room_for(ch);
	int rc = virtq_add(&vq, ch->out, ch->n_out, ch->in, ch->n_in, &tok);
	struct slot *sl = &slots[s];

	if (valid)
		sim_oracle_expect_ok(rc, "virtq_add");
	if (rc == 0) {
		sl->busy = true;
		sl->kicked = false;
		sl->ndesc = descs_of(ch);
		keep_shape(sl, ch);
		tok_slot[tok] = (uint8_t)s;
	}
	return rc;
}

static void kick(void)
{
	virtq_kick(&vq);
	for (unsigned i = 0; i < SLOTS; i++)
		slots[i].kicked = slots[i].busy;
}

static bool any_busy(void);

/* A chain came back from a successful `call` as `token` with used len
 * `len`: no lie the queue could see in its used entry, and the first len
 * writable bytes are the ones the device wrote for it. */
static void popped(struct slot *sl, uint16_t token, uint32_t len,
		   const char *call)
{
	const struct chain_shape *c = &sl->shape;
	uint32_t nread = 0, at = 0;

	if (!sim_oracle_check(sl->mem[0], c->len[0], 0, call) ||
	    !echo.rec[token % SIM_ECHO_HEADS].valid)
		return;
	/* The readable bytes the device may have echoed: the first len. */
	for (unsigned i = 0; i < c->n_out && nread < len; i++) {
		uint32_t n = c->len[i] < len - nread ? c->len[i] : len - nread;

		memcpy(readable_stream + nread, sl->mem[i], n);
		nread += n;
	}
	for (unsigned i = c->n_out; i < c->n_out + c->n_in && at < len; i++) {
		uint32_t n = c->len[i] < len - at ? c->len[i] : len - at;

		if (!sim_oracle_check(sl->mem[i], n, SIM_ORACLE_DATA, call))
			return;
		sim_echo_expected(&echo, token, at, n, readable_stream,
				  expected);
		if (!sim_oracle_same(sl->mem[i], expected, n,
				     "driver's %s returns other bytes than the "
				     "device wrote [token=%u] [buffer=%u]",
				     call, token, i))
			return;
		at += n;
	}
}

/* Pop the next used chain, polling a bounded number of times (once when
 * nothing is in flight, as the blk workload's complete_one). An honest
 * device has finished every chain it was notified of. */
static int pop(void)
{
	uint16_t tok;
	uint32_t len;
	int rc = VIRTIO_ENOT_READY;
	unsigned budget = any_busy() ? FUZZ_POLL_BUDGET : 1;
	bool valid = false;

	for (unsigned i = 0; i < SLOTS; i++)
		valid = valid || (slots[i].busy && slots[i].kicked);
	for (unsigned i = 0; i < budget && rc == VIRTIO_ENOT_READY; i++)
		rc = virtq_peek_used(&vq, &tok);
	if (rc == 0)
		rc = virtq_pop_used(&vq, tok, &len);
	if (valid)
		sim_oracle_expect_ok(rc, "virtq_pop_used");
	if (rc == 0 && tok_slot[tok] != NO_SLOT) {
		slots[tok_slot[tok]].busy = false;
		popped(&slots[tok_slot[tok]], tok, len, "virtq_pop_used");
		tok_slot[tok] = NO_SLOT;
	}
	return rc;
}

static bool any_busy(void)
{
	for (unsigned i = 0; i < SLOTS; i++)
		if (slots[i].busy)
			return true;
	return false;
}

/* One operation; *stop when the workload ends (stop opcode, or a chain the
 * device kept past the poll budget: only reset and destroy remain). */
static int run_op(uint8_t op, struct fuzz_in *w, bool *stop, bool *timed_out)
{
	struct chain ch;
	uint32_t len;
	int s, rc = 0;

	switch (op) {
	case 0:
	case 3:
		s = take_slot();
		read_chain(w, s, &ch);
		if (s < 0)
			return VIRTIO_EQUEUE_FULL; /* all SLOTS in flight */
		if (op == 0)
			return add(s, &ch);
		bool valid = !any_busy() && room_for(&ch);
		keep_shape(&slots[s], &ch);
		rc = virtq_add_wait(&vq, ch.out, ch.n_out, ch.in, ch.n_in, &len);
		if (valid)
			sim_oracle_expect_ok(rc, "virtq_add_wait");
		/* Nothing else was in flight: the device's last answer was
		 * this chain's. */
		if (rc == 0)
			popped(&slots[s], echo.last_head, len, "virtq_add_wait");
		/* Timed out: the buffers stay the device's until reset. */
		if (rc == VIRTIO_ETIMEOUT) {
			slots[s].busy = true;
			slots[s].ndesc = descs_of(&ch);
			*stop = *timed_out = true;
		}
		return rc;
	case 1:
		kick();
		return 0;
	case 2:
		return pop();
	case 4:
		for (unsigned i = 0, n = 1u + fuzz_u8(w); i < n && !rc; i++) {
			s = take_slot();
			if (s < 0)
				return VIRTIO_EQUEUE_FULL;
			sector_chain(s, i, &ch);
			rc = add(s, &ch);
			kick();
			if (!rc)
				rc = pop();
		}
		return rc;
	case 5:
		for (unsigned i = 0; (s = take_slot()) >= 0; i++) {
			sector_chain(s, i, &ch);
			rc = add(s, &ch);
			if (rc)
				break;
		}
		kick();
		/* Running out of room is the point; anything else is not. */
		return rc == VIRTIO_EQUEUE_FULL ? 0 : rc;
	case 6:
		kick();
		while (!rc && any_busy())
			rc = pop();
		return rc;
	default:
		*stop = true;
		return 0;
	}
}

unsigned fuzz_virtq_workload(struct virtio_transport *t, struct fuzz_in *work)
{
	struct fuzz_in def = {default_ops, sizeof default_ops, 0};
	unsigned ops = 0, failed = 0;
	bool stop = false, timed_out = false;
	int rc;

	if (work->len == 0)
		work = &def;
	virtq_clear(&vq); /* what virtq_destroy looks at if init never runs */
	memset(tok_slot, NO_SLOT, sizeof tok_slot);
	for (unsigned i = 0; i < SLOTS; i++)
		slots[i].busy = false;

	uint16_t want = fuzz_u8(work);
	rc = virtio_negotiate(t, 0, 0);
	if (!rc)
		rc = virtq_init(&vq, t, 0, VIRTQ_MEM(&vq_mem), want, 1);
	sim_oracle_expect_ok(rc, "virtq_init");
	indirect = virtio_has_feature(t, VIRTIO_F_RING_INDIRECT_DESC);
	if (rc) {
		virtio_fail(t);
		(void)virtio_reset(t);
		virtq_destroy(&vq);
		fuzz_log_workload(rc, 0, 0, false);
		return 0;
	}
	virtio_finish_init(t);
	/* The queue runs the ring the features chose (2.8: 1.x only). */
	if (virtq_is_packed(&vq) !=
	    (!t->legacy && virtio_has_feature(t, VIRTIO_F_RING_PACKED)))
		sim_report(SIM_DATA_MISMATCH, NULL, NULL,
			   "virtq_is_packed says %d, not the negotiated ring",
			   virtq_is_packed(&vq));
	while (!stop && fuzz_more(work)) {
		ops++;
		failed += run_op(fuzz_u8(work) % 8, work, &stop, &timed_out) != 0;
		stop = stop || virtq_is_broken(&vq);
	}
	bool completed = !timed_out && !virtq_is_broken(&vq) && !t->broken;
	/* Chains still in flight go back at destroy, after the reset. */
	(void)virtio_reset(t);
	virtq_destroy(&vq);
	fuzz_log_workload(0, ops, failed, completed);
	return ops;
}
