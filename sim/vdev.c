/* SPDX-License-Identifier: MIT */
/*
 * The transport-neutral virtio device: status handshake, features, queue
 * set-up, config space, interrupt status, reset (VirtIO 1.2, 2 and 3.1).
 * Every protocol check here is a rule a correct driver never breaks; the
 * values the device produces come from the decision stream.
 * Not here: register layouts (fronts), ring formats and their layout rules
 * (vq.c, split.c, packed.c), requests (dev/).
 */
#include "sim/decide.h"
#include "sim/device.h"
#include "sim/vdev.h"
#include "virtio/le.h"
#include "virtio/spec.h"

#define BIT(n) (1ull << (n))

static void vdev_poll(void *ctx);

void sim_vdev_init(struct sim_vdev *d, uint32_t device_id, uint64_t features,
		   uint16_t nqueues, uint16_t num_max,
		   const struct sim_vdev_ops *ops, void *model)
{
	d->ops = ops;
	d->model = model;
	d->device_id = device_id;
	d->nqueues = nqueues > SIM_VDEV_MAX_QUEUES ? SIM_VDEV_MAX_QUEUES
						   : nqueues;
	d->num_max = num_max;
	d->legacy = false;
	d->features_model = features & ~BIT(VIRTIO_F_VERSION_1);
	sim_vdev_offer_rings(d, SIM_RINGS_DEFAULT);
	d->features = 0;
	d->features_decided = false;
	d->features_refused = false;
	d->driver_features = 0;
	d->status = 0;
	d->isr = 0;
	d->maybe_pending = false;
	d->may_need_reset = false;
	d->in_poll = false;
	d->config_gen = 0;
	d->config_len = 0;
	d->front_reset = NULL;
	d->front = NULL;
	for (unsigned i = 0; i < SIM_VDEV_MAX_QUEUES; i++) {
		d->q[i].index = (uint16_t)i;
		sim_vq_clear(&d->q[i]);
		d->num_max_told[i] = i < d->nqueues ? num_max : 0;
	}
}

void sim_vdev_plug(struct sim_vdev *d, bool legacy, void (*front_reset)(void *),
		   void *front)
{
	d->legacy = legacy;
	d->front_reset = front_reset;
	d->front = front;
	sim_poller_add(vdev_poll, d);
}

void sim_vdev_set_legacy(struct sim_vdev *d, bool legacy)
{
	d->legacy = legacy;
}

/* ---- status ------------------------------------------------------------- */

static void vdev_reset(struct sim_vdev *d)
{
	d->status = 0;
	d->isr = 0;
	d->driver_features = 0;
	d->features_refused = false;
	d->maybe_pending = false;
	for (unsigned i = 0; i < SIM_VDEV_MAX_QUEUES; i++)
		if (d->q[i].ready) /* others are clear already */
			sim_vq_clear(&d->q[i]);
	if (d->front_reset)
		d->front_reset(d->front);
	if (d->ops->reset)
		d->ops->reset(d->model);
}

uint8_t sim_vdev_status(const struct sim_vdev *d)
{
	return d->status;
}

static void protocol(const char *msg, uint8_t old, uint8_t v)
{
	sim_report(SIM_STATUS_PROTOCOL, NULL, NULL, "%s [status=0x%x] [written=0x%x]",
		   msg, old, v);
}

