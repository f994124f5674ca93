/**
 * Throughput of the SSE core (src/emu/sse, docs/sse.md) per operation, in
 * millions of instructions per second, with the number of young-generation
 * GCs the loop caused (0 or close: the common paths allocate nothing).
 * Normal operands with a normal result take the inline fast path in every
 * rounding mode (src/emu/sse/fast.ts). Figures are printed, never gated.
 */
import { PerformanceObserver } from 'node:perf_hooks';
import { crc32c } from '../src/emu/sse/crc32.ts';
import { cvtPackedFp, cvtfp2si } from '../src/emu/sse/convert.ts';
import { packedOp, scalarOp } from '../src/emu/sse/drive.ts';
import { F32, F64 } from '../src/emu/sse/fpbits.ts';
import { dotProductOp } from '../src/emu/sse/horizontal.ts';
import { MXCSR_RESET, SseState } from '../src/emu/sse/mxcsr.ts';
import { ADD, DIV, MUL, SQRT } from '../src/emu/sse/ops.ts';
import { StrCmpResult, pcmpstr } from '../src/emu/sse/pcmpstr.ts';

let gcs = 0;
new PerformanceObserver((l) => (gcs += l.getEntries().length)).observe({ entryTypes: ['gc'] });

export async function reportSse(log: (line: string) => void): Promise<void> {
  const st = new SseState(), x = st.x, res = new StrCmpResult();
  const reset = (): void => {
    x.f64.set([1.1, -2.7, 3.3e-5, 4.4e12], 0);
    x.f32.set([1.1, -2.7, 3.3e-5, 4.4e12], 8);
    x.f32.set([1.0001, 0.9999, -1.0001, 0.99995], 12);
  };
  const cases: [string, number, () => void][] = [
    ['ADDPD (nearest)', MXCSR_RESET, () => packedOp(st, F64, ADD, 0, 1)],
    ['ADDPD (down)', MXCSR_RESET | 0x2000, () => packedOp(st, F64, ADD, 0, 1)],
    ['MULPS (nearest)', MXCSR_RESET, () => packedOp(st, F32, MUL, 2, 3)],
    ['DIVSD (nearest)', MXCSR_RESET, () => scalarOp(st, F64, DIV, 1, 0)],
    ['SQRTPD (up)', MXCSR_RESET | 0x4000, () => packedOp(st, F64, SQRT, 3, 1)],
    ['DPPS 0xff', MXCSR_RESET, () => dotProductOp(st, F32, 3, 2, 0xff)],
    ['CVTSD2SI r64', MXCSR_RESET, () => cvtfp2si(st, F64, 1, true, false)],
    ['CVTPD2PS (zero)', MXCSR_RESET | 0x6000, () => cvtPackedFp(st, F64, 3, 0)],
    ['PCMPISTRI', MXCSR_RESET, () => pcmpstr(x, 0, 1, 0x0c, true, 0, 0, res)],
    ['CRC32 r64', MXCSR_RESET, () => crc32c(0x1234, 0x5678, 0x9abc, 8)],
  ];
  log('SSE core (M instructions/s, young GCs during the loop)');
  for (const [name, mxcsr, f] of cases) {
    reset();
    st.mxcsr = mxcsr;
    for (let i = 0; i < 200_000; i++) f();
    await new Promise((r) => setTimeout(r, 10));
    const g0 = gcs, n = 2_000_000, t = performance.now();
    for (let i = 0; i < n; i++) {
      if ((i & 1023) === 0) reset();
      f();
    }
    const ms = performance.now() - t;
    await new Promise((r) => setTimeout(r, 10));
    log(`  ${name.padEnd(18)} ${(n / ms / 1000).toFixed(1).padStart(6)}  gc ${gcs - g0}`);
  }
}
