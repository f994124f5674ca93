import { describe, expect, it } from 'vitest';
import { EmuBackend } from '../../src/core/emu/backend.ts';
import { KvmBackend } from '../../src/core/kvm/backend.ts';
import { openBackend } from '../../src/core/open-backend.ts';

describe('openBackend', () => {
  it('constructs the backend a name stands for (nothing is opened until openSystem)', () => {
    expect(openBackend('emu')).toBeInstanceOf(EmuBackend);
    expect(openBackend('kvm')).toBeInstanceOf(KvmBackend);
    expect([openBackend('emu').name, openBackend('kvm').name]).toEqual(['emu', 'kvm']);
  });
});
