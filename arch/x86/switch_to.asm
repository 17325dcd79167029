; arch/x86/switch_to.asm: the register switch between tasks (see
; include/asm/switch_to.h for the frame it leaves on a switched-out stack).

global switch_stack, ret_from_fork
extern schedule_tail, kthread_entry

section .text
bits 32

; struct task_struct *switch_stack(unsigned long *prev_sp,
;                                  unsigned long next_sp,
;                                  struct task_struct *prev)
; eax carries prev across: the resumed task gets it as the return value.
switch_stack:
        mov eax, [esp + 12]             ; prev
        mov ecx, [esp + 4]              ; prev_sp
        mov edx, [esp + 8]              ; next_sp
        push ebp
        push ebx
        push esi
        push edi
        mov [ecx], esp
        mov esp, edx
        pop edi
        pop esi
        pop ebx
        pop ebp
        ret

; ret_from_fork: a new task's first switch_stack() returns here with
; eax = prev and esp = the top of its stack (16-byte aligned).
ret_from_fork:
        sub esp, 12                     ; keep the call 16-byte aligned
        push eax
        call schedule_tail              ; finish the switch, as schedule() would
        add esp, 16
        call kthread_entry              ; runs the thread; never returns
        ud2