void sim_vdev_set_status(struct sim_vdev *d, uint8_t v)
{
	uint8_t old = d->status, added = (uint8_t)(v & ~old);

	sim_trace("vdev status 0x%llx -> 0x%llx", old, v, 0, 0);
	if (v == 0) {
		vdev_reset(d);
		return;
	}
	/* 2.1.1: the driver MUST NOT clear a status bit (only reset does);
	 * DEVICE_NEEDS_RESET is the device's bit, not the driver's. */
	if (old & ~v & ~VIRTIO_STATUS_DEVICE_NEEDS_RESET)
		protocol("driver clears device status bits without a reset",
			 old, v);
	/* 3.1.1: ACKNOWLEDGE, DRIVER, FEATURES_OK, DRIVER_OK in this order. */
	if ((added & VIRTIO_STATUS_DRIVER) && !(v & VIRTIO_STATUS_ACKNOWLEDGE))
		protocol("driver sets DRIVER without ACKNOWLEDGE", old, v);
	if (added & VIRTIO_STATUS_FEATURES_OK) {
		if (!(v & VIRTIO_STATUS_DRIVER))
			protocol("driver sets FEATURES_OK without DRIVER", old,
				 v);
		if (!d->legacy &&
		    (sim_vdev_device_features(d) & BIT(VIRTIO_F_VERSION_1)) &&
		    !(d->driver_features & BIT(VIRTIO_F_VERSION_1)))
			protocol("driver sets FEATURES_OK on a modern device "
				 "without accepting VERSION_1 (6.1)",
				 old, v);
		/* 3.1.1 step 6: the device may refuse the subset; a refusal
		 * holds until reset, however often the driver sets the bit. */
		if (!d->features_refused)
			d->features_refused = !d->legacy &&
					      sim_decide_flag("vdev.features_ok");
		if (d->features_refused)
			v &= (uint8_t)~VIRTIO_STATUS_FEATURES_OK;
	}
	if (added & VIRTIO_STATUS_DRIVER_OK) {
		if (!(v & VIRTIO_STATUS_DRIVER))
			protocol("driver sets DRIVER_OK without DRIVER", old, v);
		if (d->features_refused)
			protocol("driver sets DRIVER_OK after the device "
				 "refused FEATURES_OK",
				 old, (uint8_t)(v | (added & VIRTIO_STATUS_FEATURES_OK)));
		else if (!d->legacy && !(v & VIRTIO_STATUS_FEATURES_OK))
			protocol("driver sets DRIVER_OK before FEATURES_OK",
				 old, v);
	}
	d->status = (uint8_t)(v | (old & VIRTIO_STATUS_DEVICE_NEEDS_RESET));
}

void sim_vdev_needs_reset(struct sim_vdev *d)
{
	if (d->status & VIRTIO_STATUS_DEVICE_NEEDS_RESET)
		return;
	d->status |= VIRTIO_STATUS_DEVICE_NEEDS_RESET;
	sim_trace("vdev needs reset status=0x%llx", d->status, 0, 0, 0);
	sim_vdev_interrupt(d, VIRTIO_MMIO_INT_CONFIG);
}

void sim_vdev_allow_needs_reset(struct sim_vdev *d, bool on)
{
	d->may_need_reset = on;
}

/* ---- identity and features ---------------------------------------------- */

void sim_vdev_offer_rings(struct sim_vdev *d, unsigned rings)
{
	d->features_ring =
		(rings & SIM_RING_INDIRECT ? BIT(VIRTIO_F_RING_INDIRECT_DESC) : 0) |
		(rings & SIM_RING_EVENT_IDX ? BIT(VIRTIO_F_RING_EVENT_IDX) : 0) |
		(rings & SIM_RING_PACKED ? BIT(VIRTIO_F_RING_PACKED) : 0) |
		(rings & SIM_RING_IN_ORDER ? BIT(VIRTIO_F_IN_ORDER) : 0);
}

uint16_t sim_vdev_pci_class(uint32_t device_id)
{
	/* PCI code and ID assignment spec classes, as QEMU picks them. */
	switch (device_id) {
	case VIRTIO_ID_NET:
		return 0x0200; /* network controller, ethernet */
	case VIRTIO_ID_BLOCK:
		return 0x0180; /* mass storage, other */
	case VIRTIO_ID_CONSOLE:
		return 0x0780; /* communication, other */
	case VIRTIO_ID_GPU:
		return 0x0380; /* display, other */
	case VIRTIO_ID_INPUT:
		return 0x0980; /* input, other */
	default:
		return 0xff00; /* rng, vsock, sound, 9p, rtc: unclassified */
	}
}

uint64_t sim_vdev_device_features(struct sim_vdev *d)
{
	if (!d->features_decided) {
		uint64_t spec = d->features_model | d->features_ring;

		/* RING_PACKED and IN_ORDER (VirtIO 1.1) have no legacy
		 * layout (2.7.2 legacy is split only). */
		if (!d->legacy)
			spec |= BIT(VIRTIO_F_VERSION_1);
		else
			spec &= ~(BIT(VIRTIO_F_RING_PACKED) |
				  BIT(VIRTIO_F_IN_ORDER));
		d->features = sim_decide("vdev.features", spec, 8);
		d->features_decided = true;
	}
	return d->features;
}

