#!/bin/bash -eu
# SPDX-License-Identifier: MIT
# ClusterFuzzLite's entry point for vfuzz. The build itself lives in the repository
# (oss-fuzz/build.sh), so that it changes with the code it builds.
exec "$SRC/vfuzz/oss-fuzz/build.sh"
