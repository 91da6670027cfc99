/* SPDX-License-Identifier: MIT */
/*
 * The split-queue workload: the virtq API driven directly with chains of
 * input-chosen shape, against the sim's blk device on MMIO, whose used ring
 * the decision stream controls (opcodes in fuzz/harness.h). The oracles
 * (sim/oracle.h) judge the queue's answers: on an honest device every valid
 * add and every pop of a notified chain succeeds, no pop follows a used
 * entry the queue could see was a lie, and a one-sector read comes back
 * with the device's bytes. Not here: the blk driver; chains only carry what
 * the device needs to reply, and request statuses are not the queue's.
 */
#include <string.h>

#include "fuzz/device.h"
#include "sim/dev/blk.h"
#include "sim/oracle.h"
#include "sim/sim.h"
#include "virtio/spec.h"

#define SLOTS 16u     /* chains the harness keeps in flight */
#define BUF_MAX 4096u /* bytes of one buffer */
#define HDR_LEN 16u   /* the blk request header the device reads first */
#define NO_SLOT 0xffu

/* Memory of one chain in flight; untouched while the device owns it. */
struct slot {
	bool busy;
	bool kicked;       /* the device was notified since it was added */
	bool out;          /* a blk OUT request: it may change the disk */
	bool disk_stable;  /* read: no OUT in flight when it was added */
	uint16_t ndesc;    /* ring descriptors it holds */
	int sector;        /* a one-sector read of this sector, or -1 */
	uint32_t outs_at_add;
	uint8_t mem[VIRTQ_MAX_SG][BUF_MAX];
};

/* A chain as the input describes it, laid out in a slot's memory. */
struct chain {
	struct virtq_buf out[VIRTQ_MAX_SG], in[VIRTQ_MAX_SG];
	size_t n_out, n_in;
	uint32_t type;
	int sector; /* read_sector_chain's, else -1 */
};

static struct virtq vq;
static struct slot slots[SLOTS];
static uint8_t tok_slot[VIRTQ_MAX_SIZE]; /* token -> slot, or NO_SLOT */
static bool indirect;      /* RING_INDIRECT_DESC negotiated */
static uint32_t outs;      /* OUT requests added this iteration */
static uint8_t sector_buf[VIRTIO_BLK_SECTOR_SIZE];

/* The default workload: every opcode, wrap-around, a full queue. */
static const uint8_t default_ops[] = {
	0,                      /* want: the device's maximum */
	0, 0x08, 0, 31, 0, 0, 5, /* add hdr + 512 in + status: read sector 5 */
	0, 0x09, 0, 31, 31, 0, 1, 7, /* add: write of 512 bytes to sector 7 */
	1, 2, 2,                /* kick, pop both */
	3, 0x08, 0, 19, 0, 3, 0, /* add_wait: GET_ID into 320 bytes */
	4, 40,                  /* 40 add/kick/pop cycles */
	5, 6,                   /* fill the queue, drain it */
	7,
};

int fuzz_virtq_setup(const struct fuzz_case *c, const struct virtio_hal *hal,
		     struct virtio_transport **t)
{
	static struct fuzz_attached a;
	struct sim_vdev *dev;

	fuzz_begin(c);
	dev = fuzz_blk_model(NULL);
	if (!dev)
		return VIRTIO_EINVALID_PARAM; /* a harness bug */
	sim_vdev_offer_rings(dev, !(c->flags & FUZZ_VQ_NO_INDIRECT),
			     !(c->flags & FUZZ_VQ_NO_EVENT_IDX));
	*t = &a.mmio.t;
	return fuzz_attach_dev(dev,
			       (c->flags & FUZZ_VQ_LEGACY) ? FUZZ_MMIO_V1
							   : FUZZ_MMIO_V2,
			       hal, &a);
}

static int take_slot(void)
{
	for (unsigned i = 0; i < SLOTS; i++)
		if (!slots[i].busy)
			return (int)i;
	return -1;
}

static size_t buf_len(uint8_t code)
{
	return code ? ((size_t)code + 1) * 16 : 1;
}

/* 5.2.6 header at the start of the readable bytes (out[0] holds >= 16). */
static void put_header(uint8_t *p, uint32_t type, uint64_t sector)
{
	memset(p, 0, HDR_LEN);
	for (unsigned i = 0; i < 4; i++)
		p[i] = (uint8_t)(type >> (8 * i));
	for (unsigned i = 0; i < 8; i++)
		p[8 + i] = (uint8_t)(sector >> (8 * i));
}

