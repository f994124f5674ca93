import { describe, expect, it } from 'vitest';
import { readElfFile } from '../../src/core/loader/elf.ts';
import { SymbolTable } from '../../src/core/loader/symbols.ts';
import { disassemble } from '../../src/commands/disasm.ts';
import type { Breakpoint } from '../../src/commands/session/types.ts';

const elf = readElfFile('guests/vmos/vmos.elf');
const symbols = new SymbolTable(elf.symbols);

/** The image's bytes at a virtual address (from the file, as the loader places them). */
function bytesAt(addr: bigint, len: number): Uint8Array {
  const seg = elf.segments.find((g) => addr >= g.vaddr && addr < g.vaddr + BigInt(g.filesz))!;
  const off = seg.offset + Number(addr - seg.vaddr);
  return elf.bytes.subarray(off, off + len);
}

const bp = (number: number, addr: bigint, kind: Breakpoint['kind'] = 'break', enabled = true): Breakpoint => ({
  number, addr, kind, enabled, location: '', len: 1, access: 'write', condition: null, hits: 0, slot: null,
});

describe('disassemble', () => {
  const main = symbols.get('counter_main')!;

  it('formats Intel syntax with branch and RIP-relative targets named by symbol', () => {
    const lines = disassemble(bytesAt(main.value, main.size), main.value, { symbols });
    const at = (off: number) => lines.find((l) => l.addr === main.value + BigInt(off))!;
    expect(lines[0]).toMatchObject({ text: 'xor edx, edx', bytes: '31 d2', len: 2, symbol: 'counter_main', current: false });
    expect(at(55)).toMatchObject({ text: 'call 0x40000000 <printf>', isCall: true, target: 0x40000000n, symbol: 'counter_main+55' });
    expect(at(60).text).toBe('jmp 0x40000506 <counter_main+102>');
    expect(at(64).text).toBe('mov rdx, qword ptr [0x40100010] <count>');
    expect(at(64).target).toBeUndefined();
    expect(at(150).text).toBe('nop word ptr [rax + rax]');
    // Instructions tile the function exactly.
    expect(lines.reduce((s, l) => s + l.len, 0)).toBe(main.size);
  });

  it('marks RIP and enabled execute breakpoints (not watchpoints, not disabled ones)', () => {
    const lines = disassemble(bytesAt(main.value, 16), main.value, {
      symbols,
      rip: main.value + 4n,
      breakpoints: [bp(1, main.value + 2n), bp(2, main.value + 4n, 'hbreak'), bp(3, main.value + 9n, 'watch'), bp(4, main.value, 'break', false)],
    });
    expect(lines.map((l) => [l.symbol, l.bp, l.current])).toEqual([
      ['counter_main', undefined, false],
      ['counter_main+2', 1, false],
      ['counter_main+4', 2, true],
      ['counter_main+9', undefined, false],
      ['counter_main+10', undefined, false],
      ['counter_main+13', undefined, false],
    ]);
  });

  it('formats APX (REX2) encodings with our own decoder', () => {
    const fill = symbols.get('apx_fill')!;
    const lines = disassemble(bytesAt(fill.value, 17), fill.value, { symbols });
    expect(lines.map((l) => [l.bytes, l.text, l.apx])).toEqual([
      ['48 89 f8', 'mov rax, rdi', false],
      ['d5 18 89 c0', 'mov r16, rax', true],
      ['48 ff c0', 'inc rax', false],
      ['d5 18 89 c1', 'mov r17, rax', true],
      ['48 ff c0', 'inc rax', false],
    ]);
  });

  it('honours count, leaves out a cut-off last instruction, and shows (bad) for undecodable bytes', () => {
    expect(disassemble(bytesAt(main.value, 64), main.value, { count: 3 }).map((l) => l.text)).toEqual(['xor edx, edx', 'push r12', 'mov eax, 2']);
    // 0x400004a4 is `mov eax, 2` (5 bytes): 6 bytes hold xor, push and not the mov.
    expect(disassemble(bytesAt(main.value, 6), main.value).map((l) => l.text)).toEqual(['xor edx, edx', 'push r12']);
    expect(disassemble(new Uint8Array([0x06, 0xc3]), 0x1000n).map((l) => [l.text, l.len])).toEqual([['(bad)', 1], ['ret', 1]]);
    expect(disassemble(new Uint8Array([]), 0x1000n)).toEqual([]);
  });
});

describe('disassemble: SSE … SSE4.2 and x87 (iced-x86)', () => {
  // The bytes of `gcc -O2` style code; texts as objdump -M intel writes them (spacing aside).
  const code = Uint8Array.from([
    0x66, 0x0f, 0x6e, 0xc0, //             movd xmm0, eax
    0x66, 0x0f, 0x76, 0xc9, //             pcmpeqd xmm1, xmm1
    0xf2, 0x0f, 0x58, 0xc1, //             addsd xmm0, xmm1
    0x0f, 0x28, 0x05, 0x10, 0, 0, 0, //    movaps xmm0, [rip+0x10]
    0x66, 0x0f, 0x3a, 0x63, 0xc1, 0x0c, // pcmpistri xmm0, xmm1, 0xc
    0xf2, 0x48, 0x0f, 0x38, 0xf1, 0xc1, // crc32 rax, rcx
    0x0f, 0xae, 0x55, 0x00, //             ldmxcsr [rbp]
    0xd9, 0xe8, //                         fld1
    0xdb, 0x2c, 0x24, //                   fld tbyte ptr [rsp]
    0xdd, 0x5c, 0x24, 0x08, //             fstp qword ptr [rsp+8]
    0xd8, 0xc1, //                         fadd st, st(1)
    0xde, 0xc1, //                         faddp
    0xdf, 0xe0, //                         fnstsw ax
  ]);

  it('shows every one, x87 memory forms without iced’s implicit `st` operand', () => {
    expect(disassemble(code, 0x10000n).map((l) => l.text)).toEqual([
      'movd xmm0, eax',
      'pcmpeqd xmm1, xmm1',
      'addsd xmm0, xmm1',
      'movaps xmm0, xmmword ptr [0x10023]',
      'pcmpistri xmm0, xmm1, 0xc',
      'crc32 rax, rcx',
      'ldmxcsr dword ptr [rbp]',
      'fld1',
      'fld tbyte ptr [rsp]',
      'fstp qword ptr [rsp + 8]',
      'fadd st, st(1)',
      'faddp',
      'fnstsw ax',
    ]);
  });
});
