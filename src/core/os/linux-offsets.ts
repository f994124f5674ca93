/**
 * A Linux kernel's profile for the task-list walk (linux.ts): its symbols
 * (System.map or the vmlinux ELF) and the task_struct / mm_struct offsets
 * of that very build, from a JSON file generated when the kernel was built
 * (guests/linux/linux-offsets.json; docs/commands.md "Linux awareness").
 * Offsets are never guessed: a missing or malformed file means no Linux
 * awareness, and the reason says which file and which field.
 *
 *   {"kernelVersion": "6.1.x", "task_struct": {"tasks": N, "pid": N, "tgid": N, "comm": N,
 *    "__state": N, "mm": N, "flags": N, "real_parent": N, …}, "mm_struct": {"pgd": N},
 *    "PF_KTHREAD": N, "TASK_COMM_LEN": 16}
 */
import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { ElfSymbol } from '../loader/elf.ts';
import { readImageFile } from '../loader/image-file.ts';

export interface LinuxOffsets {
  kernelVersion: string;
  task: {
    tasks: number;
    pid: number;
    tgid: number;
    comm: number;
    state: number;
    mm: number;
    flags: number;
    realParent?: number;
    exitState?: number;
  };
  mmPgd: number;
  pfKthread: number;
  commLen: number;
}

/** Offsets matched to a kernel: the file they came from and where its symbols came from. */
export interface LinuxProfile {
  file: string;
  offsets: LinuxOffsets;
  symbolsFrom: string;
}

/** Neither file is larger than this (a System.map is a few MiB). */
const MAX_FILE = 64 << 20;

/** Parses an offsets file's text; throws an Error naming the field that is missing or wrong. */
export function parseLinuxOffsets(text: string): LinuxOffsets {
  let j: unknown;
  try {
    j = JSON.parse(text);
  } catch (e) {
    throw new Error(`not JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  const obj = (v: unknown, what: string): Record<string, unknown> => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error(`${what} is not an object`);
    return v as Record<string, unknown>;
  };
  const root = obj(j, 'the file');
  const num = (o: Record<string, unknown>, key: string, what: string): number => {
    const v = o[key];
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw new Error(`${what}.${key} is ${v === undefined ? 'missing' : `not an offset (${JSON.stringify(v)})`}`);
    return v;
  };
  const opt = (o: Record<string, unknown>, key: string, what: string): number | undefined => (o[key] === undefined ? undefined : num(o, key, what));
  const ver = root.kernelVersion;
  if (typeof ver !== 'string' || ver === '') throw new Error('kernelVersion is missing');
  const t = obj(root.task_struct, 'task_struct');
  const mm = obj(root.mm_struct, 'mm_struct');
  const offsets: LinuxOffsets = {
    kernelVersion: ver,
    task: {
      tasks: num(t, 'tasks', 'task_struct'),
      pid: num(t, 'pid', 'task_struct'),
      tgid: num(t, 'tgid', 'task_struct'),
      comm: num(t, 'comm', 'task_struct'),
      state: num(t, '__state', 'task_struct'),
      mm: num(t, 'mm', 'task_struct'),
      flags: num(t, 'flags', 'task_struct'),
    },
    mmPgd: num(mm, 'pgd', 'mm_struct'),
    pfKthread: num(root, 'PF_KTHREAD', 'the file'),
    commLen: num(root, 'TASK_COMM_LEN', 'the file'),
  };
  const rp = opt(t, 'real_parent', 'task_struct');
  if (rp !== undefined) offsets.task.realParent = rp;
  const es = opt(t, 'exit_state', 'task_struct');
  if (es !== undefined) offsets.task.exitState = es;
  if (offsets.commLen < 1 || offsets.commLen > 64) throw new Error(`TASK_COMM_LEN ${offsets.commLen} is out of range`);
  return offsets;
}

/**
 * `nm`-style lines of a System.map (`ffffffff82a0c940 D init_task`): the
 * symbols, typed by their letter (t/T function, d/D/b/B/r/R object).
 */
export function parseSystemMap(text: string): ElfSymbol[] {
  const out: ElfSymbol[] = [];
  for (const line of text.split('\n')) {
    const m = /^([0-9a-fA-F]+)\s+(\S)\s+(\S+)/.exec(line);
    if (!m) continue;
    const letter = m[2];
    const type = /[tTwW]/.test(letter) ? 'func' : /[dDbBrRvV]/.test(letter) ? 'object' : 'notype';
    out.push({ name: m[3], value: BigInt(`0x${m[1]}`), size: 0, type, global: letter === letter.toUpperCase() });
  }
  return out;
}

/** A text file's contents, or its problem in words (`FILE: no such file`). */
function readText(file: string): string | { problem: string } {
  const f = readImageFile(file, MAX_FILE);
  if ('problem' in f) return { problem: `${file}: ${f.problem}` };
  return Buffer.from(f.bytes).toString('utf8');
}

/** A System.map for a kernel: `explicit`, else `<kernel>.map` or `System.map` beside it; undefined when there is none. */
export function findSystemMap(kernel: string, explicit?: string): { file: string; symbols: ElfSymbol[] } | { problem: string } | undefined {
  const file = explicit ?? [`${kernel}.map`, join(dirname(kernel), 'System.map')].find((f) => existsSync(f));
  if (file === undefined) return undefined;
  const text = readText(file);
  if (typeof text !== 'string') return text;
  const symbols = parseSystemMap(text);
  if (symbols.length === 0) return { problem: `${file}: no symbols (not a System.map?)` };
  return { file, symbols };
}

/**
 * The offsets for a kernel: `explicit` (`--os-offsets FILE`), else
 * `<kernel>.offsets.json` or `linux-offsets.json` beside it. undefined when
 * there is no such file; a problem names the file and what is wrong with it.
 */
export function findLinuxOffsets(kernel: string, explicit?: string): { file: string; offsets: LinuxOffsets } | { problem: string } | undefined {
  const file = explicit ?? [`${kernel}.offsets.json`, join(dirname(kernel), 'linux-offsets.json')].find((f) => existsSync(f));
  if (file === undefined) return undefined;
  const text = readText(file);
  if (typeof text !== 'string') return text;
  try {
    return { file, offsets: parseLinuxOffsets(text) };
  } catch (e) {
    return { problem: `${file}: ${e instanceof Error ? e.message : String(e)}` };
  }
}

/** Names the places findLinuxOffsets looks (for a message when there is none). */
export function offsetsPlaces(kernel: string): string {
  return `${basename(kernel)}.offsets.json or linux-offsets.json beside ${basename(kernel)}`;
}
