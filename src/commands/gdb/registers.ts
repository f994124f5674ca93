/**
 * gdb's register numbers ↔ the session's registers. The numbering is the
 * order of the registers in our target description (target-xml.ts; gdb
 * manual, Target Descriptions › Target Description Format: registers are
 * numbered in order of appearance), which follows gdb's own amd64 layout so
 * the core registers keep their usual numbers: rax…r15 0–15, rip 16,
 * eflags 17, cs ss ds es fs gs 18–23, st0–st7 24–31, the x87 control
 * registers 32–39, xmm0–15 40–55, mxcsr 56 (features/i386/64bit-core.xml,
 * 64bit-sse.xml), then fs_base/gs_base (64bit-segments.xml) and vdbg's
 * control registers cr0 cr2 cr3 cr4 cr8 efer.
 *
 * Values are little-endian hex of the register's size in g/p replies; a
 * register the session cannot read is `xx` per byte (Packets › g, p): the
 * x87 and SSE registers when the backend has no KVM_GET_XSAVE2, and, for a
 * thread that is not on the vCPU, everything but rip and cr3.
 */
import { CommandError } from '../errors.ts';
import type { SessionApi } from '../session/types.ts';
import { fromLeHex, leHex, unavailable } from './hex.ts';

export type FeatureName = 'org.gnu.gdb.i386.core' | 'org.gnu.gdb.i386.sse' | 'org.gnu.gdb.i386.segments' | 'org.vdbg.gdb.x86-64.sys';

export interface GdbRegister {
  /** gdb's name (target description). */
  name: string;
  bitsize: number;
  /** Target description type (predefined or one target-xml.ts defines). */
  type: string;
  group?: string;
  feature: FeatureName;
  /** Where the value comes from: a key of SessionApi.registers(), of segmentRegisters() or of fpuRegisters(). */
  source: { from: 'regs' | 'segments' | 'fpu'; key: string };
}

const CORE: FeatureName = 'org.gnu.gdb.i386.core';
const SSE: FeatureName = 'org.gnu.gdb.i386.sse';
const SEGMENTS: FeatureName = 'org.gnu.gdb.i386.segments';
const SYS: FeatureName = 'org.vdbg.gdb.x86-64.sys';

const regs = (key: string) => ({ from: 'regs', key }) as const;
const fpu = (key: string) => ({ from: 'fpu', key }) as const;

/** Every register, in protocol-number order. */
export const REGISTERS: readonly GdbRegister[] = [
  ...['rax', 'rbx', 'rcx', 'rdx', 'rsi', 'rdi', 'rbp', 'rsp', 'r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r14', 'r15'].map(
    (name): GdbRegister => ({ name, bitsize: 64, type: name === 'rbp' || name === 'rsp' ? 'data_ptr' : 'int64', feature: CORE, source: regs(name) }),
  ),
  { name: 'rip', bitsize: 64, type: 'code_ptr', feature: CORE, source: regs('rip') },
  { name: 'eflags', bitsize: 32, type: 'i386_eflags', feature: CORE, source: regs('rflags') },
  ...['cs', 'ss', 'ds', 'es', 'fs', 'gs'].map((name): GdbRegister => ({ name, bitsize: 32, type: 'int32', feature: CORE, source: { from: 'segments', key: name } })),
  ...Array.from({ length: 8 }, (_, k): GdbRegister => ({ name: `st${k}`, bitsize: 80, type: 'i387_ext', feature: CORE, source: fpu(`st${k}`) })),
  ...['fctrl', 'fstat', 'ftag', 'fiseg', 'fioff', 'foseg', 'fooff', 'fop'].map(
    (name): GdbRegister => ({ name, bitsize: 32, type: 'int', group: 'float', feature: CORE, source: fpu(name) }),
  ),
  ...Array.from({ length: 16 }, (_, k): GdbRegister => ({ name: `xmm${k}`, bitsize: 128, type: 'vec128', feature: SSE, source: fpu(`xmm${k}`) })),
  { name: 'mxcsr', bitsize: 32, type: 'i386_mxcsr', group: 'vector', feature: SSE, source: fpu('mxcsr') },
  { name: 'fs_base', bitsize: 64, type: 'int', feature: SEGMENTS, source: { from: 'segments', key: 'fs_base' } },
  { name: 'gs_base', bitsize: 64, type: 'int', feature: SEGMENTS, source: { from: 'segments', key: 'gs_base' } },
  { name: 'cr0', bitsize: 64, type: 'vdbg_cr0', group: 'system', feature: SYS, source: regs('cr0') },
  { name: 'cr2', bitsize: 64, type: 'data_ptr', group: 'system', feature: SYS, source: regs('cr2') },
  { name: 'cr3', bitsize: 64, type: 'uint64', group: 'system', feature: SYS, source: regs('cr3') },
  { name: 'cr4', bitsize: 64, type: 'vdbg_cr4', group: 'system', feature: SYS, source: regs('cr4') },
  { name: 'cr8', bitsize: 64, type: 'uint64', group: 'system', feature: SYS, source: regs('cr8') },
  { name: 'efer', bitsize: 64, type: 'vdbg_efer', group: 'system', feature: SYS, source: regs('efer') },
];

