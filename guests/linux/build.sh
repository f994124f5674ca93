#!/bin/sh
# Builds vdbg's bundled Linux guest (docs/guest.md "The bundled Linux guest"):
#   bzImage, System.map, kernel.config   Linux 6.1 from Debian's linux-source-6.1,
#                                        `make tinyconfig` + kernel.fragment
#   linux-offsets.json                   task_struct/mm_struct offsets of this build
#                                        (vdbg-offsets.c compiled by kbuild)
#   initramfs.cpio                       busybox-static + /init + programs/*.c
#                                        (uncompressed: inflating it cost 40 % of the boot)
#   SOURCE.md                            the exact source versions (GPL)
# Usage: guests/linux/build.sh [OUTDIR]   (default: guests/linux)
# The kernel is built in $VDBG_LINUX_BUILD (default $HOME/.cache/vdbg-linux),
# outside the repository. Needs the Debian packages below; the artifacts are
# committed, so nothing else in vdbg needs them.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here}
build=${VDBG_LINUX_BUILD:-${HOME:-/tmp}/.cache/vdbg-linux}
tarball=/usr/src/linux-source-6.1.tar.xz

# --- prerequisites -----------------------------------------------------------
packages="linux-source-6.1 busybox-static flex bison bc libelf-dev libssl-dev lz4 gcc make"
if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "guests/linux/build.sh: needs a Debian system (dpkg-query) with: $packages" >&2
  exit 1
fi
missing=
for p in $packages; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
if [ -n "$missing" ]; then
  echo "guests/linux/build.sh: missing Debian packages:$missing" >&2
  echo "  install them with: apt-get install$missing" >&2
  echo "  (the built Linux guest is committed in guests/linux; only rebuilding it needs them)" >&2
  exit 1
fi
[ -f "$tarball" ] || { echo "guests/linux/build.sh: $tarball not found (package linux-source-6.1)" >&2; exit 1; }

src_version=$(dpkg-query -W -f='${Version}' linux-source-6.1)
bb_version=$(dpkg-query -W -f='${Version}' busybox-static)
jobs=$(nproc 2>/dev/null || echo 2)

# --- kernel ------------------------------------------------------------------
mkdir -p "$build" "$out"
ksrc=$build/linux-source-6.1
if [ "$(cat "$build/unpacked" 2>/dev/null)" != "$src_version" ]; then
  echo "unpacking $tarball ($src_version) into $build"
  rm -rf "$ksrc"
  tar -C "$build" -xJf "$tarball"
  echo "$src_version" > "$build/unpacked"
fi
# Reproducible banner and build id (Documentation/kbuild/reproducible-builds.rst).
export KBUILD_BUILD_TIMESTAMP='Thu Jan  1 00:00:00 UTC 1970' KBUILD_BUILD_USER=vdbg \
  KBUILD_BUILD_HOST=vdbg KBUILD_BUILD_VERSION=1
cd "$ksrc"
make -s tinyconfig >/dev/null
scripts/kconfig/merge_config.sh -m .config "$here/kernel.fragment" >/dev/null
make -s olddefconfig
# Every line of the fragment must have survived olddefconfig (a dependency
# not met drops an option silently).
grep -E '^(CONFIG_|# CONFIG_)' "$here/kernel.fragment" | while read -r line; do
  case $line in
    "# CONFIG_"*) opt=${line#\# }; opt=${opt%% *}
                  if grep -q "^$opt=" .config; then echo "kernel.fragment: $opt is still set" >&2; exit 1; fi ;;
    *) grep -qx "$line" .config || { echo "kernel.fragment: '$line' did not take (see make menuconfig)" >&2; exit 1; } ;;
  esac
done
make -j"$jobs" bzImage

# task_struct/mm_struct offsets: the asm-offsets trick (arch/x86/kernel/asm-offsets.c).
cp "$here/vdbg-offsets.c" kernel/vdbg-offsets.c
make -s kernel/vdbg-offsets.s
kversion=$(cat include/config/kernel.release)
sed -n 's/^.*\.ascii "->\([A-Za-z_][A-Za-z0-9_]*\) \$\{0,1\}\(-\{0,1\}[0-9][0-9]*\) .*$/\1 \2/p' \
  kernel/vdbg-offsets.s > "$build/offsets.txt"
val() {
  v=$(sed -n "s/^$1 //p" "$build/offsets.txt")
  [ -n "$v" ] || { echo "vdbg-offsets.s: no value for $1" >&2; exit 1; }
  echo "$v"
}
hex() { printf '"0x%x"' "$(val "$1")"; }
if [ "$(val PAGE_OFFSET_DYNAMIC)" != 0 ]; then
  echo "kernel.fragment: the direct map must be at a constant PAGE_OFFSET (no RANDOMIZE_MEMORY/X86_5LEVEL)" >&2
  exit 1
