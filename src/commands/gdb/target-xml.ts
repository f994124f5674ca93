/**
 * The target description gdb reads with qXfer:features:read:target.xml
 * (gdb manual, Target Descriptions › Target Description Format, Standard
 * Target Features › i386 Features): architecture i386:x86-64, and the
 * features
 *
 * - org.gnu.gdb.i386.core: rax…r15, rip, eflags, the segment selectors,
 *   the x87 registers (gdb requires the whole feature for amd64);
 * - org.gnu.gdb.i386.sse: xmm0–15 and mxcsr;
 * - org.gnu.gdb.i386.segments: fs_base, gs_base;
 * - org.vdbg.gdb.x86-64.sys: cr0, cr2, cr3, cr4, cr8, efer (no standard
 *   feature names these; gdb shows any extra feature's registers in
 *   `info registers` and as $cr3 & co.), cr0/cr4/efer with their bits.
 *
 * One self-contained document (no xi:include), built from REGISTERS so the
 * numbering cannot drift from registers.ts.
 */
import { REGISTERS, type FeatureName } from './registers.ts';

type Field = [name: string, bit: number];

function flags(id: string, size: number, fields: readonly Field[]): string {
  const f = fields.map(([n, b]) => `    <field name="${n}" start="${b}" end="${b}"/>`).join('\n');
  return `  <flags id="${id}" size="${size}">\n${f}\n  </flags>`;
}

const EFLAGS: Field[] = [
  ['CF', 0], ['', 1], ['PF', 2], ['AF', 4], ['ZF', 6], ['SF', 7], ['TF', 8], ['IF', 9], ['DF', 10], ['OF', 11],
  ['NT', 14], ['RF', 16], ['VM', 17], ['AC', 18], ['VIF', 19], ['VIP', 20], ['ID', 21],
];
const MXCSR: Field[] = [
  ['IE', 0], ['DE', 1], ['ZE', 2], ['OE', 3], ['UE', 4], ['PE', 5], ['DAZ', 6], ['IM', 7], ['DM', 8], ['ZM', 9],
  ['OM', 10], ['UM', 11], ['PM', 12], ['FZ', 15],
];
/** SDM Vol. 3 §2.5 (CR0, CR4) and §2.2.1 (EFER). */
const CR0: Field[] = [['PE', 0], ['MP', 1], ['EM', 2], ['TS', 3], ['ET', 4], ['NE', 5], ['WP', 16], ['AM', 18], ['NW', 29], ['CD', 30], ['PG', 31]];
const CR4: Field[] = [
  ['VME', 0], ['PVI', 1], ['TSD', 2], ['DE', 3], ['PSE', 4], ['PAE', 5], ['MCE', 6], ['PGE', 7], ['PCE', 8], ['OSFXSR', 9],
  ['OSXMMEXCPT', 10], ['UMIP', 11], ['LA57', 12], ['VMXE', 13], ['SMXE', 14], ['FSGSBASE', 16], ['PCIDE', 17], ['OSXSAVE', 18],
  ['SMEP', 20], ['SMAP', 21], ['PKE', 22],
];
const EFER: Field[] = [['SCE', 0], ['LME', 8], ['LMA', 10], ['NXE', 11], ['SVME', 12], ['LMSLE', 13], ['FFXSR', 14], ['TCE', 15]];

const VEC128 = `  <vector id="v4f" type="ieee_single" count="4"/>
  <vector id="v2d" type="ieee_double" count="2"/>
  <vector id="v16i8" type="int8" count="16"/>
  <vector id="v8i16" type="int16" count="8"/>
  <vector id="v4i32" type="int32" count="4"/>
  <vector id="v2i64" type="int64" count="2"/>
  <union id="vec128">
    <field name="v4_float" type="v4f"/>
    <field name="v2_double" type="v2d"/>
    <field name="v16_int8" type="v16i8"/>
    <field name="v8_int16" type="v8i16"/>
    <field name="v4_int32" type="v4i32"/>
    <field name="v2_int64" type="v2i64"/>
    <field name="uint128" type="uint128"/>
  </union>`;

/** Types each feature defines before its registers. */
const TYPES: Record<FeatureName, string> = {
  'org.gnu.gdb.i386.core': flags('i386_eflags', 4, EFLAGS),
  'org.gnu.gdb.i386.sse': `${VEC128}\n${flags('i386_mxcsr', 4, MXCSR)}`,
  'org.gnu.gdb.i386.segments': '',
  'org.vdbg.gdb.x86-64.sys': [flags('vdbg_cr0', 8, CR0), flags('vdbg_cr4', 8, CR4), flags('vdbg_efer', 8, EFER)].join('\n'),
};

function feature(name: FeatureName): string {
  const regs = REGISTERS.filter((r) => r.feature === name)
    .map((r) => `  <reg name="${r.name}" bitsize="${r.bitsize}" type="${r.type}"${r.group ? ` group="${r.group}"` : ''}/>`)
    .join('\n');
  const types = TYPES[name];
  return `<feature name="${name}">\n${types ? `${types}\n` : ''}${regs}\n</feature>`;
}

/** target.xml. */
export const TARGET_XML = `<?xml version="1.0"?>
<!DOCTYPE target SYSTEM "gdb-target.dtd">
<target version="1.0">
<architecture>i386:x86-64</architecture>
${(Object.keys(TYPES) as FeatureName[]).map(feature).join('\n')}
</target>
`;

/** qXfer:features:read:ANNEX:OFFSET,LENGTH (General Query Packets › qXfer): `m` + a chunk, or `l` + the last one; null for an unknown annex. */
export function readFeatures(annex: string, offset: number, length: number): string | null {
  if (annex !== 'target.xml') return null;
  const chunk = TARGET_XML.slice(offset, offset + length);
  return (offset + length >= TARGET_XML.length ? 'l' : 'm') + chunk;
}
