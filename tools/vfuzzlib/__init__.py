# SPDX-License-Identifier: MIT
"""The parts of ./vfuzz (the entry point at the repository root)."""
