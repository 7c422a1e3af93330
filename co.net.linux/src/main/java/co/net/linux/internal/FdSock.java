package co.net.linux.internal;

import co.api.Co;
import co.api.Errno;
import co.api.Sock;
import co.api.spi.AbstractStreamSock;
import co.api.spi.CoContext;
import co.api.spi.CoRuntime;
import co.api.spi.Deadline;
import co.api.spi.Errors;
import co.api.spi.IoBackend;
import co.api.spi.IoLoop;
import co.api.spi.SockEdges;
import co.api.spi.SockWaiters;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.locks.LockSupport;

/**
 * What the native stream sockets ({@link EpollSock}, {@link UringSock}) share: a stream socket
 * (TCP over IPv4 or IPv6, or Unix-domain) on a raw non-blocking file descriptor, its lifecycle,
 * addresses, options and errno reporting, and readiness-driven I/O. Data moves with
 * {@code recv}/{@code send} straight between the kernel and the caller's buffer (heap or direct).
 * A call runs co's I/O loop ({@link IoLoop}, whose deadline and timeout rules every transport
 * shares): it tries its system call first and waits only on {@code EAGAIN}: on the caller's
 * scheduler's {@link EpollBackend} when it runs epoll, on its {@link UringBackend} (a ring poll)
 * when it runs io_uring, on {@link SharedEpoll} otherwise. The stream edge rules ({@code close(ms)}
 * on a closed socket, {@code recvfrom}, {@code sendto}) are {@link SockEdges}'.
 *
 * <p><b>Descriptor lifetime.</b> Each system call holds a use of the descriptor ({@link #uses}),
 * and so does each io_uring operation until its completion; {@link #close()} marks it closed and
 * the last use closes the descriptor, so a number is never reused under a call in progress on
 * another thread. Readiness waits hold no use: a coroutine abandoned by a stopped runtime keeps
 * nothing open (an io_uring scheduler that stops cancels its operations and releases their uses).
 *
 * <p><b>Close from another thread.</b> {@link SockWaiters}' protocol, as in the nio transport: a
 * waiter publishes its thread before it reads the closed bit; close sets the bit before it wakes
 * the published waiters, so either the waiter sees the close or the closer unparks it. The woken
 * waiter fails with {@code EBADF}.
 *
 * <p><b>Size.</b> About 760 lines in one class on purpose: the descriptor-use count, the waiter
 * slots and the closed bit are one protocol (see above) that every call below takes part in;
 * splitting the calls out would spread that protocol over several classes.
 *
 * <p>Thread safety: one reader and one writer at a time is the intended use; control calls are
 * serialized on the socket; {@link #close()} may be called from any thread at any time.
 */
abstract class FdSock extends AbstractStreamSock<NativeTransport> {

    private static final int CLOSED = Integer.MIN_VALUE;
    private static final int ACCEPT_BACKOFF_MIN_MS = 1;
    private static final int ACCEPT_BACKOFF_MAX_MS = 100;
    /** Pause bounds between retries of a Unix-domain connect to a listener whose queue is full. */
    private static final int UNIX_CONNECT_RETRY_MIN_MS = 1;
    private static final int UNIX_CONNECT_RETRY_MAX_MS = 50;
    private static final VarHandle USES = usesHandle();

    final int af;
    final int fd;
    /** Errno and addresses of the read side (recv, accept), the write side (send, connect), control. */
    private final MemorySegment rd;
    private final MemorySegment wr;
    private final MemorySegment ctl;
    /** Calls in progress on the descriptor; the sign bit once closed. */
    @SuppressWarnings("unused") // through USES
    private volatile int uses;
    /** The threads waiting in this socket, for a close from another thread to wake. */
    private final SockWaiters waiters = new SockWaiters();
    volatile boolean listening;
    private volatile boolean connected;
    /** Set by {@code shutdown('r')}: reads return at once from then on, so none waits first. */
    private volatile boolean inputShut;
    private volatile SocketAddress peer;
    /** This socket's registration on the last epoll backend that waited for it (a cache). */
    private EpollBackend.Registration registration;
    /** This socket's state on the shared poller, made on its first wait there. */
    volatile SharedEpoll.Interest shared;
    private int acceptBackoffMs;

