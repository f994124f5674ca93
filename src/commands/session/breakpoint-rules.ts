/**
 * What the session accepts as a breakpoint, a condition or a filter, beyond
 * what the table checks (numbers, slots, alignment): a known kind, a
 * well-formed condition, and nothing the backend cannot deliver — on
 * kvm_pvm neither INT3s nor watchpoints work (docs/hypervisor.md).
 */
import { cr3Base } from '../../core/os/cr3.ts';
import { SessionError } from '../errors.ts';
import type { BreakpointSpec, Condition } from './types.ts';

export function checkKind(kind: BreakpointSpec['kind']): void {
  if (kind !== 'break' && kind !== 'hbreak' && kind !== 'watch') throw new SessionError('bad-args', `unknown breakpoint kind '${String(kind)}'`);
}

export function checkCondition(c: Condition | null): void {
  if (c === null) return;
  if (c.kind === 'cr3' && (typeof c.cr3 !== 'bigint' || c.cr3 < 0n || c.cr3 >> 64n !== 0n)) throw new SessionError('bad-args', `bad CR3 value ${String(c.cr3)}`);
  if (c.kind === 'process' && (typeof c.name !== 'string' || c.name === '')) throw new SessionError('bad-args', 'a process condition needs a name');
  if (c.kind !== 'cr3' && c.kind !== 'process') throw new SessionError('bad-args', `unknown condition '${String((c as { kind: unknown }).kind)}'`);
}

/** kvm_pvm runs guest CPL 0 in KVM's emulator, which has no INT3 (KVM_EXIT_INTERNAL_ERROR), and does not intercept #BP at CPL 3. */
export function checkSwAllowed(pvm: boolean): void {
  if (pvm) {
    throw new SessionError(
      'unsupported',
      'software breakpoints do not work on this host\'s /dev/kvm (kvm_pvm: INT3 at CPL 0 is an emulation failure, #BP at CPL 3 is not intercepted); use hbreak',
    );
  }
}

/**
 * kvm_pvm: KVM's instruction emulator (guest CPL 0) checks only code
 * breakpoints, never data breakpoints, and at CPL 3 host debug registers do
 * not fire at all (docs/hypervisor.md): a watchpoint would take a DR slot and
 * never fire.
 */
export function checkWatchAllowed(pvm: boolean): void {
  if (pvm) {
    throw new SessionError(
      'unsupported',
      'watchpoints do not fire on this host\'s /dev/kvm (kvm_pvm: KVM\'s emulator checks only execute breakpoints at CPL 0, and debug registers do not fire at CPL 3)',
    );
  }
}

/**
 * Does an event in address space `cr3` (undefined: a kernel thread, no
 * address space of its own) of process `name` meet condition `c`? A CR3
 * condition names an address space: page-table bases compare, PCID bits
 * aside (Linux loads CR3 with its PCID).
 */
export function conditionMatches(c: Condition, cr3: bigint | undefined, name: string | undefined): boolean {
  return c.kind === 'cr3' ? cr3 !== undefined && cr3Base(c.cr3) === cr3Base(cr3) : name !== undefined && name === c.name;
}
