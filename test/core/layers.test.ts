/**
 * The layering the backends rely on (docs/hypervisor.md): the emulated CPU
 * (src/emu) imports nothing above it, and the emulated hypervisor
 * (src/core/emu) shares nothing with the /dev/kvm backend (src/core/kvm)
 * but the neutral uAPI (src/core/uapi, src/core/api…).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.tsx?$/.test(f))
    .map((f) => join(dir, f));
}

/** Every relative module a file imports (static, re-export or dynamic), as a path from the repo root. */
function importsOf(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const specs = [...text.matchAll(/(?:from|import\()\s*'(\.[^']+)'/g)].map((m) => m[1]);
  return specs.map((s) => relative(ROOT, resolve(ROOT, dirname(file), s)));
}

function importsUnder(dir: string, forbidden: (path: string) => boolean): string[] {
  return sources(dir).flatMap((f) => importsOf(f).filter(forbidden).map((to) => `${f} → ${to}`));
}

describe('layers', () => {
  it('src/emu imports nothing outside src/emu', () => {
    const files = sources('src/emu');
    expect(files.length).toBeGreaterThan(10);
    expect(importsUnder('src/emu', (p) => !p.startsWith('src/emu/'))).toEqual([]);
  });

  it('src/core/emu does not import src/core/kvm', () => {
    expect(importsOf('src/core/emu/backend.ts')).toContain('src/core/uapi/ioctls.ts');
    expect(importsUnder('src/core/emu', (p) => p.startsWith('src/core/kvm/'))).toEqual([]);
  });
});
