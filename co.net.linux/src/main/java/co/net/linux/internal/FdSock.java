package co.net.linux.internal;


import co.api.Co;
import co.api.Errno;
import co.api.Sock;
import co.api.Transport;
import co.api.spi.CoContext;
import co.api.spi.Errors;
import co.api.spi.CoRuntime;
import co.api.spi.IoBackend;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

/**
 * What the native stream sockets ({@link EpollSock}, {@link UringSock}) share: a stream socket
 * (TCP over IPv4 or IPv6, or Unix-domain) on a raw non-blocking file descriptor, its lifecycle,
 * addresses, options and errno reporting, and readiness-driven I/O. Data moves with
 * {@code recv}/{@code send} straight between the kernel and the caller's buffer (heap or direct).
 * A call tries its system call first and waits only on {@code EAGAIN}: on the caller's
 * scheduler's {@link EpollBackend} when it runs epoll, on its {@link UringBackend} (a ring poll)
 * when it runs io_uring, on {@link SharedEpoll} otherwise.
 *
 * <p><b>Descriptor lifetime.</b> Each system call holds a use of the descriptor ({@link #uses}),
 * and so does each io_uring operation until its completion; {@link #close()} marks it closed and
 * the last use closes the descriptor, so a number is never reused under a call in progress on
 * another thread. Readiness waits hold no use: a coroutine abandoned by a stopped runtime keeps
 * nothing open (an io_uring scheduler that stops cancels its operations and releases their uses).
 *
 * <p><b>Close from another thread.</b> As in the nio transport: a waiter stores its thread in
 * {@link #reader} or {@link #writer} (or {@link #others}) before it reads the closed bit; close
 * sets the bit before it reads those fields (all volatile), so either the waiter sees the close or
 * the closer unparks it. The woken waiter fails with {@code EBADF}.
 *
 * <p>Thread safety: one reader and one writer at a time is the intended use; control calls are
 * serialized on the socket; {@link #close()} may be called from any thread at any time.
 */
abstract class FdSock implements Sock {

