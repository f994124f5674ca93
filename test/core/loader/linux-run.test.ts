/**
 * The 64-bit boot protocol end to end on both backends: a synthetic bzImage
 * and a vmlinux (assembled here) check CS/DS/SS, IF, boot_params.type_of_loader
 * and the "HdrS" header through RSI, print the command line through
 * cmd_line_ptr and the initrd's first byte through ramdisk_image, and write
 * e820_entries to the exit port.
 */
import { describe, expect, it } from 'vitest';
import type { Backend } from '../../../src/core/backend.ts';
import { EmuBackend } from '../../../src/core/emu/backend.ts';
import { KvmBackend } from '../../../src/core/kvm/backend.ts';
import { parseBzImage } from '../../../src/core/loader/bzimage.ts';
import { parseElf64 } from '../../../src/core/loader/elf.ts';
import type { LinuxKernel } from '../../../src/core/loader/linux-boot.ts';
import { runGuest } from '../../../src/core/vmm/run-guest.ts';
import { kvmSkipReason } from '../kvm/available.ts';
import { assemble, binutilsMissing, CHECKER_SOURCE, ECHO_SOURCE, makeBzImage, RTC_SOURCE } from '../../support/linux-image.ts';

const missing = binutilsMissing();
if (missing) console.warn(`[skip] linux boot protocol run: ${missing}`);
const kvmSkip = kvmSkipReason('linux boot protocol on /dev/kvm');

function kernels(): Record<string, LinuxKernel> {
  const bz = assemble(CHECKER_SOURCE.replace('PAD', '0x200'), 0x100000).flat;
  const elf = assemble(CHECKER_SOURCE.replace('PAD', '0'), 0x1000000).elf;
  return {
    bzImage: { kind: 'bzimage', bz: parseBzImage(makeBzImage({ kernel: bz }), 'bzImage') },
    vmlinux: { kind: 'vmlinux', elf: parseElf64(elf, 'vmlinux') },
  };
}

async function boot(backend: Backend, kernel: LinuxKernel) {
  return runGuest(backend, { kind: 'linux', kernel, cmdline: 'console=ttyS0 root=/dev/ram0', initrd: new Uint8Array([0x5a, 1, 2]) }, { memSize: 32 << 20, timeoutMs: 10_000 });
}

describe.skipIf(missing !== undefined)('64-bit boot protocol run', () => {
  const backends: [string, () => Backend, string | undefined][] = [
    ['emu', () => new EmuBackend(), undefined],
    ['kvm', () => new KvmBackend(), kvmSkip],
  ];
  for (const [name, make, skip] of backends) {
    for (const which of ['bzImage', 'vmlinux']) {
      it.skipIf(skip !== undefined)(`${which} on ${name}`, async () => {
        const r = await boot(make(), kernels()[which]);
        expect(r.transcript).toBe('console=ttyS0 root=/dev/ram0|ZOK');
        expect(r.status).toBe(4);
        expect(r.stop).toBe('exit-port');
      });
    }
  }
});

describe.skipIf(missing !== undefined)('console input by interrupt: 16550A RX → IRQ 4 → PIC', () => {
  for (const [name, make, skip] of [['emu', () => new EmuBackend(), undefined], ['kvm', () => new KvmBackend(), kvmSkip]] as const) {
    it.skipIf(skip !== undefined)(`on ${name}`, async () => {
      const bz = assemble(ECHO_SOURCE.replace('PAD', '0x200'), 0x100000).flat;
      const kernel: LinuxKernel = { kind: 'bzimage', bz: parseBzImage(makeBzImage({ kernel: bz }), 'echo') };
      const r = await runGuest(make(), { kind: 'linux', kernel }, { memSize: 16 << 20, timeoutMs: 10_000, consoleInput: Buffer.from('hello\n') });
      expect(r.stop, r.detail).toBe('exit-port');
      expect(r.transcript).toBe('hello');
      expect(r.status).toBe(1); // one interrupt: the handler drained all six bytes
    });
  }
});

describe.skipIf(missing !== undefined)('CMOS RTC through ports 0x70/0x71', () => {
  for (const [name, make, skip] of [['emu', () => new EmuBackend(), undefined], ['kvm', () => new KvmBackend(), kvmSkip]] as const) {
    it.skipIf(skip !== undefined)(`on ${name}: register D VRT, register A 0x26, year 25 and century 20 in BCD`, async () => {
      const bz = assemble(RTC_SOURCE.replace('PAD', '0x200'), 0x100000).flat;
      const kernel: LinuxKernel = { kind: 'bzimage', bz: parseBzImage(makeBzImage({ kernel: bz }), 'rtc') };
      const r = await runGuest(make(), { kind: 'linux', kernel }, { memSize: 16 << 20, timeoutMs: 10_000 });
      expect(r.stop, r.detail).toBe('exit-port');
      expect([...Buffer.from(r.transcript, 'latin1')]).toEqual([0x80, 0x26, 0x25, 0x20]);
      expect(r.vmm['io.rtc']).toBe(8);
    });
  }
});
