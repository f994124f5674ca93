/**
 * The runtime import graph of src/emu (issue 9, "Reshape"): the opcode data
 * and the decoder pull in no executor, executors never load cpu.ts, only
 * cpu.ts binds handlers (dispatch.ts), and no module imports itself through
 * a chain. Import statements are read with the TypeScript parser; `import
 * type` / `export type … from` are erased by the compiler and ignored. Under
 * verbatimModuleSyntax an `import { type A }` still loads its module, so it
 * counts as a runtime edge.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const EMU = join(ROOT, 'src/emu');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** Module specifiers a file loads at run time (relative ones resolved to paths under src/emu). */
export function runtimeImports(file: string, text: string): string[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, false, ts.ScriptKind.TS);
  const out: string[] = [];
  const add = (spec: ts.Expression | undefined) => {
    if (spec && ts.isStringLiteral(spec) && spec.text.startsWith('.')) out.push(resolve(dirname(file), spec.text));
  };
  const visit = (n: ts.Node): void => {
    if (ts.isImportDeclaration(n)) {
      if (!n.importClause?.isTypeOnly) add(n.moduleSpecifier);
    } else if (ts.isExportDeclaration(n)) {
      if (!n.isTypeOnly) add(n.moduleSpecifier);
    } else if (ts.isCallExpression(n) && n.expression.kind === ts.SyntaxKind.ImportKeyword) {
      add(n.arguments[0]);
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

const rel = (f: string) => relative(EMU, f);
const graph = new Map<string, string[]>();
for (const f of sourceFiles(EMU)) graph.set(rel(f), runtimeImports(f, readFileSync(f, 'utf8')).filter((d) => d.startsWith(EMU)).map(rel));

/** Every module reachable from `start` at run time (itself included). */
function closure(start: string): Set<string> {
  const seen = new Set<string>();
  const todo = [start];
  while (todo.length > 0) {
    const f = todo.pop()!;
    if (seen.has(f)) continue;
    seen.add(f);
    todo.push(...(graph.get(f) ?? []));
  }
  return seen;
}

/** The import cycles, one per strongly connected component with more than one file (or a self-import). */
function cycles(): string[][] {
  const index = new Map<string, number>(), low = new Map<string, number>(), stack: string[] = [], on = new Set<string>();
  const out: string[][] = [];
  let n = 0;
  const strong = (v: string): void => {
    index.set(v, n);
    low.set(v, n++);
    stack.push(v);
    on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        strong(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || (graph.get(v) ?? []).includes(v)) out.push(scc.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) strong(v);
  return out;
}

const isExec = (f: string) => f.startsWith('exec/');
const DATA_AND_DECODER = ['decode.ts', 'disasm-apx.ts', ...[...graph.keys()].filter((f) => f.startsWith('opcodes/'))];

describe('src/emu import graph (runtime imports only)', () => {
  it('reads the graph', () => {
    expect(graph.size).toBeGreaterThan(40);
    expect(graph.get('cpu.ts')).toContain('decode.ts');
    expect(DATA_AND_DECODER).toEqual(expect.arrayContaining(['opcodes/row.ts', 'opcodes/table.ts', 'opcodes/map0-one-byte.ts']));
  });

  it('has no cycle', () => {
    expect(cycles()).toEqual([]);
  });

  it.each(DATA_AND_DECODER)('%s reaches no executor (exec/*)', (f) => {
    expect(graph.has(f), `${f} exists`).toBe(true);
    expect([...closure(f)].filter(isExec)).toEqual([]);
  });

  it('no executor loads cpu.ts or dispatch.ts', () => {
    const bad = [...graph.keys()].filter(isExec).filter((f) => closure(f).has('cpu.ts') || closure(f).has('dispatch.ts'));
    expect(bad).toEqual([]);
  });

  it('only cpu.ts imports dispatch.ts, the module that binds handlers', () => {
    expect([...graph].filter(([, deps]) => deps.includes('dispatch.ts')).map(([f]) => f)).toEqual(['cpu.ts']);
  });
});

describe('the import parser', () => {
  const f = join(EMU, 'x.ts');
  it('keeps value imports, re-exports, `{ type A }` imports and dynamic imports; drops `import type`', () => {
    const text = [
      "import type { Cpu } from './cpu.ts';",
      "import { type Insn } from './insn.ts';",
      "import {\n  a,\n  b,\n} from './exec/alu.ts';",
      "import * as m from './mmu.ts';",
      "import './side.ts';",
      "export { c } from './flags.ts';",
      "export type { T } from './types.ts';",
      "const d = await import('./debug.ts');",
      "import { readFileSync } from 'node:fs';",
    ].join('\n');
    expect(runtimeImports(f, text).map(rel)).toEqual(['insn.ts', 'exec/alu.ts', 'mmu.ts', 'side.ts', 'flags.ts', 'debug.ts']);
  });
});