    private static final int CLOSED = Integer.MIN_VALUE;
    private static final int ACCEPT_BACKOFF_MIN_MS = 1;
    private static final int ACCEPT_BACKOFF_MAX_MS = 100;
    private static final long NO_DEADLINE = Long.MAX_VALUE;
    private static final VarHandle USES;
    private static final VarHandle READER;
    private static final VarHandle WRITER;
    private static final VarHandle OTHERS;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            USES = l.findVarHandle(FdSock.class, "uses", int.class);
            READER = l.findVarHandle(FdSock.class, "reader", Thread.class);
            WRITER = l.findVarHandle(FdSock.class, "writer", Thread.class);
            OTHERS = l.findVarHandle(FdSock.class, "others", Set.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Transport transport;
    final int af;
    final int fd;
    /** Errno and addresses of the read side (recv, accept), the write side (send, connect), control. */
    private final MemorySegment rd;
    private final MemorySegment wr;
    private final MemorySegment ctl;
    /** Calls in progress on the descriptor; the sign bit once closed. */
    @SuppressWarnings("unused") // through USES
    private volatile int uses;
    private volatile Thread reader;
    private volatile Thread writer;
    private volatile Set<Thread> others;
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

    FdSock(Transport transport, int af, int fd, boolean connected) {
        this.transport = transport;
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
    abstract FdSock accepted(int fd);

    @Override
    public Transport transport() {
        return transport;
    }

    @Override
    public Type type() {
        return Type.STREAM;
    }

    // ---------------------------------------------------------------- descriptor uses

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
        wake((Thread) READER.getVolatile(this));
        wake((Thread) WRITER.getVolatile(this));
        Set<Thread> more = others;
        if (more != null) {
            more.forEach(FdSock::wake);
        }
    }

    private static void wake(Thread t) {
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    @Override
    public int close(int ms) {
        if (isClosed()) {
            return closedError();
        }
        if (ms > 0) {
            Co.sleep(ms);
        }
        close();
        return 0;
    }

    @Override
    public int reset(int ms) {
        if (isClosed()) {
            return closedError();
        }
        if (ms > 0) {
            Co.sleep(ms);
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

    static long deadline(int ms) {
        return ms < 0 ? NO_DEADLINE : System.nanoTime() + ms * 1_000_000L;
    }

    /**
     * Waits once until the descriptor may be ready on one side, the deadline, a close or an
     * interrupt.
     *
     * @return true to retry the call; false with the error set (ETIMEDOUT, EBADF, EINTR)
     */
    private boolean await(CoContext ctx, boolean read, long deadline, MemorySegment scratch) {
        long ms = -1;
        if (deadline != NO_DEADLINE) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                ctx.setTimedOut();
                return false;
            }
            ms = (left + 999_999) / 1_000_000;
        }
        Thread me = Thread.currentThread();
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
        if (isClosed()) {
            closedError();
            return false;
        }
        if (me.isInterrupted()) {
            Errors.fail(Errno.EINTR, "interrupted");
            return false;
        }
        return true;
    }

    /**
     * Publishes the calling thread as a waiter on one side, before the caller reads the closed bit
     * (see the class comment), so that a close unparks it.
     *
     * @param read the read side (recv, accept) or the write side (send, connect)
     * @return true if it took the side's slot, false if it joined {@link #others}
     */
    final boolean publishWaiter(boolean read) {
        Thread me = Thread.currentThread();
        if ((read ? READER : WRITER).compareAndSet(this, null, me)) {
            return true;
        }
        othersSet().add(me);
        return false;
    }

    /** Undoes {@link #publishWaiter}. */
    final void unpublishWaiter(boolean read, boolean inSlot) {
        if (inSlot) {
            (read ? READER : WRITER).setVolatile(this, null);
        } else {
            others.remove(Thread.currentThread());
        }
    }

    private Set<Thread> othersSet() {
        Set<Thread> s = others;
        if (s == null) {
            Set<Thread> fresh = ConcurrentHashMap.newKeySet();
            s = OTHERS.compareAndSet(this, null, fresh) ? fresh : others;
        }
        return s;
    }

    // ---------------------------------------------------------------- data

    @Override
    public int recv(ByteBuffer buf, int ms) {
        CoContext ctx = CoContext.current();
        ctx.clearTimeout();
        if (listening) {
            return Errors.fail(Errno.ENOTCONN, "socket is listening");
        }
        int want = buf.remaining();
        if (want == 0) {
            return isClosed() ? closedError() : 0;
        }
        if (buf.isReadOnly()) {
            throw new java.nio.ReadOnlyBufferException();
        }
        MemorySegment seg = MemorySegment.ofBuffer(buf);
        long deadline = 0;
        boolean waited = false;
        // On an epoll scheduler, after a read that came back short, the next read would almost
        // surely find nothing until the next read event (request/response traffic): wait first
        // and save that system call. Not for a poll (ms == 0).
        EpollBackend b = ms != 0 ? backend(ctx) : null;
        EpollBackend.Registration r = null;
        if (b != null) {
            r = registration(b, rd);
            if (r == null) {
                return -1;
            }
            if (!r.readable && !r.ended && !inputShut) {
                deadline = deadline(ms);
                waited = true;
                if (!await(ctx, true, deadline, rd)) {
                    return -1;
                }
            }
        }
        for (;;) {
            if (!acquire()) {
                return closedError();
            }
            long n;
            try {
                if (r != null) {
                    r.readable = false;     // a read event from now on sets it again
                }
                n = Sys.recv(rd, fd, seg, want, 0);
            } finally {
                release();
            }
            if (n > 0) {
                if (r != null && n == want) {
                    r.readable = true;      // the buffer filled up: more may be there
                }
                buf.position(buf.position() + (int) n);
                return (int) n;
            }
            if (n == 0) {
                return 0;                    // the peer closed
            }
            int err = Sys.errno(rd);
            if (err == Sys.EINTR) {
                continue;
            }
            if (err != Sys.EAGAIN) {
                return isClosed() ? closedError() : Errors.fail(err, "recv");
            }
            if (ms == 0) {
                ctx.setTimedOut();
                return -1;
            }
            if (!waited) {
                deadline = deadline(ms);
                waited = true;
            }
            if (!await(ctx, true, deadline, rd)) {
                return -1;
            }
        }
    }

    @Override
    public SocketAddress recvfrom(ByteBuffer buf, int ms) {
        // A stream has one peer: recvfrom is recv that also names it, as on Linux.
        int n = recv(buf, ms);
        if (n < 0) {
            return null;
        }
        CoContext.current().setError(Errno.OK);             // a success clears the last error (co.api.Sock)
        SocketAddress p = peer;
        return p != null ? p : UnixDomainSocketAddress.of("");
    }

    @Override
    public int send(ByteBuffer buf, int ms) {
        CoContext ctx = CoContext.current();
        ctx.clearTimeout();
        if (listening) {
            return Errors.fail(Errno.ENOTCONN, "socket is listening");
        }
        int total = buf.remaining();
        MemorySegment seg = MemorySegment.ofBuffer(buf);
        long done = 0;
        long deadline = 0;
        boolean waited = false;
        for (;;) {
            if (!acquire()) {
                return closedError();
            }
            long n;
            try {
                n = Sys.send(wr, fd, done == 0 ? seg : seg.asSlice(done), total - done, Sys.MSG_NOSIGNAL);
            } finally {
                release();
            }
            if (n >= 0) {
                done += n;
                buf.position(buf.position() + (int) n);
                if (done == total) {
                    return total;
                }
                continue;                        // partial: the next call tells whether it blocks
            }
            int err = Sys.errno(wr);
            if (err == Sys.EINTR) {
                continue;
            }
            if (err != Sys.EAGAIN) {
                return isClosed() ? closedError() : Errors.fail(err, "send");
            }
            if (ms == 0) {
                ctx.setTimedOut();
                return -1;
            }
            if (!waited) {
                deadline = deadline(ms);
                waited = true;
            }
            if (!await(ctx, false, deadline, wr)) {
                return -1;
            }
        }
    }

    @Override
    public int sendto(ByteBuffer buf, SocketAddress to, int ms) {
        if (to != null && !to.equals(peer)) {
            CoContext.current().clearTimeout();
            return Errors.fail(Errno.EISCONN, "a stream socket sends only to its peer");
        }
        return send(buf, ms);
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
        long deadline = 0;
        boolean waited = false;
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
                outOfDescriptors(ms, waited ? deadline : deadline(ms));
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
            if (!waited) {
                deadline = deadline(ms);
                waited = true;
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
    private void outOfDescriptors(int ms, long deadline) {
        int pause = acceptBackoffMs == 0 ? ACCEPT_BACKOFF_MIN_MS : Math.min(acceptBackoffMs * 2, ACCEPT_BACKOFF_MAX_MS);
        acceptBackoffMs = pause;
        if (ms >= 0) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            pause = (int) Math.max(0, Math.min(pause, left));
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
        long deadline = deadline(ms);
        int pause = 1;
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
                long left = deadline == NO_DEADLINE ? Long.MAX_VALUE : (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    ctx.setTimedOut();
                    return -1;
                }
                Co.sleep(Math.min(pause, left));
                pause = Math.min(pause * 2, 50);
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

    private SocketAddress remoteName() {
        if (!acquire()) {
            return null;
        }
        try {
            synchronized (ctl) {
                ctl.set(ValueLayout.JAVA_INT, Sys.ADDR_LEN, 128);
                if (Sys.getpeername(ctl, fd, ctl.asSlice(Sys.ADDR, 128), ctl.asSlice(Sys.ADDR_LEN, 4)) < 0) {
                    return null;
                }
                return SockAddr.decode(ctl.asSlice(Sys.ADDR, 128), ctl.get(ValueLayout.JAVA_INT, Sys.ADDR_LEN));
            }
        } finally {
            release();
        }
    }

    @Override
    public SocketAddress remoteAddress() {
        return isClosed() || !connected ? null : peer;
    }

    @Override
    public SocketAddress localAddress() {
        if (!acquire()) {
            return null;
        }
        try {
            synchronized (ctl) {
                ctl.set(ValueLayout.JAVA_INT, Sys.ADDR_LEN, 128);
                if (Sys.getsockname(ctl, fd, ctl.asSlice(Sys.ADDR, 128), ctl.asSlice(Sys.ADDR_LEN, 4)) < 0) {
                    return null;
                }
                int len = ctl.get(ValueLayout.JAVA_INT, Sys.ADDR_LEN);
                if (af == Sys.AF_UNIX && len <= 2) {
                    return null;                  // unbound
                }
                return SockAddr.decode(ctl.asSlice(Sys.ADDR, 128), len);
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
