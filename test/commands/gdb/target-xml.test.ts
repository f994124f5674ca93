import { describe, expect, it } from 'vitest';
import { encodeRegister, encodeRegisters, readOnlyReason, REGISTERS, REGNUM } from '../../../src/commands/gdb/registers.ts';
import { readFeatures, TARGET_XML } from '../../../src/commands/gdb/target-xml.ts';

describe('target description (Target Descriptions › Target Description Format)', () => {
  it('lists every register once, in protocol-number order, in the features gdb expects', () => {
    const regs = [...TARGET_XML.matchAll(/<reg name="([^"]+)" bitsize="(\d+)"/g)].map((m) => `${m[1]}/${m[2]}`);
    expect(regs).toEqual(REGISTERS.map((r) => `${r.name}/${r.bitsize}`));
    const features = [...TARGET_XML.matchAll(/<feature name="([^"]+)">/g)].map((m) => m[1]);
    expect(features).toEqual(['org.gnu.gdb.i386.core', 'org.gnu.gdb.i386.sse', 'org.gnu.gdb.i386.segments', 'org.vdbg.gdb.x86-64.sys']);
    expect(TARGET_XML).toContain('<architecture>i386:x86-64</architecture>');
  });

  it('keeps gdb\'s amd64 numbers for the core registers', () => {
    expect([REGNUM.rax, REGNUM.rbp, REGNUM.rsp, REGNUM.rip, REGNUM.eflags, REGNUM.cs, REGNUM.gs, REGNUM.st0, REGNUM.fctrl, REGNUM.xmm0, REGNUM.mxcsr]).toEqual([
      0, 6, 7, 16, 17, 18, 23, 24, 32, 40, 56,
    ]);
    expect([REGNUM.fs_base, REGNUM.gs_base, REGNUM.cr0, REGNUM.cr3, REGNUM.efer]).toEqual([57, 58, 59, 61, 64]);
  });

  it('defines every non-predefined type it uses, in the same feature', () => {
    const predefined = new Set(['int', 'int32', 'int64', 'uint64', 'data_ptr', 'code_ptr', 'i387_ext']);
    for (const f of TARGET_XML.split('<feature ').slice(1)) {
      const defined = new Set([...f.matchAll(/<(?:flags|vector|union) id="([^"]+)"/g)].map((m) => m[1]));
      for (const [, type] of f.matchAll(/<reg [^>]*type="([^"]+)"/g)) expect(predefined.has(type) || defined.has(type), type).toBe(true);
    }
    expect(TARGET_XML.split('<feature').length - 1).toBe(TARGET_XML.split('</feature>').length - 1);
  });

  it('serves target.xml in m/l chunks that reassemble to the document', () => {
    let out = '';
    for (let off = 0; ; off += 0x100) {
      const r = readFeatures('target.xml', off, 0x100)!;
      out += r.slice(1);
      if (r[0] === 'l') break;
      expect(r[0]).toBe('m');
    }
    expect(out).toBe(TARGET_XML);
    expect(readFeatures('target.xml', TARGET_XML.length, 10)).toBe('l');
    expect(readFeatures('other.xml', 0, 10)).toBeNull();
  });
});

describe('register mapping (Packets › g, p)', () => {
  const values = { rax: 0x1122334455667788n, rip: 0x400004a0n, rflags: 0x246n, cs: 0x23n, cr3: 0x117000n, fs_base: 0n };

  it('encodes little-endian values of each register\'s size, xx for what the session cannot read', () => {
    expect(encodeRegister(REGNUM.rax, values)).toBe('8877665544332211');
    expect(encodeRegister(REGNUM.eflags, values)).toBe('46020000');
    expect(encodeRegister(REGNUM.cs, values)).toBe('23000000');
    expect(encodeRegister(REGNUM.rbx, values)).toBe('xx'.repeat(8));
    expect(encodeRegister(REGNUM.st0, values)).toBe('xx'.repeat(10));
    expect(encodeRegister(REGNUM.xmm15, values)).toBe('xx'.repeat(16));
    const fpu = { st0: 0x3fff_8000_0000_0000_0000n, xmm15: 0x0102030405060708_090a0b0c0d0e0f10n, mxcsr: 0x1f80n };
    expect(encodeRegister(REGNUM.st0, fpu)).toBe('0000000000000080ff3f');
    expect(encodeRegister(REGNUM.xmm15, fpu)).toBe('100f0e0d0c0b0a090807060504030201');
    expect(encodeRegister(REGNUM.mxcsr, fpu)).toBe('801f0000');
    const g = encodeRegisters(values);
    expect(g.length).toBe(REGISTERS.reduce((n, r) => n + r.bitsize / 4, 0));
    expect(g.slice(16 * 16, 17 * 16)).toBe('a004004000000000'); // rip at offset 16 × 8 bytes
  });

  it('says why a register cannot be written', () => {
    expect(readOnlyReason(REGNUM.rax)).toBeNull();
    expect(readOnlyReason(REGNUM.cr3)).toBeNull();
    expect(readOnlyReason(REGNUM.cs)).toMatch(/read-only/);
    expect(readOnlyReason(REGNUM.xmm0)).toMatch(/read-only/);
    expect(readOnlyReason(REGNUM.fctrl)).toMatch(/read-only/);
    expect(readOnlyReason(999)).toMatch(/no register number 999/);
  });
});
