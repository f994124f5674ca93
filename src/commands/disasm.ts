/**
 * Intel-syntax disassembly for `disassemble`, `x/Ni` and the TUI's code
 * pane: iced-x86 decodes and formats (hex as `0x…`, `[rbx + 4*rcx - 0x10]`
 * like llvm-mc), branch and RIP-relative targets get their symbol
 * (`call 0x401020 <counter_main>`), and APX (REX2, 0xD5) encodings, which
 * iced cannot decode, go through our own decoder and formatter
 * (src/emu/disasm-apx.ts). Each line also carries the data the views mark:
 * the breakpoint at that address and whether RIP is there.
 */
import { Code, Decoder, DecoderOptions, Formatter, FormatterSyntax, type Instruction, MemorySizeOptions, OpKind } from 'iced-x86';
import type { SymbolTable } from '../core/loader/symbols.ts';
import { decodeBytes } from '../emu/decode.ts';
import { formatApx } from '../emu/disasm-apx.ts';
import type { Breakpoint } from './session/types.ts';

export interface DisasmLine {
  addr: bigint;
  /** Instruction length in bytes. */
  len: number;
  /** The instruction bytes as `48 89 c3`. */
  bytes: string;
  /** Intel syntax with branch/RIP-relative targets' symbols: `call 0x401020 <counter_main>`. */
  text: string;
  /** The address as `name+off` / `name`, when a symbol covers it. */
  symbol?: string;
  /** The number of an enabled execute breakpoint (break/hbreak) at this address. */
  bp?: number;
  /** RIP is at this instruction. */
  current: boolean;
  /** A direct call/jump target, for the views (follow the branch). */
  target?: bigint;
  /** The instruction is a `call` (for nexti-like views). */
  isCall: boolean;
  /** Encoded with REX2 and formatted by our own decoder. */
  apx: boolean;
}

export interface DisasmOptions {
  /** Stop after this many instructions (default: as many as the bytes hold). */
  count?: number;
  symbols?: SymbolTable;
  breakpoints?: readonly Breakpoint[];
  rip?: bigint;
}

/** Offsets past a size-less label (linker symbols like `__udata_end`) beyond this are not named by it. */
const MAX_LABEL_OFFSET = 0x1000;

/**
 * `name+off` for an address, as the debugger prints locations: the symbol
 * covering it, or a size-less label at most 4 KiB below it; else undefined.
 */
export function symbolize(symbols: SymbolTable | undefined, addr: bigint): string | undefined {
  const a = symbols?.at(addr);
  if (a === undefined || (a.symbol.size === 0 && a.offset >= MAX_LABEL_OFFSET)) return undefined;
  return a.offset === 0 ? a.symbol.name : `${a.symbol.name}+${a.offset}`;
}

let formatter: Formatter | undefined;
function getFormatter(): Formatter {
  if (formatter === undefined) {
    const f = new Formatter(FormatterSyntax.Intel);
    f.hexPrefix = '0x';
    f.hexSuffix = '';
    f.uppercaseHex = false;
    f.spaceAfterOperandSeparator = true;
    f.spaceBetweenMemoryAddOperators = true;
    f.scaleBeforeIndex = true;
    f.branchLeadingZeros = false;
    f.showBranchSize = false;
    f.ripRelativeAddresses = false;
    f.memorySizeOptions = MemorySizeOptions.Always;
    formatter = f;
  }
  return formatter;
}

/**
 * iced's Intel syntax writes x87's implicit ST(0) as an operand (`fld st,
 * tbyte ptr [rsp]`, `fstp qword ptr [rsp + 8], st`); objdump and gdb leave
 * it out (`fld tbyte ptr [rsp]`), and so does this: a formatter operand
 * that is no instruction operand and reads `st` is dropped.
 */
