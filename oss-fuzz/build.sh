#!/bin/bash
# SPDX-License-Identifier: MIT
# The OSS-Fuzz build contract: builds every fuzz target `./vfuzz list`
# names into $OUT, each with <target>_seed_corpus.zip (its seeds and its
# regression reproducers), <target>.dict where fuzz/ has one, and
# <target>.options (ClusterFuzz's INI form of fuzz/<target>.options, plus the
# ASan option every ./vfuzz run has). Run by OSS-Fuzz's and ClusterFuzzLite's
# `compile` through oss-fuzz/projects/vfuzz/build.sh and .clusterfuzzlite/build.sh;
# it is not how you fuzz locally (that is ./vfuzz fuzz).
#
# Reads what OSS-Fuzz's base-builder sets: $CC, $CXX, $CFLAGS, $CXXFLAGS
# (sanitizers and coverage: this build adds none of its own), $LIB_FUZZING_ENGINE
# (what targets link: -fsanitize=fuzzer, or an engine's library), $SANITIZER
# (names the build directory), $OUT (where the targets go), $WORK (scratch;
# a new temporary directory when unset). Writes nothing into the repository.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
die() { echo "oss-fuzz/build.sh: error: $*" >&2; exit 2; }
[ -n "${OUT:-}" ] || die "\$OUT is not set (the directory the fuzz targets go to)"
[ -n "${LIB_FUZZING_ENGINE:-}" ] || die "\$LIB_FUZZING_ENGINE is not set (e.g. -fsanitize=fuzzer)"
mkdir -p "$OUT"
out=$(cd "$OUT" && pwd)
work=${WORK:-$(mktemp -d)}
build="$work/vfuzz-build-${SANITIZER:-none}"

# The targets: the device table x buses and the standalone fuzz/*.c, minus
# hidden ones, exactly as ./vfuzz lists them (Python 3 standard library).
targets=$(python3 "$root/vfuzz" list) || die "./vfuzz list failed"
[ -n "$targets" ] || die "./vfuzz list names no target"
# The Linux ring targets build against a kernel tree (./vfuzz extracts one
# from Debian's linux-source-6.1 into build/linux-*): only when
# $VFUZZ_LINUX_SRC names one; otherwise they are left out, said so.
linux_args=()
if [ -n "${VFUZZ_LINUX_SRC:-}" ]; then
	[ -d "$VFUZZ_LINUX_SRC" ] || die "\$VFUZZ_LINUX_SRC ($VFUZZ_LINUX_SRC) is not a directory"
	linux_args=(-DVFUZZ_LINUX_SRC="$VFUZZ_LINUX_SRC")
else
	skipped=$(printf '%s\n' $targets | grep '^linux_' || true)
	if [ -n "$skipped" ]; then
		echo "oss-fuzz/build.sh: leaving out $(echo $skipped) (no \$VFUZZ_LINUX_SRC kernel tree)"
		targets=$(printf '%s\n' $targets | grep -v '^linux_')
	fi
fi

# Compiler and flags on the command line, not only in the environment: a
# build directory configured before keeps its cache, and would keep the
# flags of another sanitizer.
cmake -S "$root" -B "$build" -G "Unix Makefiles" \
	-DCMAKE_C_COMPILER="${CC:-clang}" -DCMAKE_CXX_COMPILER="${CXX:-clang++}" \
	-DCMAKE_C_FLAGS="${CFLAGS:-}" -DCMAKE_CXX_FLAGS="${CXXFLAGS:-}" \
	-DCMAKE_BUILD_TYPE= \
	-DVFUZZ_LIBFUZZER=ON -DVFUZZ_SANITIZE=OFF \
	-DVFUZZ_ENGINE_LIB="$LIB_FUZZING_ENGINE" \
	-DVFUZZ_VALUE_PROFILE=ON -DVFUZZ_WERROR=OFF "${linux_args[@]}"
# shellcheck disable=SC2086  # one word per target
cmake --build "$build" -j"${VFUZZ_BUILD_JOBS:-$(nproc)}" --target $targets

# fuzz/<target>.options holds -flag=value lines; ClusterFuzz reads
# `flag = value` under [libfuzzer]. Every ./vfuzz run detects
# stack-use-after-return (README, Fuzz workflow); so do these.
options_ini() {
	local t=$1 line n=0
	if [ -f "$root/fuzz/$t.options" ]; then
		echo "[libfuzzer]"
		while IFS= read -r line || [ -n "$line" ]; do
			n=$((n + 1))
			line=${line#"${line%%[![:space:]]*}"}
			line=${line%"${line##*[![:space:]]}"}
			case "$line" in "" | "#"*) continue ;; esac
			[[ "$line" =~ ^-([A-Za-z0-9_]+)=([^[:space:]]*)$ ]] ||
				die "fuzz/$t.options:$n: expected a -flag=value line, got '$line'"
			echo "${BASH_REMATCH[1]} = ${BASH_REMATCH[2]}"
		done <"$root/fuzz/$t.options"
		echo
	fi
	echo "[asan]"
	echo "detect_stack_use_after_return = 1"
}

for t in $targets; do
	cp "$build/$t" "$out/$t"

	[ -f "$root/fuzz/$t.dict" ] && cp "$root/fuzz/$t.dict" "$out/$t.dict"

	ini=$(options_ini "$t")
	printf '%s\n' "$ini" >"$out/$t.options"

	# Seeds and regressions in one zip; a regression keeps its name with a
	# prefix, so that it cannot collide with a seed's.
	seeds=$(mktemp -d)
	for dir in "$root/corpus/$t" "$root/corpus/regressions/$t"; do
		[ -d "$dir" ] || continue
		prefix=""
		[ "$dir" = "$root/corpus/$t" ] || prefix="regression-"
		for f in "$dir"/*; do
			[ -f "$f" ] && cp "$f" "$seeds/$prefix$(basename "$f")"
		done
	done
	rm -f "$out/${t}_seed_corpus.zip"
	if [ -n "$(ls -A "$seeds")" ]; then
		zip -q -X -j "$out/${t}_seed_corpus.zip" "$seeds"/*
	fi
	rm -rf "$seeds"
done
echo "oss-fuzz/build.sh: $(echo "$targets" | wc -w) targets in $out"
