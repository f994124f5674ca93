/**
 * The x87/SSE commands on an emulated session: `print $xmm0` in gdb's vec128
 * union form, lanes, `$st0`, `$fctrl`…, `$mxcsr`; `set` through a path
 * (KVM_SET_FPU) and read back (KVM_GET_FPU); `info float`, `info vector`,
 * `info all-registers`, `info registers $xmm0`. The emulator does not run
 * SSE/x87 instructions yet, so the state is set through the uAPI here;
 * test/commands/session/fpu-kvm.test.ts reads what real instructions leave.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Session } from '../../../src/commands/session/session.ts';
import { runLine } from '../../../src/commands/lang/registry.ts';
import { formatJson, formatText } from '../../../src/commands/lang/format.ts';
import { fpuFromLegacy, fpuToLegacy } from '../../../src/commands/session/fpu.ts';
import { readLegacyRegion } from '../../../src/core/uapi/xsave.ts';

let s: Session;
beforeAll(async () => {
  s = await Session.open({ backend: 'emu' });
});
afterAll(async () => {
  await s.close();
});

async function ok(line: string): Promise<string> {
  const o = (await runLine(s, line))!;
  if (o.result.kind === 'error') throw new Error(`${line}: ${o.result.error.line}`);
  return formatText(o.result);
}
async function err(line: string): Promise<string> {
  const o = (await runLine(s, line))!;
  if (o.result.kind !== 'error') throw new Error(`${line} did not fail`);
  return o.result.error.line;
}
async function json(line: string): Promise<Record<string, unknown>> {
  const o = (await runLine(s, line))!;
  return JSON.parse(formatJson(o.cmd, o.result)) as Record<string, unknown>;
}

const ZERO_UNION =
  '{v8_bfloat16 = {0, 0, 0, 0, 0, 0, 0, 0}, v8_half = {0, 0, 0, 0, 0, 0, 0, 0}, v4_float = {0, 0, 0, 0}, v2_double = {0, 0}, ' +
  'v16_int8 = {0 <repeats 16 times>}, v8_int16 = {0, 0, 0, 0, 0, 0, 0, 0}, v4_int32 = {0, 0, 0, 0}, v2_int64 = {0, 0}, uint128 = 0}';

describe('x87/SSE registers in the command language (emu)', () => {
  it('paths in gdb C expressions: print/FMT at the element type, x at a lane, history; a float or vector under /FMT refused', async () => {
    await ok('set $xmm6.v2_int64[0] = -1');
    await ok('set $xmm6.v2_int64[1] = $rsp');
    // typed by the element: an int64_t lane is signed and 8 bytes, a v4_int32 lane 4 bytes
    expect(await ok('p/x $xmm6.v2_int64[0]')).toBe('$xmm6.v2_int64[0] = 0xffffffffffffffff');
    expect(await ok('p/d $xmm6.v2_int64[0]')).toBe('$xmm6.v2_int64[0] = -1');
    expect(await ok('p/x $xmm6.v4_int32[0]')).toBe('$xmm6.v4_int32[0] = 0xffffffff');
    expect(await ok('p $xmm6.v2_int64[0] < 0')).toMatch(/^\$xmm6\.v2_int64\[0\] < 0 = 0x0000000000000001 /);
    expect(await ok('x/1xg $xmm6.v2_int64[1]')).toBe(await ok('x/1xg $rsp'));
    expect(await ok('p/x $fctrl')).toBe('$fctrl = 0x37f');
    expect(await err('p/x $xmm6')).toMatch(/is a vector: print it on its own/);
    expect(await err('p/x $st0')).toMatch(/is a floating-point value/);
  });

  it('print $xmm0 at reset: gdb’s union form with <repeats>', async () => {
    expect(await ok('p $xmm15')).toBe(`$xmm15 = ${ZERO_UNION}`);
    expect(await ok('p $mxcsr')).toBe('$mxcsr = [ IM DM ZM OM UM PM ]');
    expect(await ok('p $fctrl')).toBe('$fctrl = 895');
    expect(await json('p $xmm2.v4_int32')).toEqual({ cmd: 'print', ok: true, result: { expr: '$xmm2.v4_int32', value: '{0, 0, 0, 0}' } });
  });

  it('set lanes through KVM_SET_FPU and read them back in every view of the union', async () => {
    await ok('set $xmm0.v4_float[0] = 1.5');
    await ok('set $xmm1.v2_int64[0] = -2');
    await ok('set $xmm1.v16_int8[15] = 0x107'); // truncated to the element, as C assignment does
    expect(await ok('p $xmm0')).toBe(
      '$xmm0 = {v8_bfloat16 = {0, 1.5, 0, 0, 0, 0, 0, 0}, v8_half = {0, 1.9375, 0, 0, 0, 0, 0, 0}, v4_float = {1.5, 0, 0, 0}, ' +
        'v2_double = {5.2842668622670356e-315, 0}, v16_int8 = {0, 0, -64, 63, 0 <repeats 12 times>}, v8_int16 = {0, 16320, 0, 0, 0, 0, 0, 0}, ' +
        'v4_int32 = {1069547520, 0, 0, 0}, v2_int64 = {1069547520, 0}, uint128 = 1069547520}',
    );
    expect(await ok('p $xmm0.v4_float[0]')).toBe('$xmm0.v4_float[0] = 1.5');
    expect(await ok('p $xmm1.v2_int64')).toBe('$xmm1.v2_int64 = {-2, 504403158265495552}');
    expect(await ok('p $xmm1.v16_int8')).toBe('$xmm1.v16_int8 = {-2, -1, -1, -1, -1, -1, -1, -1, 0, 0, 0, 0, 0, 0, 0, 7}');
    // integer lanes take part in expressions; the raw bytes are what the uAPI holds
    expect(await ok('p $xmm1.v4_int32[3] + 1')).toBe('$xmm1.v4_int32[3] + 1 = 0x0000000007000001 (117440513)');
    const raw = s.fpu().xmm[1];
    expect(Array.from(raw)).toEqual([0xfe, ...Array(7).fill(0xff), 0, 0, 0, 0, 0, 0, 0, 7]);
    await ok('set $xmm3 = 0xffffffffffffffffffffffffffffffff');
    expect(await ok('p $xmm3.uint128')).toBe('$xmm3.uint128 = 340282366920938463463374607431768211455');
    await ok('set $xmm3.v2_double[1] = nan');
    await ok('set $xmm3.v2_double[0] = -inf');
    expect(await ok('p $xmm3.v2_double')).toBe('$xmm3.v2_double = {-inf, nan(0x8000000000000)}');
  });

  it('$st0 as a long double; info float in gdb’s layout', async () => {
    await ok('set $st0 = 3.25');
    await ok('set $fstat = 0x3800'); // TOP = 7
    await ok('set $ftag = 0x3fff'); // R7 valid, the rest empty
    expect(await ok('p $st0')).toBe('$st0 = 3.25');
    expect(await ok('info float')).toBe([
      '=>R7: Valid   0x4000d000000000000000 +3.25',
      '  R6: Empty   0x00000000000000000000',
      '  R5: Empty   0x00000000000000000000',
      '  R4: Empty   0x00000000000000000000',
      '  R3: Empty   0x00000000000000000000',
      '  R2: Empty   0x00000000000000000000',
      '  R1: Empty   0x00000000000000000000',
      '  R0: Empty   0x00000000000000000000',
      '',
      'Status Word:         0x3800',
      '                       TOP: 7',
      'Control Word:        0x037f   IM DM ZM OM UM PM',
      '                       PC: Extended Precision (64-bits)',
      '                       RC: Round to nearest',
      'Tag Word:            0x3fff',
      'Instruction Pointer: 0x00:0x00000000',
      'Operand Pointer:     0x00:0x00000000',
      'Opcode:              0x0000',
    ].join('\n'));
    // the emulated x87 holds it: TOP 7, R7 in use, the abridged tag derived from the full one
    expect(s.fpu().ftag).toBe(0x3fff);
    await ok('set $fctrl = 0x0d7f');
    await ok('set $fop = 0x1eb');
    expect((await ok('info float')).split('\n').slice(11)).toEqual([
      'Control Word:        0x0d7f   IM DM ZM OM UM PM',
      '                       PC: Reserved',
      '                       RC: Round toward zero',
      'Tag Word:            0x3fff',
      'Instruction Pointer: 0x00:0x00000000',
      'Operand Pointer:     0x00:0x00000000',
      'Opcode:              0xd9eb',
    ]);
  });

  it('info registers $xmm0 $st0 $mxcsr: gdb’s columns (15, 35), XMM in hex; JSON objects', async () => {
    const text = await ok('info registers $rax $st0 $fctrl $mxcsr $xmm0');
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^rax {2}0x[0-9a-f]{16}$/);
    expect(lines[1]).toBe('st0            3.25                (raw 0x4000d000000000000000)');
    expect(lines[2]).toBe('fctrl          0xd7f               3455');
    expect(lines[3]).toBe('mxcsr          0x1f80              [ IM DM ZM OM UM PM ]');
    expect(lines[4]).toBe(
      'xmm0           {v8_bfloat16 = {0x0, 0x3fc0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0}, v8_half = {0x0, 0x3fc0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0}, ' +
        'v4_float = {0x3fc00000, 0x0, 0x0, 0x0}, v2_double = {0x3fc00000, 0x0}, v16_int8 = {0x0, 0x0, 0xc0, 0x3f, 0x0 <repeats 12 times>}, ' +
        'v8_int16 = {0x0, 0x3fc0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0}, v4_int32 = {0x3fc00000, 0x0, 0x0, 0x0}, v2_int64 = {0x3fc00000, 0x0}, uint128 = 0x3fc00000}',
    );
    const j = (await json('info registers $st0 $mxcsr')).result as Record<string, unknown>;
    expect(j).toEqual({ st0: { value: '3.25', raw: '0x4000d000000000000000' }, mxcsr: { value: '0x1f80', natural: '[ IM DM ZM OM UM PM ]' } });
  });

  it('info vector: xmm0–xmm15 then mxcsr; info all-registers: info registers all, then the FPU in gdb’s order', async () => {
    const v = (await ok('info vector')).split('\n');
    expect(v.map((l) => l.split(/\s+/)[0])).toEqual([...Array.from({ length: 16 }, (_, k) => `xmm${k}`), 'mxcsr']);
    expect(v[15]).toBe(`xmm15          ${ZERO_UNION.replace(/(\d+)( <repeats|,|\})/g, (_m, n: string, t: string) => `0x${Number(n).toString(16)}${t}`)}`);
    const all = (await ok('info all-registers')).split('\n');
    const regsAll = (await ok('info registers all')).split('\n');
    expect(all.slice(0, regsAll.length)).toEqual(regsAll);
    expect(all.slice(regsAll.length).map((l) => l.split(/\s+/)[0])).toEqual([
      'st0', 'st1', 'st2', 'st3', 'st4', 'st5', 'st6', 'st7', 'fctrl', 'fstat', 'ftag', 'fiseg', 'fioff', 'foseg', 'fooff', 'fop',
      ...Array.from({ length: 16 }, (_, k) => `xmm${k}`), 'mxcsr',
    ]);
    expect(await ok('info registers')).not.toMatch(/xmm|st0/); // the default stays as it was
  });

  it('refuses what does not exist, naming it', async () => {
    expect(await err('set $xmm0.v4_flot[0] = 1')).toBe("there is no member named v4_flot in $xmm0 (did you mean 'v4_float'?)");
    expect(await err('p $xmm0.v4_float[4]')).toBe('$xmm0.v4_float[4]: index out of range (v4_float has 4 elements)');
    expect(await err('p $st0.x')).toBe('$st0.x: $st0 has no members');
    expect(await err('p $xmm0.v4_float[0] + 1')).toMatch(/is a floating-point value: print it on its own/);
    expect(await err('set $xmm0.v4_float = 1')).toMatch(/cannot assign a whole v4_float/);
  });
});

describe('x/i and disassemble on SSE and x87 code', () => {
  it('show the instructions (a raw image on emu)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vdbg-sse-'));
    const file = join(dir, 'sse.bin');
    writeFileSync(file, Uint8Array.from([0x66, 0x0f, 0x6e, 0xc0, 0xdb, 0x2c, 0x24, 0xf3, 0x0f, 0xb8, 0xc1, 0xf4]));
    const t = await Session.open({ backend: 'emu', image: 'tiny' });
    try {
      await t.loadRaw(file, 0x10000n);
      const o = (await runLine(t, 'x/4i $rip'))!;
      expect(formatText(o.result)).toBe([
        '=>     0x0000000000010000:  66 0f 6e c0                 movd xmm0, eax',
        '       0x0000000000010004:  db 2c 24                    fld tbyte ptr [rsp]',
        '       0x0000000000010007:  f3 0f b8 c1                 popcnt eax, ecx',
        '       0x000000000001000b:  f4                          hlt',
      ].join('\n'));
    } finally {
      await t.close();
    }
  });
});

describe('legacy region ↔ gdb registers (session/fpu.ts)', () => {
  it('derives the full tag word from the abridged one and the contents, and back', () => {
    const r = readLegacyRegion(new Uint8Array(4096));
    r.fsw = 5 << 11; // TOP = 5
    r.abridgedTag = 0b1110_0000; // R5, R6, R7 in use = ST(0), ST(1), ST(2)
    r.st[0] = 0x3fff_8000000000000000n; // 1.0: valid
    // ST(1) all zero: zero; ST(2) = exponent 0x7fff: special
    r.st[2] = 0x7fff_8000000000000000n;
    r.fiseg = 0x12345678;
    r.fioff = 0x9abcdef0;
    const f = fpuFromLegacy(r);
    expect(f.ftag.toString(2).padStart(16, '0')).toBe('1001' + '00' + '1111111111'); // R7 special, R6 zero, R5 valid, R4–R0 empty
    expect(Array.from(f.st[0])).toEqual([0, 0, 0, 0, 0, 0, 0, 0x80, 0xff, 0x3f]);
    expect(fpuToLegacy(f)).toEqual(r);
  });
});
