/**
 * MOVBE, ADCX/ADOX, CMPXCHG8B/16B, RDRAND/RDSEED/RDPID, XLAT, MOVNTI: real
 * bytes (GNU as), expected values from the SDM definitions.
 */
import { describe, expect, it } from 'vitest';
import { GP, PF, UD } from '../../../src/emu/fault.ts';
import { DetRng } from '../../../src/emu/rng.ts';
import { DATA } from '../machine.ts';
import { get, peek, poke, run, runFault, set, u64, unmap2M } from './dm-harness.ts';

const RAX = 0, RCX = 1, RDX = 2, RBX = 3;
const CF = 1, ZF = 0x40, OF = 0x800;

describe('MOVBE', () => {
  it('loads and stores byte-reversed at 16/32/64 bits (a 16-bit load merges)', () => {
    const setup = (c: Parameters<NonNullable<Parameters<typeof run>[1]>>[0]) => {
      set(c, RBX, BigInt(DATA));
      set(c, RAX, 0xaaaa_aaaa_aaaa_aaaan);
      set(c, RCX, 0x1122_3344_5566_7788n);
      poke(c, DATA, 0x0102_0304_0506_0708n);
    };
    expect(get(run([0x48, 0x0f, 0x38, 0xf0, 0x03], setup), RAX)).toBe(0x0807_0605_0403_0201n); // movbe rax, [rbx]
    expect(get(run([0x0f, 0x38, 0xf0, 0x03], setup), RAX)).toBe(0x0807_0605n); // movbe eax, [rbx]
    expect(get(run([0x66, 0x0f, 0x38, 0xf0, 0x03], setup), RAX)).toBe(0xaaaa_aaaa_aaaa_0807n); // movbe ax, [rbx]
    expect(peek(run([0x0f, 0x38, 0xf1, 0x0b], setup), DATA)).toBe(0x0102_0304_8877_6655n); // movbe [rbx], ecx
    expect(peek(run([0x48, 0x0f, 0x38, 0xf1, 0x0b], setup), DATA)).toBe(0x8877_6655_4433_2211n);
  });
  it('register forms and F2 (CRC32\'s prefix) are #UD', () => {
    runFault([0x0f, 0x38, 0xf0, 0xc1], UD, 0);
  });
});

describe('ADCX / ADOX', () => {
  it('add with CF (ADCX) or OF (ADOX) in and out, no other flag changes', () => {
    for (const [bits, code] of [[64, [0x66, 0x48, 0x0f, 0x38, 0xf6, 0xc1]], [32, [0x66, 0x0f, 0x38, 0xf6, 0xc1]]] as const) {
      for (const [a, b] of [[u64(-1n), 1n], [5n, 7n], [0xffff_ffffn, 0n], [0x8000_0000_0000_0000n, 0x8000_0000_0000_0000n]]) {
        for (const cin of [0, 1]) {
          const start = 0x8d4 | cin; // every flag but CF = cin
          const cpu = run(code, (c) => { set(c, RAX, a); set(c, RCX, b); c.writeRflags(start | 2); });
          const m = (1n << BigInt(bits)) - 1n;
          const sum = (a & m) + (b & m) + BigInt(cin);
          expect(get(cpu, RAX)).toBe(sum & m);
          expect(cpu.readRflags() & 0x8d5).toBe((start & ~CF) | (sum >> BigInt(bits) ? CF : 0));
        }
      }
    }
    // ADOX: OF is the carry; CF untouched.
    const cpu = run([0xf3, 0x0f, 0x38, 0xf6, 0xc1], (c) => { set(c, RAX, 0xffff_ffffn); set(c, RCX, 0n); c.writeRflags(OF | CF | 2); });
    expect(get(cpu, RAX)).toBe(0n);
    expect(cpu.readRflags() & (OF | CF)).toBe(OF | CF);
  });
});

