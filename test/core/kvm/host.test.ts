import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { kvmHost } from '../../../src/core/kvm/host.ts';

function sysModule(...modules: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'vdbg-sysmodule-'));
  for (const m of modules) mkdirSync(join(dir, m));
  return dir;
}

describe('kvmHost', () => {
  it('calls VMX and SVM hardware, PVM and nothing not', () => {
    expect(kvmHost(sysModule('kvm', 'kvm_amd'))).toEqual({ modules: ['kvm_amd'], hardware: true });
    expect(kvmHost(sysModule('kvm', 'kvm_intel'))).toEqual({ modules: ['kvm_intel'], hardware: true });
    expect(kvmHost(sysModule('kvm', 'kvm_pvm'))).toEqual({ modules: ['kvm_pvm'], hardware: false });
    expect(kvmHost(sysModule('kvm', 'kvm_amd', 'kvm_pvm')).hardware).toBe(false);
    expect(kvmHost(sysModule())).toEqual({ modules: [], hardware: false });
  });
});