uint32_t sim_vdev_device_features_word(struct sim_vdev *d, uint32_t sel)
{
	if (sel > 1)
		return 0;
	return (uint32_t)(sim_vdev_device_features(d) >> (32 * sel));
}

void sim_vdev_set_driver_features_word(struct sim_vdev *d, uint32_t sel,
				       uint32_t val)
{
	uint32_t offered = sim_vdev_device_features_word(d, sel);

	/* 3.1.1 step 5 comes after DRIVER and before FEATURES_OK (modern)
	 * or DRIVER_OK (legacy, 3.1.2). */
	const char *late = NULL;

	if (!(d->status & VIRTIO_STATUS_DRIVER))
		late = "driver writes features before setting DRIVER";
	else if (d->status & VIRTIO_STATUS_DRIVER_OK)
		late = "driver writes features after DRIVER_OK";
	else if (!d->legacy && (d->status & VIRTIO_STATUS_FEATURES_OK))
		late = "driver writes features after FEATURES_OK";
	if (late)
		sim_report(SIM_STATUS_PROTOCOL, NULL, NULL,
			   "%s [status=0x%x] [word=%u] [value=0x%x]", late,
			   d->status, sel, val);
	/* 2.2.2: the driver MUST NOT accept a feature not offered. */
	if (val & ~offered)
		sim_report(SIM_STATUS_PROTOCOL, NULL, NULL,
			   "driver accepts features the device did not offer "
			   "[word=%u] [offered=0x%x] [accepted=0x%x]",
			   sel, offered, val);
	if (sel > 1)
		return;
	d->driver_features &= ~(0xffffffffull << (32 * sel));
	d->driver_features |= (uint64_t)val << (32 * sel);
}

/* ---- queues ------------------------------------------------------------- */

uint16_t sim_vdev_num_max(struct sim_vdev *d, uint32_t qi)
{
	uint16_t v;

	if (qi >= SIM_VDEV_MAX_QUEUES)
		return 0;
	v = (uint16_t)sim_decide("vdev.num_max",
				 qi < d->nqueues ? d->num_max : 0, 2);
	d->num_max_told[qi] = v;
	return v;
}

int sim_vdev_queue_may_change(struct sim_vdev *d, uint32_t qi, const char *reg)
{
	/* 4.2.3.2 / 4.1.4.3.2: queues are set up before DRIVER_OK, and not
	 * while enabled (no VIRTIO_F_RING_RESET here). */
	if (d->status & VIRTIO_STATUS_DRIVER_OK) {
		sim_report(SIM_STATUS_PROTOCOL, NULL, NULL,
			   "driver changes queue set-up after DRIVER_OK "
			   "[queue=%u] [register=%s]",
			   qi, reg);
		return -1;
	}
	if (qi < SIM_VDEV_MAX_QUEUES && d->q[qi].ready) {
		sim_report(SIM_STATUS_PROTOCOL, NULL, NULL,
			   "driver changes queue set-up while the queue is "
			   "enabled [queue=%u] [register=%s]",
			   qi, reg);
		return -1;
	}
	return 0;
}

static int queue_config(const char *msg, uint32_t qi, const char *what,
			uint64_t v)
{
	sim_report(SIM_QUEUE_CONFIG, NULL, NULL, "%s [queue=%u] [%s=0x%llx]", msg,
		   qi, what, (unsigned long long)v);
	return -1;
}

