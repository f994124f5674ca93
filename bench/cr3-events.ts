/**
 * Debug events per second for each way a debugger learns CR3 on a
 * KVM_EXIT_DEBUG (design.md "The hypervisor model"; uapi.md §1.6, §5):
 *
 *   cr3 field   KVM_CAP_X86_GUEST_DEBUG_CR3: read run+64 (emu only: an
 *               unmerged proposal, real KVM answers the cap with 0)
 *   GET_SREGS   one KVM_GET_SREGS ioctl per event (works everywhere)
 *   cond sync   KVM_SYNC_REGS_CONDITIONAL with kvm_save_regs_on_exit bit 4
 *               (KVM_EXIT_DEBUG): sregs stored only on debug exits, read at
 *               run+688 (emu only: Sean's counter-proposal)
 *   sync sregs  plain kvm_valid_regs = KVM_SYNC_X86_SREGS: stored on every
 *               exit (what real KVM offers)
 *   none        the events alone, no CR3: the floor
 *
 * The workload is `1: inc rax; jmp 1b` at CPL 0 under
 * KVM_GUESTDBG_SINGLESTEP: one KVM_EXIT_DEBUG per instruction. On kvm_pvm
 * CPL 0 runs through KVM's instruction emulator and its single-step path
 * (kvm_vcpu_do_singlestep) is what delivers the exits — the one event
 * source that works there (debug_regs.test.ts). Each mode checks the CR3 it
 * read against the page-table root. Figures are printed, never gated.
 */
import { openKvm } from '../src/core/api/index.ts';
import type { Backend } from '../src/core/backend.ts';
import { BOOT_CODE_ADDR, BOOT_PML4_ADDR, writeLongModeTables } from '../src/core/boot/longmode.ts';
import { EmuBackend } from '../src/core/emu/backend.ts';
import { KvmBackend } from '../src/core/kvm/backend.ts';
import { KvmSystem } from '../src/core/kvm/device.ts';
import { kvmHost } from '../src/core/kvm/host.ts';
import { KvmCap } from '../src/core/uapi/ioctls.ts';
import { KVM_SYNC_REGS_CONDITIONAL, KvmExitReason, KvmSyncX86 } from '../src/core/uapi/kvm-run.ts';
import { KvmGuestDbg } from '../src/core/uapi/structs.ts';

/** 10000: 48 ff c0  inc rax;  10003: eb fb  jmp 0x10000 */
const LOOP = [0x48, 0xff, 0xc0, 0xeb, 0xfb];
const MEM_SIZE = 1 << 20;
export type Cr3Mode = 'none' | 'cr3 field' | 'GET_SREGS' | 'cond sync' | 'sync sregs';

export interface Cr3Figure {
  backend: string;
  mode: Cr3Mode;
  events: number;
  seconds: number;
  /** events per second: the median round */
  perSecond: number;
  /** events whose CR3 was not the page-table root */
  wrong: number;
  /** ioctls and hypervisor counters during the measured events */
  counters: Record<string, number>;
}

interface Session {
  mode: Cr3Mode;
  backend: Backend;
  /** One KVM_RUN to the next KVM_EXIT_DEBUG, then CR3 the mode's way. */
  event(): void;
  wrong: number;
  /** The vCPU's counters: ioctls by kind (uAPI classes) and the backend's. */
  counters(): Readonly<Record<string, number>>;
  close(): void;
}

function open(make: () => Backend, mode: Cr3Mode): Session {
  const kvm = openKvm(make());
  const vm = kvm.createVm();
  const mem = vm.mapMemory({ size: MEM_SIZE }).bytes;
  const state = writeLongModeTables(mem);
  mem.set(LOOP, BOOT_CODE_ADDR);
  const vcpu = vm.createVcpu(0);
  vcpu.setCpuid2(kvm.getSupportedCpuid());
  vcpu.setSregs({ ...vcpu.getSregs(), ...state.sregs });
  vcpu.setRegs(state.regs);
  if (mode === 'cr3 field') vm.enableCap(KvmCap.X86_GUEST_DEBUG_CR3);
  if (mode === 'cond sync') {
    vm.enableCap(KvmCap.SYNC_REGS_CONDITIONAL);
    vcpu.syncRegs.setSaveOnExit(KvmExitReason.DEBUG, true);
    vcpu.syncRegs.validRegs = KVM_SYNC_REGS_CONDITIONAL | BigInt(KvmSyncX86.SREGS);
  }
  if (mode === 'sync sregs') vcpu.syncRegs.validRegs = BigInt(KvmSyncX86.SREGS);
  vcpu.setGuestDebug({ control: KvmGuestDbg.ENABLE | KvmGuestDbg.SINGLESTEP });

  const root = BigInt(BOOT_PML4_ADDR);
  const s: Session = {
    mode, backend: kvm.backend, wrong: 0,
    event() {
      const e = vcpu.run();
      if (e.kind !== 'debug') throw new Error(`${kvm.backend.name}/${mode}: ${e.kind} exit, not KVM_EXIT_DEBUG`);
      let cr3 = root;
      switch (mode) {
        case 'cr3 field':
          cr3 = e.cr3 ?? -1n;
          break;
        case 'GET_SREGS':
          cr3 = vcpu.getSregs().cr3;
          break;
        case 'cond sync':
        case 'sync sregs':
          cr3 = vcpu.syncRegs.sregs.cr3;
          break;
      }
      if (cr3 !== root) s.wrong++;
    },
    counters: () => vcpu.counters(),
    close() {
      vm.close();
      kvm.close();
    },
  };
  return s;
}

