package co.net.linux.internal;

import co.api.spi.IoBackend;
import co.api.spi.IoHost;
import co.api.spi.IoWaiter;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * The epoll backend of one scheduling thread: one epoll instance, descriptors registered once,
 * edge-triggered, for reading and writing together; an eventfd for wake-ups from other threads.
 * JDK channels ({@link co.api.IoEvent}, the nio transport) wait in a {@link co.api.spi.SelectorBackend} made
 * on first need, whose own epoll descriptor is added to this one: one blocking wait serves both.
 *
 * <p>Edge-triggered registration means an event is reported once per change: a socket tries its
 * system call first and waits only on {@code EAGAIN}, so an event that arrived with nobody waiting
 * is never needed again. A socket that is closed leaves the epoll set with its descriptor.
 *
 * <p>Thread rules: as {@link IoBackend}; {@link #wakeup()} from any thread, the rest on the
 * scheduling thread.
 */
final class EpollBackend extends NativeBackend {

    private static final long WAKE = -1L;
    private static final long JDK_SELECTOR = -2L;
    private static final int MAX_EVENTS = 512;
    private static final int READ_EVENTS = Sys.EPOLLIN | Sys.EPOLLRDHUP | Sys.EPOLLHUP | Sys.EPOLLERR;
    private static final int WRITE_EVENTS = Sys.EPOLLOUT | Sys.EPOLLHUP | Sys.EPOLLERR;
    /** The value an eventfd wake-up writes; read-only, shared by every waker. */
    private static final MemorySegment ONE = Arena.global().allocateFrom(ValueLayout.JAVA_LONG, 1L);
    /** errno of wake-ups, which nobody reads: any thread may write it. */
    private static final MemorySegment IGNORED = Arena.global().allocate(Sys.SCRATCH_SIZE, 8);

    private final IoHost host;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment scratch;
    private final MemorySegment events;
    private final MemorySegment drain;
    private final int epfd;
    private final int eventfd;
    /**
     * Wake-ups in progress (they write to the eventfd), with the sign bit set once closed: the
     * eventfd is closed by {@link #close()} or by the last wake-up after it, so that a late
     * {@code wakeup()} from another thread never writes to a reused descriptor number.
     */
    private final java.util.concurrent.atomic.AtomicInteger wakers = new java.util.concurrent.atomic.AtomicInteger();
    private boolean closed;
    /** Registrations by descriptor; a slot is replaced when the number is reused. */
    private Registration[] byFd = new Registration[256];
    private int registered;
    private int readyCount;

    /** One socket's waiters on this scheduler. */
    static final class Registration {
        final FdSock sock;
        final EpollBackend backend;
        IoWaiter readers;
        IoWaiter writers;
        /**
         * Whether reading may find data without waiting: set by a read event, cleared by the socket
         * before a read that then comes back short (see {@link FdSock#recv}).
         */
        boolean readable = true;
        /**
         * Set for good once an event reported the peer's end (FIN, RST or an error): a read then
         * never waits first, since a short read no longer proves the socket drained (data followed
         * by end of stream or a reset reads short, and the next read returns at once).
         */
        boolean ended;

        Registration(FdSock sock, EpollBackend backend) {
            this.sock = sock;
            this.backend = backend;
        }
    }

    EpollBackend(IoHost host) throws IOException {
        super(host, "epoll");
        this.host = host;
        this.scratch = arena.allocate(Sys.SCRATCH_SIZE, 8);
        this.events = arena.allocate((long) MAX_EVENTS * Sys.EPOLL_EVENT_SIZE, 8);
        this.drain = arena.allocate(8, 8);
        int ep = Sys.epollCreate1(scratch, Sys.EPOLL_CLOEXEC);
        if (ep < 0) {
            int err = Sys.errno(scratch);
            arena.close();
            throw SysErrors.io("epoll_create1", err);
        }
        int ev = Sys.eventfd(scratch, 0, Sys.EFD_NONBLOCK | Sys.EFD_CLOEXEC);
        if (ev < 0) {
            int err = Sys.errno(scratch);
            Sys.close(scratch, ep);
            arena.close();
            throw SysErrors.io("eventfd", err);
        }
        Sys.epollEvent(scratch.asSlice(Sys.OPT), Sys.EPOLLIN | Sys.EPOLLET, WAKE);
        if (Sys.epollCtl(scratch, ep, Sys.EPOLL_CTL_ADD, ev, scratch.asSlice(Sys.OPT)) < 0) {
            int err = Sys.errno(scratch);
            Sys.close(scratch, ev);
            Sys.close(scratch, ep);
            arena.close();
            throw SysErrors.io("epoll_ctl", err);
        }
        this.epfd = ep;
        this.eventfd = ev;
    }

    @Override
    public String name() {
        return "epoll";
    }

    // ------------------------------------------------------------------ the loop's side

    @Override
    public int pollNow() throws IOException {
        return waitAndDispatch(0);
    }

    @Override
    public int poll(long timeoutMs) throws IOException {
        return waitAndDispatch(timeoutMs < 0 ? -1 : (int) Math.min(timeoutMs, Integer.MAX_VALUE));
    }

    private int waitAndDispatch(int timeoutMs) throws IOException {
        int flushed = jdk.flush();                     // applies the JDK's queued epoll_ctl calls
        if (flushed > 0) {
            timeoutMs = 0;                             // coroutines to run: do not block
        }
        int n = Sys.epollWait(scratch, epfd, events, MAX_EVENTS, timeoutMs);
        if (n < 0) {
            int err = Sys.errno(scratch);
            if (err == Sys.EINTR) {
                return 0;
            }
            throw SysErrors.io("epoll_wait", err);
        }
        readyCount = flushed;
        for (int i = 0; i < n; i++) {
            long at = (long) i * Sys.EPOLL_EVENT_SIZE;
            int mask = events.get(ValueLayout.JAVA_INT_UNALIGNED, at);
            long data = events.get(ValueLayout.JAVA_LONG_UNALIGNED, at + Sys.EPOLL_DATA_OFFSET);
            if (data >= 0) {
                dispatch((int) data, mask);
            } else if (data == WAKE) {
                Sys.read(scratch, eventfd, drain, 8);       // reset the counter; EAGAIN if already 0
            } else if (data == JDK_SELECTOR) {
                readyCount += jdk.select();
            }
        }
        return readyCount;
    }

    private void dispatch(int fd, int mask) {
        Registration r = fd < byFd.length ? byFd[fd] : null;
        if (r == null) {
            return;
        }
        readyCount++;
        if ((mask & READ_EVENTS) != 0) {
            r.readable = true;
            if ((mask & (Sys.EPOLLRDHUP | Sys.EPOLLHUP | Sys.EPOLLERR)) != 0) {
                r.ended = true;
            }
            IoWaiter w = r.readers;
            if (w != null) {
                r.readers = null;
                IoWaiter.readyAll(w);
            }
        }
        if ((mask & WRITE_EVENTS) != 0) {
            IoWaiter w = r.writers;
            if (w != null) {
                r.writers = null;
                IoWaiter.readyAll(w);
            }
        }
    }

    @Override
    public boolean hasRegistrations() {
        return registered > 0 || jdk.hasRegistrations();
    }

    @Override
    public void wakeup() {
        if (wakers.getAndIncrement() < 0) {
            wakers.decrementAndGet();                // closed before we came: nothing to wake
            return;
        }
        Sys.write(IGNORED, eventfd, ONE, 8);
        if (wakers.decrementAndGet() == Integer.MIN_VALUE) {
            Sys.close(IGNORED, eventfd);             // close() ran meanwhile and left it to us
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        jdk.close();
        if (wakers.getAndAdd(Integer.MIN_VALUE) == 0) {
            Sys.close(scratch, eventfd);
        }
        Sys.close(scratch, epfd);
        Arrays.fill(byFd, null);
        // The arena outlives nothing that may still use it: only this thread touched it.
        arena.close();
    }

    // ------------------------------------------------------------------ sockets' side

    /**
     * Returns the socket's registration here, registering its descriptor on first use.
     * Scheduling thread only.
     *
     * @param sock the socket
     * @param fd its descriptor, held open by the caller
     * @return the registration, or null with errno in the scratch (the descriptor is bad)
     */
    Registration register(FdSock sock, int fd, MemorySegment errnoScratch) {
        Registration r = fd < byFd.length ? byFd[fd] : null;
        if (r != null && r.sock == sock) {
            return r;
        }
        Sys.epollEvent(scratch.asSlice(Sys.OPT), Sys.EPOLLIN | Sys.EPOLLOUT | Sys.EPOLLRDHUP | Sys.EPOLLET, fd);
        if (Sys.epollCtl(errnoScratch, epfd, Sys.EPOLL_CTL_ADD, fd, scratch.asSlice(Sys.OPT)) < 0) {
            if (Sys.errno(errnoScratch) != Sys.EEXIST
                    || Sys.epollCtl(errnoScratch, epfd, Sys.EPOLL_CTL_MOD, fd, scratch.asSlice(Sys.OPT)) < 0) {
                return null;
            }
        }
        if (fd >= byFd.length) {
            byFd = Arrays.copyOf(byFd, Math.max(fd + 1, byFd.length * 2));
        }
        if (byFd[fd] == null) {
            registered++;
        }
        r = new Registration(sock, this);
        byFd[fd] = r;
        return r;
    }

    /**
     * Tells whether the caller runs on this backend's scheduling thread.
     *
     * @return true on the scheduling thread or one of its coroutines
     */
    boolean isOwnThread() {
        return host.isHostThread();
    }

    /**
     * Forgets a socket that its owner is closing on this scheduling thread, before the descriptor
     * is closed (the kernel drops it from the epoll set on close).
     *
     * @param r the registration
     * @param fd its descriptor
     */
    void forget(Registration r, int fd) {
        if (fd < byFd.length && byFd[fd] == r) {
            byFd[fd] = null;
            registered--;
        }
    }

    /**
     * Parks the calling coroutine until the socket may be ready for reading or writing, the
     * timeout, or an unpark (a close). Scheduling thread only.
     *
     * @param r the socket's registration here
     * @param read true for the read side (recv, accept), false for the write side (send, connect)
     * @param timeoutMs the longest wait; negative waits forever
     * @return {@link co.api.spi.Poller#await}'s answer
     */
    boolean await(Registration r, boolean read, long timeoutMs) {
        IoWaiter w = new IoWaiter();
        if (read) {
            r.readers = IoWaiter.push(r.readers, w);
        } else {
            r.writers = IoWaiter.push(r.writers, w);
        }
        int state = w.await(host, timeoutMs, r.sock);
        if (state != IoWaiter.READY) {
            if (read) {
                r.readers = IoWaiter.unlink(r.readers, w);
            } else {
                r.writers = IoWaiter.unlink(r.writers, w);
            }
        }
        return IoWaiter.answer(state);
    }

    // ------------------------------------------------------------------ JDK channels

    @Override
    void watchJdk(int fd) {
        Sys.epollEvent(scratch.asSlice(Sys.OPT), Sys.EPOLLIN, JDK_SELECTOR);
        if (Sys.epollCtl(scratch, epfd, Sys.EPOLL_CTL_ADD, fd, scratch.asSlice(Sys.OPT)) < 0) {
            throw new IllegalStateException("co: epoll_ctl on the JDK selector failed: errno " + Sys.errno(scratch));
        }
    }
}
