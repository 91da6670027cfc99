/* SPDX-License-Identifier: MIT */
/*
 * The Linux ring workload (fuzz/linux/workload.h): our transport sets the
 * device up as Linux's virtio_mmio.c would (status, features, queue
 * registers), Linux's virtio_ring.c runs the ring, the sim's neutral
 * device answers from the decision stream, and the oracles (sim/oracle.h)
 * judge every buffer Linux hands back as they judge our own queue's.
 * Not here: Linux's structures (fuzz/linux/ring.c), its DMA API
 * (fuzz/linux/dma.c).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz/device.h"
#include "fuzz/linux/glue.h"
#include "fuzz/linux/workload.h"
#include "sim/dev/echo.h"
#include "sim/oracle.h"
#include "sim/sim.h"
#include "virtio/errors.h"
#include "virtio/spec.h"

#define SLOTS 16u     /* chains the harness keeps in flight */
#define MAX_SG 8u     /* buffers of one chain (the virtq target's) */
#define BUF_MAX 4096u /* bytes of one buffer */
#define HDR_LEN 16u   /* a header at the start of the readable bytes */
#define NOPS 12u

/* Linux's errno values virtqueue_add returns (include/uapi errno). */
#define LX_EIO 5
#define LX_ENOMEM 12
#define LX_ENOSPC 28

/* Memory of one chain in flight; Linux's token for it is the slot. */
struct slot {
	bool busy;
	bool kicked;    /* the device was notified since it was added */
	unsigned head;  /* the ring head Linux published it under */
	uint16_t min_used; /* used entries before this one were written before
			    * the chain was made available */
	uint16_t ndesc; /* ring descriptors it holds */
	uint8_t n_out, n_in;
	uint32_t len[MAX_SG]; /* readable ones first */
	uint8_t mem[MAX_SG][BUF_MAX];
};

struct chain {
	struct vfuzz_lx_buf out[MAX_SG], in[MAX_SG];
	unsigned n_out, n_in;
};

/*
 * Linux behaviours a campaign found, triaged as Linux's own and written up
 * in docs/linux-virtio-ring.md. Each time one is met the workload says so
 * (VFUZZ_HARNESS_LOG=2: `op: linux-behaviour <name>`), then steps around it
 * as Linux's own callers have to, so that fuzzing goes on past it. With
 * VFUZZ_LINUX_STRICT=1 it does not step around: the sim or the oracles
 * then report it (the tests replay each reproducer both ways).
 */
enum lx_behaviour {
	/* virtqueue_add_split: an indirect table longer than the queue */
	LX_INDIRECT_LONGER_THAN_QUEUE,
	/* virtqueue_get_buf: the used len is handed on unchecked */
	LX_USED_LEN_UNCHECKED,
	/* more_used_split: a used idx moved past the buffers made available,
	 * or back, makes Linux take stale used entries for buffers the
	 * device never returned */
	LX_USED_IDX_UNCHECKED,
	/* virtqueue_get_buf_ctx_split: a used entry the device wrote before
	 * the head it names was made available again (a lying id for a head
	 * already returned) is taken as the new chain's completion */
	LX_STALE_USED_ID,
	/* virtqueue_add_packed: a mapping that fails part-way leaves the
	 * chain's descriptors after the head written as available */
	LX_FAILED_ADD_LEAVES_DESCS,
	/* vring_create_virtqueue_packed: a queue size above 2^15 (2.8) is
	 * taken as it is */
	LX_PACKED_SIZE_ABOVE_32768,
	LX_BEHAVIOURS_,
};
static const char *const lx_behaviour_name[LX_BEHAVIOURS_] = {
	[LX_INDIRECT_LONGER_THAN_QUEUE] = "indirect-chain-longer-than-queue",
	[LX_USED_LEN_UNCHECKED] = "used-len-unchecked",
	[LX_USED_IDX_UNCHECKED] = "used-idx-unchecked",
	[LX_STALE_USED_ID] = "stale-used-id-taken-for-reused-head",
	[LX_FAILED_ADD_LEAVES_DESCS] = "failed-add-leaves-descriptors-available",
	[LX_PACKED_SIZE_ABOVE_32768] = "packed-queue-size-above-32768",
};
static bool lost; /* Linux's ring state is the device's lie: judge no more */
static bool strict, strict_read;

