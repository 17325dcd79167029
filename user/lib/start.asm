; _start: where every user program begins (ENTRY in user/user.ld).
;
; execve leaves the stack as the Linux i386 ABI does:
;     [esp]              argc
;     [esp + 4]          argv[0] ... argv[argc - 1], then a NULL pointer
;     [esp + 8 + 4*argc] envp[0] ... , then a NULL pointer
; The registers hold nothing the program may rely on.
;
; Call main(argc, argv) with the stack 16-byte aligned at the call, as
; the i386 System V ABI wants, then exit with main's return value.  The
; programs do not read envp.

%define NR_exit 1			; __NR_exit, include/uapi/hilo/unistd.h

	section .text
	global _start
	extern main

_start:
	xor ebp, ebp			; the outermost frame: backtraces stop here
	mov eax, [esp]			; argc
	lea ecx, [esp + 4]		; argv
	and esp, -16
	sub esp, 8			; 2 arguments + 8 = 16 bytes
	push ecx
	push eax
	call main
	mov ebx, eax			; exit(main's return value)
	mov eax, NR_exit
	int 0x80
	ud2				; exit does not return
