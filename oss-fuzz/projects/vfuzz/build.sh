#!/bin/bash -eu
# SPDX-License-Identifier: MIT
# OSS-Fuzz's entry point for vfuzz. The build itself lives in the repository
# (oss-fuzz/build.sh), so that it changes with the code it builds.
exec "$SRC/vfuzz/oss-fuzz/build.sh"
