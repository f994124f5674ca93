/**
 * vdbg's entry point: parses the command line (shared/docs/commands.md) and
 * picks the TUI or batch mode. The debugger (src/commands) and the TUI
 * (src/views) are built in later steps; until then only --version and --help
 * are served and every other invocation says plainly what is missing.
 */
import meow from 'meow';

const cli = meow(
  `
  Usage
    $ vdbg [IMAGE] [options]

  IMAGE                 guest ELF image, or the name of a bundled guest; default: the bundled guest

  Options
    -x, --command FILE    run the commands in FILE, then exit (batch mode)
    -ex, --eval CMD       run CMD (repeatable, in order), then exit (batch mode)
    --batch               batch mode: read commands from standard input
    --backend emu|kvm     hypervisor backend (default emu)
    --json                batch output as JSON lines (one object per command)
    --keep-going          in batch mode, go on after a failed command
    --no-color            plain output (also honoured: NO_COLOR env var)
    --version, --help
`,
  {
    importMeta: import.meta,
    flags: {
      command: { type: 'string', shortFlag: 'x' },
      eval: { type: 'string', isMultiple: true },
      batch: { type: 'boolean', default: false },
      backend: { type: 'string', default: 'emu', choices: ['emu', 'kvm'] },
      json: { type: 'boolean', default: false },
      keepGoing: { type: 'boolean', default: false },
      color: { type: 'boolean', default: true },
    },
  },
);

process.stderr.write(
  'vdbg: the debugger and its terminal UI are not part of this build yet; ' +
    'so far vdbg provides the emulated x86-64 machine (src/emu), its tests and `npm run bench`.\n',
);
void cli;
process.exitCode = 1;
