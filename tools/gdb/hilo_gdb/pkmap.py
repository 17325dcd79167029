"""hilo-pkmap: the permanent kmap pool (docs/design.md section 3, mm/highmem.c).

pkmap_count[LAST_PKMAP], the PTEs of the pool's one page table, the cursor
last_pkmap_nr, kmap_stats, the wait queue pkmap_map_wait and the
page_address() hash (page_address_htable: buckets of page_address_maps
entries).  A count means: 0 free and flushed, 1 free but maybe still in a
TLB, n > 1 mapped with n - 1 users.
"""

import gdb

from . import kernel, pgtable, ready
from .command import Command
from .errors import HiloError
from .layout import layout
from .pgtable import entry_pfn

LIST_HEAD = "struct list_head"
ROWS = 64       # slot rows listed unless a count asks for more


def field_of_type(type_name, field_type):
    """The name of the first field of struct type_name whose type is field_type."""
    fields = gdb.lookup_type(type_name).fields()
    name = next((f.name for f in fields if str(f.type.strip_typedefs()) == field_type), None)
    if name is None:
        raise HiloError(f"{type_name} has no {field_type} field")
    return name


def page_addresses():
    """What page_address() knows of highmem pages: {struct page address:
    virtual address}, from every bucket of page_address_htable (a bucket
    is a list_head, or a struct holding one) of page_address_maps entries."""
    try:
        table = gdb.parse_and_eval("page_address_htable")
        map_type = gdb.parse_and_eval("page_address_maps").type.target().strip_typedefs()
    except gdb.error as e:
        raise HiloError(f"no page_address hash in this kernel: {e}") from None
    bucket_type = str(table.type.target().strip_typedefs())
    in_bucket = None if bucket_type == LIST_HEAD else field_of_type(bucket_type, LIST_HEAD)
    map_list = field_of_type(str(map_type), LIST_HEAD)
    found = {}
    for bucket in kernel.array(table):
        head = bucket if in_bucket is None else bucket[in_bucket]
        for pam in kernel.list_entries(head, str(map_type), map_list):
            found[int(pam["page"])] = int(pam["virtual"])
    return found


def local_maps():
    """kmap_local_count(): every CPU's percpu[].kmap_local_maps, summed."""
    percpu = kernel.sym("percpu")
    return sum(int(percpu[cpu]["kmap_local_maps"]) for cpu in range(layout().NR_CPUS))


def pool_waiters():
    """The tasks asleep on pkmap_map_wait, waiting for a free slot."""
    wq = kernel.sym("pkmap_map_wait")
    return [e["task"] for e in kernel.list_entries(wq["head"], "struct wait_queue_entry", "entry")]


def slot_problem(nr, count, pte, mapped_page):
    """What is wrong with pool slot nr, or None.  mapped_page is the
    struct page that page_address() maps to the slot's address, or None."""
    if count < 0:
        return f"count {count} is negative"
    if count == 0 and pte:
        return f"count 0 but PTE {pte:#018x} is not empty"
    if count == 0 and mapped_page is not None:
        return f"count 0 but page_address({mapped_page:#x}) is this slot"
    if count == 0:
        return None
    if not pgtable.present(pte):
        return f"count {count} but PTE {pte:#018x} is not present"
    pte_page = int(kernel.page_of_pfn(entry_pfn(pte)))
    if mapped_page != pte_page:
        owner = "no page" if mapped_page is None else f"page {mapped_page:#x}"
        return (f"count {count}, PTE frame {entry_pfn(pte):#x} (page {pte_page:#x}), "
                f"but page_address() gives this slot to {owner}")
    return None


def pool_problems(counts, ptes, addresses):
    """The violations of the count/PTE/hash invariants, as sentences."""
    lay = layout()
    by_addr = {virt: page for page, virt in addresses.items()}
    problems = [f"slot {nr}: {p}" for nr, (count, pte) in enumerate(zip(counts, ptes))
                if (p := slot_problem(nr, count, pte, by_addr.get(lay.pkmap_addr(nr))))]
    return problems + [f"page_address hash holds {v:#x}, outside the pool"
                       for v in addresses.values()
                       if not lay.PKMAP_BASE <= v < lay.pkmap_end]


def slot_state(count):
    if count == 0:
        return "free"
    if count == 1:
        return "free, unflushed"
    return f"mapped, {count - 1} user{'s' if count != 2 else ''}"


def ranges(numbers):
    """[3, 4, 5, 9] -> "3-5, 9"."""
    runs = []
    for n in numbers:
        if runs and runs[-1][1] == n - 1:
            runs[-1][1] = n
        else:
            runs.append([n, n])
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in runs)


