/*
 * The kernel's build id, generated at each link by tools/build-id into
 * $(BUILD)/.../build_id.c: "DATE HASH", the UTC date and time
 * of the link and a hash of the objects linked.  start_kernel prints it;
 * GDB's hilo-version compares it with the ELF file gdb loaded.
 */
#ifndef HILO_BUILD_ID_H
#define HILO_BUILD_ID_H

extern const char hilo_build_id[];

#endif
