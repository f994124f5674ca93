/**
 * Differential test, system part: exceptions, interrupts and privilege
 * changes from user mode, on the real CPU (/dev/kvm) and on src/emu, each
 * checked against the SDM (system-harness.ts explains the comparison).
 *
 * Programs start at CPL 3 at 0x10000 with RSP = 0x2e000 and RFLAGS = 0x202
 * unless stated; vector v's handler is "hlt; iretq" at 0x18000 + 16·v, so a
 * run ends at the first handler's HLT with the frame on the ring-0 stack
 * (TSS.RSP0 = 0x8000). Bytes from `as --64` / `objdump -d -M intel`.
 */
import { describe, expect, it } from 'vitest';
import { BOOT_STAR, MSR_FMASK, MSR_LSTAR, MSR_STAR } from '../../../src/core/boot/longmode.ts';
import { kvmSkipReason } from '../../core/kvm/available.ts';
import { DATA, USTACK_TOP } from './layout.ts';
import { editPte, frameSlot, KCODE, PVM, runSys, show, stub, whereStopped, type SysCase } from './system-harness.ts';

const CODE = 0x10000n;
const TOP = BigInt(USTACK_TOP);
const P = 1n, RW = 2n, US = 4n, XD = 1n << 63n;
const NONCANON = 0x8000000000000000n;

interface Spec {
  name: string;
  c: SysCase;
  /** SDM-derived values of fields (see system-harness.ts `fields`) */
  sdm: Record<string, bigint | string>;
  /** fields where kvm_pvm is known to deviate from the SDM, with the reason */
  pvm?: Record<string, string>;
  /**
   * kvm_pvm runs this case differently altogether (the reason): on PVM the
   * hardware's stop is printed next to the SDM's and only the emulator is
   * asserted; on VMX/SVM the case is compared like any other.
   */
  pvmAll?: string;
}

/** What every run that ends in vector `v`'s stub looks like, per SDM Vol. 3 §6.14 (64-bit interrupt delivery from CPL 3). */
function delivered(v: number, frame: { ec?: bigint; rip: bigint; rflags: bigint; rsp?: bigint }): Record<string, bigint | string> {
  const words = frame.ec === undefined ? 5 : 6;
  const o = frame.ec === undefined ? 0 : 1;
  const f: Record<string, bigint | string> = {
    exit: 'hlt',
    rip: BigInt(stub(v) + 1),
    rsp: BigInt(0x8000 - 8 * words), // TSS.RSP0, then the frame
    cs: 0x08n,
    ss: 0n, // a CPL change in 64-bit mode loads SS with a null selector (RPL = new CPL)
    rflags: frame.rflags & ~0x10300n & ~0x4000n, // interrupt gate: TF, IF, RF, NT cleared
    [frameSlot(words, o)]: frame.rip,
    [frameSlot(words, o + 1)]: 0x23n,
    [frameSlot(words, o + 2)]: frame.rflags,
    [frameSlot(words, o + 3)]: frame.rsp ?? TOP,
    [frameSlot(words, o + 4)]: 0x1bn,
  };
  if (frame.ec !== undefined) f[frameSlot(words, 0)] = frame.ec;
  return f;
}

/** Fault-class exceptions push RF = 1 (SDM Vol. 3 §18.3.1.1); traps and INT n push RF as it was. */
const RF = 0x10000n;

/** Page-crossing accesses whose second page is not present (SDM Vol. 3 §4.7: CR2 is the linear address that faulted). */
const CROSSING: [string, number[], boolean][] = [
  ['mov qword ptr ds:0x43ffc, rax', [0x48, 0x89, 0x04, 0x25, 0xfc, 0x3f, 0x04, 0x00], true], // 48 89 04 25 fc 3f 04 00
  ['mov dword ptr ds:0x43ffe, eax', [0x89, 0x04, 0x25, 0xfe, 0x3f, 0x04, 0x00], true], //      89 04 25 fe 3f 04 00
  ['mov word ptr ds:0x43fff, ax', [0x66, 0x89, 0x04, 0x25, 0xff, 0x3f, 0x04, 0x00], true], //  66 89 04 25 ff 3f 04 00
  ['mov rax, qword ptr ds:0x43ffa', [0x48, 0x8b, 0x04, 0x25, 0xfa, 0x3f, 0x04, 0x00], false], // 48 8b 04 25 fa 3f 04 00
  ['add dword ptr ds:0x43ffd, eax', [0x01, 0x04, 0x25, 0xfd, 0x3f, 0x04, 0x00], true], //      01 04 25 fd 3f 04 00
];

