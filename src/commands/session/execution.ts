/**
 * The execution commands (commands.md: stepi, nexti, finish, continue,
 * until, run-for) as compositions of the stop logic's primitives (a
 * single-step, a next-step, a run to the next stop). Each runs inside the
 * session's command frame, with a Stepper of its own.
 */
import { SessionError } from '../errors.ts';
import type { Stepper } from './stepping.ts';
import type { Stop } from './types.ts';

/** finish gives up after this many next-steps without a return (about 1 s on emu, 2.5 s on kvm_pvm)… */
const FINISH_MAX_STEPS = 20_000;
/**
 * …or after this many instructions retired, where the backend counts them
 * (KVM_CAP_VDBG_INSN_BUDGET, emu): a next-step over a CALL, or a step that
 * wakes a halted vCPU (the interrupt handler runs), retires many.
 */
export const FINISH_MAX_INSNS = 200_000;

export function checkCount(n: number, what: string): void {
  if (!Number.isSafeInteger(n) || n < 1) throw new SessionError('bad-args', `${what}: bad count ${n} (a positive integer)`);
}

export async function stepi(st: Stepper, n: number): Promise<Stop> {
  st.checkStepAllowed();
  return repeat(n, () => st.stepOne());
}

export async function nexti(st: Stepper, n: number): Promise<Stop> {
  return repeat(n, () => st.nextOne());
}

/** `n` steps, or fewer when one stops for anything but the step itself. */
async function repeat(n: number, step: () => Promise<Stop>): Promise<Stop> {
  let stop: Stop | null = null;
  for (let k = 0; k < n; k++) {
    stop = await step();
    if (stop.reason !== 'step') return stop;
  }
  return stop!;
}

/**
 * finish: next-steps until a RET at the entry's stack level (or above),
 * or an IRET/SYSRET at the entry's CPL that ends the interrupt or syscall
 * handler finish started in (which has no caller frame), and steps it. An
 * IRETQ counts only when the frame it pops is at the entry's stack level or
 * above (the handler's own frame): one whose frame was pushed below it is
 * the function's own trick (kmain reloading CS), not a return. Where nothing
 * returns (an idle loop, a task that never comes back) it gives up after
 * FINISH_MAX_STEPS steps or FINISH_MAX_INSNS instructions retired, with a
 * budget stop, rather than stepping until the guest exits.
 */
export async function finish(st: Stepper): Promise<Stop> {
  const vcpu = st.vcpu;
  const rsp0 = vcpu.getRegs().rsp;
  const cpl0 = st.cpl();
  const counted = st.limitInstructions(FINISH_MAX_INSNS);
  const gaveUp = (s: Stop, what: string): Stop => ({ ...s, reason: 'budget', detail: `finish found no return in ${what}; nothing to return to here?` });
  for (let k = 0; ; k++) {
    const r = vcpu.getRegs();
    const flow = st.flowAt(r.rip);
    // An IRET/SYSRET ends the handler finish started in; one at another CPL ends a handler the steps entered (a SYSCALL, a fault).
    const handlerEnd = flow.kind === 'iret' && st.cpl() === cpl0 && (flow.sysret || r.rsp >= rsp0);
    if ((flow.kind === 'ret' && r.rsp >= rsp0) || handlerEnd) {
      const s = await st.stepOne();
      if (s.reason === 'budget' && counted && st.instructionLimitReached()) return gaveUp(s, `${FINISH_MAX_INSNS} instructions retired`);
      return s.reason === 'step' ? { ...s, reason: 'finish' } : s;
    }
    const s = await st.nextOne();
    if (s.reason === 'budget' && counted && st.instructionLimitReached()) return gaveUp(s, `${FINISH_MAX_INSNS} instructions retired`);
    if (s.reason !== 'step') return s;
    if (k + 1 >= FINISH_MAX_STEPS) return gaveUp(s, `${FINISH_MAX_STEPS} instructions (stepped)`);
  }
}

export async function cont(st: Stepper, n: number): Promise<Stop> {
  return st.runToStop(n, null, 'breakpoint');
}

export async function until(st: Stepper, addr: bigint): Promise<Stop> {
  return st.runToStop(1, { addr, accept: () => true }, 'until');
}

/** run-for: the budget extension's count, or single-steps where there is none (Stepper.runFor). */
export async function runFor(st: Stepper, instructions: number): Promise<Stop> {
  return st.runFor(instructions);
}