/* Met behaviour `b`: log it; true when the workload steps around it. */
static bool lx_behaviour(enum lx_behaviour b)
{
	fuzz_log_op("linux-behaviour", 0, "%s", lx_behaviour_name[b]);
	return !strict;
}

static struct sim_echo echo;
static struct fuzz_attached att;
static struct virtio_transport *tr;
static struct slot slots[SLOTS];
static uint16_t nadded;    /* adds Linux took: its avail idx */
static uint16_t npopped;   /* chains Linux handed back: its last used idx */
static bool in_callback;
static uint8_t readable_stream[MAX_SG * BUF_MAX];
static uint8_t expected[MAX_SG * BUF_MAX];

/* The default workload: the virtq target's, with the callbacks. */
static const uint8_t default_ops[] = {
	0,                            /* want: the device's maximum */
	0, 0x08, 0, 31, 0, 0, 5,      /* add: 16 bytes out, 512 and 1 in */
	0, 0x09, 0, 31, 31, 0, 1, 7,  /* add: 16 and 512 out, 1 in */
	1, 2, 2,                      /* kick, pop both */
	3, 0x08, 0, 19, 0, 3, 0,      /* add, kick, pop */
	4, 40,                        /* 40 add/kick/pop cycles */
	8, 5, 10, 6,                  /* no callbacks, fill, delayed, drain */
	9, 5, 11, 6,                  /* callbacks, fill, interrupt, drain */
	7,
};

int fuzz_linux_ring_setup(const struct fuzz_case *c,
			  struct virtio_transport **t)
{
	static const struct sim_echo_config cfg = {.queue_max = FUZZ_QUEUE_MAX};

	fuzz_begin(c);
	vfuzz_lx_dma_reset();
	sim_echo_create(&echo, &cfg);
	/* Linux 6.1 has no IN_ORDER: flags bit 5 offers nothing here. */
	sim_vdev_offer_rings(&echo.dev,
			     (c->flags & FUZZ_VQ_NO_INDIRECT ? 0 : SIM_RING_INDIRECT) |
			     (c->flags & FUZZ_VQ_NO_EVENT_IDX ? 0 : SIM_RING_EVENT_IDX) |
			     (c->flags & FUZZ_F_PACKED ? SIM_RING_PACKED : 0));
	/* A platform device behind an IOMMU or a bounce buffer, as QEMU's
	 * iommu_platform=on: Linux then maps every buffer (vring_use_dma_api). */
	echo.dev.features_model |= 1ull << VIRTIO_F_ACCESS_PLATFORM;
	*t = &att.mmio.t;
	return fuzz_attach_dev(&echo.dev, FUZZ_MMIO_V2, &sim_hal, &att);
}

/* ---- chains: the virtq target's encoding (fuzz/harness_virtq.c) ------- */

static int take_slot(void)
{
	for (unsigned i = 0; i < SLOTS; i++)
		if (!slots[i].busy)
			return (int)i;
	return -1;
}

static bool any_busy(void)
{
	for (unsigned i = 0; i < SLOTS; i++)
		if (slots[i].busy)
			return true;
	return false;
}

static size_t buf_len(uint8_t code)
{
	if (code == 255)
		return BUF_MAX;
	return code ? ((size_t)code % 32 + 1) * 16 : 1;
}

static void fill_readable(int s, const struct chain *ch, uint8_t a, uint8_t b)
{
	for (unsigned i = 0; i < ch->n_out; i++)
		for (size_t k = 0; k < ch->out[i].len; k++)
			slots[s].mem[i][k] = (uint8_t)(a + b * i + k);
	if (ch->n_out)
		memset(slots[s].mem[0], a,
		       HDR_LEN < ch->out[0].len ? HDR_LEN : ch->out[0].len);
}