int sim_vdev_queue_enable(struct sim_vdev *d, uint32_t qi, uint32_t num,
			  virtio_paddr_t desc, virtio_paddr_t avail,
			  virtio_paddr_t used)
{
	uint32_t max;

	if (qi >= SIM_VDEV_MAX_QUEUES)
		return queue_config("driver enables a queue the device does "
				    "not have",
				    qi, "num", num);
	if (sim_vdev_queue_may_change(d, qi, "enable"))
		return -1;
	if (!(d->status & (d->legacy ? VIRTIO_STATUS_DRIVER
				     : VIRTIO_STATUS_FEATURES_OK))) {
		sim_report(SIM_STATUS_PROTOCOL, NULL, NULL,
			   "driver enables a queue before feature negotiation "
			   "ends [queue=%u] [status=0x%x]",
			   qi, d->status);
		return -1;
	}
	/* Sizes up to QueueNumMax (both formats); the rest is the format's
	 * (sim_vq_enable). */
	max = d->num_max_told[qi];
	if (max == 0)
		return queue_config("driver enables a queue whose maximum size "
				    "is 0 (not available)",
				    qi, "num", num);
	if (num == 0)
		return queue_config("driver enables a queue of size 0", qi,
				    "num", num);
	if (num > max)
		return queue_config("driver sets a queue size above QueueNumMax",
				    qi, "num", num);
	if (sim_vq_enable(&d->q[qi], d->driver_features, num, desc, avail,
			  used))
		return -1;
	sim_trace("vq %llu: ready size=%llu desc=0x%llx used=0x%llx", qi, num,
		  desc, used);
	return 0;
}

void sim_vdev_queue_disable(struct sim_vdev *d, uint32_t qi)
{
	if (qi < SIM_VDEV_MAX_QUEUES && d->q[qi].ready) {
		sim_trace("vq %llu: disabled", qi, 0, 0, 0);
		sim_vq_clear(&d->q[qi]);
	}
}

bool sim_vdev_queue_ready(const struct sim_vdev *d, uint32_t qi)
{
	return qi < SIM_VDEV_MAX_QUEUES && d->q[qi].ready;
}

void sim_vdev_serve(struct sim_vdev *d, struct sim_vq *q)
{
	uint16_t old = q->used_idx, head;
	bool any = false;

	while (!q->broken && sim_vq_pick(q, &head)) {
		uint32_t len = 0;

		if (sim_vq_chain(q, head, &d->chain) == 0)
			len = d->ops->handle(d->model, q, &d->chain);
		else
			sim_vdev_needs_reset(d);
		/* A malformed chain is still returned (len 0) so a driver
		 * under test in record mode is not left waiting. */
		if (sim_vq_push(q, head, len))
			break;
		any = true;
	}
	(void)sim_vq_flush(q); /* an IN_ORDER batch held back (vq.batch) */
	if (q->broken)
		sim_vdev_needs_reset(d);
	if (any && sim_vq_need_interrupt(q, old))
		sim_vdev_interrupt(d, VIRTIO_MMIO_INT_VRING);
}

void sim_vdev_notify(struct sim_vdev *d, uint32_t qi)
{
	struct sim_vq *q;

	sim_trace("vq %llu: notify", qi, 0, 0, 0);
	/* 3.1.1: no notifications before DRIVER_OK. */
	if (!(d->status & VIRTIO_STATUS_DRIVER_OK)) {
		sim_report(SIM_STATUS_PROTOCOL, NULL, NULL,
			   "driver notifies a queue before DRIVER_OK "
			   "[queue=%u] [status=0x%x]",
			   qi, d->status);
		return;
	}
	if (!sim_vdev_queue_ready(d, qi)) {
		sim_report(SIM_STATUS_PROTOCOL, NULL, NULL,
			   "driver notifies a queue it has not enabled "
			   "[queue=%u]",
			   qi);
		return;
	}
	q = &d->q[qi];
	if ((d->status & VIRTIO_STATUS_DEVICE_NEEDS_RESET) || q->broken)
		return;
	/* 2.1.2: the device may enter an error state at any time. */
	if (d->may_need_reset && sim_decide_flag("vdev.needs_reset")) {
		sim_vdev_needs_reset(d);
		return;
	}
	if (d->ops->notify) {
		d->ops->notify(d->model, d, q);
		return;
	}
	if (sim_vq_fetch(q) < 0)
		sim_vdev_needs_reset(d);
	if (!q->npending)
		return;
	d->maybe_pending = true;
	if (sim_decide_flag("vq.defer"))
		return;
	sim_vdev_serve(d, q);
}