const SPECS: Spec[] = [
  {
    name: '#PF: user read of a not-present page (error code U, CR2)',
    // 10000: 48 8b 04 25 10 00 04 00   mov rax, qword ptr ds:0x40010
    c: { user: [0x48, 0x8b, 0x04, 0x25, 0x10, 0x00, 0x04, 0x00], setup: (m) => editPte(m, 0x40000, P) },
    sdm: { ...delivered(14, { ec: 0x4n, rip: CODE, rflags: 0x202n | RF }), cr2: 0x40010n },
  },
  {
    name: '#PF: user write to a not-present page (error code W|U)',
    // 10000: 48 89 1c 25 10 00 04 00   mov qword ptr ds:0x40010, rbx
    c: { user: [0x48, 0x89, 0x1c, 0x25, 0x10, 0x00, 0x04, 0x00], setup: (m) => editPte(m, 0x40000, P) },
    sdm: { ...delivered(14, { ec: 0x6n, rip: CODE, rflags: 0x202n | RF }), cr2: 0x40010n },
  },
  {
    // A read-modify-write's access is a write (the read is made with write
    // intent), so W/R = 1 even though the page is not present for the read either.
    name: '#PF: user read-modify-write of a not-present page (error code W|U)',
    // 10000: 48 01 1c 25 10 00 04 00   add qword ptr ds:0x40010, rbx
    c: { user: [0x48, 0x01, 0x1c, 0x25, 0x10, 0x00, 0x04, 0x00], setup: (m) => editPte(m, 0x40000, P) },
    sdm: { ...delivered(14, { ec: 0x6n, rip: CODE, rflags: 0x202n | RF }), cr2: 0x40010n },
  },
  {
    name: '#PF: rep movsb into a not-present page stops mid-string with RCX/RSI/RDI of the faulting iteration',
    // 10000: f3 a4   rep movsb byte ptr [rdi], byte ptr [rsi]   (rsi = 0x20000, rdi = 0x43ffd, rcx = 8)
    c: { user: [0xf3, 0xa4], regs: { 6: BigInt(DATA), 7: 0x43ffdn, 1: 8n }, setup: (m) => editPte(m, 0x44000, P) },
    sdm: { ...delivered(14, { ec: 0x6n, rip: CODE, rflags: 0x202n | RF }), cr2: 0x44000n, rcx: 5n, rsi: BigInt(DATA + 3), rdi: 0x44000n },
  },
  ...CROSSING.map(([text, bytes, write]): Spec => ({
    name: `#PF: ${text} crosses into a not-present page: CR2 = the first byte of that page, nothing written`,
    c: { user: bytes, regs: { 0: 0x1122334455667788n }, setup: (m) => editPte(m, 0x44000, P) },
    sdm: { ...delivered(14, { ec: write ? 0x6n : 0x4n, rip: CODE, rflags: 0x202n | RF }), cr2: 0x44000n, rax: 0x1122334455667788n },
  })),
  {
    name: '#PF: user write to a read-only page (error code P|W|U)',
    // 10000: 48 89 1c 25 08 10 04 00   mov qword ptr ds:0x41008, rbx
    c: { user: [0x48, 0x89, 0x1c, 0x25, 0x08, 0x10, 0x04, 0x00], setup: (m) => editPte(m, 0x41000, RW) },
    sdm: { ...delivered(14, { ec: 0x7n, rip: CODE, rflags: 0x202n | RF }), cr2: 0x41008n },
  },
  {
    name: '#PF: user read of a supervisor page (error code P|U)',
    // 10000: 48 8b 04 25 00 20 04 00   mov rax, qword ptr ds:0x42000
    c: { user: [0x48, 0x8b, 0x04, 0x25, 0x00, 0x20, 0x04, 0x00], setup: (m) => editPte(m, 0x42000, US) },
    sdm: { ...delivered(14, { ec: 0x5n, rip: CODE, rflags: 0x202n | RF }), cr2: 0x42000n },
  },
  {
    name: '#PF: user fetch from an execute-disable page (error code P|U|I/D)',
    // 10000: b8 00 30 04 00   mov eax, 0x43000
    // 10005: ff e0            jmp rax
    c: { user: [0xb8, 0x00, 0x30, 0x04, 0x00, 0xff, 0xe0], setup: (m) => editPte(m, 0x43000, 0n, XD) },
    sdm: { ...delivered(14, { ec: 0x15n, rip: 0x43000n, rflags: 0x202n | RF }), cr2: 0x43000n, rax: 0x43000n },
  },
  {
    name: 'int 0x80 from CPL 3 through a DPL 3 interrupt gate: TSS.RSP0 stack switch, frame',
    // 10000: cd 80   int 0x80
    c: { user: [0xcd, 0x80], gates: [{ vector: 0x80, dpl: 3 }] },
    sdm: delivered(0x80, { rip: CODE + 2n, rflags: 0x202n }),
    pvmAll: 'PVM: INT n at CPL 3 raises #UD at the INT instead of using the IDT gate',
  },
  {
    name: 'int 0x80 through a DPL 0 gate: #GP(vector·8 + 2)',
    // 10000: cd 80   int 0x80
    c: { user: [0xcd, 0x80] },
    sdm: delivered(13, { ec: 0x80n * 8n + 2n, rip: CODE, rflags: 0x202n | RF }),
    pvmAll: 'PVM: INT n at CPL 3 raises #UD at the INT instead of checking the gate DPL (#GP)',
  },
  {
    name: 'IRETQ from a ring-0 #UD handler back to CPL 3 with IF = 0, then a privileged HLT: #GP(0)',
    // 10000: 0f 0b   ud2             (#UD handler at 0x19000: 48 83 04 24 02   add qword ptr [rsp], 2
    // 10002: 9c      pushfq          (                 19005: 48 cf            iretq)
    // 10003: 5b      pop rbx
    // 10004: f4      hlt             (CPL 3: #GP(0))
    c: { user: [0x0f, 0x0b, 0x9c, 0x5b, 0xf4], rflags: 0x2n, kernel: [0x48, 0x83, 0x04, 0x24, 0x02, 0x48, 0xcf], gates: [{ vector: 6, target: KCODE, dpl: 0 }] },
    sdm: { ...delivered(13, { ec: 0n, rip: CODE + 4n, rflags: 0x2n | RF }), rbx: 0x2n },
    // The #GP frame shows IF = 0 on PVM too: the virtual IF is right, only what user code reads is not.
    pvm: {
      rbx: 'PVM: PUSHFQ at CPL 3 reads IF = 1 (user code runs natively with the host IF = 1) although the virtual IF is 0',
      '[0x2dff8]': 'PVM: the same PUSHFQ value on the user stack',
    },
  },
  {
    name: 'syscall from CPL 3: CS/SS from STAR, RCX/R11, RFLAGS & ~FMASK',
    // 10000: 0f 05   syscall         (LSTAR = 0x19000: f4   hlt)
    c: {
      user: [0x0f, 0x05],
      kernel: [0xf4],
      msrs: [{ index: MSR_STAR, data: BOOT_STAR }, { index: MSR_LSTAR, data: BigInt(KCODE) }, { index: MSR_FMASK, data: 0x300n }],
    },
    sdm: { exit: 'hlt', rip: BigInt(KCODE + 1), rcx: CODE + 2n, r11: 0x202n, rflags: 0x2n, cs: 0x08n, ss: 0x10n, rsp: TOP },
    pvmAll: 'PVM: SYSCALL from CPL 3 jumps to LSTAR but keeps CS = 0x23 (CPL 3), so the HLT there raises #GP',
  },
  {
    name: 'syscall / sysretq round trip, then a privileged HLT: #GP(0) at CPL 3',
    // 10000: 0f 05   syscall         (LSTAR = 0x19000: 48 0f 07   sysretq)
    // 10002: 9c      pushfq
    // 10003: 5b      pop rbx
    // 10004: f4      hlt
    c: {
      user: [0x0f, 0x05, 0x9c, 0x5b, 0xf4],
      rflags: 0x203n,
      kernel: [0x48, 0x0f, 0x07],
      msrs: [{ index: MSR_STAR, data: BOOT_STAR }, { index: MSR_LSTAR, data: BigInt(KCODE) }, { index: MSR_FMASK, data: 0x300n }],
    },
    sdm: { ...delivered(13, { ec: 0n, rip: CODE + 4n, rflags: 0x203n | RF }), rbx: 0x203n, rcx: CODE + 2n, r11: 0x203n },
    pvmAll: 'PVM: SYSCALL from CPL 3 stays at CPL 3, so the SYSRETQ at LSTAR faults (#UD) instead of returning',
  },
  {
    name: 'TF single-step in user mode: #DB to a ring-0 handler, DR6.BS',
    // 10000: 90         nop             (RFLAGS.TF = 1)
    // 10001: 90         nop
    // #DB handler at 0x19000: 0f 21 f0   mov rax, dr6
    //                  19003: f4         hlt
    c: { user: [0x90, 0x90], rflags: 0x302n, kernel: [0x0f, 0x21, 0xf0, 0xf4], gates: [{ vector: 1, target: KCODE, dpl: 0 }] },
    sdm: {
      ...delivered(1, { rip: CODE + 1n, rflags: 0x302n }),
      rip: BigInt(KCODE + 4),
      rax: 0xffff4ff0n, // DR6: BS (bit 14) with the reserved-as-1 bits (SDM Vol. 3 §18.2.3)
    },
  },
  {
    name: 'cli at CPL 3 with IOPL 0: #GP(0)',
    // 10000: fa   cli
    c: { user: [0xfa] },
    sdm: delivered(13, { ec: 0n, rip: CODE, rflags: 0x202n | RF }),
  },
  {
    name: 'mov cr0, rax at CPL 3: #GP(0)',
    // 10000: 0f 22 c0   mov cr0, rax
    c: { user: [0x0f, 0x22, 0xc0] },
    sdm: delivered(13, { ec: 0n, rip: CODE, rflags: 0x202n | RF }),
  },
  {
    name: 'in al, dx at CPL 3 with IOPL 0 (no I/O bitmap): #GP(0)',
    // 10000: ec   in al, dx
    c: { user: [0xec], regs: { 2: 0x3f8n } },
    sdm: delivered(13, { ec: 0n, rip: CODE, rflags: 0x202n | RF }),
  },
  {
    name: 'ud2: #UD',
    // 10000: 0f 0b   ud2
    c: { user: [0x0f, 0x0b] },
    sdm: delivered(6, { rip: CODE, rflags: 0x202n | RF }),
  },
  {
    name: 'div by zero: #DE',
    // 10000: 48 f7 f1   div rcx        (rcx = 0)
    c: { user: [0x48, 0xf7, 0xf1], regs: { 0: 1n } },
    sdm: { ...delivered(0, { rip: CODE, rflags: 0x202n | RF }), rax: 1n },
  },
  {
    name: 'int3 through a DPL 3 gate: #BP as a trap (RIP after INT3)',
    // 10000: cc   int3
    c: { user: [0xcc], gates: [{ vector: 3, dpl: 3 }] },
    sdm: delivered(3, { rip: CODE + 1n, rflags: 0x202n }),
  },
  {
    name: 'int3 through a DPL 0 gate: #GP(3·8 + 2)',
    // 10000: cc   int3
    c: { user: [0xcc] },
    sdm: delivered(13, { ec: 0x1an, rip: CODE, rflags: 0x202n | RF }),
    pvmAll: 'PVM: INT3 at CPL 3 is delivered as #BP without the gate DPL check',
  },
  {
    name: 'push with a non-canonical RSP: #SS(0)',
    // 10000: 48 89 c4   mov rsp, rax    (rax = 0x8000000000000000)
    // 10003: 50         push rax
    c: { user: [0x48, 0x89, 0xc4, 0x50], regs: { 0: NONCANON } },
    sdm: { ...delivered(12, { ec: 0n, rip: CODE + 3n, rflags: 0x202n | RF, rsp: NONCANON }) },
  },
  {
    name: 'load from a non-canonical address: #GP(0)',
    // 10000: 48 8b 01   mov rax, qword ptr [rcx]   (rcx = 0x8000000000000000)
    c: { user: [0x48, 0x8b, 0x01], regs: { 1: NONCANON } },
    sdm: delivered(13, { ec: 0n, rip: CODE, rflags: 0x202n | RF }),
  },
  {
    name: 'misaligned load at CPL 3 with CR0.AM and RFLAGS.AC: #AC(0)',
    // 10000: 48 8b 43 01   mov rax, qword ptr [rbx+0x1]   (rbx = 0x20000)
    c: { user: [0x48, 0x8b, 0x43, 0x01], regs: { 3: BigInt(DATA) }, rflags: 0x40202n },
    sdm: delivered(17, { ec: 0n, rip: CODE, rflags: 0x40202n | RF }),
    // IDT delivery clears TF/NT/RF/VM and IF, not AC (INT n pseudo-code, SDM Vol. 2; Linux's entry code runs CLAC itself).
    pvm: { rflags: 'PVM: the guest kernel is entered with RFLAGS.AC = 0' },
  },
  {
    name: 'jmp to a non-canonical address: #GP(0) at the JMP',
    // 10000: 48 b8 00 00 00 00 00 00 00 80   movabs rax, 0x8000000000000000
    // 1000a: ff e0                           jmp rax
    c: { user: [0x48, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0x80, 0xff, 0xe0] },
    sdm: { ...delivered(13, { ec: 0n, rip: CODE + 10n, rflags: 0x202n | RF }), rax: NONCANON },
  },
];

