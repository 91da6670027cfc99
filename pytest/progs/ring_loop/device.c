/* SPDX-License-Identifier: MIT */
/*
 * ring_loop's device: a fake transport whose notify runs a device played
 * by hand, the device side of VirtIO 1.2 2.7 (split) and 2.8 (packed):
 * fetching chains (indirect tables unrolled), using them in any order or
 * in in-order batches, and writing used entries honest or bent. Every
 * ring and buffer access goes through the sim's checked DMA accessors.
 * Not the sim's queue engine: an independent second device side.
 */
#include <stdlib.h>
#include <string.h>

#include "ring_loop.h"
#include "sim/device.h"
#include "virtio/spec.h"

/* ---- the fake transport ------------------------------------------------- */

struct dev D;

static uint64_t f_read(struct virtio_transport *t)
{
	(void)t;
	return D.offered;
}
static void f_write(struct virtio_transport *t, uint64_t f)
{
	(void)t;
	D.accepted = f;
}
static uint8_t f_gets(struct virtio_transport *t)
{
	(void)t;
	return (
	    uint8_t)(D.status |
		     (D.needs_reset ? VIRTIO_STATUS_DEVICE_NEEDS_RESET : 0));
}
static void f_sets(struct virtio_transport *t, uint8_t s)
{
	(void)t;
	D.status = s;
	if (s == 0)
		D.needs_reset = false;
}
static uint32_t f_max(struct virtio_transport *t, uint16_t i)
{
	(void)t, (void)i;
	return D.qmax;
}
static bool f_used(struct virtio_transport *t, uint16_t i)
{
	(void)t, (void)i;
	return false;
}
static int f_set(struct virtio_transport *t, uint16_t i, uint16_t n,
		 virtio_paddr_t d, virtio_paddr_t drv, virtio_paddr_t dev)
{
	(void)t, (void)i;
	D.n = n, D.desc = d, D.drv = drv, D.devarea = dev;
	D.last_avail = D.used_idx = D.apos = D.upos = 0;
	D.awrap = D.uwrap = true;
	D.np = 0;
	return 0;
}
static void f_unset(struct virtio_transport *t, uint16_t i)
{
	(void)t, (void)i;
	D.n = 0;
}
static void f_notify(struct virtio_transport *t, uint16_t i)
{
	(void)t, (void)i;
	D.notifies++;
	if (!D.deaf && !D.needs_reset)
		fetch();
	while (D.answer && D.np)
		complete(0, 1, HONEST, 0);
}
static uint32_t f_ack(struct virtio_transport *t)
{
	(void)t;
	return 0;
}
static uint32_t f_gen(struct virtio_transport *t)
{
	(void)t;
	return 0;
}
static uint32_t f_cr(struct virtio_transport *t, size_t o, unsigned w)
{
	(void)t, (void)o, (void)w;
	return 0;
}
static void f_cw(struct virtio_transport *t, size_t o, unsigned w, uint32_t v)
{
	(void)t, (void)o, (void)w, (void)v;
}
const struct virtio_transport_ops fops = {
    f_read,  f_write,  f_gets, f_sets, f_max, f_used, f_set,
    f_unset, f_notify, f_ack,  f_gen,  f_cr,  f_cw,
};

/* ---- device memory access (checked by the sim) -------------------------- */

uint64_t rd(virtio_paddr_t pa, unsigned w)
{
	uint8_t b[8] = {0};
	uint64_t v = 0;

	if (sim_dma_read(pa, b, w))
		exit(4);
	for (unsigned i = 0; i < w; i++)
		v |= (uint64_t)b[i] << (8 * i);
	return v;
}
void wr(virtio_paddr_t pa, unsigned w, uint64_t v)
{
	uint8_t b[8];

	for (unsigned i = 0; i < w; i++)
		b[i] = (uint8_t)(v >> (8 * i));
	if (sim_dma_write(pa, b, w))
		exit(4);
}