/* Deferred completions: each driver poll may complete what is pending. */
static void vdev_poll(void *ctx)
{
	struct sim_vdev *d = ctx;
	bool left = false;

	if (d->in_poll)
		return;
	if (d->ops->poll)
		d->ops->poll(d->model, d);
	if (!d->maybe_pending)
		return;
	d->in_poll = true;
	for (unsigned i = 0; i < SIM_VDEV_MAX_QUEUES; i++) {
		struct sim_vq *q = &d->q[i];

		if (!q->npending || q->broken)
			continue;
		if (sim_decide_flag("vq.defer"))
			left = true;
		else
			sim_vdev_serve(d, q);
	}
	d->maybe_pending = left;
	d->in_poll = false;
}

/* ---- interrupts --------------------------------------------------------- */

uint32_t sim_vdev_isr(struct sim_vdev *d)
{
	return (uint32_t)sim_decide("vdev.isr", d->isr, 1);
}

void sim_vdev_isr_ack(struct sim_vdev *d, uint32_t bits)
{
	d->isr &= (uint8_t)~bits;
}

void sim_vdev_interrupt(struct sim_vdev *d, uint32_t bits)
{
	d->isr |= (uint8_t)bits;
	sim_trace("vdev interrupt isr=0x%llx", d->isr, 0, 0, 0);
}

/* ---- config space ------------------------------------------------------- */

uint32_t sim_vdev_config_generation(struct sim_vdev *d)
{
	if (sim_decide_flag("vdev.config_gen")) {
		d->config_gen++;
		sim_vdev_interrupt(d, VIRTIO_MMIO_INT_CONFIG);
		sim_progress();
	}
	return d->config_gen;
}

/*
 * 4.2.2.2 / 4.1.3.1: 8-bit fields by 8-bit accesses, 16-bit fields by
 * aligned 16-bit ones, 32- and 64-bit fields by aligned 32-bit ones. Legacy
 * drivers may read config bytewise (the legacy interface has no such rule).
 */
static const char *config_check(struct sim_vdev *d, const char *op,
				uint32_t off, unsigned width)
{
	unsigned fw = 0, want;
	const char *name = "vdev.config";
	bool ok_width = width == 1 || width == 2 || width == 4 ||
			(d->legacy && width == 8);

	if (!ok_width) {
		sim_report(SIM_MMIO_WIDTH, NULL, NULL,
			   "driver %s config space with a %u-byte access "
			   "[offset=0x%x]",
			   op, width, off);
		return NULL;
	}
	if (off % width) {
		sim_report(SIM_MMIO_MISALIGNED, NULL, NULL,
			   "driver %s config space misaligned [offset=0x%x] "
			   "[width=%u]",
			   op, off, width);
		return NULL;
	}
	if ((uint64_t)off + width > d->config_len) {
		sim_report(SIM_MMIO_OUTSIDE, NULL, NULL,
			   "driver %s past the end of the device config space "
			   "[offset=0x%x] [width=%u] [config_len=0x%x]",
			   op, off, width, d->config_len);
		return NULL;
	}
	if (d->ops->config_field) {
		const char *n = d->ops->config_field(d->model, off, &fw);

		if (n)
			name = n;
	}
	want = fw == 8 ? 4 : fw;
	if (!d->legacy && want && width != want) {
		sim_report(SIM_MMIO_WIDTH, NULL, NULL,
			   "driver %s a %u-byte config field with a %u-byte "
			   "access [offset=0x%x]",
			   op, fw, width, off);
		return NULL;
	}
	return name;
}

uint64_t sim_vdev_config_read(struct sim_vdev *d, uint32_t off, unsigned width)
{
	const char *name = config_check(d, "reads", off, width);
	if (!name)
		return 0;
	return sim_decide(name, virtio_get_le(d->config + off, width), width);
}

void sim_vdev_config_write(struct sim_vdev *d, uint32_t off, unsigned width,
			   uint64_t val)
{
	if (!config_check(d, "writes", off, width))
		return;
	if (!d->ops->config_write ||
	    d->ops->config_write(d->model, off, width, (uint32_t)val) < 0)
		sim_report(SIM_STATUS_PROTOCOL, NULL, NULL,
			   "driver writes a read-only config field "
			   "[offset=0x%x] [width=%u] [value=0x%llx]",
			   off, width, (unsigned long long)val);
}
