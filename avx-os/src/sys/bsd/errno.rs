//! The error numbers of macOS and FreeBSD for the names avx uses. Both inherit 4.4BSD's
//! table, so every number below is the same on the two systems.

crate::sys::errno::errnos! {
    EPERM = 1, "operation not permitted";
    ENOENT = 2, "no such file or directory";
    ESRCH = 3, "no such process";
    EINTR = 4, "interrupted system call";
    ECHILD = 10, "no child processes";
    EBADF = 9, "bad file descriptor";
    ENOMEM = 12, "out of memory";
    EACCES = 13, "permission denied";
    EFAULT = 14, "bad address";
    EINVAL = 22, "invalid argument";
    ENFILE = 23, "too many open files in system";
    EMFILE = 24, "too many open files";
    EPIPE = 32, "broken pipe";
    EAGAIN = 35, "resource temporarily unavailable";
    EINPROGRESS = 36, "operation in progress";
    EALREADY = 37, "operation already in progress";
    ENOTSOCK = 38, "not a socket";
    EADDRINUSE = 48, "address in use";
    EADDRNOTAVAIL = 49, "address not available";
    ENETUNREACH = 51, "network unreachable";
    ECONNABORTED = 53, "connection aborted";
    ECONNRESET = 54, "connection reset by peer";
    ENOTCONN = 57, "not connected";
    ETIMEDOUT = 60, "timed out";
    ECONNREFUSED = 61, "connection refused";
    EHOSTUNREACH = 65, "host unreachable";
    ENOSYS = 78, "function not implemented";
}
