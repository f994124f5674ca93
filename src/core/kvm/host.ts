/**
 * Which KVM vendor module backs /dev/kvm on this host, read from
 * /sys/module. It matters for the hardware oracle: kvm_intel (VMX) and
 * kvm_amd (SVM) run guest code on the CPU; kvm_pvm ("Pagetable-based
 * Virtual Machine", a KVM vendor module for hosts without usable hardware
 * virtualization) runs guest ring 0 deprivileged and emulates part of it in
 * software, so CPL transitions, segment reads and some instructions do not
 * behave architecturally there.
 */
import { existsSync } from 'node:fs';

export type KvmHostModule = 'kvm_intel' | 'kvm_amd' | 'kvm_pvm';

export interface KvmHost {
  /** vendor modules present under /sys/module */
  modules: KvmHostModule[];
  /**
   * true when guest instructions run on the CPU as on bare metal: a VMX/SVM
   * module is loaded and PVM is not (with both, which one backs /dev/kvm is
   * not visible from here, so the answer is the cautious one).
   */
  hardware: boolean;
}

export function kvmHost(sysModule = '/sys/module'): KvmHost {
  const all: KvmHostModule[] = ['kvm_intel', 'kvm_amd', 'kvm_pvm'];
  const modules = all.filter((m) => existsSync(`${sysModule}/${m}`));
  const hardware = modules.some((m) => m !== 'kvm_pvm') && !modules.includes('kvm_pvm');
  return { modules, hardware };
}