/* One descriptor (both formats: addr 0, len 8; split flags 12, next 14;
 * packed id 12, flags 14) into p's elements; indirect tables unrolled. */
static void take(struct pend *p, virtio_paddr_t d, bool packed)
{
	uint16_t fl = (uint16_t)rd(d + (packed ? 14 : 12), 2);

	if (fl & VIRTQ_DESC_F_INDIRECT) {
		uint32_t len = (uint32_t)rd(d + 8, 4);
		virtio_paddr_t tbl = rd(d, 8);

		for (uint32_t i = 0; i < len / 16 && p->nel < VIRTQ_MAX_SG;
		     i++) {
			virtio_paddr_t e = tbl + 16u * i;
			uint16_t ef = (uint16_t)rd(e + (packed ? 14 : 12), 2);

			p->el[p->nel++] =
			    (struct el){rd(e, 8), (uint32_t)rd(e + 8, 4),
					(ef & VIRTQ_DESC_F_WRITE) != 0};
		}
		return;
	}
	if (p->nel < VIRTQ_MAX_SG)
		p->el[p->nel++] = (struct el){rd(d, 8), (uint32_t)rd(d + 8, 4),
					      (fl & VIRTQ_DESC_F_WRITE) != 0};
}

bool packed_mode(void)
{
	return D.accepted & BIT(VIRTIO_F_RING_PACKED);
}

/* Read every chain made available (2.7.13 / 2.8.21, device side). */
void fetch(void)
{
	if (!D.n)
		return;
	if (!packed_mode()) {
		uint16_t aidx = (uint16_t)rd(D.drv + 2, 2);

		while (D.last_avail != aidx && D.np < MAXP) {
			struct pend *p = &D.p[D.np++];
			uint16_t h = (uint16_t)rd(
				     D.drv + 4 + 2u * (D.last_avail % D.n), 2),
				 d = h;

			p->id = h, p->nel = 0, p->ndesc = 0;
			for (;;) {
				uint16_t fl =
				    (uint16_t)rd(D.desc + 16u * d + 12, 2);

				take(p, D.desc + 16u * d, false);
				p->ndesc++;
				if (!(fl & VIRTQ_DESC_F_NEXT))
					break;
				d = (uint16_t)rd(D.desc + 16u * d + 14, 2);
			}
			D.last_avail++;
		}
		/* 2.7.10: avail_event follows what we fetched. */
		if (D.accepted & BIT(VIRTIO_F_RING_EVENT_IDX))
			wr(D.devarea + 4 + 8u * D.n, 2, D.last_avail);
		return;
	}
	while (D.np < MAXP) {
		virtio_paddr_t d = D.desc + 16u * D.apos;
		uint16_t fl = (uint16_t)rd(d + 14, 2);
		bool a = fl & VIRTQ_PACKED_DESC_F_AVAIL,
		     u = fl & VIRTQ_PACKED_DESC_F_USED;
		struct pend *p;

		if (a != D.awrap || u == D.awrap)
			return; /* 2.8.1: not available */
		p = &D.p[D.np++];
		p->nel = 0, p->ndesc = 0;
		for (;;) {
			d = D.desc + 16u * D.apos;
			fl = (uint16_t)rd(d + 14, 2);
			take(p, d, true);
			p->id =
			    (uint16_t)rd(d + 12, 2); /* 2.8.6: the last one's */
			p->ndesc++;
			if (++D.apos == D.n)
				D.apos = 0, D.awrap = !D.awrap;
			if (!(fl & VIRTQ_DESC_F_NEXT))
				break;
		}
	}
}

/* Data: readable bytes echoed into the writable ones, then a pattern. */
uint8_t pattern(unsigned seq, uint32_t i)
{
	return (uint8_t)(seq * 31u + i * 7u + 1u);
}

