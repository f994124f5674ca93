#!/bin/sh
# Builds bench.bin, the flat benchmark guest image loaded at 0x100000, with
# the system toolchain (gcc 12 / binutils 2.40 here). The ELF (bench.elf) is
# kept for objdump but not committed.
set -eu
cd "$(dirname "$0")"
CFLAGS="-O2 -mgeneral-regs-only -mno-red-zone -ffreestanding -fno-pic -fno-pie -nostdlib -static \
  -fno-stack-protector -fcf-protection=none -fno-asynchronous-unwind-tables -mcmodel=small -Wall -Wextra"
gcc $CFLAGS -c start.S -o start.o
gcc $CFLAGS -c bench.c -o bench.o
gcc $CFLAGS -no-pie -Wl,--build-id=none -Wl,--no-warn-rwx-segments -T link.ld start.o bench.o -o bench.elf
objcopy -O binary bench.elf bench.bin
rm -f start.o bench.o

sym() { nm bench.elf | awk -v s="$1" '$3==s{print $1}' | sed 's/^0*/0x/'; }
# bench/native.ts relies on these addresses.
[ "$(sym _start)" = 0x100000 ] || { echo "_start moved to $(sym _start)" >&2; exit 1; }
[ "$(sym _start_user)" = 0x100040 ] || { echo "_start_user moved to $(sym _start_user)" >&2; exit 1; }
[ "$(sym bench_result)" = 0xf0000 ] || { echo "bench_result moved to $(sym bench_result)" >&2; exit 1; }
echo "bench.bin: $(wc -c < bench.bin) bytes; _start $(sym _start), _start_user $(sym _start_user), .bss end $(sym __bss_end)"
