/**
 * Running a batch of generated cases through the lockstep and tallying the
 * divergences by kind (one full report per kind): shared by the random
 * integer sequences (random.test.ts, intgaps.test.ts), the x87 ones
 * (x87.test.ts) and the SSE/MMX ones (sse.test.ts).
 */
import { afterAll } from 'vitest';
import { EmuSide, KvmSide, baseImage } from './machine.ts';
import { listing, Lockstep, type Case } from './lockstep.ts';

const MAX_REPORTS = 12;

/** Both machines for a test file, the KVM one closed after its tests. */
export function lockstepMachines(): { kvm: KvmSide; emu: EmuSide; ls: Lockstep } {
  const { memory, state } = baseImage();
  const kvm = new KvmSide(memory, state);
  const emu = new EmuSide(memory, state);
  afterAll(() => kvm.close());
  return { kvm, emu, ls: new Lockstep(kvm, emu, state) };
}

export interface BatchResult {
  cases: number;
  steps: number;
  divergent: number;
  /** cases ended by a known kvm_pvm deviation (CaseResult.deviation; the emulator was checked against the SDM) */
  deviations: number;
  /** "end:n #v:n…": how the cases ended */
  ends: string;
  seconds: number;
  /** the failure message: divergences by kind, then one report per kind; '' when none */
  message: string;
}

/**
 * Cases 0…count−1 (`generate(k)`); with `only`, that case alone, its listing
 * printed under `tag`. The first pvm deviation is printed too.
 */
export function runCases(ls: Lockstep, generate: (k: number) => Case, count: number, only: number | undefined, tag: string): BatchResult {
  const t0 = performance.now();
  const reports: string[] = [];
  /** divergence signature → case numbers; one full report per signature */
  const groups = new Map<string, number[]>();
  const ends = new Map<number, number>();
  let divergent = 0, steps = 0, deviations = 0;
  const first = only ?? 0, last = only === undefined ? count : only + 1;
  for (let k = first; k < last; k++) {
    const c = generate(k);
    if (only !== undefined) console.log(`[${tag}] case ${k}:\n${listing(c)}`);
    const r = ls.run(c);
    steps += r.steps;
    ends.set(r.endVector, (ends.get(r.endVector) ?? 0) + 1);
    if (r.deviation && deviations++ === 0) console.log(`[${tag}] [pvm deviation] case ${k}: ${r.deviation}`);
    if (!r.divergence) continue;
    divergent++;
    const sig = r.divergence.signature;
    const g = groups.get(sig);
    if (g) g.push(k);
    else {
      groups.set(sig, [k]);
      if (reports.length < MAX_REPORTS) reports.push(r.divergence.report);
    }
  }
  const endText = [...ends].sort((a, b) => a[0] - b[0]).map(([v, n]) => `${v === 1 ? 'end' : `#${v}`}:${n}`).join(' ');
  const summary = [...groups].map(([sig, ks]) => `  ${ks.length} × ${sig} (cases ${ks.slice(0, 8).join(', ')}${ks.length > 8 ? ', …' : ''})`).join('\n');
  return {
    cases: last - first, steps, divergent, deviations, ends: endText, seconds: (performance.now() - t0) / 1000,
    message: divergent ? `${divergent} divergent cases, by kind:\n${summary}\n\nOne report per kind:\n\n${reports.join('\n\n')}` : '',
  };
}
