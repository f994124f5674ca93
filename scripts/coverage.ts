/**
 * Static instruction coverage of the emulator over real binaries of this
 * machine (issue 11, "Proof"): objdump disassembles each binary; every
 * instruction's bytes go through OUR decoder and dispatch (src/emu/decode.ts,
 * src/emu/dispatch.ts), and the instruction counts as run when `bindInsn`
 * gives a handler other than UD_HANDLER. Nothing here lists mnemonics: the
 * figures follow whatever the opcode tables and families bind today.
 * (A bound handler may still raise an exception for a given state — UD2,
 * RDFSBASE with CR4.FSGSBASE = 0 — as the real CPU would.)
 *
 *   npm run coverage                     the default set (below)
 *   npm run coverage -- FILE…            these files
 *   npm run coverage -- --fetch          first download busybox-static and the Debian kernel
 *                                        (apt-get download) into .cache/coverage/
 *   npm run coverage -- --top=N          list N mnemonics that do not run (default 30)
 *
 * Default set: busybox (static: `busybox` on PATH, else .cache/coverage/busybox),
 * /lib/x86_64-linux-gnu/libc.so.6, bash, ls, git, and a kernel vmlinux
 * (.cache/coverage/vmlinux, extracted from the Debian linux-image package's
 * vmlinuz by --fetch: the xz stream after the bzImage setup code, as the
 * kernel's scripts/extract-vmlinux does).
 *
 * Reported per binary and for the user binaries / the kernel together: the
 * share of instructions that run, the same without AVX (VEX/EVEX encodings
 * our tables do not bind — AVX/AVX2/AVX-512 are #UD by design in issue 11),
 * the share of distinct mnemonics (objdump's, prefixes stripped) all of whose
 * instructions run, and the most frequent mnemonics that do not.
 */
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { decodeBytes } from '../src/emu/decode.ts';
import { bindInsn, UD_HANDLER } from '../src/emu/dispatch.ts';
import { GuestFault } from '../src/emu/fault.ts';
import { Insn } from '../src/emu/insn.ts';

const CACHE = join(process.cwd(), '.cache', 'coverage');

/** Objdump mnemonic prefixes that are not the instruction. */
const PREFIX_WORDS = new Set(['rep', 'repz', 'repnz', 'repe', 'repne', 'lock', 'data16', 'data32', 'addr32', 'cs', 'ds', 'es', 'ss', 'fs', 'gs', 'notrack', 'bnd', 'rex', 'rex.w', 'rex.r', 'rex.x', 'rex.b', 'xacquire', 'xrelease']);
const LEGACY = new Set([0x66, 0x67, 0xf0, 0xf2, 0xf3, 0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65]);

type Verdict = 0 | 1 | 2; // 0 runs, 1 #UD (not AVX), 2 #UD AVX (VEX/EVEX)

interface Tally {
  insns: number;
  run: number;
  avx: number;
  lengthMismatch: number;
  /** mnemonic → [count, count not run, count AVX] */
  byMnemonic: Map<string, [number, number, number]>;
}
const newTally = (): Tally => ({ insns: 0, run: 0, avx: 0, lengthMismatch: 0, byMnemonic: new Map() });

const verdicts = new Map<string, [Verdict, number]>();
const insn = new Insn();

/** Decode and bind the bytes with our decoder: [verdict, our length]. Cached by encoding. */
function classify(hex: string): [Verdict, number] {
  const hit = verdicts.get(hex);
  if (hit !== undefined) return hit;
  const bytes = hex.split(' ').map((b) => parseInt(b, 16));
  let k = 0;
  while (k < bytes.length && (LEGACY.has(bytes[k]) || (bytes[k] & 0xf0) === 0x40)) k++;
  const vexOrEvex = bytes[k] === 0xc4 || bytes[k] === 0xc5 || bytes[k] === 0x62;
  let v: [Verdict, number];
  try {
    bindInsn(decodeBytes(bytes, insn));
    v = [insn.h !== UD_HANDLER ? 0 : vexOrEvex ? 2 : 1, insn.len];
  } catch (e) {
    if (!(e instanceof GuestFault)) throw e;
    v = [vexOrEvex ? 2 : 1, -1]; // longer than 15 bytes / truncated: not an instruction we run
  }
  verdicts.set(hex, v);
  return v;
}