static uint32_t serve(struct pend *p, unsigned seq)
{
	static uint8_t in[VIRTQ_MAX_SG * 4096];
	uint32_t nin = 0, out = 0;

	for (unsigned i = 0; i < p->nel; i++)
		if (!p->el[i].w && nin + p->el[i].l <= sizeof in) {
			if (sim_dma_read(p->el[i].a, in + nin, p->el[i].l))
				exit(4);
			nin += p->el[i].l;
		}
	for (unsigned i = 0; i < p->nel; i++) {
		if (!p->el[i].w)
			continue;
		for (uint32_t k = 0; k < p->el[i].l; k++, out++)
			wr(p->el[i].a + k, 1,
			   out < nin ? in[out] : pattern(seq, out));
	}
	return out;
}

unsigned seq_of[QMAX]; /* id -> pattern seed the device used */

/* Use the k-th fetched chain, or (batch > 1, in order) the first `batch`
 * with one entry naming the last. */
void complete(unsigned k, unsigned batch, enum lie lie, uint16_t lie_id)
{
	struct pend *last = &D.p[k + batch - 1];
	uint32_t len = 0;
	uint16_t ndesc = 0, id;

	for (unsigned b = 0; b < batch; b++) {
		seq_of[D.p[k + b].id] = D.seq;
		len = serve(&D.p[k + b], D.seq++);
		ndesc = (uint16_t)(ndesc + D.p[k + b].ndesc);
	}
	/* 2.8.13: in order, an entry reports every chain up to it, and the
	 * next entry is past them all (k > 0: a device using out of order). */
	if (D.accepted & BIT(VIRTIO_F_IN_ORDER))
		for (unsigned b = 0; b < k; b++)
			ndesc = (uint16_t)(ndesc + D.p[b].ndesc);
	id = last->id;
	if (lie == BAD_ID)
		id = D.n;
	if (lie == FREE_ID)
		id = lie_id;
	if (lie == LONG_LEN)
		len++;
	if (!packed_mode()) {
		wr(D.devarea + 4 + 8u * (D.used_idx % D.n), 4, id);
		wr(D.devarea + 8 + 8u * (D.used_idx % D.n), 4, len);
		D.used_idx =
		    (uint16_t)(D.used_idx + (lie == NO_ADVANCE ? 1 : batch));
		if (lie ==
		    WRAP_BITS) /* split: used idx past what is in flight */
			D.used_idx = (uint16_t)(D.used_idx + D.n);
		wr(D.devarea + 2, 2, D.used_idx);
	} else {
		virtio_paddr_t d = D.desc + 16u * D.upos;
		bool w = lie == WRAP_BITS ? !D.uwrap : D.uwrap;

		wr(d + 8, 4, len);
		wr(d + 12, 2, id);
		wr(d + 14, 2,
		   (w ? VIRTQ_PACKED_DESC_F_AVAIL | VIRTQ_PACKED_DESC_F_USED
		      : 0) |
		       (len ? VIRTQ_DESC_F_WRITE : 0));
		D.upos = (uint16_t)(D.upos + ndesc);
		if (D.upos >= D.n)
			D.upos = (uint16_t)(D.upos - D.n), D.uwrap = !D.uwrap;
	}
	memmove(&D.p[k], &D.p[k + batch], (D.np - k - batch) * sizeof D.p[0]);
	D.np -= batch;
	sim_progress();
}

/* A used entry naming `id`, written by hand: no buffer is touched. */
void write_used(uint16_t id)
{
	if (!packed_mode()) {
		wr(D.devarea + 4 + 8u * (D.used_idx % D.n), 4, id);
		wr(D.devarea + 8 + 8u * (D.used_idx % D.n), 4, 0);
		wr(D.devarea + 2, 2, ++D.used_idx);
	} else {
		wr(D.desc + 16u * D.upos + 12, 2, id);
		wr(D.desc + 16u * D.upos + 14, 2,
		   D.uwrap
		       ? VIRTQ_PACKED_DESC_F_AVAIL | VIRTQ_PACKED_DESC_F_USED
		       : 0);
		if (++D.upos == D.n)
			D.upos = 0, D.uwrap = !D.uwrap;
	}
}
