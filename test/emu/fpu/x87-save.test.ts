/**
 * FXSAVE / FSAVE / kvm_fpu images. The "fxsave" vectors hold, for one machine
 * state each, the host's FXSAVE64 bytes 0–159 and its FNSAVE image: reading
 * either into an X87State and writing the other format must give the
 * host's bytes, except the pointer fields (FOP/FIP/FDP: the reference CPU
 * keeps them in FXSAVE only while an exception is pending) and MXCSR.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { X87State } from '../../../src/emu/fpu/x87-state.ts';
import {
  FSAVE_SIZE, KVM_FPU, KVM_FPU_SIZE, readFsave, readFxsave, readKvmFpu, writeFsave, writeFstenv, writeFxsave, writeKvmFpu,
  readFldenv,
} from '../../../src/emu/fpu/x87-save.ts';
import { prng } from '../prng.ts';

const raw = JSON.parse(readFileSync(new URL('./fixtures/f80-vectors.json', import.meta.url), 'utf8')) as { fxsave: string[] };
const bytes = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h, 'hex'));
const hexOf = (b: Uint8Array, from: number, to: number): string => Buffer.from(b.subarray(from, to)).toString('hex');

/** The bytes to compare: everything but [skipFrom, skipTo) ranges. */
function masked(b: Uint8Array, skips: [number, number][]): string {
  const c = Uint8Array.from(b);
  for (const [f, t] of skips) c.fill(0, f, t);
  return Buffer.from(c).toString('hex');
}

describe('FXSAVE and FSAVE images against the host', () => {
  const recs = raw.fxsave.map((r) => r.split('|').map(bytes));
  it(`FNSAVE image → X87State → FXSAVE64 bytes 0–159 (${recs.length} states)`, () => {
    const bad: string[] = [];
    for (const [fx, fn] of recs) {
      const s = new X87State();
      readFsave(s, fn, 0);
      const out = new Uint8Array(160).fill(0xa5);
      writeFxsave(s, out, 0, true);
      const skip: [number, number][] = [[6, 32]];
      if (masked(out, skip) !== masked(fx, skip)) bad.push(`${hexOf(fx, 0, 8)}: got ${hexOf(out, 0, 8)} regs ${masked(out, skip) === masked(fx, skip)}`);
    }
    expect(bad.slice(0, 5)).toEqual([]);
  });
  it(`FXSAVE64 bytes → X87State → FNSAVE image (full tags rebuilt from the abridged ones) (${recs.length} states)`, () => {
    const bad: string[] = [];
    for (const [fx, fn] of recs) {
      const s = new X87State();
      readFxsave(s, fx, 0, true);
      const out = new Uint8Array(FSAVE_SIZE);
      writeFsave(s, out, 0);
      const skip: [number, number][] = [[12, 28]];
      if (masked(out, skip) !== masked(fn, skip)) bad.push(`want ${hexOf(fn, 0, 12)} got ${hexOf(out, 0, 12)}`);
    }
    expect(bad.slice(0, 5)).toEqual([]);
  });
  it('the 32-bit FXSAVE layout and FSTENV carry FIP/FCS/FOP/FDP/FDS; FXSAVE64 the 64-bit pointers', () => {
    const s = new X87State();
    s.init();
    s.setControlWord(0x37e);
    s.signal(0x1); // an unmasked #IA pending (ES): the pointers are stored (see the next test otherwise)
    s.fop = 0x7dd; s.fip = 0x12345678; s.fcs = 0x33; s.fdp = 0x9abcdef0; s.fds = 0x2b;
    const fx = new Uint8Array(160);
    writeFxsave(s, fx, 0, false);
    expect(hexOf(fx, 6, 24)).toBe('dd07' + '78563412' + '3300' + '0000' + 'f0debc9a' + '2b00' + '0000');
    const t = new X87State();
    readFxsave(t, fx, 0, false);
    expect([t.fop, t.fip, t.fcs, t.fdp, t.fds]).toEqual([0x7dd, 0x12345678, 0x33, 0x9abcdef0, 0x2b]);
    s.fip = -0x7ffffff0; s.fdp = 0x7fff_1234_5678;
    writeFxsave(s, fx, 0, true);
    expect(hexOf(fx, 8, 24)).toBe('10000080ffffffff' + '78563412ff7f0000');
    readFxsave(t, fx, 0, true);
    expect([t.fip, t.fdp]).toEqual([-0x7ffffff0, 0x7fff_1234_5678]);
    const env = new Uint8Array(28);
    s.fip = 0x12345678; s.fdp = 0x9abcdef0;
    writeFstenv(s, env, 0);
    expect(hexOf(env, 12, 28)).toBe('78563412' + '3300dd07' + 'f0debc9a' + '2b00ffff');
    const u = new X87State();
    readFldenv(u, env, 0);
    expect([u.fop, u.fip, u.fcs, u.fdp, u.fds, u.fcw, u.tagWord()]).toEqual([0x7dd, 0x12345678, 0x33, 0x9abcdef0, 0x2b, 0x037e, 0xffff]);
  });
  it('without a pending exception FXSAVE and FSTENV store zero pointers, as the reference (AMD) CPU does; KVM\'s buffer view keeps them', () => {
    const s = new X87State();
    s.init();
    s.fop = 0x7dd; s.fip = 0x12345678; s.fcs = 0x33; s.fdp = 0x9abcdef0; s.fds = 0x2b;
    const fx = new Uint8Array(160).fill(0xa5);
    writeFxsave(s, fx, 0, false);
    expect(hexOf(fx, 6, 24)).toBe('0'.repeat(36));
    writeFxsave(s, fx, 0, true, true);
    expect(hexOf(fx, 6, 24)).toBe('dd07' + '78563412' + '00000000' + 'f0debc9a' + '00000000');
    const env = new Uint8Array(28);
    writeFstenv(s, env, 0);
    expect(hexOf(env, 12, 28)).toBe('00000000' + '00000000' + '00000000' + '0000ffff');
  });
});