/* Shape byte: bits 0-2 readable buffers - 1, bits 3-5 writable - 1, bit 6
 * none readable, bit 7 none writable; then a size code per buffer and two
 * bytes seeding the contents. s < 0: read only. */
static void read_chain(struct fuzz_in *w, int s, struct chain *ch)
{
	uint8_t shape = fuzz_u8(w);
	unsigned n_out = 1 + (shape & 7u), n_in = 1 + (shape >> 3 & 7u);

	if (shape & 0x40)
		n_out = 0;
	else if (shape & 0x80)
		n_in = 0;
	if (n_out > MAX_SG - (n_in ? 1 : 0))
		n_out = MAX_SG - (n_in ? 1 : 0);
	if (n_out + n_in > MAX_SG)
		n_in = MAX_SG - n_out;
	ch->n_out = n_out;
	ch->n_in = n_in;
	for (unsigned i = 0; i < n_out + n_in; i++) {
		size_t len = buf_len(fuzz_u8(w));
		if (i == 0 && n_out && len < HDR_LEN)
			len = HDR_LEN;
		struct vfuzz_lx_buf b = {s >= 0 ? slots[s].mem[i] : NULL,
					 (unsigned)len};
		if (i < n_out)
			ch->out[i] = b;
		else
			ch->in[i - n_out] = b;
	}
	uint8_t a = fuzz_u8(w), b = fuzz_u8(w);
	if (s >= 0)
		fill_readable(s, ch, a, b);
}

static void sector_chain(int s, uint64_t n, struct chain *ch)
{
	ch->n_out = 1;
	ch->n_in = 2;
	ch->out[0] = (struct vfuzz_lx_buf){slots[s].mem[0], HDR_LEN};
	ch->in[0] = (struct vfuzz_lx_buf){slots[s].mem[1], 512};
	ch->in[1] = (struct vfuzz_lx_buf){slots[s].mem[2], 1};
	fill_readable(s, ch, (uint8_t)n, 1);
}

/* ---- Linux's answers, judged ---------------------------------------------- */

static int lx_err(int rc)
{
	switch (rc) {
	case 0:
		return VIRTIO_OK;
	case -LX_ENOSPC:
		return VIRTIO_EQUEUE_FULL;
	case -LX_EIO:
		return VIRTIO_EBROKEN;
	case -LX_ENOMEM:
		return VIRTIO_EDMA;
	default:
		return VIRTIO_EINVALID_PARAM;
	}
}

static uint16_t descs_of(const struct chain *ch)
{
	unsigned n = ch->n_out + ch->n_in;

	return (uint16_t)(vfuzz_lx_would_use_indirect(n) ? 1 : n);
}

/* May the chain be added now? (2.7.5.3: no chain longer than the queue,
 * an indirect table's neither; descriptors in flight are not free.) */
static bool room_for(const struct chain *ch)
{
	unsigned used = 0, size = vfuzz_lx_ring_size();

	for (unsigned i = 0; i < SLOTS; i++)
		used += slots[i].busy ? slots[i].ndesc : 0;
	return ch->n_out + ch->n_in <= size && used + descs_of(ch) <= size;
}

