import { defineCommand } from '../command.ts';
import { fieldTable } from '../field-table.ts';
import { hex64 } from '../format.ts';
import { noArgs } from '../parse.ts';

export const infoVcpuCommand = defineCommand<void>({
  name: 'info vcpu',
  aliases: [],
  summary: 'vCPU mode: DR ownership (intercepting / guest-loaded / host-debug), guest vs host XCR0, APX state',
  usage: 'info vcpu',
  parse: (input) => noArgs(input, 'info vcpu'),
  run(session) {
    const v = session.vcpuInfo();
    return fieldTable('vcpu', [
      ['backend', 'Backend', v.backend],
      ['drOwnership', 'DR ownership', v.drOwnership ?? null],
      ['guestXcr0', 'Guest XCR0', hex64(v.guestXcr0)],
      ['hostXcr0', 'Host XCR0', v.hostXcr0 === undefined ? null : hex64(v.hostXcr0)],
      ['apx', 'APX', v.apx ? 'enabled' : 'absent'],
      ['cr3Source', 'CR3 source', session.cr3Source],
    ]);
  },
});
