//! Windows error codes under the POSIX names avx uses: WinSock `WSAE*` codes for everything a
//! socket reports, Win32 `ERROR_*` codes for the rest (both are what `GetLastError` returns).

crate::sys::errno::errnos! {
    ENOENT = 2, "the system cannot find the file specified (ERROR_FILE_NOT_FOUND)";
    ENFILE = 4, "too many open files (ERROR_TOO_MANY_OPEN_FILES)";
    EPERM = 5, "access is denied (ERROR_ACCESS_DENIED)";
    ENOMEM = 8, "not enough memory (ERROR_NOT_ENOUGH_MEMORY)";
    ENOSYS = 120, "function not implemented (ERROR_CALL_NOT_IMPLEMENTED)";
    EINTR = 10004, "interrupted function call (WSAEINTR)";
    EBADF = 10009, "bad file handle (WSAEBADF)";
    EACCES = 10013, "permission denied (WSAEACCES)";
    EFAULT = 10014, "bad address (WSAEFAULT)";
    EINVAL = 10022, "invalid argument (WSAEINVAL)";
    EMFILE = 10024, "too many open sockets (WSAEMFILE)";
    EAGAIN = 10035, "resource temporarily unavailable (WSAEWOULDBLOCK)";
    EINPROGRESS = 10036, "operation in progress (WSAEINPROGRESS)";
    EALREADY = 10037, "operation already in progress (WSAEALREADY)";
    ENOTSOCK = 10038, "not a socket (WSAENOTSOCK)";
    EADDRINUSE = 10048, "address in use (WSAEADDRINUSE)";
    EADDRNOTAVAIL = 10049, "address not available (WSAEADDRNOTAVAIL)";
    ENETUNREACH = 10051, "network unreachable (WSAENETUNREACH)";
    ECONNABORTED = 10053, "connection aborted (WSAECONNABORTED)";
    ECONNRESET = 10054, "connection reset by peer (WSAECONNRESET)";
    ENOTCONN = 10057, "not connected (WSAENOTCONN)";
    EPIPE = 10058, "cannot send after socket shutdown (WSAESHUTDOWN)";
    ETIMEDOUT = 10060, "timed out (WSAETIMEDOUT)";
    ECONNREFUSED = 10061, "connection refused (WSAECONNREFUSED)";
    EHOSTUNREACH = 10065, "host unreachable (WSAEHOSTUNREACH)";
}
