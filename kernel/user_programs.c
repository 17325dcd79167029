#include <hilo/user_programs.h>
#include <hilo/string.h>
const struct user_program user_programs[1];
const u32 nr_user_programs = 0;
const struct user_program *find_user_program(const char *name) { (void)name; return NULL; }
