#!/bin/sh
# Builds the bundled guests with the system toolchain (gcc 12, binutils 2.40):
#   guests/vmos/vmos.elf  the multi-process OS (ELF64, with symbols)
#   guests/tiny/tiny.bin  a flat binary for `load raw`
# Usage: guests/build.sh [OUTDIR]   (default: next to the sources)
# The output is reproducible: test/guest/build.test.ts rebuilds into a temporary
# directory and compares with the committed files.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-}
vmos_out=${out:-$here/vmos}
tiny_out=${out:-$here/tiny}
mkdir -p "$vmos_out" "$tiny_out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

CFLAGS="-std=gnu11 -ffreestanding -mgeneral-regs-only -mno-red-zone -fno-pic -fno-pie -nostdlib -static -O2 \
  -fno-stack-protector -fcf-protection=none -fno-asynchronous-unwind-tables -masm=intel -Wall -Wextra -Werror"

cd "$here/vmos"
gcc $CFLAGS -c kernel.c -o "$tmp/kernel.o"
gcc $CFLAGS -c entry.S -o "$tmp/entry.o"
gcc $CFLAGS -c user.c -o "$tmp/user_c.o"
gcc $CFLAGS -c user_apx.S -o "$tmp/user_apx.o"
ld -r -T user.ld "$tmp/user_c.o" "$tmp/user_apx.o" -o "$tmp/user.o"
# The user programs must not reach into the kernel image.
undef=$(nm -u "$tmp/user.o")
if [ -n "$undef" ]; then echo "user programs reference kernel symbols: $undef" >&2; exit 1; fi
ld -nostdlib -static --build-id=none -z max-page-size=4096 -z noexecstack -T vmos.ld \
  "$tmp/entry.o" "$tmp/kernel.o" "$tmp/user.o" -o "$vmos_out/vmos.elf"

# REX2 bytes (APX) checked against LLVM where it is installed.
if command -v llvm-mc-19 >/dev/null 2>&1; then
  objcopy -O binary --only-section=.text "$tmp/entry.o" "$tmp/entry.bin"
  objcopy -O binary --only-section=.text "$tmp/user_apx.o" "$tmp/apx.bin"
  for b in entry apx; do
    od -An -v -tx1 "$tmp/$b.bin" | tr -s ' \n' ' ' | sed 's/ \([0-9a-f][0-9a-f]\)/ 0x\1/g' > "$tmp/$b.hex"
    llvm-mc-19 --disassemble -triple=x86_64 -output-asm-variant=1 < "$tmp/$b.hex" > "$tmp/$b.dis" 2>&1
  done
  grep -Eq 'mov[[:space:]]+qword ptr \[rdi \+ 120\], r31' "$tmp/entry.dis" || { echo "apx_save: REX2 mis-encoded" >&2; cat "$tmp/entry.dis" >&2; exit 1; }
  grep -Eq 'mov[[:space:]]+r31, qword ptr \[rdi \+ 120\]' "$tmp/entry.dis" || { echo "apx_restore: REX2 mis-encoded" >&2; exit 1; }
  grep -Eq 'mov[[:space:]]+r31, rax' "$tmp/apx.dis" || { echo "apx_fill: REX2 mis-encoded" >&2; exit 1; }
  grep -Eq 'cmp[[:space:]]+r31, rax' "$tmp/apx.dis" || { echo "apx_check: REX2 mis-encoded" >&2; exit 1; }
fi

cd "$here/tiny"
as --64 tiny.s -o "$tmp/tiny.o"
objcopy -O binary -j .text "$tmp/tiny.o" "$tiny_out/tiny.bin"
