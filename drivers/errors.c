/* SPDX-License-Identifier: MIT */
/*
 * virtio_strerror: the driver library's error codes as short constant names,
 * for harness and test output. Not a message catalogue: the names are the
 * enum's, so a reader can grep errors.h.
 */
#include "virtio/errors.h"

#define E_(name) [-VIRTIO_##name] = #name

static const char *const err_name[-VIRTIO_ERR_MIN_] = {
	[0] = "OK",
	E_(EQUEUE_FULL),
	E_(ENOT_READY),
	E_(EWRONG_TOKEN),
	E_(EALREADY_USED),
	E_(EINVALID_PARAM),
	E_(EDMA),
	E_(EIO),
	E_(EUNSUPPORTED),
	E_(ECONFIG_TOO_SMALL),
	E_(ECONFIG_MISSING),
	E_(EBAD_USED),
	E_(EBAD_QUEUE_SIZE),
	E_(EFEATURES),
	E_(EBAD_CONFIG),
	E_(ECONFIG_UNSTABLE),
	E_(ETIMEOUT),
	E_(EBROKEN),
	E_(ENEEDS_RESET),
	E_(EREAD_ONLY),
	E_(EBAD_MAGIC),
	E_(EBAD_VERSION),
	E_(EBAD_DEVICE_ID),
	E_(EBAD_VENDOR),
	E_(EMMIO_MAP),
	E_(EPCI_CAP),
	E_(EPCI_CAP_MISSING),
	E_(EPCI_BAR),
	E_(EPCI_RANGE),
	E_(EPCI_NOTIFY),
	E_(EPCI_MSIX),
	E_(ENO_DEVICE),
	E_(ENOT_CONNECTED),
	E_(ENO_CREDIT),
	E_(ECONN_EXISTS),
	E_(EPEER_SHUTDOWN),
};

const char *virtio_strerror(int err)
{
	/* Codes are 0 or negative; gaps in the enum (-25..-29) have no name. */
	if (err > 0 || err <= VIRTIO_ERR_MIN_ || !err_name[-err])
		return "EUNKNOWN"; /* cov-exempt: api-misuse */
	return err_name[-err];
}
