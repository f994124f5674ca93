/**
 * Which OS-awareness module an image gets (src/core/os/awareness.ts): by its
 * symbols, and for Linux only with offsets; the reason is what `info os`
 * prints. And the vmos module reading its table through the same interface.
 */
import { describe, expect, it } from 'vitest';
import type { ElfSymbol } from '../../../src/core/loader/elf.ts';
import { SymbolTable } from '../../../src/core/loader/symbols.ts';
import { chooseAwareness } from '../../../src/core/os/awareness.ts';
import { VMOS_TASK_SIZE } from '../../../src/core/os/vmos.ts';
import { LinuxImage, OFFSETS } from './linux-guest-image.ts';

const sym = (name: string, value = 0x1000n): ElfSymbol => ({ name, value, size: 0, type: 'object', global: true });
const profile = { file: 'k/linux-offsets.json', offsets: OFFSETS, symbolsFrom: 'k/System.map' };

describe('chooseAwareness', () => {
  it('vmos symbols → vmos', () => {
    const c = chooseAwareness(new SymbolTable([sym('vmos_tasks'), sym('vmos_ntasks')]));
    expect(c.awareness?.name).toBe('vmos');
    expect(c.why).toMatch(/^vmos: the image has the vmos_tasks and vmos_ntasks symbols/);
  });

  it('init_task with offsets → linux, naming both files and the kernel version', () => {
    const c = chooseAwareness(new SymbolTable([sym('init_task')]), profile);
    expect(c.awareness?.name).toBe('linux');
    expect(c.why).toBe('linux: init_task from k/System.map, task_struct offsets from k/linux-offsets.json (kernel 6.1.176)');
  });

  it('init_task without offsets, or with a bad file → none, saying why', () => {
    expect(chooseAwareness(new SymbolTable([sym('init_task')]))).toEqual({ awareness: null, why: 'none: the symbols have init_task (Linux) but no task_struct offsets were given (--os-offsets FILE)' });
    expect(chooseAwareness(new SymbolTable([sym('init_task')]), { problem: 'x.json: task_struct.comm is missing' }).why).toBe('none: the symbols have init_task (Linux) but x.json: task_struct.comm is missing');
  });

  it('neither (a raw image, a bzImage without System.map) → none: CR3s only', () => {
    expect(chooseAwareness(new SymbolTable([sym('main')]))).toEqual({ awareness: null, why: 'none: the image\'s symbols have neither vmos_tasks nor init_task; processes are the CR3s seen at debug events' });
    expect(chooseAwareness(new SymbolTable([]), { problem: 'no task_struct offsets (…)' }).why).toMatch(/neither vmos_tasks nor init_task \(no task_struct offsets/);
  });
});

describe('the vmos module', () => {
  it('reads vmos_tasks at identity-mapped addresses: free slots left out, saved RIP kept; garbage → a partial read', () => {
    const g = new LinuxImage();
    const table = 0x10000, n = 0x20000;
    const c = chooseAwareness(new SymbolTable([sym('vmos_tasks', BigInt(table)), sym('vmos_ntasks', BigInt(n))]));
    g.setU32(n, 3);
    const put = (i: number, pid: number, state: number, cr3: bigint, name: string, rip: bigint) => {
      const at = table + i * VMOS_TASK_SIZE;
      g.setU32(at, pid);
      g.setU32(at + 4, state);
      g.setU64(at + 8, cr3);
      g.setBytes(at + 16, `${name}\0`);
      g.setU64(at + 32, rip);
    };
    put(0, 0, 3, 0x5000n, 'idle', 0x100n);
    put(2, 2, 1, 0x117000n, 'counter', 0x40001234n);
    expect(c.awareness!.read(g.memory())).toEqual({
      tasks: [
        { pid: 0, name: 'idle', state: 'sleeping', cr3: 0x5000n, kernelThread: false, savedRip: 0x100n },
        { pid: 2, name: 'counter', state: 'runnable', cr3: 0x117000n, kernelThread: false, savedRip: 0x40001234n },
      ],
    });
    g.setU32(n, 1_000_000);
    expect(c.awareness!.read(g.memory())).toMatchObject({ tasks: [], partial: expect.stringMatching(/^vmos_tasks unreadable: .*outside guest memory/) });
  });
});
