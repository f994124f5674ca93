/**
 * handleExit with made-up exits and no backend (Firecracker tests
 * handle_kvm_exit the same way): one test per outcome, each checking what
 * the devices saw and what was counted.
 */
import { describe, expect, it } from 'vitest';
import { Counters } from '../../../src/core/counters.ts';
import { CmosRtc } from '../../../src/core/vmm/cmos-rtc.ts';
import { connectSerialIrq, EXIT_PORT, ExitPort, SERIAL_BASE, SERIAL_LSR, SerialConsole } from '../../../src/core/vmm/devices.ts';
import { handleExit, type ExitDevices } from '../../../src/core/vmm/handle-exit.ts';
import type { VcpuExit } from '../../../src/core/uapi/exit.ts';

function devices(): ExitDevices {
  return { serial: new SerialConsole(), exitPort: new ExitPort(), counters: new Counters() };
}

function io(direction: 'in' | 'out', port: number, data: number[]): Extract<VcpuExit, { kind: 'io' }> {
  return { kind: 'io', reason: 2, direction, port, size: data.length, count: 1, data: Uint8Array.from(data) };
}

describe('handleExit', () => {
  it('handled: console output and LSR reads, unclaimed ports, an IRQ window — each answered, nothing else', () => {
    const d = devices();
    const out: string[] = [];
    d.serial.onOutput = (t) => out.push(t);
    expect(handleExit(io('out', SERIAL_BASE, [0x41]), d)).toEqual({ kind: 'handled' });
    const lsr = io('in', SERIAL_LSR, [0x99]);
    expect(handleExit(lsr, d)).toEqual({ kind: 'handled' });
    expect([...lsr.data]).toEqual([0x60]);
    const unclaimedIn = io('in', 0x80, [0, 0, 0, 0]);
    expect(handleExit(unclaimedIn, d)).toEqual({ kind: 'handled' });
    expect([...unclaimedIn.data]).toEqual([0xff, 0xff, 0xff, 0xff]);
    expect(handleExit(io('out', 0x80, [7]), d)).toEqual({ kind: 'handled' });
    // An IN from the exit port is no exit: the port only takes writes.
    expect(handleExit(io('in', EXIT_PORT, [0]), d)).toEqual({ kind: 'handled' });
    expect(handleExit({ kind: 'irq-window-open', reason: 7 }, d)).toEqual({ kind: 'handled' });
    expect(out).toEqual(['A']);
    expect(d.serial.transcript).toBe('A');
    expect(d.exitPort.status).toBeNull();
    expect(d.counters.snapshot()).toEqual({ 'io.serial': 2, 'io.unclaimed': 3 });
  });

  it('interrupted: KVM_EXIT_INTR, with no device touched', () => {
    const d = devices();
    expect(handleExit({ kind: 'intr', reason: 10 }, d)).toEqual({ kind: 'interrupted' });
    expect(d.counters.snapshot()).toEqual({});
  });

  it('exit-port: a write to 0x501 ends the guest with the byte written', () => {
    const d = devices();
    expect(handleExit(io('out', EXIT_PORT, [0x2a]), d)).toEqual({ kind: 'exit-port', status: 42 });
    expect(d.exitPort.status).toBe(42);
    expect(d.counters.snapshot()).toEqual({});
  });

  it('debug: KVM_EXIT_DEBUG is handed back as is', () => {
    const exit: VcpuExit = { kind: 'debug', reason: 4, exception: 1, pc: 0x401000n, dr6: 0xffff4ff0n, dr7: 0x400n, cr3: 0x3000n };
    const o = handleExit(exit, devices());
    expect(o).toEqual({ kind: 'debug', exit });
    expect(o.kind === 'debug' && o.exit).toBe(exit);
  });

  it('stopped: HLT and a triple fault, with the sentence a stop shows', () => {
    expect(handleExit({ kind: 'hlt', reason: 5 }, devices())).toEqual({ kind: 'stopped', reason: 'hlt', detail: 'the vCPU halted (KVM_EXIT_HLT)' });
    expect(handleExit({ kind: 'shutdown', reason: 8 }, devices())).toEqual({ kind: 'stopped', reason: 'shutdown', detail: 'triple fault (KVM_EXIT_SHUTDOWN)' });
  });

  it('failed: internal error, failed entry, MMIO with no device, and any other exit', () => {
    const cases: [VcpuExit, string, string][] = [
      [{ kind: 'internal-error', reason: 17, suberror: 1, data: [] }, 'internal-error', 'KVM_EXIT_INTERNAL_ERROR suberror 1 (instruction emulation failed)'],
      [{ kind: 'internal-error', reason: 17, suberror: 3, data: [5n] }, 'internal-error', 'KVM_EXIT_INTERNAL_ERROR suberror 3'],
      [{ kind: 'fail-entry', reason: 9, hardwareEntryFailureReason: 0x21n, cpu: 0 }, 'fail-entry', 'KVM_EXIT_FAIL_ENTRY, reason 0x21'],
      [{ kind: 'mmio', reason: 6, physAddr: 0xfee00000n, isWrite: true, data: new Uint8Array(4) }, 'unexpected-exit', 'MMIO write at 0xfee00000 (no device there)'],
      [{ kind: 'mmio', reason: 6, physAddr: 0xd0000n, isWrite: false, data: new Uint8Array(8) }, 'unexpected-exit', 'MMIO read at 0xd0000 (no device there)'],
      [{ kind: 'system-event', reason: 24, type: 1, data: [] }, 'unexpected-exit', 'unexpected exit system-event (reason 24)'],
      [{ kind: 'unsupported', reason: 99 }, 'unexpected-exit', 'unexpected exit unsupported (reason 99)'],
    ];
    for (const [exit, reason, detail] of cases) {
      const d = devices();
      expect(handleExit(exit, d)).toEqual({ kind: 'failed', reason, detail });
      expect(d.counters.snapshot()).toEqual({});
    }
  });
});

describe('handleExit: the RTC and the UART interrupt', () => {
  it('ports 0x70/0x71 reach the RTC when the VMM has one, counted as io.rtc', () => {
    const d = { ...devices(), rtc: new CmosRtc(() => 3723) };
    expect(handleExit(io('out', 0x70, [0x04]), d)).toEqual({ kind: 'handled' });
    const hours = io('in', 0x71, [0]);
    handleExit(hours, d);
    expect([...hours.data]).toEqual([0x01]);
    const noRtc = io('in', 0x71, [0]);
    handleExit(noRtc, devices());
    expect([...noRtc.data]).toEqual([0xff]);
    expect(d.counters.snapshot()).toEqual({ 'io.rtc': 2 });
  });

  it('connectSerialIrq drives IRQ 4 with the UART output level', () => {
    const d = devices();
    const lines: [number, boolean][] = [];
    connectSerialIrq(d.serial, { irqLine: (irq, level) => lines.push([irq, level]) });
    handleExit(io('out', SERIAL_BASE + 4, [0x08]), d); // MCR.OUT2
    handleExit(io('out', SERIAL_BASE + 1, [0x02]), d); // IER.ETBEI: THR is empty
    const iir = io('in', SERIAL_BASE + 2, [0]);
    handleExit(iir, d);
    expect([...iir.data]).toEqual([0x02]);
    expect(lines).toEqual([[4, true], [4, false]]);
  });
});
