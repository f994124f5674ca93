/**
 * Shared by the vmos tests: the committed image, a run on a backend, and the
 * transcript split into per-process streams (the text before the first ':'
 * of each line: "vmos", "init", "counter[2]", "watcher", ...).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readElfFile, type Elf64 } from '../../src/core/loader/elf.ts';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const VMOS_ELF = `${ROOT}guests/vmos/vmos.elf`;
export const TINY_BIN = `${ROOT}guests/tiny/tiny.bin`;
export const GOLDEN = `${ROOT}test/guest/vmos.emu.txt`;

export function vmosImage(): { kind: 'elf'; elf: Elf64 } {
  return { kind: 'elf', elf: readElfFile(VMOS_ELF) };
}

export function golden(): string {
  return readFileSync(GOLDEN, 'latin1');
}

export function streams(transcript: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const line of transcript.split('\n')) {
    if (line === '') continue;
    const who = line.slice(0, Math.max(0, line.indexOf(':')));
    if (!out.has(who)) out.set(who, []);
    out.get(who)!.push(line);
  }
  return out;
}
