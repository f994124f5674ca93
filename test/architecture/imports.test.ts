/**
 * The import graph of src/ is one-way — emu ← core ← commands ← views ← cli —
 * and has no runtime cycle (design.md "Each layer only calls the one below it";
 * issue 9). Type-only imports are erased by the compiler and do not count.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const src = join(root, 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return /\.tsx?$/.test(e.name) && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

/** Relative runtime imports of one file, resolved to absolute paths. */
export function runtimeImports(file: string, text: string): string[] {
  const out: string[] = [];
  // import x from '…'; import { a, type B } from '…'; export { x } from '…'; import '…'
  const re = /^\s*(import|export)\s+(type\s+)?([^'"]*?)\s*(?:from\s+)?['"]([^'"]+)['"]/gms;
  for (const m of text.matchAll(re)) {
    const [, , typeOnly, clause, spec] = m;
    if (typeOnly || !spec.startsWith('.')) continue;
    // `import { type A, type B } from` is type-only too.
    const names = /^\{([^}]*)\}$/.exec(clause.trim());
    if (names && names[1].split(',').every((n) => n.trim() === '' || n.trim().startsWith('type '))) continue;
    out.push(resolve(dirname(file), spec));
  }
  return out;
}

const LAYERS = ['emu', 'core', 'commands', 'views'] as const;
function layerOf(file: string): number {
  const rel = relative(src, file).split('/');
  if (rel.length === 1) return LAYERS.length; // src/cli.tsx: the entry, above everything
  return LAYERS.indexOf(rel[0] as (typeof LAYERS)[number]);
}

const files = sourceFiles(src);
const graph = new Map(files.map((f) => [f, runtimeImports(f, readFileSync(f, 'utf8'))]));

describe('the import graph of src/', () => {
  it('finds the imports it checks (the parser is not blind)', () => {
    expect(files.length).toBeGreaterThan(100);
    const edges = [...graph.values()].reduce((n, e) => n + e.length, 0);
    expect(edges).toBeGreaterThan(files.length);
    expect(runtimeImports('/a/b.ts', "import { x, type Y } from './c.ts';\nimport type { Z } from './d.ts';")).toEqual(['/a/c.ts']);
  });

  it('is one-way: no layer imports a layer above it', () => {
    const upward: string[] = [];
    for (const [f, deps] of graph) {
      for (const d of deps) {
        if (layerOf(d) > layerOf(f)) upward.push(`${relative(root, f)} → ${relative(root, d)}`);
      }
    }
    expect(upward).toEqual([]);
  });

  it('keeps the backends behind src/core: commands and views never import core/emu or core/kvm', () => {
    const direct: string[] = [];
    for (const [f, deps] of graph) {
      const layer = layerOf(f);
      if (layer < 2) continue;
      for (const d of deps) {
        const rel = relative(src, d);
        if (rel.startsWith('core/emu/') || rel.startsWith('core/kvm/')) direct.push(`${relative(root, f)} → ${rel}`);
      }
    }
    expect(direct).toEqual([]);
  });

  it('has no runtime cycle', () => {
    // Tarjan's strongly connected components; any component of more than one file is a cycle.
    let index = 0;
    const idx = new Map<string, number>(), low = new Map<string, number>(), onStack = new Set<string>();
    const stack: string[] = [], cycles: string[][] = [];
    const visit = (v: string): void => {
      idx.set(v, index); low.set(v, index); index++;
      stack.push(v); onStack.add(v);
      for (const w of graph.get(v) ?? []) {
        if (!graph.has(w)) continue;
        if (!idx.has(w)) { visit(w); low.set(v, Math.min(low.get(v)!, low.get(w)!)); }
        else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
      }
      if (low.get(v) === idx.get(v)) {
        const comp: string[] = [];
        let w: string;
        do { w = stack.pop()!; onStack.delete(w); comp.push(relative(root, w)); } while (w !== v);
        if (comp.length > 1) cycles.push(comp.sort());
      }
    };
    for (const f of files) if (!idx.has(f)) visit(f);
    expect(cycles).toEqual([]);
  });
});
