/**
 * Byte layouts of C structs, declared once and read/written over a DataView.
 *
 * A layout is a list of fields (name, offset, codec); the same declaration
 * drives decode (bytes → object), encode (object → bytes), single-field
 * access on a live page (kvm_run) and the size/offset tests. Little-endian
 * throughout (x86-64). 64-bit fields are BigInt; narrower ones are numbers.
 * Padding is not declared as fields: encoding zero-fills the whole struct
 * first, so padding bytes are always written as 0.
 */

/** Reads and writes one value of a fixed byte size at an offset. */
export interface Codec<T> {
  readonly size: number;
  read(view: DataView, offset: number): T;
  write(view: DataView, offset: number, value: T): void;
}

export const u8: Codec<number> = {
  size: 1,
  read: (v, o) => v.getUint8(o),
  write: (v, o, x) => v.setUint8(o, x),
};

export const u16: Codec<number> = {
  size: 2,
  read: (v, o) => v.getUint16(o, true),
  write: (v, o, x) => v.setUint16(o, x, true),
};

export const u32: Codec<number> = {
  size: 4,
  read: (v, o) => v.getUint32(o, true),
  write: (v, o, x) => v.setUint32(o, x >>> 0, true),
};

export const u64: Codec<bigint> = {
  size: 8,
  read: (v, o) => v.getBigUint64(o, true),
  write: (v, o, x) => v.setBigUint64(o, BigInt.asUintN(64, x), true),
};

/** A raw byte array (`__u8 x[n]`); reads return a copy. */
export function bytes(n: number): Codec<Uint8Array> {
  return {
    size: n,
    read: (v, o) => new Uint8Array(v.buffer.slice(v.byteOffset + o, v.byteOffset + o + n)),
    write: (v, o, x) => {
      if (x.length !== n) throw new RangeError(`expected ${n} bytes, got ${x.length}`);
      new Uint8Array(v.buffer, v.byteOffset + o, n).set(x);
    },
  };
}

/** A fixed-length array of one element codec (`__u64 x[n]`). */
export function array<T>(codec: Codec<T>, count: number): Codec<T[]> {
  return {
    size: codec.size * count,
    read: (v, o) => Array.from({ length: count }, (_, i) => codec.read(v, o + i * codec.size)),
    write: (v, o, x) => {
      if (x.length !== count) throw new RangeError(`expected ${count} elements, got ${x.length}`);
      x.forEach((e, i) => codec.write(v, o + i * codec.size, e));
    },
  };
}

/** One field declaration: where it sits and how it is coded. */
export interface FieldDecl<T> {
  readonly offset: number;
  readonly codec: Codec<T>;
}

export function at<T>(offset: number, codec: Codec<T>): FieldDecl<T> {
  return { offset, codec };
}

/** The decoded object type of a field map. */
export type Decoded<F> = { [K in keyof F]: F[K] extends FieldDecl<infer T> ? T : never };

export interface FieldInfo {
  readonly name: string;
  readonly offset: number;
  readonly size: number;
}

export type ByteSource = DataView | Uint8Array | ArrayBuffer;

export interface StructLayout<T> extends Codec<T> {
  readonly name: string;
  readonly fields: readonly FieldInfo[];
  offsetOf(field: keyof T & string): number;
  /** Decodes the struct starting at `offset` of `src`. */
  decode(src: ByteSource, offset?: number): T;
  /** Encodes into a fresh zero-filled buffer of exactly `size` bytes. */
  encode(value: T): Uint8Array;
  /** Encodes into `dst` at `offset`, zero-filling the struct's bytes first. */
  encodeInto(value: T, dst: ByteSource, offset?: number): void;
  /** Reads one field of a struct that starts at `base` (e.g. a live kvm_run page). */
  get<K extends keyof T & string>(src: ByteSource, field: K, base?: number): T[K];
  /** Writes one field of a struct that starts at `base`, leaving the rest untouched. */
  set<K extends keyof T & string>(dst: ByteSource, field: K, value: T[K], base?: number): void;
  /** An all-zero value. */
  zero(): T;
}

/** The decoded value type of a layout. */
export type LayoutValue<L> = L extends StructLayout<infer T> ? T : never;

export function toDataView(src: ByteSource): DataView {
  if (src instanceof DataView) return src;
  if (src instanceof ArrayBuffer) return new DataView(src);
  return new DataView(src.buffer, src.byteOffset, src.byteLength);
}

/**
 * Declares a struct of `size` bytes. Fields must lie inside the struct and
 * must not overlap (unions are declared as separate layouts over the same
 * bytes, as kvm_run's exit union is).
 */
export function struct<F extends Record<string, FieldDecl<any>>>(
  name: string,
  size: number,
  decls: F,
): StructLayout<Decoded<F>> {
  type T = Decoded<F>;
  const entries = Object.entries(decls) as [keyof T & string, FieldDecl<unknown>][];
  const fields: FieldInfo[] = entries.map(([n, d]) => ({ name: n, offset: d.offset, size: d.codec.size }));
  checkFields(name, size, fields);
  const byName = new Map(entries);
  const declOf = (field: string): FieldDecl<unknown> => {
    const d = byName.get(field as keyof T & string);
    if (!d) throw new RangeError(`${name} has no field ${field}`);
    return d;
  };
  const read = (v: DataView, o: number): T => {
    const out: Record<string, unknown> = {};
    for (const [n, d] of entries) out[n] = d.codec.read(v, o + d.offset);
    return out as T;
  };
  const write = (v: DataView, o: number, value: T): void => {
    new Uint8Array(v.buffer, v.byteOffset + o, size).fill(0);
    for (const [n, d] of entries) d.codec.write(v, o + d.offset, value[n]);
  };
  const layout: StructLayout<T> = {
    name,
    size,
    fields,
    read,
    write,
    offsetOf: (field) => declOf(field).offset,
    decode: (src, offset = 0) => read(toDataView(src), offset),
    encode: (value) => {
      const out = new Uint8Array(size);
      write(toDataView(out), 0, value);
      return out;
    },
    encodeInto: (value, dst, offset = 0) => write(toDataView(dst), offset, value),
    get: (src, field, base = 0) => {
      const d = declOf(field);
      return d.codec.read(toDataView(src), base + d.offset) as T[typeof field];
    },
    set: (dst, field, value, base = 0) => {
      const d = declOf(field);
      d.codec.write(toDataView(dst), base + d.offset, value);
    },
    zero: () => read(new DataView(new ArrayBuffer(size)), 0),
  };
  return layout;
}

function checkFields(name: string, size: number, fields: readonly FieldInfo[]): void {
  const sorted = [...fields].sort((a, b) => a.offset - b.offset);
  let end = 0;
  let prev = '';
  for (const f of sorted) {
    if (f.offset < end) throw new Error(`${name}: field ${f.name} overlaps ${prev}`);
    end = f.offset + f.size;
    prev = f.name;
  }
  if (end > size) throw new Error(`${name}: field ${prev} ends at ${end}, past size ${size}`);
}
