package co.api;

/**
 * Error codes reported by {@link Co#error()}, with the values and meanings of Linux {@code errno}.
 *
 * <p>co's socket calls return {@code -1} on failure and leave the reason here, as the C++ library
 * does; {@link Co#strerror(int)} turns a code into text. The values are the Linux ones on every
 * platform, so a code logged on one machine means the same on another.
 */
public final class Errno {
    /** No error. */
    public static final int OK = 0;
    /** Operation not permitted. */
    public static final int EPERM = 1;
    /** No such file or directory (for example a Unix-domain socket path that does not exist). */
    public static final int ENOENT = 2;
    /** Interrupted: the calling thread was interrupted while it waited. */
    public static final int EINTR = 4;
    /** Input/output error not covered by a more precise code. */
    public static final int EIO = 5;
    /** Bad file descriptor: the socket is closed, or was closed while the call waited. */
    public static final int EBADF = 9;
    /** Resource temporarily unavailable (a non-blocking call would block). */
    public static final int EAGAIN = 11;
    /** Out of memory. */
    public static final int ENOMEM = 12;
    /** Permission denied. */
    public static final int EACCES = 13;
    /** Invalid argument. */
    public static final int EINVAL = 22;
    /** Too many open files in the system. */
    public static final int ENFILE = 23;
    /** Too many open files in this process. */
    public static final int EMFILE = 24;
    /** Broken pipe: the peer closed and the write cannot be delivered. */
    public static final int EPIPE = 32;
    /** Protocol error (for example a malformed TLS record). */
    public static final int EPROTO = 71;
    /** Message too long (a datagram larger than the protocol allows). */
    public static final int EMSGSIZE = 90;
    /** Operation not supported on this socket or transport. */
    public static final int EOPNOTSUPP = 95;
    /** Address already in use. */
    public static final int EADDRINUSE = 98;
    /** Cannot assign the requested address. */
    public static final int EADDRNOTAVAIL = 99;
    /** Network is unreachable. */
    public static final int ENETUNREACH = 101;
    /** Connection aborted. */
    public static final int ECONNABORTED = 103;
    /** Connection reset by peer. */
    public static final int ECONNRESET = 104;
    /** The socket is already connected. */
    public static final int EISCONN = 106;
    /** The socket is not connected. */
    public static final int ENOTCONN = 107;
    /** The operation timed out; {@link Co#timeout()} is also true. */
    public static final int ETIMEDOUT = 110;
    /** Connection refused. */
    public static final int ECONNREFUSED = 111;
    /** No route to host. */
    public static final int EHOSTUNREACH = 113;
    /** An operation is already in progress. */
    public static final int EALREADY = 114;
    /** Operation canceled (for example the runtime was stopped). */
    public static final int ECANCELED = 125;

    private Errno() {
    }

    /**
     * Returns the standard description of {@code err}, as C's {@code strerror} does.
     *
     * @param err an error code
     * @return the description; {@code "Unknown error N"} for a code this class does not name
     */
    public static String describe(int err) {
        return switch (err) {
            case OK -> "Success";
            case EPERM -> "Operation not permitted";
            case ENOENT -> "No such file or directory";
            case EINTR -> "Interrupted system call";
            case EIO -> "Input/output error";
            case EBADF -> "Bad file descriptor";
            case EAGAIN -> "Resource temporarily unavailable";
            case ENOMEM -> "Cannot allocate memory";
            case EACCES -> "Permission denied";
            case EINVAL -> "Invalid argument";
            case ENFILE -> "Too many open files in system";
            case EMFILE -> "Too many open files";
            case EPIPE -> "Broken pipe";
            case EPROTO -> "Protocol error";
            case EMSGSIZE -> "Message too long";
            case EOPNOTSUPP -> "Operation not supported";
            case EADDRINUSE -> "Address already in use";
            case EADDRNOTAVAIL -> "Cannot assign requested address";
            case ENETUNREACH -> "Network is unreachable";
            case ECONNABORTED -> "Software caused connection abort";
            case ECONNRESET -> "Connection reset by peer";
            case EISCONN -> "Transport endpoint is already connected";
            case ENOTCONN -> "Transport endpoint is not connected";
            case ETIMEDOUT -> "Connection timed out";
            case ECONNREFUSED -> "Connection refused";
            case EHOSTUNREACH -> "No route to host";
            case EALREADY -> "Operation already in progress";
            case ECANCELED -> "Operation canceled";
            default -> "Unknown error " + err;
        };
    }
}
