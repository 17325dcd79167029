"""What the kernel has set up yet, for the commands that read it.

gdb can stop anywhere from the reset vector on, and the commands read
structures that the boot path fills in one after the other (kernel/main.c's
start_kernel):

    gdt_init_cpu (arch/x86/gdt.c)       %fs: this CPU's percpu[] entry
    multiboot_copy (kernel/multiboot.c) boot_params: the loader's data, the raw command line
    cmdline_init (kernel/cmdline.c)     boot_cmdline: the parsed command line
    mm_init (mm/init.c):
      find_limits                       max_pfn, max_low_pfn, high_memory
      paging_init -> kmap_init (mm/highmem.c)
                                        pkmap_page_table, kmap_pte: the pool's and
                                        the fixmap's page tables; the kernel's tables in CR3
      zones_init (mm/page_alloc.c)      mem_map, the zones' free lists
      memblock_free_all                 the free pages in the buddy lists
      print_zones (mm/init.c)           zones[].present_pages

Each check below reads the variable that says its part is ready and, when
it is not, raises a HiloError saying what is missing and where to
continue to, instead of letting a command read a NULL pointer or print
the zeros of memory not filled in yet.
"""

import gdb

from . import kernel
from .errors import HiloError


def _int(expr):
    return int(kernel.sym(expr))


def not_ready(what, variable, function, where):
    """The HiloError of a part not set up yet."""
    return HiloError(f"{what} is not set up yet ({variable}): "
                     f"continue past {function} ({where})")


def require_mem_map():
    """mem_map and the zones (zones_init, from mm_init)."""
    if not _int("mem_map"):
        raise not_ready("the memory map", "mem_map is NULL, max_pfn "
                        f"{_int('max_pfn'):#x}", "zones_init", "mm/page_alloc.c, called by "
                        "mm_init in mm/init.c")


def require_zones():
    """The zones' free lists: initialized by zones_init."""
    require_mem_map()
    head = kernel.sym("zones")[0]["free_area"][0]["free_list"]
    if not int(head["next"]):
        raise not_ready("the zones' free lists", "zones[0].free_area[0].free_list is empty "
                        "memory", "zones_init", "mm/page_alloc.c")


def require_pkmap():
    """The kmap pool's page table (kmap_init, from paging_init)."""
    if not _int("pkmap_page_table"):
        raise not_ready("the kmap pool", "pkmap_page_table is NULL", "kmap_init",
                        "mm/highmem.c, called by paging_init in mm/init.c")


def fixmap_ready():
    """Whether kmap_init has made the fixmap's page table (kmap_pte)."""
    return bool(_int("kmap_pte"))


def require_fixmap():
    """The fixmap's page table, which holds every kmap_local slot."""
    if not fixmap_ready():
        raise not_ready("the kmap_local slots' page table", "kmap_pte is NULL", "kmap_init",
                        "mm/highmem.c, called by paging_init in mm/init.c")


def kernel_tables_ready():
    """Whether mm_init has set the limits (high_memory) and, with them,
    the kernel's own page tables; before, CR3 holds boot/head.asm's."""
    return bool(_int("high_memory"))


KERNEL_TABLES_NOTE = ("note: the kernel's page tables are not set up yet (high_memory is NULL): "
                      "these are the boot page tables of boot/head.asm; continue past "
                      "paging_init (mm/init.c) for the kernel's")


def require_boot_params():
    """boot_params, the copy of the loader's data (multiboot_copy)."""
    if not kernel.sym("boot_params")["loader"][0]:
        raise not_ready("the command line", "boot_params.loader is empty: the loader's data "
                        "is not copied", "multiboot_copy", "kernel/multiboot.c, called by "
                        "start_kernel in kernel/main.c")


def percpu_not_ready(cpu_base):
    """The HiloError of a vCPU whose %fs does not reach percpu[] yet."""
    thread = gdb.selected_thread()
    where = f"fs base {cpu_base:#x}" if cpu_base is not None else "no fs base"
    if thread is not None and thread.num == 1:
        return not_ready(f"the per-CPU data of gdb's thread 1 (the boot CPU)",
                         f"{where}, not an entry of percpu[]", "gdt_init_cpu",
                         "arch/x86/gdt.c, the first call of start_kernel in kernel/main.c")
    return HiloError(f"gdb's thread {thread.num if thread else '?'} is a vCPU without per-CPU "
                     f"data ({where}, not an entry of percpu[]): not started yet (continue "
                     "past smp_boot_cpus in kernel/main.c), or select another thread "
                     "(info threads)")
