//! Linux's error numbers (the generic table shared by x86_64 and aarch64) for the names avx
//! uses; the `Errno` type itself is platform-neutral (`sys::errno`).

crate::sys::errno::errnos! {
    EPERM = 1, "operation not permitted";
    ENOENT = 2, "no such file or directory";
    ESRCH = 3, "no such process";
    EINTR = 4, "interrupted system call";
    ECHILD = 10, "no child processes";
    EBADF = 9, "bad file descriptor";
    EAGAIN = 11, "resource temporarily unavailable";
    ENOMEM = 12, "out of memory";
    EACCES = 13, "permission denied";
    EFAULT = 14, "bad address";
    EINVAL = 22, "invalid argument";
    ENFILE = 23, "too many open files in system";
    EMFILE = 24, "too many open files";
    EPIPE = 32, "broken pipe";
    ENOSYS = 38, "function not implemented";
    ENOTSOCK = 88, "not a socket";
    EADDRINUSE = 98, "address in use";
    EADDRNOTAVAIL = 99, "address not available";
    ENETUNREACH = 101, "network unreachable";
    ECONNABORTED = 103, "connection aborted";
    ECONNRESET = 104, "connection reset by peer";
    ENOTCONN = 107, "not connected";
    ETIMEDOUT = 110, "timed out";
    ECONNREFUSED = 111, "connection refused";
    EHOSTUNREACH = 113, "host unreachable";
    EALREADY = 114, "operation already in progress";
    EINPROGRESS = 115, "operation in progress";
}

#[cfg(test)]
mod tests {
    use crate::sys::Errno;

    #[test]
    fn numbers_are_the_kernels() {
        assert_eq!(Errno(11), Errno::EAGAIN);
        assert_eq!(Errno(111), Errno::ECONNREFUSED);
        assert_eq!(Errno::EWOULDBLOCK, Errno::EAGAIN);
    }
}