describe('struct kvm_fpu', () => {
  it('x87 fields round-trip and xmm/mxcsr bytes pass through untouched', () => {
    const rnd = prng(0x6b766d);
    const s = new X87State();
    s.init();
    for (let r = 0; r < 8; r++) s.setPhys(r, rnd(0x10000), rnd(2 ** 32), rnd(2 ** 32));
    s.setAbridgedTag(0xb5);
    s.setStatusWord(0x3a45);
    s.setControlWord(0x0a7b);
    s.fop = 0x5ab; s.fip = 0x7fff_0000_1234; s.fdp = -8;
    const buf = new Uint8Array(KVM_FPU_SIZE);
    for (let k = 0; k < buf.length; k++) buf[k] = rnd(256);
    const before = Uint8Array.from(buf);
    writeKvmFpu(s, buf, 0);
    expect(hexOf(buf, KVM_FPU.xmm, KVM_FPU_SIZE)).toBe(hexOf(before, KVM_FPU.xmm, KVM_FPU_SIZE));
    // fpr[] is the FXSAVE ST area, ftwx its abridged tag
    const fx = new Uint8Array(160);
    writeFxsave(s, fx, 0, true);
    expect(hexOf(buf, 0, 128)).toBe(hexOf(fx, 32, 160));
    expect(buf[KVM_FPU.ftwx]).toBe(0xb5);
    const t = new X87State();
    readKvmFpu(t, buf, 0);
    expect([t.fcw, t.statusWord(), t.abridgedTag(), t.fop, t.fip, t.fdp]).toEqual([s.fcw, s.statusWord(), 0xb5, 0x5ab, 0x7fff_0000_1234, -8]);
    for (let i = 0; i < 8; i++) expect([t.stSe(i), t.stHi(i), t.stLo(i)]).toEqual([s.stSe(i), s.stHi(i), s.stLo(i)]);
  });

  const gcc = (() => {
    try {
      execFileSync('gcc', ['--version'], { stdio: 'ignore' });
      return true;
    } catch {
      console.warn('x87-save.test.ts: gcc not found, skipping the <asm/kvm.h> offset check');
      return false;
    }
  })();
  it.skipIf(!gcc)('KVM_FPU offsets and size match <asm/kvm.h>', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kvmfpu-'));
    const fields = Object.keys(KVM_FPU).filter((f) => !f.startsWith('pad'));
    writeFileSync(join(dir, 'k.c'), `#include <stdio.h>\n#include <stddef.h>\n#include <asm/kvm.h>\nint main(void){printf("%zu", sizeof(struct kvm_fpu));${fields.map((f) => `printf(" %zu", offsetof(struct kvm_fpu, ${f}));`).join('')}return 0;}\n`);
    execFileSync('gcc', ['-o', join(dir, 'k'), join(dir, 'k.c')]);
    const got = execFileSync(join(dir, 'k'), { encoding: 'utf8' }).split(' ').map(Number);
    expect(got).toEqual([KVM_FPU_SIZE, ...fields.map((f) => KVM_FPU[f as keyof typeof KVM_FPU])]);
  });
});
