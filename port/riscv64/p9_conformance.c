/* SPDX-License-Identifier: MIT */
/*
 * 9p conformance on QEMU: the real virtio-9p driver against every 9p
 * device found (virtio-9p-device / virtio-9p-pci exporting a directory the
 * test made, with -fsdev local), in the frame of conformance.c. The
 * program is a minimal 9P2000.L client built here (drivers/ is only the
 * transport): Tversion, Tattach, Twalk to P9_FILE, Tlopen, Treads until
 * the file ends, a Twalk to a missing name (Rlerror ENOENT), Tclunks.
 * Every byte of the file is checked: byte i = i * 7 + i / 251 + 3, and
 * its length is P9_FILE_LEN. Also the mount tag (the test gives QEMU
 * "vfuzz9p"). Mirrored in pytest/test_qemu_p9.py.
 */
#include <string.h>

#include "board.h"
#include "conformance.h"
#include "virtio/errors.h"
#include "virtio/le.h"
#include "virtio/p9.h"
#include "virtio/spec.h"

int main(void);

#define P9_FILE "data.bin"
#define P9_FILE_LEN 20000u
#define MSIZE 8192u

static struct virtio_9p p9;
static uint8_t t[256], r[MSIZE];
static size_t tlen, rlen;
static uint16_t next_tag;

static uint8_t file_byte(uint32_t i)
{
	return (uint8_t)(i * 7u + i / 251u + 3u);
}

static void begin(uint8_t type, uint16_t tag)
{
	t[P9_HDR_OFF_TYPE] = type;
	virtio_put_le16(t + P9_HDR_OFF_TAG, tag);
	tlen = P9_HDR_SIZE;
}

static void put(uint64_t v, unsigned n)
{
	virtio_put_le(t + tlen, v, n);
	tlen += n;
}

static void put_str(const char *s)
{
	size_t n = strlen(s);

	put(n, 2);
	memcpy(t + tlen, s, n);
	tlen += n;
}

/* Send the message built; 0, or the driver's error. */
static int send(void)
{
	virtio_put_le32(t + P9_HDR_OFF_SIZE, (uint32_t)tlen);
	rlen = 0;
	return virtio_9p_request(&p9, t, tlen, r, sizeof(r), &rlen);
}

static uint8_t rtype(void)
{
	return r[P9_HDR_OFF_TYPE];
}

/* One request's result line: `want` is the answer type expected. */
static bool answered(struct port_run *run, const char *test, int rc,
		     uint8_t want)
{
	char v[48];

	if (rc)
		snprintf(v, sizeof(v), "%s", virtio_strerror(rc));
	else if (rtype() == P9_RLERROR && rlen >= P9_HDR_SIZE + 4)
		snprintf(v, sizeof(v), "Rlerror(%u)",
			 (unsigned)virtio_get_le32(r + P9_HDR_SIZE));
	else
		snprintf(v, sizeof(v), "R%u", rtype());
	port_result(run, test, v, !rc && rtype() == want);
	return !rc && rtype() == want;
}

static void walk(uint32_t fid, uint32_t newfid, const char *name)
{
	begin(P9_TWALK, next_tag++);
	put(fid, 4);
	put(newfid, 4);
	put(1, 2);
	put_str(name);
}

/* Read the file open on fid 1 to its end; check every byte. */
static void read_file(struct port_run *run, uint32_t iounit)
{
	uint32_t off = 0, calls = 0, bad = 0;
	int rc = 0;

	for (;;) {
		uint32_t n;

		begin(P9_TREAD, next_tag++);
		put(1, 4);
		put(off, 8);
		put(iounit, 4);
		rc = send();
		calls++;
		if (rc || rtype() != P9_RREAD || rlen < P9_HDR_SIZE + 4)
			break;
		n = virtio_get_le32(r + P9_HDR_SIZE);
		/* The count within the answer and the size asked. */
		if (n > rlen - P9_HDR_SIZE - 4 || n > iounit) {
			rc = VIRTIO_EBAD_USED;
			break;
		}
		if (n == 0)
			break;
		for (uint32_t i = 0; i < n; i++)
			bad += r[P9_HDR_SIZE + 4 + i] != file_byte(off + i);
		off += n;
		if (off > P9_FILE_LEN || calls > 64)
			break;
	}
	answered(run, "read_calls", rc, P9_RREAD);
	port_result_u(run, "read_bytes", off, off == P9_FILE_LEN);
	port_result_u(run, "read_mismatches", bad, bad == 0);
	kprintf("INFO transport=%s reads=%u iounit=%u\n", run->transport,
		(unsigned)calls, (unsigned)iounit);
}