static int add(int s, const struct chain *ch)
{
	struct slot *sl = &slots[s];
	bool valid = room_for(ch);
	uint16_t ndesc = descs_of(ch);
	unsigned head = 0, n = ch->n_out + ch->n_in;

	/* 2.7.5.3.1: no chain longer than the queue; Linux goes indirect
	 * with any number of buffers (virtqueue_use_indirect). */
	if (n > vfuzz_lx_ring_size() && vfuzz_lx_would_use_indirect(n) &&
	    lx_behaviour(LX_INDIRECT_LONGER_THAN_QUEUE))
		return VIRTIO_EINVALID_PARAM;
	int rc = lx_err(vfuzz_lx_add(ch->out, ch->n_out, ch->in, ch->n_in, sl,
				     &head));

	if (valid)
		sim_oracle_expect_ok(rc, "virtqueue_add_sgs");
	fuzz_log_op("add", rc, "n_out=%u n_in=%u head=%u", ch->n_out,
		    ch->n_in, head);
	/* The device would take the stray descriptors for a chain at the
	 * next notification: none comes, the workload ends (reset first). */
	if (rc && vfuzz_lx_add_left_descs() &&
	    lx_behaviour(LX_FAILED_ADD_LEAVES_DESCS))
		lost = true;
	if (rc == 0) {
		nadded++;
		sl->min_used = (uint16_t)vfuzz_lx_used_idx();
		sl->busy = true;
		sl->kicked = false;
		sl->head = head;
		sl->ndesc = ndesc;
		sl->n_out = (uint8_t)ch->n_out;
		sl->n_in = (uint8_t)ch->n_in;
		for (unsigned i = 0; i < ch->n_out; i++)
			sl->len[i] = ch->out[i].len;
		for (unsigned i = 0; i < ch->n_in; i++)
			sl->len[ch->n_out + i] = ch->in[i].len;
	}
	return rc;
}

static void kick(void)
{
	if (lost)
		return;
	vfuzz_lx_kick();
	for (unsigned i = 0; i < SLOTS; i++)
		slots[i].kicked = slots[i].busy;
}

/* The token Linux handed back must be a chain it holds. */
static struct slot *slot_of(void *data, const char *call)
{
	uintptr_t off = (uintptr_t)data - (uintptr_t)slots;
	struct slot *sl = data;

	if (off >= sizeof slots || off % sizeof slots[0] || !sl->busy) {
		sim_report(SIM_DATA_MISMATCH, NULL, NULL,
			   "Linux's %s returns a token that is no buffer in flight [slots%+lld]",
			   call, (long long)off);
		return NULL;
	}
	return sl;
}

/* Linux handed back chain `sl` with used len `len`: no lie it could see in
 * the used entry, and the first len writable bytes are the device's. */
static void judge(struct slot *sl, uint32_t len, const char *call)
{
	uint32_t nread = 0, at = 0;
	unsigned head = sl->head;

	if (!sim_oracle_check(sl->mem[0], sl->len[0], 0, call) ||
	    !echo.rec[head % SIM_ECHO_HEADS].valid)
		return;
	for (unsigned i = 0; i < sl->n_out && nread < len; i++) {
		uint32_t n = sl->len[i] < len - nread ? sl->len[i] : len - nread;

		memcpy(readable_stream + nread, sl->mem[i], n);
		nread += n;
	}
	for (unsigned i = sl->n_out; i < sl->n_out + sl->n_in && at < len; i++) {
		uint32_t n = sl->len[i] < len - at ? sl->len[i] : len - at;

		if (!sim_oracle_check(sl->mem[i], n, SIM_ORACLE_DATA, call))
			return;
		sim_echo_expected(&echo, (uint16_t)head, at, n, readable_stream,
				  expected);
		if (!sim_oracle_same(sl->mem[i], expected, n,
				     "Linux's %s returns other bytes than the "
				     "device wrote [head=%u] [buffer=%u]",
				     call, head, i))
			return;
		at += n;
	}
}

