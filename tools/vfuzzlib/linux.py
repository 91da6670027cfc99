# SPDX-License-Identifier: MIT
"""Foreign drivers' source: the Linux kernel tree the linux_* targets build
virtio_ring.c from. Debian's linux-source-6.1 package is a dependency like
every other tool (installed with apt-get when missing); from its tarball
only the files the build needs are extracted, into build/linux-<version>/,
once (a stamp names the tarball it came from). Nothing of Linux is ever
copied into the repository."""

import re
import shutil
import subprocess
from pathlib import Path

from . import core
from .core import Error, say

PACKAGE = "linux-source-6.1"
TARBALL = Path("/usr/src/linux-source-6.1.tar.xz")
TOP = "linux-source-6.1"  # the tarball's top directory
# What building drivers/virtio/virtio_ring.c the way tools/virtio/Makefile
# does reads: the ring, the user-space shims, the headers they pull in,
# and the Makefile for the version. Directories are taken whole.
MEMBERS = [
    "Makefile",
    "drivers/virtio/virtio_ring.c",
    "tools/virtio/asm", "tools/virtio/linux", "tools/virtio/uapi",
    "tools/virtio/xen", "tools/virtio/generated", "tools/virtio/Makefile",
    "tools/include/asm", "tools/include/asm-generic", "tools/include/linux",
    "tools/include/uapi", "tools/include/vdso",
    "include/linux/kconfig.h", "include/linux/kern_levels.h",
    "include/linux/irqreturn.h", "include/linux/virtio_byteorder.h",
    "include/linux/virtio_ring.h", "include/linux/byteorder/generic.h",
    "include/uapi/linux/virtio_config.h", "include/uapi/linux/virtio_ring.h",
    "include/uapi/linux/virtio_types.h",
]
STAMP = ".vfuzz-extracted"


def is_linux_target(name):
    return name.startswith("linux_")


def wanted(targets):
    """Whether a build of `targets` (None: all) needs the kernel tree."""
    return targets is None or any(is_linux_target(t) for t in targets)


def _package_version():
    try:
        out = subprocess.run(["dpkg-query", "-W", "-f=${Version}", PACKAGE],
                             capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None if out.returncode == 0 else None


def _kernel_version(tree):
    """VERSION.PATCHLEVEL.SUBLEVEL of a tree's top Makefile."""
    text = (tree / "Makefile").read_text(errors="replace")
    parts = [re.search(rf"^{k} = (\d+)$", text, re.M) for k in ("VERSION", "PATCHLEVEL", "SUBLEVEL")]
    if not all(parts):
        raise Error(f"cannot read the kernel version from {tree / 'Makefile'}")
    return ".".join(m.group(1) for m in parts)


def _stamp_text():
    st = TARBALL.stat()
    return f"{TARBALL} {st.st_size} {st.st_mtime_ns}\n" + "\n".join(MEMBERS) + "\n"


def source_tree():
    """Install the package if its tarball is missing, extract what the build
    needs once, and return (tree, kernel version, package version)."""
    if not TARBALL.exists():
        from .toolchain import apt_install
        apt_install([PACKAGE], f"the Linux targets need {TARBALL}")
        if not TARBALL.exists():
            raise Error(f"{PACKAGE} is installed but {TARBALL} is missing")
    build = core.ROOT / "build"
    stamp_text = _stamp_text()
    for tree in build.glob("linux-*/"):
        stamp = tree / STAMP
        if stamp.is_file() and stamp.read_text(errors="replace") == stamp_text:
            return tree, _kernel_version(tree), _package_version()
    tmp = build / "linux-extracting"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    say(f"extracting virtio_ring.c and tools/virtio from {TARBALL}")
    cmd = ["tar", "-xJf", str(TARBALL), "-C", str(tmp), "--strip-components=1",
           *[f"{TOP}/{m}" for m in MEMBERS]]
    try:
        proc = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, text=True)
    except OSError as e:
        raise Error(f"cannot run tar: {e.strerror}")
    if proc.returncode:
        shutil.rmtree(tmp, ignore_errors=True)
        raise Error(f"extracting from {TARBALL} failed (exit {proc.returncode}): "
                    f"{proc.stderr.strip()[-500:]}")
    version = _kernel_version(tmp)
    tree = build / f"linux-{version}"
    shutil.rmtree(tree, ignore_errors=True)
    tmp.rename(tree)
    (tree / STAMP).write_text(stamp_text)
    return tree, version, _package_version()


def describe(tree, version, package_version):
    pkg = f"{PACKAGE} {package_version}" if package_version else PACKAGE
    return f"Linux {version} ({pkg}, {core.rel(tree)})"
