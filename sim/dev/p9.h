/* SPDX-License-Identifier: MIT */
/*
 * virtio-9p device model (device id 9, the 9P transport) with a small
 * in-memory 9P2000.L server behind it: a read-only tree of a root
 * directory, four files and a subdirectory whose bytes are known from
 * their index (sim_p9_file_byte), so a workload can judge every byte a
 * driver hands back. It answers Tversion, Tattach, Twalk, Tlopen, Tread
 * and Tclunk as QEMU's 9p server does on a read-only export; anything else
 * is Rlerror ENOTSUP. It keeps the answer it wrote last, so a workload can
 * check that a driver returns exactly the device's bytes. Not here: the
 * transport (give &p->dev to a front).
 *
 * Decision points: config reads "p9.tag_len" and "p9.tag" (the mount tag,
 * spec: the configured one); per answer, after the honest server built
 * it, "p9.size" (the header's size field, spec: the answer's length),
 * "p9.type" (spec: T + 1, or Rlerror), "p9.tag" is the config's: the
 * header's tag is "p9.rtag" (spec: the request's), then each body field:
 * "p9.msize", "p9.version_len", "p9.qid_type", "p9.qid_version",
 * "p9.qid_path" (every qid), "p9.nwqid", "p9.iounit", "p9.count",
 * "p9.ecode", then "p9.len" (bytes written, the used len the device
 * gives; spec: the answer's length) and, past the answer, "p9.byte"
 * (spec 0).
 */
#ifndef SIM_DEV_P9_H
#define SIM_DEV_P9_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/vdev.h"
#include "virtio/spec.h"
#include "virtio/spec/p9.h"

#define SIM_P9_DEFAULT_QUEUE_MAX 128u /* QEMU's MAX_REQ */
#define SIM_P9_DEFAULT_TAG "vfuzz9p"
#define SIM_P9_MSIZE_MAX 8192u        /* largest msize the server grants */
#define SIM_P9_MSIZE_MIN 4096u        /* QEMU's P9_MIN_MSIZE */
#define SIM_P9_FIDS 32u               /* fids 0..31 exist */
/* Bytes past the answer one chain may get (a lying "p9.len"). */
#define SIM_P9_MADE_UP_MAX 4096u
#define SIM_P9_ANSWER_MAX (SIM_P9_MSIZE_MAX + SIM_P9_MADE_UP_MAX)
#define P9_EMSGSIZE 90u
#define P9_EROFS 30u

/* The tree: index 0 is the root; every name is one path element. */
struct sim_p9_file {
	const char *name;
	uint8_t parent;   /* index of its directory */
	bool dir;
	uint32_t len;     /* bytes of a file */
};
#define SIM_P9_NFILES 7u
extern const struct sim_p9_file sim_p9_files[SIM_P9_NFILES];
/* Byte `off` of file `i`: what every honest Tread returns. */
static inline uint8_t sim_p9_file_byte(unsigned i, uint64_t off)
{
	return (uint8_t)(i * 41u + off * 7u + (off >> 8));
}
/* qid.path of file i (never 0). */
#define SIM_P9_QID_PATH(i) (0x9000u + (uint64_t)(i))

/* Zero fields mean the default. */
struct sim_p9_config {
	const char *tag;     /* the mount tag (1..254 bytes); default above */
	uint16_t queue_max;  /* QueueNumMax; default 128 */
	bool no_mount_tag;   /* do not offer VIRTIO_9P_MOUNT_TAG */
};

struct sim_p9 {
	struct sim_vdev dev; /* give &p->dev to a front */
	struct sim_p9_config cfg;
	uint32_t msize;      /* 0 until a Tversion */
	struct {
		bool used;
		bool open;
		uint8_t file;
	} fid[SIM_P9_FIDS];
	uint64_t answers;    /* answers written this iteration */
	/* The last answer: what the device wrote into the chain (`written`
	 * bytes) and the used len it gave; `honest` when no decision of this
	 * answer deviated. */
	uint8_t last[SIM_P9_ANSWER_MAX];
	uint32_t written;
	uint32_t used;
	uint16_t last_head;  /* the chain it went into (its used id) */
	bool honest;
};

/* (Re)create the device for an iteration, no fid in use, no msize. NULL
 * cfg: defaults. Returns 0, or -1 for a tag that does not fit. */
int sim_p9_create(struct sim_p9 *p, const struct sim_p9_config *cfg);

#endif
