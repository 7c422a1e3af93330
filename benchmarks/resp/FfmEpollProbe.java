import co.examples.RespServer.Session;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;

/**
 * A benchmark-only probe, not part of co: the barest RESP server a JVM can run. One thread, one
 * level-triggered epoll instance, and {@code epoll_wait}, {@code accept4}, {@code read},
 * {@code write} called through FFM ({@code java.lang.foreign}) on raw file descriptors; no
 * coroutines, no NIO, no allocation per request. It answers with co's own parser
 * ({@code co.examples.RespServer.Session}), so it differs from {@code RespServer} only in the
 * runtime and the transport. The RESP benchmark runs it as {@code ffm-epoll}; its figures are the
 * floor a Java server over epoll can reach (issue 17).
 *
 * <p>Like redis-server, it reads once per readiness event (16 KiB) and writes the replies of that
 * read with one {@code write}. A short write (the client stopped reading) closes the connection:
 * a probe need not queue output.
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -cp benchmarks/target/benchmarks.jar \
 *      benchmarks/resp/FfmEpollProbe.java PORT
 * </pre>
 * (JDK 22 or later: the source launcher compiles it; Linux x86-64 only.)
 */
public final class FfmEpollProbe {

    private static final int AF_INET = 2;
    private static final int SOCK_STREAM = 1;
    private static final int SOCK_NONBLOCK = 0x800;
    private static final int SOL_SOCKET = 1;
    private static final int SO_REUSEADDR = 2;
    private static final int IPPROTO_TCP = 6;
    private static final int TCP_NODELAY = 1;
    private static final int EPOLL_CTL_ADD = 1;
    private static final int EPOLLIN = 0x1;
    private static final int EAGAIN = 11;
    private static final int EVENT_SIZE = 12;          // struct epoll_event is packed on x86-64
    private static final int MAX_EVENTS = 512;
    private static final int MAX_FDS = 65536;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final Linker.Option ERRNO = Linker.Option.captureCallState("errno");
    private static final VarHandle ERRNO_HANDLE = Linker.Option.captureStateLayout()
            .varHandle(java.lang.foreign.MemoryLayout.PathElement.groupElement("errno"));

