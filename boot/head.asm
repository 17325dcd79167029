; boot/head.asm: from the boot loader to start_kernel() in the higher half.
;
; The loader (QEMU -kernel or GRUB) enters _start in 32-bit protected mode,
; paging off, with eax = multiboot magic and ebx = physical address of the
; multiboot info.  This file runs at its load address until paging is on:
; every reference to a high (0xC0...) symbol subtracts PAGE_OFFSET.
;
; Steps: zero .bss; check the CPU has CPUID and PAE (else print "hilo needs
; a CPU with PAE" on serial and VGA and exit with the panic status); build
; the boot page tables; enable PAE (and PGE, NX when present); load CR3;
; enable paging with WP; jump high; drop the identity map; switch to the
; boot stack; call start_kernel(magic, info).
;
; The boot page tables (PAE: one PDPT, one page directory shared by the
; identity map and the kernel map, two page tables):
;
;   boot_pdpt            boot_pd                       physical memory
;   +---------+         +-----------+  boot_pt (4 KiB pages)
;   | [0] ----+--.  [0] | 0-2M    --+--> PT0: 0 .. 2 MiB     (boot stack
;   | [1]  0  |  |  [1] | 2-4M    --+--> PT1: 2 .. 4 MiB      guard page
;   | [2]  0  |  +->[2] | 2M page --+--> 4 .. 6 MiB           left out)
;   | [3] ----+--'  ... | ...       |    ...
;   +---------+    [511]| 2M page --+--> 1022 .. 1024 MiB
;                       +-----------+
;
; PDPT[3] maps 0xC0000000.. onto physical 0.. (the direct map); PDPT[0]
; maps the same at 0 (identity) only until the jump to the higher half.

%include "asm-offsets.inc"

MB_MAGIC        equ 0x1BADB002
MB_FLAGS        equ (1 << 0) | (1 << 1)        ; page-align modules, want memory info

; The page-table entry bits (_PAGE_PRESENT, _PAGE_RW, _PAGE_PSE: a 2 MiB
; page in a PAE PD entry, _PAGE_GLOBAL: ignored until CR4.PGE) come from
; asm-offsets.inc, as asm/pgtable.h defines them.

CR0_WP          equ 1 << 16
CR0_PG          equ 1 << 31
CR4_PAE         equ 1 << 5
CR4_PGE         equ 1 << 7
EFLAGS_ID       equ 1 << 21
MSR_EFER        equ 0xC0000080
EFER_NXE        equ 1 << 11

CPUID_PAE       equ 1 << 6                     ; leaf 1, edx
CPUID_PGE       equ 1 << 13                    ; leaf 1, edx
CPUID_NX        equ 1 << 20                    ; leaf 0x80000001, edx

COM1            equ 0x3F8
VGA_TEXT        equ 0xB8000

%define PHYS(x) ((x) - PAGE_OFFSET)

extern _bss, _ebss

section .multiboot progbits alloc noexec nowrite align=4
align 4
        dd MB_MAGIC
        dd MB_FLAGS
        dd -(MB_MAGIC + MB_FLAGS)

section .boot.text progbits alloc exec nowrite align=16
bits 32
global _start
_start:
        cli
        cld
        mov esi, eax                            ; multiboot magic
        mov ebp, ebx                            ; multiboot info (physical)

        ; Zero .bss (the loader should have, but be sure: the page
        ; tables and the stack live there, so nothing may be pushed yet).
        mov edi, PHYS(_bss)
        mov ecx, PHYS(_ebss)
        sub ecx, edi
        shr ecx, 2
        xor eax, eax
        rep stosd
        mov edi, ebp                            ; multiboot info from here on
        mov esp, PHYS(boot_stack_top)

        call check_pae                          ; does not return without PAE
        call build_boot_page_tables

        ; PAE, and PGE when the CPU has it (ebx = CPUID.1:EDX from check_pae).
        mov eax, cr4
        or eax, CR4_PAE
        test ebx, CPUID_PGE
        jz .no_pge
        or eax, CR4_PGE
.no_pge:
        mov cr4, eax

        call enable_nx_if_present

        mov eax, PHYS(boot_pdpt)
        mov cr3, eax
        mov eax, cr0
        or eax, CR0_PG | CR0_WP
        mov cr0, eax

        mov eax, higher_half
        jmp eax

; check_pae: return with ebx = CPUID.1:EDX when the CPU has CPUID and PAE;
; otherwise report and stop.
check_pae:
        pushfd
        pop eax
        mov ecx, eax
        xor eax, EFLAGS_ID
        push eax
        popfd
        pushfd
        pop eax
        push ecx
        popfd
        xor eax, ecx
        jz no_pae                               ; EFLAGS.ID stuck: no CPUID

        mov eax, 1
        cpuid
        test edx, CPUID_PAE
        jz no_pae
        mov ebx, edx
        ret

; enable_nx_if_present: set EFER.NXE when CPUID 0x80000001 reports NX.
enable_nx_if_present:
        push ebx
        mov eax, 0x80000000
        cpuid
        cmp eax, 0x80000001
        jb .done
        mov eax, 0x80000001
        cpuid
        test edx, CPUID_NX
        jz .done
        mov ecx, MSR_EFER
        rdmsr
        or eax, EFER_NXE
        wrmsr
.done:
        pop ebx
        ret

; build_boot_page_tables: fill boot_pdpt, boot_pd and boot_pt as drawn above.
build_boot_page_tables:
        ; boot_pt: 4 KiB pages for physical 0 .. BOOT_PT_SIZE.
        mov edx, PHYS(boot_pt)
        mov eax, _PAGE_PRESENT | _PAGE_RW | _PAGE_GLOBAL
        mov ecx, BOOT_PT_SIZE / PAGE_SIZE
.pte:
        mov [edx], eax
        mov dword [edx + 4], 0
        add eax, PAGE_SIZE
        add edx, 8
        loop .pte

        ; The boot stack's guard page stays unmapped: an overflow faults.
        mov edx, PHYS(boot_stack_guard)
        shr edx, PAGE_SHIFT
        mov dword [PHYS(boot_pt) + edx * 8], 0

        ; boot_pd: the page tables first, then 2 MiB pages up to 1 GiB.
        mov edx, PHYS(boot_pd)
        mov eax, PHYS(boot_pt) + (_PAGE_PRESENT | _PAGE_RW)
        mov ecx, BOOT_PT_SIZE / 0x200000
.pde_pt:
        mov [edx], eax
        add eax, PAGE_SIZE
        add edx, 8
        loop .pde_pt
        mov eax, BOOT_PT_SIZE | _PAGE_PRESENT | _PAGE_RW | _PAGE_PSE | _PAGE_GLOBAL
        mov ecx, (BOOT_MAP_SIZE - BOOT_PT_SIZE) / 0x200000
.pde_2m:
        mov [edx], eax
        add eax, 0x200000
        add edx, 8
        loop .pde_2m

        ; boot_pdpt: PAE PDPT entries have only the present bit.
        mov eax, PHYS(boot_pd) + _PAGE_PRESENT
        mov [PHYS(boot_pdpt) + 0 * 8], eax
        mov [PHYS(boot_pdpt) + 3 * 8], eax
        ret

; no_pae: no paging is possible; say so on COM1 and VGA, then leave QEMU
; through isa-debug-exit with the panic status (or halt forever).
no_pae:
        ; COM1: 115200 8N1, FIFO on.
        mov dx, COM1 + 1
        xor al, al
        out dx, al
        mov dx, COM1 + 3
        mov al, 0x80
        out dx, al
        mov dx, COM1 + 0
        mov al, 1
        out dx, al
        mov dx, COM1 + 1
        xor al, al
        out dx, al
        mov dx, COM1 + 3
        mov al, 0x03
        out dx, al
        mov dx, COM1 + 2
        mov al, 0xC7
        out dx, al

        mov esi, no_pae_msg
        mov edi, VGA_TEXT
.next:
        lodsb
        test al, al
        jz .done
        mov ah, 0x4F                            ; white on red
        mov [edi], ax
        add edi, 2
        mov bl, al
        mov dx, COM1 + 5
.wait:
        in al, dx
        test al, 0x20                           ; transmitter empty
        jz .wait
        mov dx, COM1
        mov al, bl
        out dx, al
        jmp .next
.done:
        mov dx, QEMU_DEBUG_EXIT_PORT
        mov eax, HILO_EXIT_PANIC
        out dx, eax
.halt:
        hlt
        jmp .halt

section .boot.data progbits alloc noexec nowrite align=4
no_pae_msg: db "hilo needs a CPU with PAE", 13, 10, 0

section .text
extern start_kernel
higher_half:
        ; Drop the identity map.  The CPU caches the four PDPT entries
        ; when CR3 is loaded, so reload it after the change.
        mov dword [boot_pdpt + 0], 0
        mov dword [boot_pdpt + 4], 0
        mov eax, cr3
        mov cr3, eax

        mov esp, boot_stack_top
        xor ebp, ebp                            ; end of the backtrace chain
        sub esp, 8                              ; 16-byte aligned at the call,
        push edi                                ; as the C ABI expects
                                                ; (edi: multiboot info, physical)
        push esi                                ; multiboot magic
        call start_kernel
.hang:
        cli
        hlt
        jmp .hang

section .bss.page_aligned nobits alloc write align=4096
global boot_pdpt, boot_pd, boot_pt, boot_stack_guard, boot_stack, boot_stack_top
boot_pdpt:              resb PAGE_SIZE          ; 32-byte aligned is enough; a page is tidy
boot_pd:                resb PAGE_SIZE
boot_pt:                resb BOOT_PT_SIZE / 0x200000 * PAGE_SIZE
boot_stack_guard:       resb PAGE_SIZE          ; unmapped: see build_boot_page_tables
boot_stack:             resb BOOT_STACK_SIZE
boot_stack_top:
