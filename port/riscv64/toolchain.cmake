# SPDX-License-Identifier: MIT
# CMake toolchain for the bare-metal riscv64 port: clang + lld, no libc,
# QEMU virt in M-mode. Used by port/riscv64/CMakeLists.txt (and the
# "riscv64" preset).
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR riscv64)
set(CMAKE_C_COMPILER clang)
set(CMAKE_ASM_COMPILER clang)
set(CMAKE_C_COMPILER_TARGET riscv64-unknown-elf)
set(CMAKE_ASM_COMPILER_TARGET riscv64-unknown-elf)
# Nothing can be linked before our own startup code and libc exist.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
set(rv_flags "-march=rv64gc -mabi=lp64d -mcmodel=medany -mno-relax -fno-pic -ffreestanding -fno-stack-protector -fno-common")
set(CMAKE_C_FLAGS_INIT "${rv_flags}")
set(CMAKE_ASM_FLAGS_INIT "${rv_flags}")
set(CMAKE_EXE_LINKER_FLAGS_INIT "-fuse-ld=lld -nostdlib -static -Wl,--no-relax")
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