export const REGNUM = Object.fromEntries(REGISTERS.map((r, i) => [r.name, i])) as Readonly<Record<string, number>>;

/** Register values of one thread, by session key (registers(), segmentRegisters() and fpuRegisters() keys); absent keys are unavailable. */
export type ThreadRegisters = Readonly<Record<string, bigint>>;

/** The vCPU's registers: what the thread that is on the CPU has. */
export function vcpuRegisters(session: SessionApi): ThreadRegisters {
  return { ...session.registers(), ...session.segmentRegisters(), ...session.fpuRegisters() };
}

function valueOf(r: GdbRegister, values: ThreadRegisters): bigint | undefined {
  return values[r.source.key];
}

/** One register as a p reply: little-endian hex, or `xx…` when unavailable. */
export function encodeRegister(regnum: number, values: ThreadRegisters): string {
  const r = REGISTERS[regnum];
  const v = valueOf(r, values);
  return v === undefined ? unavailable(r.bitsize / 8) : leHex(v, r.bitsize / 8);
}

/** The g reply: every register in order. */
export function encodeRegisters(values: ThreadRegisters): string {
  return REGISTERS.map((_, i) => encodeRegister(i, values)).join('');
}

/** Why `regnum` cannot be written, or null when it can (a session register: GPRs, rip, eflags, control registers). */
export function readOnlyReason(regnum: number): string | null {
  const r = REGISTERS[regnum];
  if (r === undefined) return `no register number ${regnum}`;
  if (r.source.from === 'regs') return null;
  if (r.source.from === 'segments') return `$${r.name} is read-only in vdbg (segment registers are shown, not written)`;
  return `$${r.name} is read-only in vdbg (the x87/SSE registers are shown, not written)`;
}

/** P: writes one register of the vCPU through the session; throws (readOnlyReason, or the session's refusal). */
export function writeRegister(session: SessionApi, regnum: number, hex: string): void {
  const why = readOnlyReason(regnum);
  if (why !== null) throw new CommandError(REGISTERS[regnum] === undefined ? 'no-such-reg' : 'bad-args', why);
  const r = REGISTERS[regnum];
  if (hex.length !== r.bitsize / 4) throw new CommandError('bad-args', `$${r.name} is ${r.bitsize / 8} bytes, got ${hex.length / 2}`);
  session.setRegister(r.source.key, fromLeHex(hex));
}

/**
 * G: writes the registers whose value changed (GPRs, rip, eflags, control
 * registers). The rest — the read-only segment, x87 and SSE registers —
 * are ignored, as is any register given as `xx`.
 */
export function writeRegisters(session: SessionApi, hex: string): void {
  const current = vcpuRegisters(session);
  let at = 0;
  const writes: [string, bigint][] = [];
  for (let i = 0; i < REGISTERS.length && at < hex.length; i++) {
    const r = REGISTERS[i];
    const part = hex.slice(at, at + r.bitsize / 4);
    at += r.bitsize / 4;
    if (part.length < r.bitsize / 4 || part.includes('x') || readOnlyReason(i) !== null) continue;
    const key = r.source.key;
    const v = fromLeHex(part);
    // eflags is 32 bits of rflags: compare what gdb could have seen.
    if (v !== BigInt.asUintN(r.bitsize, current[key])) writes.push([key, v]);
  }
  for (const [k, v] of writes) session.setRegister(k, v);
}

/** `NN:value;` for each named gdb register (the T packet's expedited registers, Stop Reply Packets › T). */
export function expedite(values: ThreadRegisters, names: readonly string[]): string {
  return names.map((n) => `${REGNUM[n].toString(16).padStart(2, '0')}:${encodeRegister(REGNUM[n], values)};`).join('');
}
