import { defineCommand } from '../command.ts';
import { CommandError } from '../../errors.ts';
import { parseNumber } from '../expr.ts';
import { hex64 } from '../format.ts';
import { oneOf } from '../parse.ts';

/** Architectural MSRs a hypervisor developer looks at (SDM Vol. 4, table 2-2), by the names Linux's msr-index.h gives them. */
const MSRS: readonly [string, number][] = [
  ['IA32_TSC', 0x10],
  ['IA32_APIC_BASE', 0x1b],
  ['IA32_FEATURE_CONTROL', 0x3a],
  ['IA32_SYSENTER_CS', 0x174],
  ['IA32_SYSENTER_ESP', 0x175],
  ['IA32_SYSENTER_EIP', 0x176],
  ['IA32_MISC_ENABLE', 0x1a0],
  ['IA32_DEBUGCTL', 0x1d9],
  ['IA32_PAT', 0x277],
  ['IA32_EFER', 0xc0000080],
  ['IA32_STAR', 0xc0000081],
  ['IA32_LSTAR', 0xc0000082],
  ['IA32_CSTAR', 0xc0000083],
  ['IA32_FMASK', 0xc0000084],
  ['IA32_FS_BASE', 0xc0000100],
  ['IA32_GS_BASE', 0xc0000101],
  ['IA32_KERNEL_GS_BASE', 0xc0000102],
  ['IA32_TSC_AUX', 0xc0000103],
];
const NAMES = MSRS.map(([n]) => n);

export const infoMsrCommand = defineCommand<{ msrs: [string, number][] }>({
  name: 'info msr',
  aliases: [],
  summary: 'model-specific registers through KVM_GET_MSRS (default: EFER, STAR, LSTAR, FMASK, FS/GS bases, SYSENTER, PAT, APIC base, …); by name or index',
  usage: 'info msr [NAME|INDEX…]',
  parse({ words }) {
    if (words.length === 0) return { msrs: [...MSRS] };
    return {
      msrs: words.map((w): [string, number] => {
        if (/^[0-9]/.test(w)) {
          const v = parseNumber(w);
          if (v > 0xffffffffn) throw new CommandError('bad-number', `MSR index ${w} does not fit in 32 bits`);
          const known = MSRS.find(([, i]) => BigInt(i) === v);
          return known ?? [`0x${v.toString(16)}`, Number(v)];
        }
        const up = w.toUpperCase();
        const name = oneOf(up.startsWith('IA32_') ? up.toLowerCase() : `ia32_${up.toLowerCase()}`, NAMES.map((n) => n.toLowerCase()), 'MSR').toUpperCase();
        return MSRS.find(([n]) => n === name)!;
      }),
    };
  },
  complete: () => NAMES.map((n) => n.slice(5).toLowerCase()),
  run(session, { msrs }) {
    const values = session.readMsrs(msrs.map(([, i]) => i));
    const rows = msrs.map(([name, index]) => {
      const v = values.get(index);
      return { name, index: `0x${index.toString(16)}`, value: v === undefined ? '(not readable on this backend)' : hex64(v) };
    });
    return {
      kind: 'table',
      table: 'msr',
      columns: [
        { key: 'name', header: 'MSR' },
        { key: 'index', header: 'Index' },
        { key: 'value', header: 'Value' },
      ],
      rows,
      empty: '',
    };
  },
});
