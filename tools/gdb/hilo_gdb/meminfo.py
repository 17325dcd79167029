"""hilo-meminfo: physical memory as the buddy allocator has it now, read
live from mm/page_alloc.c's zones[] (not from the boot log): each zone's
pages, the free blocks per order (as Linux's /proc/buddyinfo), a walk of
every free list checked against the counters, the highmem totals, and the
use of the kmap pool and of the kmap_local slots.
"""

import gdb

from . import kernel, kmap_local, pkmap, ready, smp
from .command import Command
from .errors import HiloError
from .layout import layout

WALK_LIMIT = 1 << 20        # blocks per free list before it is called corrupt


def zone_rows():
    """[(index, zone value)] of zones[]."""
    zones = kernel.sym("zones")
    low, high = zones.type.strip_typedefs().range()
    return [(i, kernel.fetched(zones[i])) for i in range(low, high + 1)]


def free_area_counts(zone):
    """[nr_free] per order of a zone."""
    return [int(area["nr_free"]) for area in kernel.array(zone["free_area"])]


def walk_free_list(zone_index, zone, order):
    """The free blocks of one list, each checked: (blocks, [problems])."""
    lay = layout()
    head = zone["free_area"][order]["free_list"]
    start, end = int(zone["start_pfn"]), int(zone["end_pfn"])
    blocks, problems = 0, []
    for page in kernel.list_entries(head, "struct page", "lru", WALK_LIMIT):
        blocks += 1
        pfn = kernel.pfn_of_page(page)
        flags = int(page["flags"])
        block_order = (flags & lay.PG_ORDER_MASK) >> lay.PG_ORDER_SHIFT
        why = []
        if not flags & lay.PG_buddy:
            why.append("no PG_buddy")
        if block_order != order:
            why.append(f"order {block_order}")
        if (flags & lay.PG_ZONE_MASK) >> lay.PG_ZONE_SHIFT != zone_index:
            why.append("another zone's page")
        if not start <= pfn < end or pfn + (1 << order) > end:
            why.append(f"outside [{start:#x}, {end:#x})")
        if pfn & ((1 << order) - 1):
            why.append("not aligned to its order")
        if why:
            problems.append(f"order {order} block at pfn {pfn:#x}: {', '.join(why)}")
    return blocks, problems


def pages_text(pages):
    kib = pages * layout().PAGE_SIZE // 1024
    return f"{pages} pages ({kib // 1024} MiB)" if kib >= 10240 else f"{pages} pages ({kib} KiB)"


