/**
 * Time travel on emu (issue 15) over a vmos run: the cost of recording
 * (a run of N instructions with snapshots every interval vs the same run
 * without, in one command and in 50,000-instruction commands), the memory
 * the snapshots hold, and the time of a reverse step of one instruction
 * (the first after one long run, then anywhere) and of a reverse-continue
 * to the previous breakpoint hit. Figures are printed, never gated.
 */
import { Session } from '../src/commands/session/index.ts';

const N = 3_000_000;

async function timed<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const t = performance.now();
  const r = await fn();
  return [performance.now() - t, r];
}

export async function reportTimeTravel(log: (line: string) => void): Promise<void> {
  log(`Time travel (emu, vmos, ${N.toLocaleString('en')} instructions)`);
  const warm = await Session.open({ backend: 'emu', image: 'vmos' });
  await warm.runFor(N); // the JIT warmed up: the first run of a process is the slowest
  await warm.close();
  const plain = await Session.open({ backend: 'emu', image: 'vmos' });
  const [base] = await timed(() => plain.runFor(N));
  await plain.close();
  // One long command while recording: the run takes its snapshots on the way (the run loop stops when one is due).
  const long = await Session.open({ backend: 'emu', image: 'vmos' });
  long.travel.record();
  const [recordedLong] = await timed(() => long.runFor(N));
  const [firstBack] = await timed(() => long.travel.reverseStepi(1));
  const longInfo = long.travel.info()!;
  await long.close();

  // Recording places snapshots at command boundaries: run in 50,000-instruction commands, as stepping and continuing do.
  const rec = await Session.open({ backend: 'emu', image: 'vmos' });
  rec.travel.record();
  const [recorded] = await timed(async () => {
    for (let done = 0; done < N; done += 50_000) await rec.runFor(50_000);
  });
  const chunked = await Session.open({ backend: 'emu', image: 'vmos' });
  const [unrecorded] = await timed(async () => {
    for (let done = 0; done < N; done += 50_000) await chunked.runFor(50_000);
  });
  await chunked.close();
  const info = rec.travel.info()!;
  log(`  run, no recording (one command)   ${base.toFixed(0).padStart(6)} ms`);
  log(`  run, recording (one command)      ${recordedLong.toFixed(0).padStart(6)} ms  (x${(recordedLong / base).toFixed(2)}; ${longInfo.snapshots} snapshots, ${(longInfo.memoryBytes / 2 ** 20).toFixed(1)} MiB incl. the 64 MiB base copy)`);
  log(`  first reverse-stepi 1 after it     ${firstBack.toFixed(1).padStart(6)} ms`);
  log(`  run in 50k commands, no recording  ${unrecorded.toFixed(0).padStart(6)} ms`);
  log(`  run in 50k commands, recording     ${recorded.toFixed(0).padStart(6)} ms  (x${(recorded / unrecorded).toFixed(2)}; ${info.snapshots} snapshots, ${(info.memoryBytes / 2 ** 20).toFixed(1)} MiB incl. the 64 MiB base copy)`);

  const steps: number[] = [];
  // Points about a whole interval (the worst replay) and about half of one past a snapshot (one every 50,000).
  for (const at of [N - 1000, 2_149_999, 1_525_000, 777_777, 199_999]) {
    await rec.travel.goto(at);
    steps.push((await timed(() => rec.travel.reverseStepi(1)))[0]);
  }
  steps.sort((a, b) => a - b);
  log(`  reverse-stepi 1                    median ${steps[2].toFixed(1)} ms, max ${steps[4].toFixed(1)} ms`);

  await rec.travel.goto(N);
  rec.addBreakpoint({ kind: 'break', addr: rec.symbols.address('schedule'), location: 'schedule' });
  const [rc, stop] = await timed(() => rec.travel.reverseContinue());
  log(`  reverse-continue (break schedule)  ${rc.toFixed(0).padStart(6)} ms  (${stop.reason}, back ${(N - rec.travel.info()!.icount).toLocaleString('en')} instructions)`);
  await rec.close();
}