static void got(void *data, unsigned len, const char *call)
{
	struct slot *sl = slot_of(data, call);
	uint32_t writable = 0;

	fuzz_log_op("get_buf", 0, "head=%u len=%u",
		    sl ? sl->head : 0, len);
	if (!sl)
		return;
	sl->busy = false;
	/* The harness sees what no Linux caller can: the entry Linux just
	 * took is one the device never published (its used idx moved past
	 * the buffers in flight, or back). From here Linux pops stale
	 * entries; nothing it returns is judged, the workload ends. A packed
	 * ring has no used idx: the sim's engine judges its used entries. */
	uint16_t entry = npopped; /* the used entry Linux just took */
	uint16_t published = (uint16_t)(vfuzz_lx_used_idx() - entry);
	uint16_t in_flight = (uint16_t)(nadded - entry);
	npopped++;
	if (lost)
		return;
	if (!vfuzz_lx_is_packed() &&
	    (published == 0 || published > in_flight) &&
	    lx_behaviour(LX_USED_IDX_UNCHECKED)) {
		lost = true;
		return;
	}
	/* 2.7.8: a head is returned once per time it is made available; an
	 * entry written before this chain was added is not its completion
	 * (our own ring refuses it: drivers/queue/split.c, min_used). */
	if (!vfuzz_lx_is_packed() && (int16_t)(entry - sl->min_used) < 0 &&
	    lx_behaviour(LX_STALE_USED_ID)) {
		lost = true;
		return;
	}
	/* What a Linux driver must do itself (virtio_net's receive_buf,
	 * virtio_blk's status byte): refuse a len past its buffers. */
	for (unsigned i = sl->n_out; i < sl->n_out + sl->n_in; i++)
		writable += sl->len[i];
	if (len > writable && lx_behaviour(LX_USED_LEN_UNCHECKED))
		return;
	judge(sl, len, call);
}

/* Linux's vm_interrupt: read the interrupt status (a register read: the
 * device may complete deferred work now), acknowledge it, and on a used
 * buffer notification run vring_interrupt. */
static void interrupt(void)
{
	if (virtio_ack_interrupt(tr) & 1u)
		vfuzz_lx_interrupt();
}

/* The queue's callback, as virtio_blk's virtblk_done: callbacks off, take
 * everything used, callbacks on; again while enable_cb says more came. */
static void callback(void)
{
	unsigned len, rounds = 0;
	void *data;

	if (in_callback)
		return;
	in_callback = true;
	do {
		vfuzz_lx_disable_cb();
		while ((data = vfuzz_lx_get_buf(&len)) != NULL)
			got(data, len, "virtqueue_get_buf");
		if (vfuzz_lx_is_broken())
			break;
	} while (!vfuzz_lx_enable_cb() && ++rounds < FUZZ_POLL_BUDGET);
	in_callback = false;
}

static bool notify(unsigned index)
{
	virtio_notify(tr, (uint16_t)index);
	return true;
}

static const struct vfuzz_lx_ring_ops ring_ops = {notify, callback};

/* Take one used chain, polling a bounded number of times. An honest device
 * has finished every chain it was notified of. */
static int pop(void)
{
	uint16_t before = npopped;
	unsigned len;
	unsigned budget = any_busy() ? FUZZ_POLL_BUDGET : 1;
	bool valid = false;

	for (unsigned i = 0; i < SLOTS; i++)
		valid = valid || (slots[i].busy && slots[i].kicked);
	for (unsigned i = 0; i < budget && npopped == before; i++) {
		void *data = vfuzz_lx_get_buf(&len);

		if (data)
			got(data, len, "virtqueue_get_buf");
		else if (!vfuzz_lx_is_broken())
			interrupt();
		if (vfuzz_lx_is_broken())
			break;
	}
	int rc = npopped != before ? 0
		 : vfuzz_lx_is_broken() ? VIRTIO_EBROKEN : VIRTIO_ENOT_READY;
	if (valid)
		sim_oracle_expect_ok(rc, "virtqueue_get_buf");
	return rc;
}