function formatInstruction(fmt: Formatter, ins: Instruction): string {
  const n = fmt.operandCount(ins);
  if (n <= ins.opCount) return fmt.format(ins);
  const implicitSt = (k: number) => fmt.getInstructionOperand(ins, k) == null && fmt.formatOperand(ins, k) === 'st';
  const ops = Array.from({ length: n }, (_, k) => k).filter((k) => !implicitSt(k));
  if (ops.length === n) return fmt.format(ins);
  const mnemonic = fmt.formatMnemonic(ins);
  return ops.length === 0 ? mnemonic : `${mnemonic} ${ops.map((k) => fmt.formatOperand(ins, k)).join(', ')}`;
}

const hexByte = (b: number) => b.toString(16).padStart(2, '0');
const MASK = (1n << 64n) - 1n;

/** The APX (REX2) instruction at `off`, if the bytes are one: legacy prefixes then 0xD5. */
function decodeApx(bytes: Uint8Array, off: number): { len: number; text: string } | undefined {
  let k = off;
  while (k < bytes.length && k - off < 14 && [0x66, 0x67, 0xf0, 0xf2, 0xf3, 0x2e, 0x36, 0x3e, 0x26, 0x64, 0x65].includes(bytes[k])) k++;
  if (bytes[k] !== 0xd5) return undefined;
  try {
    const i = decodeBytes(bytes.subarray(off, Math.min(bytes.length, off + 15)));
    if (!i.rex2 || i.len === 0) return undefined;
    return { len: i.len, text: formatApx(i) };
  } catch {
    return undefined;
  }
}

/** Disassemble `bytes` as 64-bit code at virtual address `addr`. A truncated last instruction is left out. */
export function disassemble(bytes: Uint8Array, addr: bigint, opts: DisasmOptions = {}): DisasmLine[] {
  const { count = Infinity, symbols, breakpoints = [], rip } = opts;
  const bpAt = new Map<bigint, number>();
  for (const b of breakpoints) if (b.enabled && b.kind !== 'watch' && !bpAt.has(b.addr)) bpAt.set(b.addr, b.number);
  const fmt = getFormatter();
  const dec = new Decoder(64, bytes, DecoderOptions.None);
  const out: DisasmLine[] = [];
  try {
    let off = 0;
    while (off < bytes.length && out.length < count) {
      const at = (addr + BigInt(off)) & MASK;
      dec.ip = at;
      dec.position = off;
      const ins = dec.decode();
      let len: number, text: string, target: bigint | undefined, isCall = false, apx = false;
      try {
        if (ins.code === Code.INVALID) {
          const a = decodeApx(bytes, off);
          if (a !== undefined) {
            len = a.len;
            text = a.text;
            apx = true;
          } else {
            // iced says INVALID also for an instruction cut off by the end of the bytes.
            if (bytes.length - off < 15 && out.length > 0) break;
            len = 1;
            text = '(bad)';
          }
        } else {
          len = ins.length;
          text = formatInstruction(fmt, ins);
          isCall = ins.isCallNear || ins.isCallFar;
          if (ins.op0Kind === OpKind.NearBranch64) target = ins.nearBranchTarget;
          else if (ins.isIpRelMemoryOperand) target = ins.ipRelMemoryAddress;
          if (target !== undefined) {
            const s = symbolize(symbols, target);
            if (s !== undefined) text += ` <${s}>`;
            if (ins.isIpRelMemoryOperand) target = undefined;
          }
        }
      } finally {
        ins.free();
      }
      if (off + len > bytes.length) break;
      const line: DisasmLine = {
        addr: at,
        len,
        bytes: Array.from(bytes.subarray(off, off + len), hexByte).join(' '),
        text,
        current: rip === at,
        isCall,
        apx,
      };
      const sym = symbolize(symbols, at);
      if (sym !== undefined) line.symbol = sym;
      const bp = bpAt.get(at);
      if (bp !== undefined) line.bp = bp;
      if (target !== undefined) line.target = target;
      out.push(line);
      off += len;
    }
  } finally {
    dec.free();
  }
  return out;
}