    FdSock(NativeTransport transport, int af, int fd, boolean connected) {
        super(transport);
        this.af = af;
        this.fd = fd;
        this.connected = connected;
        MemorySegment all = Sys.scratch3();
        this.rd = all.asSlice(0, Sys.SCRATCH_SIZE);
        this.wr = all.asSlice(Sys.SCRATCH_SIZE, Sys.SCRATCH_SIZE);
        this.ctl = all.asSlice(2 * Sys.SCRATCH_SIZE, Sys.SCRATCH_SIZE);
        EpollTransportProvider.OPEN_SOCKS.add(this);
    }

    /**
     * Makes the socket of a connection accepted on this listening socket.
     *
     * @param fd the new descriptor, non-blocking
     * @return the socket, connected
     */
    final FdSock accepted(int fd) {
        return transport().wrap(af, fd, true);
    }

    // ---------------------------------------------------------------- descriptor uses

    private static VarHandle usesHandle() {
        try {
            return MethodHandles.lookup().findVarHandle(FdSock.class, "uses", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Takes a use of the descriptor; false once closed. */
    final boolean acquire() {
        for (;;) {
            int u = (int) USES.getVolatile(this);
            if (u < 0) {
                return false;
            }
            if (USES.compareAndSet(this, u, u + 1)) {
                return true;
            }
        }
    }

    /** Gives a use back; the last one after a close closes the descriptor. */
    final void release() {
        if ((int) USES.getAndAdd(this, -1) == CLOSED + 1) {
            Sys.close(ctlScratch(), fd);
        }
    }

    /** A scratch for the final close(2), whose errno nobody reads (EINTR still closes on Linux). */
    private static MemorySegment ctlScratch() {
        return Sys.scratch();
    }

    boolean isClosed() {
        return (int) USES.getVolatile(this) < 0;
    }

    @Override
    public boolean isOpen() {
        return !isClosed();
    }

    @Override
    public void close() {
        int before = (int) USES.getAndBitwiseOr(this, CLOSED);
        if (before < 0) {
            return;
        }
        EpollTransportProvider.OPEN_SOCKS.remove(this);
        EpollBackend.Registration r = registration;
        if (r != null && r.backend.isOwnThread()) {
            r.backend.forget(r, fd);
        }
        SharedEpoll.Interest s = shared;
        if (s != null) {
            SharedEpoll.instance().forget(s);
        }
        if (before == 0) {
            Sys.close(ctlScratch(), fd);
        }
        waiters.wakeAll();
    }

    @Override
    public int close(int ms) {
        return SockEdges.closeAfter(this, isClosed(), ms);
    }

    @Override
    public int reset(int ms) {
        if (SockEdges.waitToClose(isClosed(), ms) < 0) {
            return Errors.FAILED;
        }
        if (af != Sys.AF_UNIX && connected && acquire()) {
            try {
                synchronized (ctl) {
                    // SO_LINGER {on, 0}: close(2) drops unsent data and sends RST; no TIME_WAIT.
                    ctl.set(ValueLayout.JAVA_INT, Sys.OPT, 1);
                    ctl.set(ValueLayout.JAVA_INT, Sys.OPT + 4, 0);
                    Sys.setsockopt(ctl, fd, Sys.SOL_SOCKET, Sys.SO_LINGER, ctl.asSlice(Sys.OPT, 8), 8);
                }
            } finally {
                release();
            }
        }
        close();
        return 0;
    }

    static int closedError() {
        return Errors.fail(Errno.EBADF, "socket closed");
    }

    // ---------------------------------------------------------------- waiting

    /** The calling coroutine's epoll backend, or null when it must wait on the shared poller. */
    private static EpollBackend backend(CoContext ctx) {
        CoRuntime rt = ctx.runtime();
        if (rt == null) {
            return null;
        }
        IoBackend b = rt.ioBackend();
        return b instanceof EpollBackend e ? e : null;
    }

    /** This socket's registration on {@code b}, made on first use; null with the error set if closed. */
    private EpollBackend.Registration registration(EpollBackend b, MemorySegment scratch) {
        EpollBackend.Registration r = registration;
        if (r != null && r.backend == b) {
            return r;
        }
        if (!acquire()) {
            closedError();
            return null;
        }
        try {
            r = b.register(this, fd, scratch);
        } finally {
            release();
        }
        if (r == null) {
            Errors.fail(Sys.errno(scratch), "epoll_ctl");
            return null;
        }
        registration = r;
        return r;
    }

    /**
     * Waits once until the descriptor may be ready on one side, the deadline, a close or an
     * interrupt (accept and connect; the data calls wait through {@link IoLoop}).
     *
     * @return true to retry the call; false with the error set (ETIMEDOUT, EBADF, EINTR)
     */
    private boolean await(CoContext ctx, boolean read, Deadline deadline, MemorySegment scratch) {
        int ms = deadline.remainingMillis();
        if (ms == 0) {
            ctx.setTimedOut();
            return false;
        }
        return await(ctx, read, ms, scratch);
    }

    /**
     * Waits once, at most {@code ms} milliseconds (-1 for ever, else at least 1), until the
     * descriptor may be ready on one side, a close or an interrupt: the wait step of co's I/O loop.
     *
     * @return true to retry the call; false with the error set (ETIMEDOUT, EBADF, EINTR)
     */
    private boolean await(CoContext ctx, boolean read, int ms, MemorySegment scratch) {
        boolean inSlot = publishWaiter(read);
        try {
            if (isClosed()) {
                closedError();
                return false;
            }
            IoBackend any = ctx.runtime() == null ? null : ctx.runtime().ioBackend();
            if (any instanceof EpollBackend b) {
                EpollBackend.Registration r = registration(b, scratch);
                if (r == null || !b.await(r, read, ms)) {
                    return false;
                }
            } else if (any instanceof UringBackend u) {
                if (!u.awaitPoll(this, read, ms)) {
                    return false;
                }
            } else if (!SharedEpoll.instance().await(this, read, ms)) {
                return false;
            }
        } finally {
            unpublishWaiter(read, inSlot);
        }
        return SockWaiters.afterWait(isClosed());
    }

    /**
     * Publishes the calling thread as a waiter on one side, before the caller reads the closed bit
     * (see the class comment), so that a close unparks it.
     *
     * @param read the read side (recv, accept) or the write side (send, connect)
     * @return what {@link #unpublishWaiter} needs
     */
    final boolean publishWaiter(boolean read) {
        return waiters.publish(read);
    }

    /** Undoes {@link #publishWaiter}. */
    final void unpublishWaiter(boolean read, boolean inSlot) {
        waiters.unpublish(read, inSlot);
    }

    // ---------------------------------------------------------------- data

    /** The read side of co's I/O loop: stateless, shared by every socket, so a call allocates nothing for it. */
    private static final IoLoop.Steps<FdSock, EpollBackend.Registration, RuntimeException> READ = new Steps(true);
    /** The write side. */
    private static final IoLoop.Steps<FdSock, EpollBackend.Registration, RuntimeException> WRITE = new Steps(false);

    /**
     * One direction's steps of co's I/O loop. The handle is the socket's registration on the
     * calling thread's epoll backend (null elsewhere, and for sends), whose readable hint a receive
     * keeps up to date.
     */
    private static final class Steps implements IoLoop.Steps<FdSock, EpollBackend.Registration, RuntimeException> {
        private final boolean read;

        Steps(boolean read) {
            this.read = read;
        }

        @Override
        public int attempt(FdSock sock, EpollBackend.Registration r, ByteBuffer buf) {
            return sock.attempt(read, r, buf);
        }

        @Override
        public boolean await(FdSock sock, EpollBackend.Registration r, int ms) {
            return sock.await(CoContext.current(), read, ms, read ? sock.rd : sock.wr);
        }
    }

    @Override
    public int recv(ByteBuffer buf, int ms) {
        CoContext ctx = CoContext.current();
        ctx.clearTimeout();
        if (listening) {
            return Errors.fail(Errno.ENOTCONN, "socket is listening");
        }
        if (!buf.hasRemaining()) {
            return isClosed() ? closedError() : 0;
        }
        if (buf.isReadOnly()) {
            throw new java.nio.ReadOnlyBufferException();
        }
        // On an epoll scheduler, after a read that came back short, the next read would almost
        // surely find nothing until the next read event (request/response traffic): wait first
        // and save that system call. Not for a poll (ms == 0).
        EpollBackend b = ms != 0 ? backend(ctx) : null;
        EpollBackend.Registration r = null;
        boolean waitFirst = false;
        if (b != null) {
            r = registration(b, rd);
            if (r == null) {
                return Errors.FAILED;
            }
            waitFirst = !r.readable && !r.ended && !inputShut;
        }
        return IoLoop.recv(READ, this, r, buf, ms, waitFirst);
    }

    /**
     * One receive or send without waiting (the attempt step of co's I/O loop): the bytes moved
     * (for a send of an empty buffer, 0); 0 if none could be moved now; at the end of the stream
     * {@link IoLoop#END_OF_STREAM}; or -1 with the error set. A receive keeps the epoll
     * registration's readable hint ({@code r}, null elsewhere and for a send) up to date.
     */
    private int attempt(boolean read, EpollBackend.Registration r, ByteBuffer buf) {
        int want = buf.remaining();
        MemorySegment seg = MemorySegment.ofBuffer(buf);
        MemorySegment scratch = read ? rd : wr;
        for (;;) {
            if (!acquire()) {
                return closedError();
            }
            long n;
            try {
                if (r != null) {
                    r.readable = false;     // a read event from now on sets it again
                }
                n = read ? Sys.recv(rd, fd, seg, want, 0) : Sys.send(wr, fd, seg, want, Sys.MSG_NOSIGNAL);
            } finally {
                release();
            }
            if (n > 0 || n == 0 && !read) {
                if (r != null && n == want) {
                    r.readable = true;      // the buffer filled up: more may be there
                }
                buf.position(buf.position() + (int) n);
                return (int) n;
            }
            if (n == 0) {
                return IoLoop.END_OF_STREAM;  // the peer closed
            }
            int err = Sys.errno(scratch);
            if (err == Sys.EAGAIN) {
                return 0;
            }
            if (err != Sys.EINTR) {
                return isClosed() ? closedError() : Errors.fail(err, read ? "recv" : "send");
            }
        }
    }

    @Override
    public int send(ByteBuffer buf, int ms) {
        CoContext.current().clearTimeout();
        if (listening) {
            return Errors.fail(Errno.ENOTCONN, "socket is listening");
        }
        return IoLoop.send(WRITE, this, null, buf, ms);
    }

    @Override
    public int shutdown(char how) {
        CoContext.current().clearTimeout();
        if (how != 'r' && how != 'w' && how != 'b') {
            return Errors.fail(Errno.EINVAL, "shutdown takes 'r', 'w' or 'b', not '" + how + "'");
        }
        if (!acquire()) {
            return closedError();
        }
        try {
            if (listening) {
                return Errors.fail(Errno.ENOTCONN, "socket is listening");
            }
            int h = how == 'r' ? Sys.SHUT_RD : how == 'w' ? Sys.SHUT_WR : Sys.SHUT_RDWR;
            if (how != 'w') {
                inputShut = true;
            }
            synchronized (ctl) {
                if (Sys.shutdown(ctl, fd, h) < 0) {
                    return Errors.fail(Sys.errno(ctl), "shutdown");
                }
            }
            return 0;
        } finally {
            release();
        }
    }

    // ---------------------------------------------------------------- control

    @Override
    public int bind(SocketAddress local) {
        Objects.requireNonNull(local, "local");
        CoContext.current().clearTimeout();
        if (!acquire()) {
            return closedError();
        }
        try {
            synchronized (ctl) {
                int len;
                try {
                    len = SockAddr.encode(af, local, ctl.asSlice(Sys.ADDR, 128));
                } catch (IllegalArgumentException e) {
                    return Errors.fail(Errno.EINVAL, e.getMessage());
                }
                if (Sys.bind(ctl, fd, ctl.asSlice(Sys.ADDR, 128), len) < 0) {
                    return Errors.fail(Sys.errno(ctl), "bind " + Co.toString(local));
                }
                return 0;
            }
        } finally {
            release();
        }
    }

    @Override
    public int listen(int backlog) {
        CoContext.current().clearTimeout();
        if (!acquire()) {
            return closedError();
        }
        try {
            if (connected) {
                return Errors.fail(Errno.EINVAL, "socket is connected");
            }
            synchronized (ctl) {
                if (Sys.listen(ctl, fd, backlog) < 0) {
                    return Errors.fail(Sys.errno(ctl), "listen");
                }
            }
            listening = true;
            return 0;
        } finally {
            release();
        }
    }

    @Override
    public Sock accept(int ms) {
        CoContext ctx = CoContext.current();
        ctx.clearTimeout();
        if (!listening) {
            if (isClosed()) {
                closedError();
            } else {
                Errors.fail(Errno.EINVAL, "socket is not listening");
            }
            return null;
        }
        Deadline deadline = null;
        for (;;) {
            if (!acquire()) {
                closedError();
                return null;
            }
            int c;
            try {
                rd.set(ValueLayout.JAVA_INT, Sys.ADDR_LEN, 128);
                c = Sys.accept4(rd, fd, rd.asSlice(Sys.ADDR, 128), rd.asSlice(Sys.ADDR_LEN, 4),
                        Sys.SOCK_NONBLOCK | Sys.SOCK_CLOEXEC);
            } finally {
                release();
            }
            if (c >= 0) {
                acceptBackoffMs = 0;
                FdSock s = accepted(c);
                s.peer = SockAddr.decode(rd.asSlice(Sys.ADDR, 128), rd.get(ValueLayout.JAVA_INT, Sys.ADDR_LEN));
                return s;
            }
            int err = Sys.errno(rd);
            if (err == Sys.EINTR || err == Errno.ECONNABORTED) {
                continue;                        // that client gave up before we took it; next one
            }
            if (err == Errno.EMFILE || err == Errno.ENFILE || err == Errno.ENOMEM || err == 105 /* ENOBUFS */) {
                outOfDescriptors(deadline != null ? deadline : Deadline.after(ms));
                if (isClosed()) {
                    closedError();
                } else {
                    Errors.fail(err, "accept4");
                }
                return null;
            }
            if (err != Sys.EAGAIN) {
                if (isClosed()) {
                    closedError();
                } else {
                    Errors.fail(err, "accept4");
                }
                return null;
            }
            if (ms == 0) {
                ctx.setTimedOut();
                return null;
            }
            if (deadline == null) {
                deadline = Deadline.after(ms);
            }
            if (!await(ctx, true, deadline, rd)) {
                return null;
            }
        }
    }

    /**
     * Out of descriptors: pause (1 ms, doubling to 100 ms while it lasts, never past the caller's
     * deadline) before reporting it, so that a server loop that retries at once does not spin
     * while the pending connection stays in the queue.
     */
    private void outOfDescriptors(Deadline deadline) {
        int pause = acceptBackoffMs == 0 ? ACCEPT_BACKOFF_MIN_MS : Math.min(acceptBackoffMs * 2, ACCEPT_BACKOFF_MAX_MS);
        acceptBackoffMs = pause;
        if (!deadline.isNone()) {
            pause = (int) Math.min(pause, deadline.remainingNanos() / 1_000_000);
        }
        if (pause > 0) {
            if (Thread.currentThread().isVirtual() || CoContext.current().isCoroutine()) {
                Co.sleep(pause);
            } else {
                LockSupport.parkNanos(pause * 1_000_000L);
            }
        }
    }

    @Override
    public int connect(SocketAddress remote, int ms) {
        Objects.requireNonNull(remote, "remote");
        CoContext ctx = CoContext.current();
        ctx.clearTimeout();
        if (listening) {
            return Errors.fail(Errno.EISCONN, "socket is listening");
        }
        Deadline deadline = Deadline.after(ms);
        int pause = UNIX_CONNECT_RETRY_MIN_MS;
        int len;
        try {
            len = SockAddr.encode(af, remote, wr.asSlice(Sys.ADDR, 128));
        } catch (IllegalArgumentException e) {
            return Errors.fail(Errno.EINVAL, e.getMessage());
        }
        for (;;) {
            if (!acquire()) {
                return closedError();
            }
            int rc;
            try {
                rc = Sys.connect(wr, fd, wr.asSlice(Sys.ADDR, 128), len);
            } finally {
                release();
            }
            if (rc == 0) {
                return connected(remote);
            }
            int err = Sys.errno(wr);
            if (err == Sys.EINTR || err == Sys.EINPROGRESS) {
                break;
            }
            if (err == Sys.EAGAIN && af == Sys.AF_UNIX) {
                // A Unix-domain listener whose queue is full: retry until the deadline.
                long left = deadline.remainingNanos() / 1_000_000;
                if (left <= 0) {
                    ctx.setTimedOut();
                    return -1;
                }
                Co.sleep(Math.min(pause, left));
                pause = Math.min(pause * 2, UNIX_CONNECT_RETRY_MAX_MS);
                continue;
            }
            return isClosed() ? closedError() : Errors.fail(err, "connect " + Co.toString(remote));
        }
        for (;;) {
            if (!await(ctx, false, deadline, wr)) {
                return -1;
            }
            if (!acquire()) {
                return closedError();
            }
            int err;
            try {
                wr.set(ValueLayout.JAVA_INT, Sys.OPT_LEN, 4);
                if (Sys.getsockopt(wr, fd, Sys.SOL_SOCKET, Sys.SO_ERROR, wr.asSlice(Sys.OPT, 4), wr.asSlice(Sys.OPT_LEN, 4)) < 0) {
                    err = Sys.errno(wr);
                } else {
                    err = wr.get(ValueLayout.JAVA_INT, Sys.OPT);
                }
            } finally {
                release();
            }
            if (err == 0) {
                // Writable with no error: connected, unless the event was for something else.
                if (remoteName() != null) {
                    return connected(remote);
                }
                continue;
            }
            return Errors.fail(err, "connect " + Co.toString(remote));
        }
    }

    private int connected(SocketAddress remote) {
        connected = true;
        SocketAddress p = remoteName();
        peer = p != null ? p : remote;
        return 0;
    }

    @Override
    public SocketAddress remoteAddress() {
        return isClosed() || !connected ? null : peer;
    }

    @Override
    public SocketAddress localAddress() {
        return name(false);
    }

    private SocketAddress remoteName() {
        return name(true);
    }

    /**
     * The peer's name ({@code getpeername(2)}) or this socket's own ({@code getsockname(2)}),
     * decoded; null if the socket is closed, the call fails, or it is this socket's name and the
     * socket is an unbound Unix-domain one.
     */
    private SocketAddress name(boolean ofPeer) {
        if (!acquire()) {
            return null;
        }
        try {
            synchronized (ctl) {
                MemorySegment addr = ctl.asSlice(Sys.ADDR, 128);
                MemorySegment addrLen = ctl.asSlice(Sys.ADDR_LEN, 4);
                ctl.set(ValueLayout.JAVA_INT, Sys.ADDR_LEN, 128);
                int rc = ofPeer ? Sys.getpeername(ctl, fd, addr, addrLen) : Sys.getsockname(ctl, fd, addr, addrLen);
                if (rc < 0) {
                    return null;
                }
                int len = ctl.get(ValueLayout.JAVA_INT, Sys.ADDR_LEN);
                if (!ofPeer && af == Sys.AF_UNIX && len <= 2) {
                    return null;                  // unbound
                }
                return SockAddr.decode(addr, len);
            }
        } finally {
            release();
        }
    }

    // ---------------------------------------------------------------- options

    @Override
    public <T> T getOption(SocketOption<T> option) {
        Objects.requireNonNull(option, "option");
        CoContext.current().clearTimeout();
        Options.Native o = Options.of(option, af);
        if (o == null) {
            Errors.fail(Errno.EOPNOTSUPP, "option " + option.name() + " is not supported");
            return null;
        }
        if (!acquire()) {
            closedError();
            return null;
        }
        try {
            synchronized (ctl) {
                ctl.set(ValueLayout.JAVA_INT, Sys.OPT_LEN, 8);
                if (Sys.getsockopt(ctl, fd, o.level(), o.name(), ctl.asSlice(Sys.OPT, 8), ctl.asSlice(Sys.OPT_LEN, 4)) < 0) {
                    Errors.fail(Sys.errno(ctl), "getsockopt " + option.name());
                    return null;
                }
                return option.type().cast(o.decode(ctl.asSlice(Sys.OPT, 8)));
            }
        } finally {
            release();
        }
    }

    @Override
    public <T> int setOption(SocketOption<T> option, T value) {
        Objects.requireNonNull(option, "option");
        CoContext.current().clearTimeout();
        Options.Native o = Options.of(option, af);
        if (o == null) {
            return Errors.fail(Errno.EOPNOTSUPP, "option " + option.name() + " is not supported");
        }
        if (value == null || !option.type().isInstance(value)) {
            throw new IllegalArgumentException("bad value for " + option.name() + ": " + value);
        }
        if (!acquire()) {
            return closedError();
        }
        try {
            synchronized (ctl) {
                int len = o.encode(value, ctl.asSlice(Sys.OPT, 8));
                if (Sys.setsockopt(ctl, fd, o.level(), o.name(), ctl.asSlice(Sys.OPT, 8), len) < 0) {
                    return Errors.fail(Sys.errno(ctl), "setsockopt " + option.name());
                }
                return 0;
            }
        } finally {
            release();
        }
    }

    @Override
    public String toString() {
        SocketAddress local = localAddress();
        SocketAddress remote = remoteAddress();
        return getClass().getSimpleName() + "[fd=" + fd + (isClosed() ? " closed" : "")
                + (local == null ? "" : " local=" + Co.toString(local))
                + (remote == null ? "" : " remote=" + Co.toString(remote)) + "]";
    }
}