class PkmapCommand(Command):
    """Show the kmap pool and check its invariants: hilo-pkmap [all] [N]

Every slot in use (count >= 2: count - 1 users; with `all`, every slot),
at most N rows (default 64; a last line says how many more there are and
the command that lists them):
count, state, the live PTE (read physically from the pool's page table),
its frame and struct page.  The free but unflushed slots (count 1: a TLB
may still hold them until the next wraparound) are listed as ranges.
Then the cursor last_pkmap_nr, kmap_stats, the tasks waiting for a slot,
and the consistency check:
  count 0  => PTE empty and no page_address() entry,
  count >= 1 => PTE present and page_address(PTE's page) == the slot.

  (gdb) hilo-pkmap
  pkmap pool: 512 slots at 0xffc00000-0xffe00000, last_pkmap_nr 0
   SLOT  ADDRESS     COUNT  STATE            PTE                 PFN       PAGE
      1  0xffc01000      2  mapped, 1 user   0x8000000037bfe163  0x37bfe   0xf7b75fe0
  slots: 1 mapped, 509 free unflushed, 2 free
  free, unflushed (count 1): 3-511
  counters: maps 511 reuses 0 flushes 0 sleeps 0 wakeups 0 local_maps 4
(local_maps: kmap_local mappings, summed over every CPU's percpu entry)
  waiting for a slot: none
  consistency: ok"""

    name = "hilo-pkmap"
    usage = "[all] [N]"

    def run(self, args):
        self.expect_args(args, 0, 2)
        every = bool(args) and args[0] == "all"
        rest = args[1:] if every else args
        if len(rest) > 1 or (rest and not rest[0].isdigit()):
            raise self.usage_error(f"unknown argument {rest[-1]!r}: all, or a number of rows")
        limit = int(rest[0]) if rest else ROWS
        ready.require_pkmap()
        lay = layout()
        counts = [int(c) for c in kernel.array(kernel.sym("pkmap_count"))]
        if len(counts) != lay.LAST_PKMAP:
            raise HiloError(f"pkmap_count has {len(counts)} entries, "
                            f"LAST_PKMAP is {lay.LAST_PKMAP}")
        ptes = pgtable.live_ptes(lay.PKMAP_BASE, lay.LAST_PKMAP)
        problems = pool_problems(counts, ptes, page_addresses())
        waiters = pool_waiters()
        gdb.write(f"pkmap pool: {lay.LAST_PKMAP} slots at {lay.PKMAP_BASE:#010x}-"
                  f"{lay.pkmap_end:#010x}, last_pkmap_nr {int(kernel.sym('last_pkmap_nr'))}\n")
        gdb.write(f" {'SLOT':>4}  {'ADDRESS':<10}  {'COUNT':>5}  {'STATE':<16} {'PTE':<18}  "
                  f"{'PFN':<8}  PAGE\n")
        listed = [nr for nr, count in enumerate(counts) if count > 1 or every]
        for nr in listed[:limit]:
            self.slot_line(nr, counts[nr], ptes[nr])
        if len(listed) > limit:
            command = f"hilo-pkmap{' all' if every else ''} {len(listed)}"
            gdb.write(f"  ... {len(listed) - limit} more slot{'s' if len(listed) - limit != 1 else ''}"
                      f": `{command}` lists them all\n")
        self.summary_lines(counts, problems, waiters)

    @staticmethod
    def slot_line(nr, count, pte):
        page = f"{int(kernel.page_of_pfn(entry_pfn(pte))):#010x}" if pte else "-"
        state = slot_state(count)
        gdb.write(f" {nr:>4}  {layout().pkmap_addr(nr):#010x}  {count:>5}  {state:<16} "
                  f"{pte:#018x}  {entry_pfn(pte):<#8x}  {page}\n")

    @staticmethod
    def summary_lines(counts, problems, waiters):
        stats = kernel.sym("kmap_stats")
        unflushed = [nr for nr, c in enumerate(counts) if c == 1]
        gdb.write(f"slots: {sum(c > 1 for c in counts)} mapped, {len(unflushed)} free unflushed, "
                  f"{counts.count(0)} free\n")
        if unflushed:
            gdb.write(f"free, unflushed (count 1): {ranges(unflushed)}\n")
        gdb.write("counters: " + " ".join(f"{f.name} {int(stats[f.name])}"
                                          for f in stats.type.fields())
                  + f" local_maps {local_maps()}\n")
        gdb.write("waiting for a slot: "
                  + (", ".join(kernel.task_label(t) for t in waiters) or "none") + "\n")
        gdb.write("consistency: " + ("ok" if not problems else
                                     f"{len(problems)} PROBLEMS") + "\n")
        for p in problems:
            gdb.write(f"  {p}\n")
