// SPDX-License-Identifier: GPL-2.0
/*
 * The task_struct / mm_struct layout of the bundled kernel, for vdbg's Linux
 * awareness. build.sh copies this file into the kernel tree as
 * kernel/vdbg-offsets.c and compiles it to assembly with the kernel's own
 * flags and .config (`make kernel/vdbg-offsets.s`), the asm-offsets trick of
 * arch/x86/kernel/asm-offsets.c: each DEFINE leaves "->NAME $VALUE" in the .s,
 * which build.sh turns into linux-offsets.json. Nothing here is guessed.
 */
#define COMPILE_OFFSETS
#include <linux/kbuild.h>
#include <linux/sched.h>
#include <linux/mm_types.h>
#include <asm/page.h>

void vdbg_offsets(void);
void vdbg_offsets(void)
{
	OFFSET(task_struct_tasks, task_struct, tasks);
	OFFSET(task_struct_pid, task_struct, pid);
	OFFSET(task_struct_tgid, task_struct, tgid);
	OFFSET(task_struct_comm, task_struct, comm);
	OFFSET(task_struct___state, task_struct, __state);
	OFFSET(task_struct_mm, task_struct, mm);
	OFFSET(task_struct_active_mm, task_struct, active_mm);
	OFFSET(task_struct_flags, task_struct, flags);
	OFFSET(task_struct_real_parent, task_struct, real_parent);
	OFFSET(task_struct_parent, task_struct, parent);
	OFFSET(task_struct_children, task_struct, children);
	OFFSET(task_struct_sibling, task_struct, sibling);
	OFFSET(task_struct_exit_state, task_struct, exit_state);
	OFFSET(task_struct_stack, task_struct, stack);
	OFFSET(task_struct_thread_sp, task_struct, thread.sp);
	DEFINE(task_struct_size, sizeof(struct task_struct));
	OFFSET(mm_struct_pgd, mm_struct, pgd);
	DEFINE(PF_KTHREAD, PF_KTHREAD);
	DEFINE(TASK_COMM_LEN, TASK_COMM_LEN);
	DEFINE(THREAD_SIZE, THREAD_SIZE);
#ifdef CONFIG_DYNAMIC_MEMORY_LAYOUT
	DEFINE(PAGE_OFFSET_DYNAMIC, 1);
#else
	/* __pa() of a direct-map address: va - PAGE_OFFSET (arch/x86/include/asm/page_64.h). */
	DEFINE(PAGE_OFFSET_DYNAMIC, 0);
	DEFINE(PAGE_OFFSET, __PAGE_OFFSET);
#endif
	/* __pa() of a kernel-image address (init_mm.pgd = swapper_pg_dir):
	 * va - __START_KERNEL_map + phys_base. */
	DEFINE(START_KERNEL_map, __START_KERNEL_map);
	DEFINE(PHYSICAL_START, CONFIG_PHYSICAL_START);
}
