/**
 * Which OS-awareness module a session gets (`info os`), from the image on the
 * command line: vmos by its symbols, Linux with System.map and offsets found
 * beside the kernel or given by --system-map / --os-offsets, none for a raw
 * image; a bad --os-offsets file refuses to start. No guest is run here.
 */
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { Session } from '../../../src/commands/session/index.ts';
import { runCli } from '../../golden/run.ts';

const GUEST = fileURLToPath(new URL('../../../guests/linux/', import.meta.url));
/** As `info os` names files inside the working directory: relative to it. */
const GUEST_SHOWN = `${relative(process.cwd(), GUEST)}/`;
const dir = mkdtempSync(join(tmpdir(), 'vdbg-os-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
// The bundled kernel alone in a directory: no System.map or offsets beside it.
const lone = join(dir, 'bzImage');
copyFileSync(`${GUEST}bzImage`, lone);

async function osOf(opts: Parameters<typeof Session.open>[0]) {
  const s = await Session.open({ backend: 'emu', ...opts });
  try {
    return s.osInfo();
  } finally {
    await s.close();
  }
}

describe('info os: the module the image chose', () => {
  it('vmos by its symbols; tiny (raw) has none', async () => {
    expect(await osOf({ image: 'vmos' })).toMatchObject({ module: 'vmos' });
    expect(await osOf({ image: 'tiny' })).toMatchObject({ module: 'none', why: expect.stringMatching(/neither vmos_tasks nor init_task/) });
  });

  it('the bundled Linux: System.map and linux-offsets.json beside the kernel', async () => {
    expect(await osOf({ linux: { kernel: `${GUEST}bzImage` } })).toMatchObject({
      module: 'linux',
      why: `linux: init_task from ${GUEST_SHOWN}System.map, task_struct offsets from ${GUEST_SHOWN}linux-offsets.json (kernel 6.1.176)`,
      tasks: 0,
      partial: expect.stringMatching(/^init_task \(0xffffffff[0-9a-f]+\) is not mapped under CR3 0x[0-9a-f]+: the kernel has not set up its page tables yet$/),
    });
  });

  it('a kernel alone: no symbols, so none; --system-map alone: init_task but no offsets; both flags: linux', async () => {
    expect(await osOf({ linux: { kernel: lone } })).toMatchObject({ module: 'none', why: expect.stringMatching(/neither vmos_tasks nor init_task \(no task_struct offsets \(bzImage\.offsets\.json or linux-offsets\.json beside bzImage, or --os-offsets FILE\)\)/) });
    expect(await osOf({ linux: { kernel: lone, systemMap: `${GUEST}System.map` } })).toMatchObject({ module: 'none', why: expect.stringMatching(/^none: the symbols have init_task \(Linux\) but no task_struct offsets/) });
    expect(await osOf({ linux: { kernel: lone, systemMap: `${GUEST}System.map`, osOffsets: `${GUEST}linux-offsets.json` } })).toMatchObject({ module: 'linux' });
  });

  it('a bad offsets file beside the kernel is the reason there is none; given by --os-offsets it refuses to start', async () => {
    const sub = mkdtempSync(join(dir, 'bad-'));
    copyFileSync(`${GUEST}bzImage`, join(sub, 'bzImage'));
    copyFileSync(`${GUEST}System.map`, join(sub, 'System.map'));
    writeFileSync(join(sub, 'linux-offsets.json'), '{"kernelVersion": "6.1.176", "task_struct": {}, "mm_struct": {"pgd": 48}}');
    expect(await osOf({ linux: { kernel: join(sub, 'bzImage') } })).toMatchObject({ module: 'none', why: `none: the symbols have init_task (Linux) but ${join(sub, 'linux-offsets.json')}: task_struct.tasks is missing` });
    await expect(Session.open({ backend: 'emu', linux: { kernel: lone, osOffsets: join(sub, 'linux-offsets.json') } })).rejects.toThrow(`${join(sub, 'linux-offsets.json')}: task_struct.tasks is missing`);
    await expect(Session.open({ backend: 'emu', linux: { kernel: lone, osOffsets: join(sub, 'none.json') } })).rejects.toThrow(`${join(sub, 'none.json')}: no such file`);
  });

  it('the command line: the flags need --kernel; a bad file is a usage error (status 2)', async () => {
    const alone = await runCli(['--os-offsets', 'x.json', '-ex', 'info os']);
    expect([alone.exitCode, alone.stderr]).toEqual([2, 'vdbg: --os-offsets needs --kernel\n']);
    const map = await runCli(['--system-map', 'System.map', '-ex', 'info os']);
    expect([map.exitCode, map.stderr]).toEqual([2, 'vdbg: --system-map needs --kernel\n']);
    const bad = await runCli(['--kernel', lone, '--os-offsets', join(dir, 'none.json'), '-ex', 'info os']);
    expect([bad.exitCode, bad.stderr]).toEqual([2, `vdbg: ${join(dir, 'none.json')}: no such file\n`]);
    const ok = await runCli(['--kernel', `${GUEST}bzImage`, '-ex', 'info os']);
    expect(ok.stdout).toMatch(/^Module +linux$/m);
  });
});