function mnemonicOf(text: string): string {
  const words = text.trim().split(/\s+/);
  let w = 0;
  while (w < words.length - 1 && PREFIX_WORDS.has(words[w].toLowerCase())) w++;
  return words[w] ?? '?';
}

/** objdump -d of one file, tallied. Lines: "  addr:\tbytes\tmnemonic operands". */
async function measure(file: string): Promise<Tally> {
  const t = newTally();
  const p = spawn('objdump', ['-d', '-w', '-M', 'intel', '--insn-width=16', file], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: p.stdout });
  for await (const line of lines) {
    const a = line.indexOf(':\t');
    if (a < 0) continue;
    const b = line.indexOf('\t', a + 2);
    if (b < 0) continue; // a bytes-only continuation line
    const hex = line.slice(a + 2, b).trim();
    const text = line.slice(b + 1);
    if (hex === '' || text.startsWith('(bad)') || text.startsWith('.byte')) continue;
    const [verdict, len] = classify(hex);
    const m = mnemonicOf(text);
    t.insns++;
    if (len !== (hex.length + 1) / 3 && verdict === 0) t.lengthMismatch++;
    if (verdict === 0) t.run++;
    else if (verdict === 2) t.avx++;
    let e = t.byMnemonic.get(m);
    if (e === undefined) t.byMnemonic.set(m, (e = [0, 0, 0]));
    e[0]++;
    if (verdict !== 0) e[1]++;
    if (verdict === 2) e[2]++;
  }
  const code: number = await new Promise((res) => p.on('close', res));
  if (code !== 0) throw new Error(`objdump failed on ${file} (exit ${code})`);
  return t;
}

function merge(into: Tally, t: Tally): void {
  into.insns += t.insns;
  into.run += t.run;
  into.avx += t.avx;
  into.lengthMismatch += t.lengthMismatch;
  for (const [m, [n, miss, avx]] of t.byMnemonic) {
    const e = into.byMnemonic.get(m);
    if (e === undefined) into.byMnemonic.set(m, [n, miss, avx]);
    else {
      e[0] += n;
      e[1] += miss;
      e[2] += avx;
    }
  }
}

const pct = (a: number, b: number) => (b === 0 ? '—' : `${((100 * a) / b).toFixed(b >= 100000 ? 3 : 2)} %`);

function row(name: string, t: Tally): string[] {
  const mn = [...t.byMnemonic.values()];
  const mnRun = mn.filter(([, miss]) => miss === 0).length;
  const nonAvx = t.insns - t.avx;
  return [name, String(t.insns), pct(t.run, t.insns), pct(t.run, nonAvx), String(t.avx), `${mnRun}/${mn.length}`, pct(mnRun, mn.length)];
}

function table(rows: string[][]): string {
  const head = ['binary', 'instructions', 'run', 'run (non-AVX)', 'AVX #UD', 'mnemonics run', 'share'];
  const all = [head, ...rows];
  const w = head.map((_, c) => Math.max(...all.map((r) => r[c].length)));
  const fmt = (r: string[]) => r.map((s, c) => (c === 0 ? s.padEnd(w[c]) : s.padStart(w[c]))).join('  ');
  return [fmt(head), w.map((n) => '-'.repeat(n)).join('  '), ...rows.map(fmt)].join('\n');
}

function missing(t: Tally, n: number, avx: boolean): string {
  const list = [...t.byMnemonic].map(([m, [, miss, a]]) => [m, avx ? a : miss - a] as const).filter(([, k]) => k > 0);
  list.sort((x, y) => y[1] - x[1]);
  const nonAvx = t.insns - t.avx;
  return list.slice(0, n).map(([m, k]) => `  ${String(k).padStart(8)}  ${avx ? '' : `${pct(k, nonAvx).padStart(9)}  `}${m}`).join('\n');
}

// ---------------------------------------------------------------- inputs
function sh(cmd: string, args: string[], cwd: string): void {
  execFileSync(cmd, args, { cwd, stdio: 'inherit' });
}