/**
 * Runs the modes' sessions in interleaved rounds (so machine noise and JIT
 * warm-up hit every mode alike) and reports each mode's median round.
 */
function measure(make: () => Backend, modes: readonly Cr3Mode[], rounds: number, roundSeconds: number): Cr3Figure[] {
  const sessions = modes.map((m) => open(make, m));
  for (const s of sessions) for (let i = 0; i < 2000; i++) s.event(); // warm-up
  const rates = new Map<Cr3Mode, number[]>(modes.map((m) => [m, []]));
  const totals = new Map<Cr3Mode, { events: number; seconds: number }>(modes.map((m) => [m, { events: 0, seconds: 0 }]));
  const before = sessions.map((s) => ({ ...s.counters() }));
  for (let r = 0; r < rounds; r++) {
    for (const s of sessions) {
      let events = 0;
      let seconds = 0;
      const start = process.hrtime.bigint();
      while (seconds < roundSeconds) {
        for (let i = 0; i < 500; i++) s.event();
        events += 500;
        seconds = Number(process.hrtime.bigint() - start) / 1e9;
      }
      rates.get(s.mode)!.push(events / seconds);
      const t = totals.get(s.mode)!;
      t.events += events;
      t.seconds += seconds;
    }
  }
  return sessions.map((s, k) => {
    const counters: Record<string, number> = {};
    for (const [name, v] of Object.entries(s.counters())) if (v !== (before[k][name] ?? 0)) counters[name] = v - (before[k][name] ?? 0);
    s.close();
    const sorted = rates.get(s.mode)!.sort((x, y) => x - y);
    const t = totals.get(s.mode)!;
    return { backend: s.backend.name, mode: s.mode, events: t.events, seconds: t.seconds, perSecond: sorted[sorted.length >> 1], wrong: s.wrong, counters };
  });
}

function line(f: Cr3Figure, base: Cr3Figure): string {
  const per = (k: string) => ((f.counters[k] ?? 0) / f.events).toFixed(2);
  const extra = ['exit.debug', 'sync.sregs', 'debug.cr3_field', 'regs.fill'].filter((k) => f.counters[k] !== undefined).map((k) => `${k} ${per(k)}/event`);
  return `  ${f.backend.padEnd(4)} ${f.mode.padEnd(11)} ${(f.perSecond / 1000).toFixed(1).padStart(7)} k events/s  ×${(f.perSecond / base.perSecond).toFixed(2)} vs GET_SREGS` +
    `  (ioctls/event: KVM_RUN ${per('ioctl.KVM_RUN')}, KVM_GET_SREGS ${per('ioctl.KVM_GET_SREGS')}${extra.length ? `; ${extra.join(', ')}` : ''})` +
    `${f.wrong ? `  CR3 WRONG on ${f.wrong} events` : ''}`;
}

export function reportCr3Events(log: (line: string) => void, rounds = 5, roundSeconds = 0.2): Cr3Figure[] {
  log('debug events per second by how the debugger learns CR3 — `1: inc rax; jmp 1b` under KVM_GUESTDBG_SINGLESTEP at CPL 0');
  const figures: Cr3Figure[] = [];
  const emuModes: Cr3Mode[] = ['none', 'cr3 field', 'GET_SREGS', 'cond sync', 'sync sregs'];
  const emu = measure(() => new EmuBackend(), emuModes, rounds, roundSeconds);
  const emuBase = emu.find((f) => f.mode === 'GET_SREGS')!;
  for (const f of emu) log(line(f, emuBase));
  figures.push(...emu);
  const avail = KvmSystem.available();
  if (!avail.ok) {
    log(`  kvm  skipped: ${avail.reason}`);
    return figures;
  }
  const host = kvmHost();
  const how = host.hardware ? 'VMX/SVM' : `${host.modules.join('+')}: CPL 0 single-step through KVM's instruction emulator`;
  const kvm = measure(() => new KvmBackend(), ['none', 'GET_SREGS', 'sync sregs'], rounds, roundSeconds);
  const kvmBase = kvm.find((f) => f.mode === 'GET_SREGS')!;
  for (const f of kvm) log(line(f, kvmBase));
  log(`  kvm  (${how}; no CR3 field and no conditional sync: KVM_CHECK_EXTENSION answers 0)`);
  figures.push(...kvm);
  return figures;
}
