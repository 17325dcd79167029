; long syscall6(long nr, long a1, long a2, long a3, long a4, long a5, long a6)
;
; The one system call stub in assembly: the sixth argument goes in ebp,
; which the programs keep as their frame pointer (-fno-omit-frame-pointer),
; so inline assembly could not name it as an operand.  ebx, esi, edi and
; ebp are callee-saved in the i386 ABI: save them around the call.

	section .text
	global syscall6

syscall6:
	push ebp
	push ebx
	push esi
	push edi
	mov eax, [esp + 20]		; nr (4 saved registers + return address)
	mov ebx, [esp + 24]
	mov ecx, [esp + 28]
	mov edx, [esp + 32]
	mov esi, [esp + 36]
	mov edi, [esp + 40]
	mov ebp, [esp + 44]
	int 0x80
	pop edi
	pop esi
	pop ebx
	pop ebp
	ret
