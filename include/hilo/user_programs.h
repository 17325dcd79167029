/*
 * The user programs linked into the kernel image: the ELF files of
 * user/NAME.c, built by the Makefile and embedded by tools/user-programs
 * ($(BUILD)/user/programs.asm).  execve() finds a program here by name.
 */
#ifndef HILO_USER_PROGRAMS_H
#define HILO_USER_PROGRAMS_H

#include <hilo/types.h>

struct user_program {
	const char *name;		/* "hello": the file user/hello.c */
	const u8 *start, *end;		/* the ELF image, [start, end) */
};

extern const struct user_program user_programs[];
extern const u32 nr_user_programs;

/* find_user_program - the program called name, or NULL. */
const struct user_program *find_user_program(const char *name);

#endif