class MeminfoCommand(Command):
    """Show the zones, the buddy free lists, highmem and the kmap pool: hilo-meminfo

Read live from mm/page_alloc.c's zones[] (not from the boot log):
  each zone: its pfn range, present pages (RAM in the memory map),
    managed (handed to the buddy allocator), reserved (present -
    managed), free;
  the free blocks per order 0..MAX_PAGE_ORDER of each zone, as Linux's
    /proc/buddyinfo, and a walk of every free list: its length must be
    nr_free, each block a PG_buddy head of that order in that zone, and
    the blocks' pages must add up to the zone's free_pages;
  lowmem and highmem totals (Linux's LowTotal/LowFree, HighTotal/HighFree);
  the kmap pool's slots (pkmap_count); the kmap_local slots mapped now on
    each CPU (live PTEs), the maps saved by switched-out tasks, and the
    maps made since boot (percpu[].kmap_local_maps).

  (gdb) hilo-meminfo
  ZONE     PFNS                      PRESENT   MANAGED  RESERVED      FREE
  DMA      0x00000000-0x00001000        3998      3743       255      3743
  Normal   0x00001000-0x00037bfe      224254    223795       459    217012
  HighMem  0x00037bfe-0x0007ffe0      295906    295906         0    295902
  buddyinfo  order:      0      1      2      3      4      5      6      7      8      9     10
  zone DMA               1      1      1      1      1      0      1      1      0      1      2
  ...
  free lists: ok (walked 412 blocks, 516657 pages)
  lowmem:  total 228252 pages (891 MiB), free 220755 pages (862 MiB)
  highmem: total 295906 pages (1155 MiB), free 295902 pages (1155 MiB)
  kmap pool: 512 slots: 2 mapped, 0 free unflushed, 510 free
  kmap_local: slots mapped now: cpu 0 0/22, cpu 1 2/22; saved by switched-out tasks: 2 maps in 1 task; made since boot: 4"""

    name = "hilo-meminfo"

    def run(self, args):
        self.expect_args(args, 0, 0)
        ready.require_zones()
        zones = zone_rows()
        gdb.write(f"{'ZONE':<8} {'PFNS':<21} {'PRESENT':>8}  {'MANAGED':>8}  {'RESERVED':>8}  "
                  f"{'FREE':>8}\n")
        counted = all(int(z["present_pages"]) for _, z in zones if int(z["managed_pages"]))
        for _, z in zones:
            present, managed = int(z["present_pages"]), int(z["managed_pages"])
            reserved = str(present - managed) if counted else "?"
            gdb.write(f"{z['name'].string():<8} {int(z['start_pfn']):#010x}-"
                      f"{int(z['end_pfn']):#010x}  {present:>8}  {managed:>8}  {reserved:>8}  "
                      f"{int(z['free_pages']):>8}\n")
        if not counted:
            gdb.write("  (present_pages not counted yet: print_zones, at the end of mm_init "
                      "in mm/init.c, counts them)\n")
        self.buddyinfo(zones)
        self.totals(zones)
        self.kmap_use()

    @staticmethod
    def buddyinfo(zones):
        orders = len(free_area_counts(zones[0][1]))
        gdb.write("buddyinfo  order:" + "".join(f" {o:>6}" for o in range(orders)) + "\n")
        problems, blocks, pages = [], 0, 0
        for index, z in zones:
            counts = free_area_counts(z)
            name = z["name"].string()
            gdb.write(f"zone {name:<12}" + "".join(f" {n:>6}" for n in counts) + "\n")
            zone_pages = 0
            for order, nr_free in enumerate(counts):
                walked, why = walk_free_list(index, z, order)
                problems += [f"zone {name}: {p}" for p in why]
                if walked != nr_free:
                    problems.append(f"zone {name}: order {order} list holds {walked} blocks, "
                                    f"nr_free is {nr_free}")
                blocks += walked
                zone_pages += walked << order
            if zone_pages != int(z["free_pages"]):
                problems.append(f"zone {name}: the free lists hold {zone_pages} pages, "
                                f"free_pages is {int(z['free_pages'])}")
            pages += zone_pages
        verdict = "ok" if not problems else f"{len(problems)} PROBLEMS"
        gdb.write(f"free lists: {verdict} (walked {blocks} blocks, {pages} pages)\n")
        for p in problems[:20]:
            gdb.write(f"  {p}\n")
        if len(problems) > 20:
            gdb.write(f"  ... {len(problems) - 20} more\n")

    @staticmethod
    def totals(zones):
        high = [z for i, z in zones if z["name"].string() == "HighMem"]
        low = [z for i, z in zones if z["name"].string() != "HighMem"]
        for label, group in (("lowmem: ", low), ("highmem:", high)):
            total = sum(int(z["managed_pages"]) for z in group)
            free = sum(int(z["free_pages"]) for z in group)
            gdb.write(f"{label} total {pages_text(total)}, free {pages_text(free)}\n")

    @staticmethod
    def kmap_use():
        lay = layout()
        try:
            ready.require_pkmap()
            counts = [int(c) for c in kernel.array(kernel.sym("pkmap_count"))]
            gdb.write(f"kmap pool: {len(counts)} slots: {sum(c > 1 for c in counts)} mapped, "
                      f"{counts.count(1)} free unflushed, {counts.count(0)} free\n")
        except HiloError as e:
            gdb.write(f"kmap pool: {e}\n")
        if ready.fixmap_ready():
            used = [(cpu, sum(1 for pte in kmap_local.live_slot_ptes(cpu) if pte))
                    for cpu in smp.online_cpus()]
            slots = ", ".join(f"cpu {cpu} {n}/{lay.KM_MAX_IDX}" for cpu, n in used)
        else:
            slots = "none yet (no fixmap page table before kmap_init)"
        saved = [(t, int(t["kmap_ctrl"]["idx"]) // lay.KM_INCR) for t in kernel.tasks()
                 if not kernel.is_running(t) and int(t["kmap_ctrl"]["idx"])]
        gdb.write(f"kmap_local: slots mapped now: {slots}; saved by switched-out tasks: "
                  f"{sum(n for _, n in saved)} maps in {len(saved)} task"
                  f"{'s' if len(saved) != 1 else ''}; made since boot: {pkmap.local_maps()}\n")