static void session(struct port_run *run)
{
	uint32_t msize, iounit;
	int rc;

	begin(P9_TVERSION, P9_NOTAG);
	put(MSIZE, 4);
	put_str("9P2000.L");
	if (!answered(run, "version", send(), P9_RVERSION))
		return;
	msize = virtio_get_le32(r + P9_HDR_SIZE);
	port_result_u(run, "msize", msize, msize >= 4096 && msize <= MSIZE);
	port_result(run, "dialect",
		    rlen == P9_HDR_SIZE + 4 + 2 + 8 &&
				    !memcmp(r + P9_HDR_SIZE + 6, "9P2000.L", 8)
			    ? "9P2000.L"
			    : "other",
		    rlen == P9_HDR_SIZE + 14 &&
			    !memcmp(r + P9_HDR_SIZE + 6, "9P2000.L", 8));

	begin(P9_TATTACH, next_tag++);
	put(0, 4);
	put(P9_NOFID, 4);
	put_str("root");
	put_str("");
	put(0, 4);
	if (!answered(run, "attach", send(), P9_RATTACH))
		return;

	walk(0, 2, "no-such-file");
	rc = send();
	port_result(run, "walk_missing",
		    rc ? virtio_strerror(rc)
		       : rtype() == P9_RLERROR ? "Rlerror" : "other",
		    !rc && rtype() == P9_RLERROR &&
			    virtio_get_le32(r + P9_HDR_SIZE) == P9_ENOENT);

	walk(0, 1, P9_FILE);
	if (!answered(run, "walk", send(), P9_RWALK))
		return;
	begin(P9_TLOPEN, next_tag++);
	put(1, 4);
	put(0, 4); /* O_RDONLY */
	if (!answered(run, "lopen", send(), P9_RLOPEN))
		return;
	/* Rlopen: qid[13] iounit[4]; 0 means "up to msize - 24". */
	iounit = virtio_get_le32(r + P9_HDR_SIZE + P9_QID_SIZE);
	if (iounit == 0 || iounit > msize - P9_IOHDRSZ)
		iounit = msize - P9_IOHDRSZ;
	read_file(run, iounit);

	begin(P9_TCLUNK, next_tag++);
	put(1, 4);
	answered(run, "clunk_file", send(), P9_RCLUNK);
	begin(P9_TCLUNK, next_tag++);
	put(0, 4);
	answered(run, "clunk_root", send(), P9_RCLUNK);
}

static void check(struct port_run *run, struct virtio_transport *tr, int rc)
{
	char tag[VIRTIO_9P_MAX_TAG_LEN + 1];
	size_t len = 0;

	if (!rc)
		rc = virtio_9p_init(&p9, tr);
	port_result(run, "init", rc ? virtio_strerror(rc) : "OK", rc == 0);
	if (rc)
		return;
	kprintf("INFO transport=%s features=0x%llx queue_size=%u\n",
		run->transport, (unsigned long long)tr->features,
		virtq_size(&p9.q));
	rc = virtio_9p_mount_tag(&p9, tag, sizeof(tag), &len);
	port_result(run, "tag", rc ? virtio_strerror(rc) : tag, rc == 0);
	next_tag = 1;
	session(run);
	virtio_9p_destroy(&p9);
}

int main(void)
{
	return port_conformance("9p conformance", VIRTIO_ID_9P, check);
}