describe.skipIf(kvmSkipReason('differential emu vs /dev/kvm (system cases)'))('differential: system-level cases vs the real CPU and the SDM', () => {
  for (const s of SPECS) {
    it(s.name, () => {
      const r = runSys(s.c);
      if (s.pvmAll !== undefined && PVM) {
        console.warn(`[pvm deviation] ${s.name}: ${s.pvmAll}\n  hardware: ${whereStopped(r.kvm)}\n  SDM:      ${Object.entries(s.sdm).map(([f, v]) => `${f}=${show(v)}`).join(' ')}`);
        const emuVsSdm = Object.entries(s.sdm).filter(([f, v]) => r.emu.get(f) !== v).map(([f, v]) => `${f}: emu ${show(r.emu.get(f))}, SDM ${show(v)}`);
        expect(emuVsSdm, 'emulator vs SDM').toEqual([]);
        return;
      }
      const dev = s.pvm ?? {};
      const notes: string[] = [];
      for (const [f, why] of Object.entries(dev)) {
        const hw = r.kvm.get(f);
        if (hw === s.sdm[f]) continue;
        const line = `${f}: hardware ${show(hw)}, SDM ${show(s.sdm[f])} — ${why}`;
        if (PVM) notes.push(line);
        else notes.push(`UNEXPECTED without PVM: ${line}`);
      }
      if (notes.length) console.warn(`[pvm deviation] ${s.name}:\n  ${notes.join('\n  ')}`);
      // 1. The emulator against the SDM.
      const emuVsSdm = Object.entries(s.sdm).filter(([f, v]) => r.emu.get(f) !== v).map(([f, v]) => `${f}: emu ${show(r.emu.get(f))}, SDM ${show(v)}`);
      expect(emuVsSdm, 'emulator vs SDM').toEqual([]);
      // 2. The emulator against the hardware, everywhere but the declared PVM deviations.
      const pvmOnly = PVM ? Object.keys(dev) : [];
      // Frame words with a declared deviation are compared as fields; skip their bytes in the memory compare.
      const skipBytes = (d: string): boolean => pvmOnly.some((f) => f.startsWith('[') && Math.floor(Number(d.slice(4, d.indexOf(']'))) / 8) * 8 === Number(f.slice(1, -1)));
      const diffs = r.diffs.filter((d) => !pvmOnly.includes(d.split(':')[0]));
      const memDiffs = r.memDiffs.filter((d) => !skipBytes(d));
      expect([...diffs, ...memDiffs], 'emulator vs hardware').toEqual([]);
      // 3. The hardware against the SDM (outside declared PVM deviations): checks the expectations themselves.
      const hwVsSdm = Object.entries(s.sdm).filter(([f, v]) => !pvmOnly.includes(f) && r.kvm.get(f) !== v).map(([f, v]) => `${f}: hw ${show(r.kvm.get(f))}, SDM ${show(v)}`);
      expect(hwVsSdm, 'hardware vs SDM').toEqual([]);
      expect(notes.filter((n) => n.startsWith('UNEXPECTED'))).toEqual([]);
    });
  }
});
