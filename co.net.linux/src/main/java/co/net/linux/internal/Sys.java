package co.net.linux.internal;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The Linux system calls co's native transports use, bound through {@code java.lang.foreign}: no
 * JNI, no library of our own. Every call takes a native scratch segment ({@link #scratch}) that
 * receives {@code errno}; a call that returns -1 is followed by {@link #errno(MemorySegment)}.
 *
 * <p>{@code recv} and {@code send} are bound as critical functions with heap access: they never
 * block (every descriptor is non-blocking) and may read into and write from a heap
 * {@link java.nio.ByteBuffer}'s array directly, with no copy.
 *
 * <p>Thread safety: the calls are thread-safe; a scratch segment must be used by one thread at a
 * time. Constants are the generic Linux ABI (x86-64, AArch64, RISC-V 64).
 */
final class Sys {

    static final int AF_UNIX = 1;
    static final int AF_INET = 2;
    static final int AF_INET6 = 10;
    static final int SOCK_STREAM = 1;
    static final int SOCK_NONBLOCK = 0x800;
    static final int SOCK_CLOEXEC = 0x80000;
    static final int SOL_SOCKET = 1;
    static final int SO_REUSEADDR = 2;
    static final int SO_TYPE = 3;
    static final int SO_ERROR = 4;
    static final int SO_SNDBUF = 7;
    static final int SO_RCVBUF = 8;
    static final int SO_KEEPALIVE = 9;
    static final int SO_LINGER = 13;
    static final int SO_REUSEPORT = 15;
    static final int IPPROTO_IP = 0;
    static final int IP_TOS = 1;
    static final int IPPROTO_TCP = 6;
    static final int TCP_NODELAY = 1;
    static final int IPPROTO_IPV6 = 41;
    static final int IPV6_V6ONLY = 26;
    static final int SHUT_RD = 0;
    static final int SHUT_WR = 1;
    static final int SHUT_RDWR = 2;
    static final int MSG_NOSIGNAL = 0x4000;
    static final int EPOLL_CLOEXEC = 0x80000;
    static final int EPOLL_CTL_ADD = 1;
    static final int EPOLL_CTL_DEL = 2;
    static final int EPOLL_CTL_MOD = 3;
    static final int EPOLLIN = 0x001;
    static final int EPOLLOUT = 0x004;
    static final int EPOLLERR = 0x008;
    static final int EPOLLHUP = 0x010;
    static final int EPOLLRDHUP = 0x2000;
    static final int EPOLLONESHOT = 1 << 30;
    static final int EPOLLET = 1 << 31;
    static final int EFD_NONBLOCK = 0x800;
    static final int EFD_CLOEXEC = 0x80000;

    static final int EINTR = 4;
    static final int EAGAIN = 11;
    static final int EEXIST = 17;
    static final int EINPROGRESS = 115;

    /** Bytes of one {@code struct epoll_event}: packed on x86-64, padded elsewhere. */
    static final int EPOLL_EVENT_SIZE;
    /** Offset of {@code data} in {@code struct epoll_event}. */
    static final int EPOLL_DATA_OFFSET;

    /** Scratch layout: errno capture, then a sockaddr_storage, its length, and an option value. */
    static final long ADDR = 16;
    static final long ADDR_LEN = ADDR + 128;
    static final long OPT = ADDR_LEN + 8;
    static final long OPT_LEN = OPT + 16;
    static final long SCRATCH_SIZE = OPT_LEN + 8;

    private static final VarHandle ERRNO;
    private static final MethodHandle SOCKET;
    private static final MethodHandle BIND;
    private static final MethodHandle LISTEN;
    private static final MethodHandle ACCEPT4;
    private static final MethodHandle CONNECT;
    private static final MethodHandle RECV;
    private static final MethodHandle SEND;
    private static final MethodHandle READ;
    private static final MethodHandle WRITE;
    private static final MethodHandle SHUTDOWN;
    private static final MethodHandle CLOSE;
    private static final MethodHandle SETSOCKOPT;
    private static final MethodHandle GETSOCKOPT;
    private static final MethodHandle GETSOCKNAME;
    private static final MethodHandle GETPEERNAME;
    private static final MethodHandle EPOLL_CREATE1;
    private static final MethodHandle EPOLL_CTL;
    private static final MethodHandle EPOLL_WAIT;
    private static final MethodHandle EVENTFD;
    private static final MethodHandle SYSCALL;
    private static final MethodHandle MMAP;
    private static final MethodHandle MUNMAP;

    static {
        String arch = System.getProperty("os.arch");
        boolean x86 = arch.equals("amd64") || arch.equals("x86_64");
        EPOLL_EVENT_SIZE = x86 ? 12 : 16;
        EPOLL_DATA_OFFSET = x86 ? 4 : 8;
        Linker linker = Linker.nativeLinker();
        SymbolLookup libc = linker.defaultLookup();
        StructLayout capture = Linker.Option.captureStateLayout();
        ERRNO = capture.varHandle(MemoryLayout.PathElement.groupElement("errno"));
        Linker.Option errno = Linker.Option.captureCallState("errno");
        ValueLayout.OfInt i = ValueLayout.JAVA_INT;
        ValueLayout.OfLong l = ValueLayout.JAVA_LONG;
        var p = ValueLayout.ADDRESS;
        SOCKET = bind(linker, libc, "socket", FunctionDescriptor.of(i, i, i, i), errno);
        BIND = bind(linker, libc, "bind", FunctionDescriptor.of(i, i, p, i), errno);
        LISTEN = bind(linker, libc, "listen", FunctionDescriptor.of(i, i, i), errno);
        ACCEPT4 = bind(linker, libc, "accept4", FunctionDescriptor.of(i, i, p, p, i), errno);
        CONNECT = bind(linker, libc, "connect", FunctionDescriptor.of(i, i, p, i), errno);
        Linker.Option critical = Linker.Option.critical(true);
        RECV = bind(linker, libc, "recv", FunctionDescriptor.of(l, i, p, l, i), errno, critical);
        SEND = bind(linker, libc, "send", FunctionDescriptor.of(l, i, p, l, i), errno, critical);
        READ = bind(linker, libc, "read", FunctionDescriptor.of(l, i, p, l), errno);
        WRITE = bind(linker, libc, "write", FunctionDescriptor.of(l, i, p, l), errno);
        SHUTDOWN = bind(linker, libc, "shutdown", FunctionDescriptor.of(i, i, i), errno);
        CLOSE = bind(linker, libc, "close", FunctionDescriptor.of(i, i), errno);
        SETSOCKOPT = bind(linker, libc, "setsockopt", FunctionDescriptor.of(i, i, i, i, p, i), errno);
        GETSOCKOPT = bind(linker, libc, "getsockopt", FunctionDescriptor.of(i, i, i, i, p, p), errno);
        GETSOCKNAME = bind(linker, libc, "getsockname", FunctionDescriptor.of(i, i, p, p), errno);
        GETPEERNAME = bind(linker, libc, "getpeername", FunctionDescriptor.of(i, i, p, p), errno);
        EPOLL_CREATE1 = bind(linker, libc, "epoll_create1", FunctionDescriptor.of(i, i), errno);
        EPOLL_CTL = bind(linker, libc, "epoll_ctl", FunctionDescriptor.of(i, i, i, i, p), errno);
        EPOLL_WAIT = bind(linker, libc, "epoll_wait", FunctionDescriptor.of(i, i, p, i, i), errno);
        EVENTFD = bind(linker, libc, "eventfd", FunctionDescriptor.of(i, i, i), errno);
        // long syscall(long number, ...): six variadic longs (io_uring has no libc wrapper)
        SYSCALL = bind(linker, libc, "syscall", FunctionDescriptor.of(l, l, l, l, l, l, l, l),
                errno, Linker.Option.firstVariadicArg(1));
        MMAP = bind(linker, libc, "mmap", FunctionDescriptor.of(l, l, l, i, i, i, l), errno);
        MUNMAP = bind(linker, libc, "munmap", FunctionDescriptor.of(i, l, l), errno);
    }

    private Sys() {
    }

    @SuppressWarnings("restricted") // native access: the module needs --enable-native-access (Availability)
    private static MethodHandle bind(Linker linker, SymbolLookup libc, String name, FunctionDescriptor fd,
            Linker.Option... options) {
        MemorySegment symbol = libc.find(name).orElseThrow(() -> new UnsatisfiedLinkError("no " + name + " in libc"));
        return linker.downcallHandle(symbol, fd, options);
    }

    /**
     * Allocates a scratch segment that the garbage collector frees with its owner.
     *
     * @return a segment of {@link #SCRATCH_SIZE} bytes
     */
    static MemorySegment scratch() {
        return Arena.ofAuto().allocate(SCRATCH_SIZE, 8);
    }

    /**
     * Allocates three scratch segments in one piece (a socket's read, write and control sides).
     *
     * @return a segment of three times {@link #SCRATCH_SIZE} bytes
     */
    static MemorySegment scratch3() {
        return Arena.ofAuto().allocate(3 * SCRATCH_SIZE, 8);
    }

    /**
     * Returns the errno the last failed call stored in {@code scratch}.
     *
     * @param scratch the segment passed to that call
     * @return the errno
     */
    static int errno(MemorySegment scratch) {
        return (int) ERRNO.get(scratch, 0L);
    }

    private static AssertionError broken(Throwable t) {
        return new AssertionError("co: a native call failed to link", t);
    }

    static int socket(MemorySegment s, int domain, int type, int protocol) {
        try {
            return (int) SOCKET.invokeExact(s, domain, type, protocol);
        } catch (Throwable t) {
            throw broken(t);
        }
    }

    static int bind(MemorySegment s, int fd, MemorySegment addr, int len) {
        try {
            return (int) BIND.invokeExact(s, fd, addr, len);
        } catch (Throwable t) {
            throw broken(t);
        }
    }

    static int listen(MemorySegment s, int fd, int backlog) {
        try {
            return (int) LISTEN.invokeExact(s, fd, backlog);
        } catch (Throwable t) {
            throw broken(t);
        }
    }

    static int accept4(MemorySegment s, int fd, MemorySegment addr, MemorySegment len, int flags) {
        try {
            return (int) ACCEPT4.invokeExact(s, fd, addr, len, flags);
        } catch (Throwable t) {
            throw broken(t);
        }
    }

    static int connect(MemorySegment s, int fd, MemorySegment addr, int len) {
        try {
            return (int) CONNECT.invokeExact(s, fd, addr, len);
        } catch (Throwable t) {
            throw broken(t);
        }
    }

    static long recv(MemorySegment s, int fd, MemorySegment buf, long n, int flags) {
        try {
            return (long) RECV.invokeExact(s, fd, buf, n, flags);
        } catch (Throwable t) {
            throw broken(t);
        }
    }

    static long send(MemorySegment s, int fd, MemorySegment buf, long n, int flags) {
        try {
            return (long) SEND.invokeExact(s, fd, buf, n, flags);
        } catch (Throwable t) {
            throw broken(t);
        }
    }

    static long read(MemorySegment s, int fd, MemorySegment buf, long n) {
        try {
            return (long) READ.invokeExact(s, fd, buf, n);
        } catch (Throwable t) {
            throw broken(t);
        }
    }

    static long write(MemorySegment s, int fd, MemorySegment buf, long n) {
        try {
            return (long) WRITE.invokeExact(s, fd, buf, n);
        } catch (Throwable t) {
            throw broken(t);
        }
    }

    static int shutdown(MemorySegment s, int fd, int how) {
        try {
            return (int) SHUTDOWN.invokeExact(s, fd, how);
        } catch (Throwable t) {
            throw broken(t);
        }
    }

    static int close(MemorySegment s, int fd) {
        try {
            return (int) CLOSE.invokeExact(s, fd);
        } catch (Throwable t) {
            throw broken(t);
        }
    }

    static int setsockopt(MemorySegment s, int fd, int level, int name, MemorySegment value, int len) {
        try {
            return (int) SETSOCKOPT.invokeExact(s, fd, level, name, value, len);
        } catch (Throwable t) {
            throw broken(t);
        }
    }

    static int getsockopt(MemorySegment s, int fd, int level, int name, MemorySegment value, MemorySegment len) {
        try {
            return (int) GETSOCKOPT.invokeExact(s, fd, level, name, value, len);
        } catch (Throwable t) {
            throw broken(t);
        }
    }

    static int getsockname(MemorySegment s, int fd, MemorySegment addr, MemorySegment len) {
        try {
            return (int) GETSOCKNAME.invokeExact(s, fd, addr, len);
        } catch (Throwable t) {
            throw broken(t);
        }
    }

    static int getpeername(MemorySegment s, int fd, MemorySegment addr, MemorySegment len) {
        try {
            return (int) GETPEERNAME.invokeExact(s, fd, addr, len);
        } catch (Throwable t) {
            throw broken(t);
        }
    }

    static int epollCreate1(MemorySegment s, int flags) {
        try {
            return (int) EPOLL_CREATE1.invokeExact(s, flags);
        } catch (Throwable t) {
            throw broken(t);
        }
    }

    static int epollCtl(MemorySegment s, int epfd, int op, int fd, MemorySegment event) {
        try {
            return (int) EPOLL_CTL.invokeExact(s, epfd, op, fd, event);
        } catch (Throwable t) {
            throw broken(t);
        }
    }

    static int epollWait(MemorySegment s, int epfd, MemorySegment events, int max, int timeoutMs) {
        try {
            return (int) EPOLL_WAIT.invokeExact(s, epfd, events, max, timeoutMs);
        } catch (Throwable t) {
            throw broken(t);
        }
    }

    static int eventfd(MemorySegment s, int initval, int flags) {
        try {
            return (int) EVENTFD.invokeExact(s, initval, flags);
        } catch (Throwable t) {
            throw broken(t);
        }
    }

    /**
     * Makes a system call by number (for io_uring, which libc does not wrap).
     *
     * @return the call's result; -1 with errno in {@code s} on failure
     */
    static long syscall(MemorySegment s, long nr, long a, long b, long c, long d, long e, long f) {
        try {
            return (long) SYSCALL.invokeExact(s, nr, a, b, c, d, e, f);
        } catch (Throwable t) {
            throw broken(t);
        }
    }

    /** {@code mmap(NULL, len, prot, flags, fd, off)}: the address, or -1 with errno in {@code s}. */
    static long mmap(MemorySegment s, long len, int prot, int flags, int fd, long off) {
        try {
            return (long) MMAP.invokeExact(s, 0L, len, prot, flags, fd, off);
        } catch (Throwable t) {
            throw broken(t);
        }
    }

    static int munmap(MemorySegment s, long addr, long len) {
        try {
            return (int) MUNMAP.invokeExact(s, addr, len);
        } catch (Throwable t) {
            throw broken(t);
        }
    }

    /**
     * Writes an {@code epoll_event} into {@code at}.
     *
     * @param at a segment of at least {@link #EPOLL_EVENT_SIZE} bytes
     * @param events the event mask
     * @param data the user data
     */
    static void epollEvent(MemorySegment at, int events, long data) {
        at.set(ValueLayout.JAVA_INT_UNALIGNED, 0, events);
        at.set(ValueLayout.JAVA_LONG_UNALIGNED, EPOLL_DATA_OFFSET, data);
    }
}
