/**
 * `--mem SIZE`: guest RAM with a unit (commands.md "Invocation"): `256M`,
 * `256MiB`, `1G`, `1GiB`, `65536K`; a bare number is MiB (as QEMU's -m).
 * Binary units only (M = MiB). Limits: at least 2 MiB (Linux loads at
 * 1 MiB; vmos needs its tables and image), at most 3 GiB (the loader does
 * not split RAM around the PCI hole below 4 GiB), a whole number of 4 KiB pages.
 */
import { UsageError } from './errors.ts';

export const MIN_MEM = 2 << 20;
export const MAX_MEM = 3 * 2 ** 30;
const UNITS: Record<string, number> = { '': 2 ** 20, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30 };

export function parseMemSize(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([kmg]?)(?:i?b)?$/i.exec(text.trim());
  if (!m) throw new UsageError(`--mem ${JSON.stringify(text)}: not a size (e.g. 256M, 1G, 512MiB; a bare number is MiB)`);
  const bytes = Number(m[1]) * UNITS[m[2].toLowerCase()];
  if (bytes < MIN_MEM) throw new UsageError(`--mem ${text}: less than the 2 MiB a guest needs`);
  if (bytes > MAX_MEM) throw new UsageError(`--mem ${text}: more than 3 GiB (RAM is not split around the PCI hole below 4 GiB)`);
  if (bytes % 4096 !== 0) throw new UsageError(`--mem ${text}: not a whole number of 4 KiB pages`);
  return bytes;
}
