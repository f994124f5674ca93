/**
 * The backends by name, for code above src/core (the debugger, the TUI):
 * the one place that constructs them, so nothing there imports
 * core/emu/backend or core/kvm/* itself. Also what the host's /dev/kvm is,
 * which decides what guest debugging can do on the kvm backend
 * (docs/hypervisor.md, "The kvm backend on this host: kvm_pvm").
 */
import type { Backend, BackendName } from './backend.ts';
import { EmuBackend } from './emu/backend.ts';
import { KvmBackend } from './kvm/backend.ts';
import { kvmHost } from './kvm/host.ts';

export { kvmHost, type KvmHost, type KvmHostModule } from './kvm/host.ts';

export function openBackend(name: BackendName): Backend {
  return name === 'emu' ? new EmuBackend() : new KvmBackend();
}

/**
 * Whether `name` is kvm on a kvm_pvm host (no VMX/SVM): guest CPL 0 runs in
 * KVM's instruction emulator (no INT3, code breakpoints only) and at CPL 3
 * neither #DB nor #BP is intercepted.
 */
export function isKvmPvm(name: BackendName): boolean {
  if (name !== 'kvm') return false;
  const host = kvmHost();
  return host.modules.includes('kvm_pvm') && !host.hardware;
}