/* Read an add's arguments; lay the chain out in slot `s` (-1: read only). */
static void read_chain(struct fuzz_in *w, int s, struct chain *ch)
{
	static const uint32_t types[] = {
		VIRTIO_BLK_T_IN, VIRTIO_BLK_T_OUT, VIRTIO_BLK_T_FLUSH,
		VIRTIO_BLK_T_GET_ID, 2 /* no such type: UNSUPP */,
	};
	uint8_t shape = fuzz_u8(w);
	size_t n_out = 1 + (shape & 7u), n_in = 1 + (shape >> 3 & 7u);

	if (n_out > VIRTQ_MAX_SG - 1)
		n_out = VIRTQ_MAX_SG - 1;
	if (n_out + n_in > VIRTQ_MAX_SG)
		n_in = VIRTQ_MAX_SG - n_out;
	ch->n_out = n_out;
	ch->n_in = n_in;
	for (size_t i = 0; i < n_out + n_in; i++) {
		size_t len = buf_len(fuzz_u8(w));
		if (i == 0 && len < HDR_LEN)
			len = HDR_LEN;
		struct virtq_buf b = {s >= 0 ? slots[s].mem[i] : NULL, len};
		if (i < n_out)
			ch->out[i] = b;
		else
			ch->in[i - n_out] = b;
	}
	uint32_t type = types[fuzz_u8(w) % 5];
	uint8_t sector = fuzz_u8(w);
	ch->type = type;
	ch->sector = -1;
	if (s >= 0)
		put_header(slots[s].mem[0], type, sector);
}

/* A blk read of one sector: header, 512 bytes in, status. */
static void read_sector_chain(int s, uint64_t sector, struct chain *ch)
{
	put_header(slots[s].mem[0], VIRTIO_BLK_T_IN, sector);
	ch->type = VIRTIO_BLK_T_IN;
	ch->sector = (int)sector;
	ch->n_out = 1;
	ch->n_in = 2;
	ch->out[0] = (struct virtq_buf){slots[s].mem[0], HDR_LEN};
	ch->in[0] = (struct virtq_buf){slots[s].mem[1], VIRTIO_BLK_SECTOR_SIZE};
	ch->in[1] = (struct virtq_buf){slots[s].mem[2], 1};
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

static bool out_in_flight(void)
{
	for (unsigned i = 0; i < SLOTS; i++)
		if (slots[i].busy && slots[i].out)
			return true;
	return false;
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
		sl->out = ch->type == VIRTIO_BLK_T_OUT;
		sl->disk_stable = !out_in_flight();
		sl->outs_at_add = outs;
		outs += sl->out;
		sl->busy = true;
		sl->kicked = false;
		sl->ndesc = descs_of(ch);
		sl->sector = ch->sector;
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

/* A chain came back from a successful `call`: no lie the queue could see
 * in its used entry, and a one-sector read holds the device's bytes. */
static void popped(struct slot *sl, uint32_t len, const char *call)
{
	if (!sim_oracle_check(sl->mem[0], HDR_LEN, 0, call) || sl->sector < 0 ||
	    len != VIRTIO_BLK_SECTOR_SIZE + 1 ||
	    sl->mem[2][0] != VIRTIO_BLK_S_OK || !sl->disk_stable ||
	    sl->outs_at_add != outs)
		return;
	if (sim_oracle_check(sl->mem[1], VIRTIO_BLK_SECTOR_SIZE,
			     SIM_ORACLE_DATA, call) &&
	    fuzz_blk_disk &&
	    !sim_blk_disk_read(fuzz_blk_disk, (uint64_t)sl->sector, sector_buf,
			       VIRTIO_BLK_SECTOR_SIZE))
		sim_oracle_same(sl->mem[1], sector_buf, VIRTIO_BLK_SECTOR_SIZE,
				"driver's %s returns other bytes than the device "
				"wrote [sector=%d]",
				call, sl->sector);
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
		popped(&slots[tok_slot[tok]], len, "virtq_pop_used");
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
		slots[s].sector = ch.sector;
		outs += ch.type == VIRTIO_BLK_T_OUT;
		rc = virtq_add_wait(&vq, ch.out, ch.n_out, ch.in, ch.n_in, &len);
		if (valid)
			sim_oracle_expect_ok(rc, "virtq_add_wait");
		if (rc == 0)
			popped(&slots[s], len, "virtq_add_wait");
		/* Timed out: the buffers stay the device's until reset. */
		if (rc == VIRTIO_ETIMEOUT) {
			slots[s].busy = true;
			slots[s].ndesc = descs_of(&ch);
			slots[s].out = false;
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
			read_sector_chain(s, i % FUZZ_BLK_SECTORS, &ch);
			rc = add(s, &ch);
			kick();
			if (!rc)
				rc = pop();
		}
		return rc;
	case 5:
		for (unsigned i = 0; (s = take_slot()) >= 0; i++) {
			read_sector_chain(s, i % FUZZ_BLK_SECTORS, &ch);
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
	vq.t = NULL; /* what virtq_destroy looks at if init never runs */
	memset(tok_slot, NO_SLOT, sizeof tok_slot);
	for (unsigned i = 0; i < SLOTS; i++)
		slots[i].busy = false;

	uint16_t want = fuzz_u8(work);
	outs = 0;
	rc = virtio_negotiate(t, 0, 0);
	if (!rc)
		rc = virtq_init(&vq, t, 0, want, 1);
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