static int run_op(uint8_t op, struct fuzz_in *w, bool *stop)
{
	struct chain ch;
	int s, rc = 0;

	switch (op) {
	case 0:
	case 3:
		s = take_slot();
		read_chain(w, s, &ch);
		if (s < 0)
			return VIRTIO_EQUEUE_FULL;
		rc = add(s, &ch);
		if (op == 3 && rc == 0) {
			kick();
			rc = pop();
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
		return rc == VIRTIO_EQUEUE_FULL ? 0 : rc;
	case 6:
		kick();
		while (!rc && any_busy())
			rc = pop();
		return rc;
	case 8:
		vfuzz_lx_disable_cb();
		return 0;
	case 9:
		vfuzz_lx_enable_cb();
		return 0;
	case 10:
		vfuzz_lx_enable_cb_delayed();
		return 0;
	case 11:
		interrupt();
		return 0;
	default:
		*stop = true;
		return 0;
	}
}

/* vm_setup_vq: the queue must be free and offered; Linux's size is the
 * device's maximum (here, the workload's wish below it); a split ring's a
 * power of two, a packed ring's any (2.8). */
static int setup_queue(uint16_t want)
{
	uint32_t max, num;
	bool packed = virtio_has_feature(tr, VIRTIO_F_RING_PACKED);

	if (tr->ops->queue_used(tr, 0))
		return VIRTIO_EALREADY_USED;
	max = tr->ops->max_queue_size(tr, 0);
	if (max == 0)
		return VIRTIO_EBAD_QUEUE_SIZE;
	num = max;
	if (want && want < max) {
		num = want;
		while (!packed && (num & (num - 1)))
			num &= num - 1; /* the highest power of two below */
	}
	/* virtio_mmio.c's vm_setup_vq takes QueueNumMax as it is. */
	if (packed && num > VIRTQ_PACKED_SIZE_MAX &&
	    lx_behaviour(LX_PACKED_SIZE_ABOVE_32768))
		return VIRTIO_EBAD_QUEUE_SIZE;
	if (vfuzz_lx_ring_create(tr->features, num, &ring_ops))
		return VIRTIO_EBAD_QUEUE_SIZE;
	return tr->ops->queue_set(tr, 0, (uint16_t)vfuzz_lx_ring_size(),
				  vfuzz_lx_ring_desc(), vfuzz_lx_ring_avail(),
				  vfuzz_lx_ring_used());
}

/* Reset, then take back what the device never returned (Linux requires
 * the reset first), QueueReady 0, free the ring (vm_del_vq). */
static void teardown(bool created)
{
	void *data;

	(void)virtio_reset(tr);
	if (!created)
		return;
	while ((data = vfuzz_lx_detach_unused()) != NULL) {
		struct slot *sl = slot_of(data, "virtqueue_detach_unused_buf");
		if (sl)
			sl->busy = false;
	}
	tr->ops->queue_unset(tr, 0);
	vfuzz_lx_ring_del();
}

unsigned fuzz_linux_ring_workload(struct virtio_transport *t,
				  struct fuzz_in *work)
{
	struct fuzz_in def = {default_ops, sizeof default_ops, 0};
	unsigned ops = 0, failed = 0;
	bool stop = false;
	int rc;

	if (work->len == 0)
		work = &def;
	if (!strict_read) {
		const char *v = getenv("VFUZZ_LINUX_STRICT");

		strict = v && *v && *v != '0';
		strict_read = true;
	}
	tr = t;
	lost = false;
	nadded = npopped = 0;
	in_callback = false;
	for (unsigned i = 0; i < SLOTS; i++)
		slots[i].busy = false;

	sim_trace_s("linux: virtio_ring.c of Linux %s", vfuzz_lx_version, 0, 0,
		    0);
	uint16_t want = fuzz_u8(work);
	/* virtio.c's virtio_features_ok under restricted memory access (a
	 * confidential guest): no VERSION_1 or ACCESS_PLATFORM, no device. */
	rc = virtio_negotiate(t, 0,
			      (1ull << VIRTIO_F_VERSION_1) |
				      (1ull << VIRTIO_F_ACCESS_PLATFORM));
	bool created = false;
	if (!rc) {
		rc = setup_queue(want);
		created = vfuzz_lx_ring_size() != 0;
	}
	sim_oracle_expect_ok(rc, "vring_create_virtqueue");
	if (rc) {
		virtio_fail(t);
		teardown(created);
		fuzz_log_workload(rc, 0, 0, false);
		return 0;
	}
	virtio_finish_init(t);
	while (!stop && fuzz_more(work)) {
		ops++;
		failed += run_op(fuzz_u8(work) % NOPS, work, &stop) != 0;
		stop = stop || vfuzz_lx_is_broken() || lost;
	}
	bool completed = !vfuzz_lx_is_broken() && !t->broken && !lost;
	teardown(true);
	fuzz_log_workload(0, ops, failed, completed);
	return ops;
}
