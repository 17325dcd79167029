/*
 * Error numbers: Linux's i386 values.  System calls return -ERRNO in eax
 * (a result in [-4095, -1] is an error).  Shared by the kernel
 * (<uapi/hilo/errno.h>) and the user programs (<hilo/errno.h>).
 */
#ifndef UAPI_HILO_ERRNO_H
#define UAPI_HILO_ERRNO_H

#define EPERM    1
#define ENOENT   2
#define ESRCH    3
#define EINTR    4
#define E2BIG    7
#define ENOEXEC  8
#define EBADF    9
#define ECHILD   10
#define EAGAIN   11
#define ENOMEM   12
#define EFAULT   14
#define EBUSY    16
#define EINVAL   22
#define ENAMETOOLONG 36
#define ENOSYS   38

#define MAX_ERRNO 4095

#endif
