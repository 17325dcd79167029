/*
 * kernel/vsprintf.c for the host, its functions renamed hilo_vsnprintf and
 * hilo_snprintf so that the C library's stay in place (the tests compare
 * with them).
 */
#define vsnprintf hilo_vsnprintf
#define snprintf hilo_snprintf
#include "../../kernel/vsprintf.c"
