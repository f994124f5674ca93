/**
 * A `Field  Value` table (`info vcpu`, `info os`): one row per field, its
 * label and value (`-` when empty) in text, and in JSON the values keyed
 * by field as well as the rows.
 */
import type { Cell, Result } from './result.ts';

/** [JSON key, text label, value]. */
export type Field = [key: string, label: string, value: Cell];

export function fieldTable(table: string, fields: readonly Field[]): Result {
  return {
    kind: 'table',
    table,
    columns: [
      { key: 'field', header: 'Field' },
      { key: 'value', header: 'Value' },
    ],
    rows: fields.map(([, label, value]) => ({ field: label, value: value ?? '-' })),
    empty: '',
    extra: Object.fromEntries(fields.map(([k, , value]) => [k, value])),
  };
}
