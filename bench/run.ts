/**
 * `npm run bench`: prints the project's performance figures. Never gates
 * anything on wall time; it reports.
 */
import { reportCr3Events } from './cr3-events.ts';
import { reportEmuSpeed } from './emu-speed.ts';

const log = (line: string) => console.log(line);
reportEmuSpeed(log);
log('');
reportCr3Events(log);
await import('./tui.ts').then((m) => m.reportTui(log));
log('');
await import('./sse.ts').then((m) => m.reportSse(log));
log('');
await import('./time-travel.ts').then((m) => m.reportTimeTravel(log));
log('');
await import('./linux-boot.ts').then((m) => m.reportLinuxBoot(log));
