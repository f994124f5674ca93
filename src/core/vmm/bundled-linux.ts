/**
 * The bundled Linux guest (guests/linux, docs/guest.md "The bundled Linux
 * guest"): where its committed artifacts are, the command line and RAM it
 * boots with, and the prompt its shell prints. `--guest linux`, the boot
 * test and the bench all boot it from here.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseBzImage } from '../loader/bzimage.ts';
import type { GuestImage } from './run-guest.ts';

export const LINUX_GUEST_DIR = fileURLToPath(new URL('../../../guests/linux/', import.meta.url));

/** The artifacts guests/linux/build.sh makes (committed). */
export const BUNDLED_LINUX = {
  kernel: `${LINUX_GUEST_DIR}bzImage`,
  initrd: `${LINUX_GUEST_DIR}initramfs.cpio`,
  systemMap: `${LINUX_GUEST_DIR}System.map`,
  offsets: `${LINUX_GUEST_DIR}linux-offsets.json`,
} as const;

/**
 * The kernel command line (docs/guest.md lists why each option is there).
 * No `nolapic`: the in-kernel local APIC (virtual wire, TSC-deadline timer)
 * is what Linux finds without MP/ACPI tables.
 * console=ttyS0  the console is COM1 (the kernel has no VT);
 * quiet          no boot log below warnings: the log is ~8,000 port exits
 *                (LSR poll + THR per character), a quarter of the boot's host
 *                time on emu; `--append loglevel=7` brings it back.
 */
export const BUNDLED_LINUX_CMDLINE = 'console=ttyS0 quiet';

/** Guest RAM for the bundled guest: its initramfs unpacks into RAM; 128 MiB leaves room for what a user runs. */
export const BUNDLED_LINUX_MEM = 128 << 20;

/** What the guest's shell (busybox ash on ttyS0, PS1 set by guests/linux/init) prints when it waits for a command. */
export const BUNDLED_LINUX_PROMPT = 'vdbg-linux# ';

/** The artifacts that are not there (paths), in a fixed order; empty when the guest can boot. */
export function missingLinuxArtifacts(): string[] {
  return [BUNDLED_LINUX.kernel, BUNDLED_LINUX.initrd].filter((p) => !existsSync(p));
}

/** The bundled guest as runGuest boots it (the command line plus `extra`, if any). */
export function bundledLinuxImage(extra = ''): GuestImage & { kind: 'linux' } {
  const missing = missingLinuxArtifacts();
  if (missing.length > 0) throw new Error(`${missing.join(', ')} missing: run npm run build:guests`);
  const bz = parseBzImage(new Uint8Array(readFileSync(BUNDLED_LINUX.kernel)), 'bzImage');
  return {
    kind: 'linux',
    kernel: { kind: 'bzimage', bz },
    initrd: new Uint8Array(readFileSync(BUNDLED_LINUX.initrd)),
    cmdline: extra ? `${BUNDLED_LINUX_CMDLINE} ${extra}` : BUNDLED_LINUX_CMDLINE,
  };
}