/** apt-get download busybox-static and the Debian kernel image; extract busybox and vmlinux into CACHE. */
function fetch(): void {
  mkdirSync(CACHE, { recursive: true });
  sh('apt-get', ['download', 'busybox-static'], CACHE);
  const deb = (prefix: string) => readdirSync(CACHE).find((f) => f.startsWith(prefix) && f.endsWith('.deb'));
  sh('dpkg-deb', ['-x', deb('busybox-static')!, 'busybox-root'], CACHE);
  execFileSync('cp', [join(CACHE, 'busybox-root/bin/busybox'), join(CACHE, 'busybox')]);
  const dep = execFileSync('apt-cache', ['depends', 'linux-image-amd64'], { encoding: 'utf8' }).match(/Depends: (linux-image-\S+)/);
  if (!dep) throw new Error('apt-cache: no linux-image package behind linux-image-amd64');
  sh('apt-get', ['download', dep[1]], CACHE);
  sh('dpkg-deb', ['-x', deb(dep[1])!, 'kernel-root'], CACHE);
  const boot = join(CACHE, 'kernel-root/boot');
  const vmlinuz = readdirSync(boot).find((f) => f.startsWith('vmlinuz'));
  if (vmlinuz === undefined) throw new Error('no vmlinuz in the kernel package');
  // bzImage: setup code, then the compressed kernel; find the xz stream (Debian: CONFIG_KERNEL_XZ).
  const img = readFileSync(join(boot, vmlinuz));
  const at = img.indexOf(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]));
  if (at < 0) throw new Error(`${vmlinuz}: no xz stream (not an xz-compressed bzImage)`);
  // xz reports the bytes after the stream (the bzImage trailer) as corrupt data; the ELF is complete before it.
  let elf: Buffer;
  try {
    elf = execFileSync('xz', ['-dc'], { input: img.subarray(at), maxBuffer: 1 << 30, stdio: ['pipe', 'pipe', 'ignore'] });
  } catch (e) {
    elf = (e as { stdout: Buffer }).stdout;
  }
  if (elf.readUInt32BE(0) !== 0x7f454c46) throw new Error('the decompressed kernel is not an ELF file');
  writeFileSync(join(CACHE, 'vmlinux'), elf);
}

function which(name: string): string | undefined {
  try {
    return execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

function defaults(): { user: string[]; kernel: string[] } {
  const user = [which('busybox') ?? join(CACHE, 'busybox'), '/lib/x86_64-linux-gnu/libc.so.6', which('bash'), which('ls'), which('git')];
  return { user: user.filter((f): f is string => f !== undefined && existsSync(f)), kernel: [join(CACHE, 'vmlinux')].filter((f) => existsSync(f)) };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.includes('--fetch')) fetch();
  const files = args.filter((a) => !a.startsWith('--'));
  const top = Number(args.find((a) => a.startsWith('--top='))?.slice(6) ?? 30);
  const sets = files.length > 0 ? { user: files, kernel: [] as string[] } : defaults();
  if (files.length === 0) {
    const d = defaults();
    if (!d.user.some((f) => f.includes('busybox'))) console.log('(no static busybox: `npm run coverage -- --fetch` downloads busybox-static)');
    if (d.kernel.length === 0) console.log('(no kernel: `npm run coverage -- --fetch` downloads and extracts the Debian kernel)');
  }
  const rows: string[][] = [];
  const user = newTally(), kernel = newTally();
  for (const [list, total] of [[sets.user, user], [sets.kernel, kernel]] as const) {
    for (const f of list) {
      const t = await measure(f);
      rows.push(row(f, t));
      merge(total, t);
      if (t.lengthMismatch > 0) console.log(`note: ${t.lengthMismatch} instructions of ${f} decode to another length here than in objdump`);
    }
  }
  if (sets.user.length > 1) rows.push(row('user binaries together', user));
  if (sets.kernel.length > 0) rows.push(row('kernel', kernel));
  console.log(table(rows));
  for (const [name, t] of [['user binaries', user], ['kernel', kernel]] as const) {
    if (t.insns === 0) continue;
    console.log(`\n${name}: most frequent instructions that do not run (non-AVX; count, share of non-AVX instructions)`);
    console.log(missing(t, top, false));
    if (t.avx > 0) {
      console.log(`${name}: most frequent AVX (VEX/EVEX, #UD by design)`);
      console.log(missing(t, 10, true));
    }
  }
}

await main();