fi
grep -q ' init_task$' System.map || { echo "System.map: no init_task" >&2; exit 1; }
if grep -q ' page_offset_base$' System.map; then pob='"page_offset_base"'; else pob=null; fi
cat > "$out/linux-offsets.json" <<EOF
{
  "kernelVersion": "$kversion",
  "task_struct": {
    "tasks": $(val task_struct_tasks),
    "pid": $(val task_struct_pid),
    "tgid": $(val task_struct_tgid),
    "comm": $(val task_struct_comm),
    "__state": $(val task_struct___state),
    "mm": $(val task_struct_mm),
    "active_mm": $(val task_struct_active_mm),
    "flags": $(val task_struct_flags),
    "real_parent": $(val task_struct_real_parent),
    "parent": $(val task_struct_parent),
    "children": $(val task_struct_children),
    "sibling": $(val task_struct_sibling),
    "exit_state": $(val task_struct_exit_state),
    "stack": $(val task_struct_stack),
    "thread_sp": $(val task_struct_thread_sp),
    "size": $(val task_struct_size)
  },
  "mm_struct": {
    "pgd": $(val mm_struct_pgd)
  },
  "PF_KTHREAD": $(val PF_KTHREAD),
  "TASK_COMM_LEN": $(val TASK_COMM_LEN),
  "THREAD_SIZE": $(val THREAD_SIZE),
  "page_offset_base_symbol": $pob,
  "PAGE_OFFSET": $(hex PAGE_OFFSET),
  "START_KERNEL_map": $(hex START_KERNEL_map),
  "PHYSICAL_START": $(hex PHYSICAL_START),
  "phys_base_symbol": "phys_base",
  "kaslr": false,
  "smp": false,
  "__pa": "va >= START_KERNEL_map ? va - START_KERNEL_map + phys_base (0 when loaded at PHYSICAL_START) : va - PAGE_OFFSET"
}
EOF
cp arch/x86/boot/bzImage "$out/bzImage"
cp System.map "$out/System.map"
cp .config "$out/kernel.config"

# --- initramfs ---------------------------------------------------------------
stage=$build/initramfs
rm -rf "$stage"
mkdir -p "$stage"
gcc -O2 usr/gen_init_cpio.c -o "$build/gen_init_cpio"
# The programs: static, no libc but the kernel's own nolibc (tools/include/nolibc),
# a few KiB each, so the initramfs stays small and boots fast.
for p in counter ssework hwwatch; do
  gcc -static -O2 -nostdlib -fno-stack-protector -fno-asynchronous-unwind-tables -fno-ident \
    -Wall -Wextra -Werror -Wno-unused-parameter -include "$ksrc/tools/include/nolibc/nolibc.h" \
    "$here/programs/$p.c" -lgcc -Wl,--build-id=none -o "$stage/$p"
  strip "$stage/$p"
done
cp /bin/busybox "$stage/busybox"
cp "$here/init" "$stage/init"
chmod 0755 "$stage"/*
touch -h -d @0 "$stage"/*
list=$stage.list
{
  for d in /bin /sbin /usr /usr/bin /usr/sbin /dev /proc /sys /root /tmp /etc; do
    echo "dir $d 0755 0 0"
  done
  # The kernel opens /dev/console for init before /init mounts devtmpfs.
  echo "nod /dev/console 0600 0 0 c 5 1"
  echo "file /init $stage/init 0755 0 0"
  echo "file /bin/busybox $stage/busybox 0755 0 0"
  for p in counter ssework hwwatch; do echo "file /bin/$p $stage/$p 0755 0 0"; done
  /bin/busybox --list-full | sort | while read -r a; do
    case $a in bin/busybox) ;; *) echo "slink /$a /bin/busybox 0777 0 0" ;; esac
  done
} > "$list"
"$build/gen_init_cpio" -t 0 "$list" > "$out/initramfs.cpio"

# --- SOURCE.md ---------------------------------------------------------------
cat > "$out/SOURCE.md" <<EOF
# Where the bundled Linux guest comes from (GPL-2.0 sources)

Built by \`guests/linux/build.sh\` (\`npm run build:guests\`) on Debian 12.

| artifact | built from |
|---|---|
| bzImage, System.map, kernel.config | Linux $kversion: Debian package \`linux-source-6.1\` version $src_version (upstream Linux 6.1 with Debian's patches), \`make tinyconfig\` + \`kernel.fragment\`; the full configuration is \`kernel.config\` |
| linux-offsets.json | \`vdbg-offsets.c\` compiled in that tree with that configuration |
| initramfs.cpio | \`/bin/busybox\` from Debian package \`busybox-static\` version $bb_version (BusyBox 1.35.0), \`init\`, and \`programs/*.c\` built against the kernel's \`tools/include/nolibc\` (LGPL-2.1 OR MIT), packed by the kernel's \`usr/gen_init_cpio\` |

The corresponding source code:

- Linux: the Debian source package \`linux\` version $src_version (\`apt-get source linux=$src_version\`),
  which also ships as the binary package \`linux-source-6.1\` (/usr/src/linux-source-6.1.tar.xz);
  all versions are archived at https://snapshot.debian.org/package/linux/ .
- BusyBox: the Debian source package \`busybox\` version $(echo "$bb_version" | sed 's/+b[0-9]*$//')
  (\`apt-get source busybox\`), archived at https://snapshot.debian.org/package/busybox/ ;
  upstream https://busybox.net/downloads/busybox-1.35.0.tar.bz2 .
EOF
echo "guests/linux: bzImage $(wc -c < "$out/bzImage") bytes, initramfs.cpio $(wc -c < "$out/initramfs.cpio") bytes ($kversion)"