describe('CMPXCHG8B / CMPXCHG16B', () => {
  const at = DATA + 0x40;
  const base = (c: Parameters<NonNullable<Parameters<typeof run>[1]>>[0]) => set(c, RBX, BigInt(at));
  it('8B equal: ZF = 1, ECX:EBX stored, EDX:EAX untouched; not equal: ZF = 0, loaded (zero-extended)', () => {
    const eq = run([0xf0, 0x0f, 0xc7, 0x0b], (c) => {
      base(c);
      poke(c, at, 0x1111_2222_3333_4444n);
      set(c, RDX, 0xffff_0000_1111_2222n); set(c, RAX, 0xffff_0000_3333_4444n);
      set(c, RCX, 0x9_aaaa_bbbbn); set(c, RBX, BigInt(at)); c.writeRflags(2);
    });
    expect(peek(eq, at)).toBe(BigInt(at) | 0xaaaa_bbbbn << 32n);
    expect(eq.readRflags() & ZF).toBe(ZF);
    expect(get(eq, RAX)).toBe(0xffff_0000_3333_4444n);
    const ne = run([0x0f, 0xc7, 0x0b], (c) => {
      base(c);
      poke(c, at, 0x1111_2222_3333_4444n);
      set(c, RDX, 0xffff_0000_0000_0000n); set(c, RAX, 0xffff_0000_0000_0000n); c.writeRflags(0x8d5 | 2);
    });
    expect(peek(ne, at)).toBe(0x1111_2222_3333_4444n);
    expect(get(ne, RAX)).toBe(0x3333_4444n);
    expect(get(ne, RDX)).toBe(0x1111_2222n);
    expect(ne.readRflags() & 0x8d5).toBe(0x8d5 & ~ZF); // only ZF changes
  });
  it('16B: equal and not equal; a misaligned m128 is #GP(0); a read-only page faults even when unequal', () => {
    const eq = run([0xf0, 0x48, 0x0f, 0xc7, 0x0b], (c) => {
      base(c);
      poke(c, at, 1n); poke(c, at + 8, 2n);
      set(c, RAX, 1n); set(c, RDX, 2n); set(c, RBX, BigInt(at)); set(c, RCX, 0xc0c0n);
    });
    expect([peek(eq, at), peek(eq, at + 8)]).toEqual([BigInt(at), 0xc0c0n]);
    expect(eq.readRflags() & ZF).toBe(ZF);
    const ne = run([0x48, 0x0f, 0xc7, 0x0b], (c) => { base(c); poke(c, at, 5n); poke(c, at + 8, 6n); set(c, RAX, 1n); set(c, RDX, 2n); });
    expect([get(ne, RAX), get(ne, RDX)]).toEqual([5n, 6n]);
    expect(ne.readRflags() & ZF).toBe(0);
    runFault([0x48, 0x0f, 0xc7, 0x0b], GP, 0, (c) => set(c, RBX, BigInt(at + 8)));
    runFault([0x48, 0x0f, 0xc7, 0x0b], PF, 0, (c) => { base(c); unmap2M(c, at); });
    // Register form and LOCK on it are #UD.
    runFault([0x0f, 0xc7, 0xc8], UD, 0);
  });
});

describe('RDRAND / RDSEED / RDPID', () => {
  it('RDRAND/RDSEED return the per-CPU deterministic sequence (rng.ts), CF = 1 and the other flags 0', () => {
    const ref = new DetRng(0);
    const lo = ref.next() >>> 0, hi = ref.next() >>> 0, next = ref.next() >>> 0;
    const cpu = run([0x48, 0x0f, 0xc7, 0xf0, 0x0f, 0xc7, 0xf9], (c) => c.writeRflags(0x8d4 | 2)); // rdrand rax; rdseed ecx
    expect(get(cpu, RAX)).toBe((BigInt(hi) << 32n) | BigInt(lo));
    expect(get(cpu, RCX)).toBe(BigInt(next));
    expect(cpu.readRflags() & 0x8d5).toBe(CF);
    const again = run([0x66, 0x0f, 0xc7, 0xf0], (c) => { c.rng.seed(7); set(c, RAX, u64(-1n)); }); // rdrand ax
    expect(get(again, RAX)).toBe(0xffff_ffff_ffff_0000n | BigInt(new DetRng(7).next() & 0xffff));
  });
  it('RDPID reads IA32_TSC_AUX; F2 forms are #UD', () => {
    expect(get(run([0xf3, 0x0f, 0xc7, 0xf8], (c) => { c.tscAux = 0x1234; set(c, RAX, u64(-1n)); }), RAX)).toBe(0x1234n);
    runFault([0xf2, 0x0f, 0xc7, 0xf0], UD, 0);
  });
});

describe('XLAT, MOVNTI', () => {
  it('XLAT: AL := [RBX + AL] (EBX with 67)', () => {
    const cpu = run([0xd7], (c) => { set(c, RBX, BigInt(DATA)); set(c, RAX, 0x1234_5680n); poke(c, DATA + 0x80, 0x5an, 1); });
    expect(get(cpu, RAX)).toBe(0x1234_565an);
    const c32 = run([0x67, 0xd7], (c) => { set(c, RBX, (1n << 40n) | BigInt(DATA)); set(c, RAX, 0x80n); poke(c, DATA + 0x80, 0x77n, 1); });
    expect(get(c32, RAX)).toBe(0x77n);
  });
  it('MOVNTI stores a GPR (32/64); the register form is #UD', () => {
    const cpu = run([0x48, 0x0f, 0xc3, 0x0b], (c) => { set(c, RBX, BigInt(DATA)); set(c, RCX, 0x0123_4567_89ab_cdefn); });
    expect(peek(cpu, DATA)).toBe(0x0123_4567_89ab_cdefn);
    runFault([0x0f, 0xc3, 0xc1], UD, 0);
  });
});
