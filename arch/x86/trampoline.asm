; arch/x86/trampoline.asm: where an application processor starts.
;
; An AP wakes from INIT-SIPI-SIPI in real mode at CS:IP = (page << 8):0,
; page being the vector of the STARTUP IPI.  arch/x86/smpboot.c copies
; this blob (trampoline_start .. trampoline_end) to TRAMPOLINE_PHYS, a
; page of the reserved first MiB, and fills in the parameter block at
; TRAMPOLINE_PARAMS (struct trampoline_params, asm/smpboot.h) first.
;
; The way up, on the AP:
;
;   real mode       lgdt the block's flat GDT, set CR0.PE, far jump to
;   protected mode  flat segments; CR4 and EFER.NXE as the boot CPU has
;                   them; CR3 = the block's PDPT, which maps the first
;                   2 MiB at their physical address (executable) and the
;                   kernel's page directory at PAGE_OFFSET; CR0.PG
;   paging          esp = the top of the AP's idle stack, jump to
;                   secondary_startup in the kernel's text
;   higher half     CR3 = the kernel's own PDPT (no identity map any
;                   more), call start_secondary(cpu)
;
; ebx holds the trampoline's physical address from real mode on: every
; parameter is read relative to it.

%include "asm-offsets.inc"

%define CR0_PE  (1 << 0)
%define CR0_WP  (1 << 16)
%define CR0_PG  (1 << 31)
%define MSR_EFER 0xC0000080
%define EFER_NXE (1 << 11)

extern start_secondary
global trampoline_start, trampoline_end, secondary_startup

section .rodata
bits 16
align 16
trampoline_start:
        cli
        cld
        mov ax, cs
        mov ds, ax
        movzx ebx, ax
        shl ebx, 4                              ; ebx = physical base
        lgdt [TRAMPOLINE_PARAMS + TP_GDT_LIMIT]
        mov eax, cr0
        or eax, CR0_PE
        mov cr0, eax
        jmp far dword [TRAMPOLINE_PARAMS + TP_FAR_OFFSET]

bits 32
global trampoline_protected
trampoline_protected:                           ; at ebx + (this - start)
        mov ax, TRAMPOLINE_DS
        mov ds, ax
        mov es, ax
        mov ss, ax
        xor ax, ax
        mov fs, ax
        mov gs, ax

        mov eax, [ebx + TRAMPOLINE_PARAMS + TP_CR4]
        mov cr4, eax
        test dword [ebx + TRAMPOLINE_PARAMS + TP_EFER_NXE], 1
        jz .no_nx
        mov ecx, MSR_EFER
        rdmsr
        or eax, EFER_NXE
        wrmsr
.no_nx:
        lea eax, [ebx + TRAMPOLINE_PDPT]
        mov cr3, eax
        mov eax, cr0
        or eax, CR0_PG | CR0_WP
        mov cr0, eax

        mov esp, [ebx + TRAMPOLINE_PARAMS + TP_STACK]
        mov esi, [ebx + TRAMPOLINE_PARAMS + TP_KERNEL_CR3]
        mov edi, [ebx + TRAMPOLINE_PARAMS + TP_CPU]
        mov eax, [ebx + TRAMPOLINE_PARAMS + TP_ENTRY]
        jmp eax
trampoline_end:

section .text
bits 32
; secondary_startup: the AP in the kernel's text, still on the
; trampoline's page tables.  esi = the kernel's CR3, edi = the CPU number,
; esp = the top of the idle task's stack.
secondary_startup:
        mov cr3, esi
        xor ebp, ebp                            ; ends backtraces
        push edi
        call start_secondary
.hang:                                          ; start_secondary never returns
        cli
        hlt
        jmp .hang

section .rodata
; The code must end before the parameter block it is copied next to.
        times TRAMPOLINE_PARAMS - (trampoline_end - trampoline_start) db 0
