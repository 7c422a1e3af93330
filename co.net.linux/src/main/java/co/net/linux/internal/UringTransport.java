package co.net.linux.internal;

/**
 * The {@code "uring"} transport: {@link UringSock}s, whose I/O is ring operations on an io_uring
 * scheduling thread. Thread-safe.
 */
final class UringTransport extends NativeTransport {

    static final String NAME = "uring";

    UringTransport() {
        super(NAME);
    }

    @Override
    FdSock wrap(int af, int fd) {
        return new UringSock(this, af, fd, false);
    }
}
