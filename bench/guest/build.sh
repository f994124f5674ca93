#!/bin/sh
# Builds the flat benchmark guest images loaded at 0x100000, with the system
# toolchain (gcc 12 / binutils 2.40 here): bench.bin (integer, bench.c,
# -mgeneral-regs-only) and fp.bin (doubles and floats, fp.c, -msse4.2
# -fno-math-errno: SSE only, no x87, no libm). The ELFs (*.elf) are kept for
# objdump but not committed.
set -eu
cd "$(dirname "$0")"
CFLAGS="-O2 -mno-red-zone -ffreestanding -fno-pic -fno-pie -nostdlib -static \
  -fno-stack-protector -fcf-protection=none -fno-asynchronous-unwind-tables -mcmodel=small -Wall -Wextra"

# build NAME EXTRA_CFLAGS: start.S + NAME.c (which includes mem.c) -> NAME.elf -> NAME.bin
build() {
  name=$1; extra=$2
  gcc $CFLAGS -mgeneral-regs-only -c start.S -o start.o
  gcc $CFLAGS $extra -c "$name.c" -o "$name.o"
  gcc $CFLAGS -no-pie -Wl,--build-id=none -Wl,--no-warn-rwx-segments -T link.ld start.o "$name.o" -o "$name.elf"
  objcopy -O binary "$name.elf" "$name.bin"
  rm -f start.o "$name.o"

  sym() { nm "$name.elf" | awk -v s="$1" '$3==s{print $1}' | sed 's/^0*/0x/'; }
  # bench/native.ts relies on these addresses.
  [ "$(sym _start)" = 0x100000 ] || { echo "$name: _start moved to $(sym _start)" >&2; exit 1; }
  [ "$(sym _start_user)" = 0x100040 ] || { echo "$name: _start_user moved to $(sym _start_user)" >&2; exit 1; }
  [ "$(sym bench_result)" = 0xf0000 ] || { echo "$name: bench_result moved to $(sym bench_result)" >&2; exit 1; }
  echo "$name.bin: $(wc -c < "$name.bin") bytes; _start $(sym _start), _start_user $(sym _start_user), .bss end $(sym __bss_end)"
}
build bench -mgeneral-regs-only
build fp "-msse4.2 -fno-math-errno"
# fp.c must stay SSE-only: no x87 instruction (f* mnemonics other than SSE's) in its code.
if objdump -d fp.elf | awk -F'\t' 'NF>=3{print $3}' | grep -Eq '^f(ld|st|add|sub|mul|div|sqrt|sin|cos|patan|yl2x|ild|ist|xch|com|ucom|chs|abs)'; then
  echo "fp.elf contains x87 instructions" >&2; exit 1
fi
