/**
 * A generic copy of an object graph's state, restored in place: every own
 * data property of the objects reachable from a root — numbers, strings,
 * booleans, bigints, typed arrays, DataViews, Dates, arrays, Maps, Sets,
 * nested objects — so state added to a class later (the x87 and SSE units grow
 * fields as instructions are wired) is captured without a list to keep in
 * step. Functions are wiring, not state, and are left alone; accessor
 * properties likewise. `skip` names the properties that are caches or
 * links to other owners (decoded code, TLBs, guest RAM), which the owner
 * rebuilds or snapshots its own way.
 *
 * Restoring puts each captured reference back (objects keep their identity,
 * so `readonly` links stay valid) and then each object's captured fields.
 */

/** Properties not to walk: `skip(owner, key)` true leaves `owner[key]` out. */
export type SkipRule = (owner: object, key: string) => boolean;

type Value = null | undefined | number | string | boolean | bigint | Node;

type Node =
  | { t: 'obj'; ref: object; keys: string[]; vals: Value[] }
  | { t: 'arr'; ref: unknown[]; vals: Value[] }
  | { t: 'typed'; ref: ArrayBufferView & { set?: unknown }; copy: Uint8Array }
  | { t: 'date'; ref: Date; time: number }
  | { t: 'map'; ref: Map<unknown, unknown>; keys: Value[]; vals: Value[] }
  | { t: 'set'; ref: Set<unknown>; vals: Value[] }
  | { t: 'ref'; ref: object };

/** A captured graph: restore with restoreState. */
export interface CapturedState {
  readonly root: Node;
  /** Bytes held by the copies (typed arrays), roughly. */
  readonly bytes: number;
}

function isDataKey(o: object, k: string): boolean {
  const d = Object.getOwnPropertyDescriptor(o, k);
  return d !== undefined && 'value' in d && typeof d.value !== 'function';
}

export function captureState(root: object, skip: SkipRule = () => false): CapturedState {
  const seen = new Map<object, Node>();
  let bytes = 0;
  const val = (v: unknown): Value => {
    if (v === null || v === undefined || typeof v !== 'object') return typeof v === 'function' ? undefined : (v as Value);
    const known = seen.get(v);
    if (known !== undefined) return known;
    let n: Node;
    if (ArrayBuffer.isView(v)) {
      const src = new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
      n = { t: 'typed', ref: v, copy: src.slice() };
      bytes += v.byteLength;
      seen.set(v, n);
      return n;
    }
    if (v instanceof Date) {
      // Its time is internal, not a property (the CMOS RTC holds one while the guest sets the clock).
      n = { t: 'date', ref: v, time: v.getTime() };
      seen.set(v, n);
      return n;
    }
    if (Object.isFrozen(v)) {
      n = { t: 'ref', ref: v };
      seen.set(v, n);
      return n;
    }
    if (Array.isArray(v)) {
      const a: Node = { t: 'arr', ref: v, vals: [] };
      seen.set(v, a);
      for (const x of v) a.vals.push(val(x));
      return a;
    }
    if (v instanceof Map) {
      const m: Node = { t: 'map', ref: v, keys: [], vals: [] };
      seen.set(v, m);
      for (const [k, x] of v) {
        m.keys.push(val(k));
        m.vals.push(val(x));
      }
      return m;
    }
    if (v instanceof Set) {
      const s: Node = { t: 'set', ref: v, vals: [] };
      seen.set(v, s);
      for (const x of v) s.vals.push(val(x));
      return s;
    }
    const o: Node = { t: 'obj', ref: v, keys: [], vals: [] };
    seen.set(v, o);
    for (const k of Object.keys(v)) {
      if (skip(v, k) || !isDataKey(v, k)) continue;
      o.keys.push(k);
      o.vals.push(val((v as Record<string, unknown>)[k]));
    }
    return o;
  };
  const root0 = val(root) as Node;
  return { root: root0, bytes };
}

export function restoreState(s: CapturedState): void {
  const done = new Set<Node>();
  const put = (v: Value): unknown => {
    if (v === null || v === undefined || typeof v !== 'object') return v;
    if (!done.has(v)) {
      done.add(v);
      fill(v);
    }
    return v.ref;
  };
  const fill = (n: Node): void => {
    switch (n.t) {
      case 'typed':
        new Uint8Array(n.ref.buffer, n.ref.byteOffset, n.ref.byteLength).set(n.copy);
        return;
      case 'date':
        n.ref.setTime(n.time);
        return;
      case 'ref':
        return;
      case 'arr':
        n.ref.length = n.vals.length;
        n.vals.forEach((x, i) => (n.ref[i] = put(x)));
        return;
      case 'map':
        n.ref.clear();
        n.keys.forEach((k, i) => n.ref.set(put(k), put(n.vals[i])));
        return;
      case 'set':
        n.ref.clear();
        for (const x of n.vals) n.ref.add(put(x));
        return;
      case 'obj': {
        const o = n.ref as Record<string, unknown>;
        n.keys.forEach((k, i) => (o[k] = put(n.vals[i])));
        return;
      }
    }
  };
  put(s.root);
}

/** Byte-exact comparison key of a captured graph (tests, and whether the user changed state). */
export function stateDigest(s: CapturedState): string {
  const ids = new Map<Node, number>();
  const out: string[] = [];
  const walk = (v: Value): void => {
    if (v === null || v === undefined || typeof v !== 'object') {
      out.push(typeof v === 'bigint' ? `${v}n` : typeof v === 'number' && Object.is(v, -0) ? '-0' : String(v));
      return;
    }
    const id = ids.get(v);
    if (id !== undefined) {
      out.push(`@${id}`);
      return;
    }
    ids.set(v, ids.size);
    switch (v.t) {
      case 'typed':
        out.push(`T${Buffer.from(v.copy.buffer, v.copy.byteOffset, v.copy.byteLength).toString('base64')}`);
        return;
      case 'ref':
        out.push('R');
        return;
      case 'date':
        out.push(`D${v.time}`);
        return;
      case 'arr':
      case 'set':
        out.push('[');
        v.vals.forEach(walk);
        out.push(']');
        return;
      case 'map':
        out.push('{');
        v.keys.forEach((k, i) => (walk(k), walk(v.vals[i])));
        out.push('}');
        return;
      case 'obj':
        out.push('(');
        v.keys.forEach((k, i) => (out.push(k), walk(v.vals[i])));
        out.push(')');
        return;
    }
  };
  walk(s.root);
  return out.join(',');
}