    private static final MethodHandle SOCKET = function("socket", ValueLayout.JAVA_INT,
            ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT);
    private static final MethodHandle SETSOCKOPT = function("setsockopt", ValueLayout.JAVA_INT,
            ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS,
            ValueLayout.JAVA_INT);
    private static final MethodHandle BIND = function("bind", ValueLayout.JAVA_INT,
            ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT);
    private static final MethodHandle LISTEN = function("listen", ValueLayout.JAVA_INT,
            ValueLayout.JAVA_INT, ValueLayout.JAVA_INT);
    private static final MethodHandle ACCEPT4 = function("accept4", ValueLayout.JAVA_INT,
            ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT);
    private static final MethodHandle CLOSE = function("close", ValueLayout.JAVA_INT, ValueLayout.JAVA_INT);
    private static final MethodHandle EPOLL_CREATE1 = function("epoll_create1", ValueLayout.JAVA_INT,
            ValueLayout.JAVA_INT);
    private static final MethodHandle EPOLL_CTL = function("epoll_ctl", ValueLayout.JAVA_INT,
            ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS);
    private static final MethodHandle EPOLL_WAIT = function("epoll_wait", ValueLayout.JAVA_INT,
            ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT);
    /** read(fd, address, count) with the buffer passed as a plain address: no segment per call. */
    private static final MethodHandle READ = LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow("read"),
            FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG,
                    ValueLayout.JAVA_LONG), ERRNO);
    private static final MethodHandle WRITE = function("write", ValueLayout.JAVA_LONG,
            ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG);

    private static MethodHandle function(String name, ValueLayout result, ValueLayout... args) {
        return LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow(name), FunctionDescriptor.of(result, args));
    }

    private FfmEpollProbe() {
    }

    /** Per descriptor: the session and its buffers (addresses for the system calls). */
    private static final Session[] SESSIONS = new Session[MAX_FDS];
    private static final ByteBuffer[] IN = new ByteBuffer[MAX_FDS];
    private static final ByteBuffer[] OUT = new ByteBuffer[MAX_FDS];
    private static final long[] IN_ADDRESS = new long[MAX_FDS];
    private static final long[] OUT_ADDRESS = new long[MAX_FDS];

    /**
     * Serves on 127.0.0.1:PORT until killed.
     *
     * @param args the port
     * @throws Throwable on a failed set-up call
     */
    public static void main(String[] args) throws Throwable {
        int port = Integer.parseInt(args[0]);
        Arena arena = Arena.global();
        MemorySegment one = arena.allocate(ValueLayout.JAVA_INT);
        one.set(ValueLayout.JAVA_INT, 0, 1);
        int listener = check((int) SOCKET.invokeExact(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0), "socket");
        check((int) SETSOCKOPT.invokeExact(listener, SOL_SOCKET, SO_REUSEADDR, one, 4), "setsockopt");
        MemorySegment address = arena.allocate(16);
        address.set(ValueLayout.JAVA_SHORT, 0, (short) AF_INET);
        address.set(ValueLayout.JAVA_BYTE, 2, (byte) (port >> 8));
        address.set(ValueLayout.JAVA_BYTE, 3, (byte) port);
        address.set(ValueLayout.JAVA_INT_UNALIGNED, 4, Integer.reverseBytes(0x7f000001));
        check((int) BIND.invokeExact(listener, address, 16), "bind");
        check((int) LISTEN.invokeExact(listener, 1024), "listen");
        int epoll = check((int) EPOLL_CREATE1.invokeExact(0), "epoll_create1");
        MemorySegment event = arena.allocate(EVENT_SIZE);
        add(epoll, listener, event);
        MemorySegment events = arena.allocate((long) EVENT_SIZE * MAX_EVENTS);
        MemorySegment errno = arena.allocate(Linker.Option.captureStateLayout());
        System.err.println("FFM epoll probe on 127.0.0.1:" + port);
        for (;;) {
            int n = (int) EPOLL_WAIT.invokeExact(epoll, events, MAX_EVENTS, -1);
            for (int i = 0; i < n; i++) {
                int fd = (int) events.get(ValueLayout.JAVA_LONG_UNALIGNED, (long) i * EVENT_SIZE + 4);
                if (fd == listener) {
                    accept(listener, epoll, event, one, arena);
                } else {
                    serve(fd, errno);
                }
            }
        }
    }

    private static void accept(int listener, int epoll, MemorySegment event, MemorySegment one, Arena arena)
            throws Throwable {
        for (;;) {
            int fd = (int) ACCEPT4.invokeExact(listener, 0L, 0L, SOCK_NONBLOCK);
            if (fd < 0) {
                return;
            }
            if (fd >= MAX_FDS) {
                int ignored = (int) CLOSE.invokeExact(fd);
                continue;
            }
            int ignored = (int) SETSOCKOPT.invokeExact(fd, IPPROTO_TCP, TCP_NODELAY, one, 4);
            if (SESSIONS[fd] == null) {
                MemorySegment in = arena.allocate(Session.BUFFER_SIZE);
                MemorySegment out = arena.allocate(Session.OUT_BUFFER_SIZE);
                IN[fd] = in.asByteBuffer();
                OUT[fd] = out.asByteBuffer();
                IN_ADDRESS[fd] = in.address();
                OUT_ADDRESS[fd] = out.address();
            }
            SESSIONS[fd] = new Session();
            IN[fd].clear();
            OUT[fd].clear();
            add(epoll, fd, event);
        }
    }

    private static void add(int epoll, int fd, MemorySegment event) throws Throwable {
        event.set(ValueLayout.JAVA_INT, 0, EPOLLIN);
        event.set(ValueLayout.JAVA_LONG_UNALIGNED, 4, fd);
        check((int) EPOLL_CTL.invokeExact(epoll, EPOLL_CTL_ADD, fd, event), "epoll_ctl");
    }

    /** One read, the replies to every complete request in it, one write (more if the replies fill the buffer). */
    private static void serve(int fd, MemorySegment errno) throws Throwable {
        ByteBuffer in = IN[fd];
        ByteBuffer out = OUT[fd];
        long n = (long) READ.invokeExact(errno, fd, IN_ADDRESS[fd] + in.position(), (long) in.remaining());
        if (n <= 0) {
            if (n < 0 && (int) ERRNO_HANDLE.get(errno, 0L) == EAGAIN) {
                return;
            }
            close(fd);
            return;
        }
        in.position(in.position() + (int) n);
        in.flip();
        int status;
        do {
            status = SESSIONS[fd].serve(in, out);
            int length = out.position();
            if (length > 0 && (long) WRITE.invokeExact(fd, OUT_ADDRESS[fd], (long) length) != length) {
                close(fd);
                return;
            }
            out.clear();
        } while (status == Session.FLUSH);
        if (status == Session.CLOSE) {
            close(fd);
            return;
        }
        in.compact();
    }

    private static void close(int fd) throws Throwable {
        SESSIONS[fd] = null;
        int ignored = (int) CLOSE.invokeExact(fd);     // closing removes it from the epoll set
    }

    private static int check(int result, String call) {
        if (result < 0) {
            throw new IllegalStateException(call + " failed");
        }
        return result;
    }
}
