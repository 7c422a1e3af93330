package co.net.linux.internal;

import co.api.Errno;
import co.api.spi.CoContext;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The fallback wait for native sockets used by a thread whose scheduler does not run epoll: plain
 * threads, the {@code virtual} provider's coroutines, affine coroutines on the JDK selector
 * backend. One daemon thread blocks in {@code epoll_wait} on its own epoll instance and unparks
 * waiters; each wait re-arms the socket one-shot and level-triggered, so readiness that came
 * before the wait is reported at once and nothing is lost between threads. Costs a hand-off
 * between threads per wait: correct everywhere, fast on an epoll scheduler only.
 *
 * <p>Thread safety: {@link #await} and {@link #forget} from any thread; an {@link Interest} is
 * guarded by its own monitor.
 */
final class SharedEpoll implements Runnable {

    private static final System.Logger LOG = System.getLogger("co");
    private static final int MAX_EVENTS = 256;
    private static volatile SharedEpoll instance;

    private final int epfd;
    private final MemorySegment scratch = Arena.global().allocate(Sys.SCRATCH_SIZE, 8);
    private final MemorySegment events = Arena.global().allocate((long) MAX_EVENTS * Sys.EPOLL_EVENT_SIZE, 8);
    private final ConcurrentHashMap<Long, Interest> byId = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();

    /** One socket's waiters here; guarded by its monitor. */
    static final class Interest {
        final long id;
        final int fd;
        Thread reader;
        Thread writer;
        boolean added;
        boolean forgotten;
        final MemorySegment ctl = Arena.ofAuto().allocate(Sys.SCRATCH_SIZE, 8);

        Interest(long id, int fd) {
            this.id = id;
            this.fd = fd;
        }
    }

    private SharedEpoll(int epfd) {
        this.epfd = epfd;
    }

    /**
     * Returns the shared poller, starting its thread on first use.
     *
     * @return the poller
     * @throws IllegalStateException if the kernel refuses an epoll instance
     */
    static SharedEpoll instance() {
        SharedEpoll s = instance;
        if (s == null) {
            synchronized (SharedEpoll.class) {
                s = instance;
                if (s == null) {
                    MemorySegment err = Sys.scratch();
                    int ep = Sys.epollCreate1(err, Sys.EPOLL_CLOEXEC);
                    if (ep < 0) {
                        throw new IllegalStateException(SysErrors.io("epoll_create1", Sys.errno(err)).getMessage());
                    }
                    s = new SharedEpoll(ep);
                    Thread t = new Thread(s, "co-epoll-shared-poller");
                    t.setDaemon(true);
                    t.start();
                    instance = s;
                }
            }
        }
        return s;
    }

    /**
     * Parks the calling thread until the socket may be ready on one side, {@code timeoutMs}, or an
     * unpark. Same answer as {@link co.api.spi.Poller#await}.
     */
    boolean await(FdSock sock, boolean read, long timeoutMs) {
        Interest in = sock.shared;
        if (in == null) {
            synchronized (sock) {
                in = sock.shared;
                if (in == null) {
                    in = new Interest(ids.incrementAndGet(), sock.fd);
                    byId.put(in.id, in);
                    sock.shared = in;
                }
            }
        }
        Thread me = Thread.currentThread();
        synchronized (in) {
            if (in.forgotten) {
                return true;                              // closed: the caller's retry says so
            }
            if (read) {
                in.reader = me;
            } else {
                in.writer = me;
            }
            if (!arm(in)) {
                clear(in, me);
                CoContext.current().setError(Sys.errno(in.ctl), "epoll_ctl");
                return false;
            }
        }
        long deadline = timeoutMs < 0 ? 0 : System.nanoTime() + timeoutMs * 1_000_000L;
        boolean timedOut = false;
        if (timeoutMs < 0) {
            LockSupport.park(this);
        } else {
            LockSupport.parkNanos(this, timeoutMs * 1_000_000L);
            timedOut = System.nanoTime() - deadline >= 0;
        }
        boolean stillWaiting;
        synchronized (in) {
            stillWaiting = read ? in.reader == me : in.writer == me;
            clear(in, me);
        }
        if (stillWaiting && timedOut) {
            CoContext.current().setTimedOut();
            return false;
        }
        if (stillWaiting && me.isInterrupted()) {
            CoContext.current().setError(Errno.EINTR);
            return false;
        }
        return true;
    }

    private static void clear(Interest in, Thread me) {
        if (in.reader == me) {
            in.reader = null;
        }
        if (in.writer == me) {
            in.writer = null;
        }
    }

    /** (Re-)arms the socket for the sides someone waits on; holds the interest's monitor. */
    private boolean arm(Interest in) {
        int mask = Sys.EPOLLONESHOT | Sys.EPOLLRDHUP;
        if (in.reader != null) {
            mask |= Sys.EPOLLIN;
        }
        if (in.writer != null) {
            mask |= Sys.EPOLLOUT;
        }
        Sys.epollEvent(in.ctl.asSlice(Sys.OPT), mask, in.id);
        int op = in.added ? Sys.EPOLL_CTL_MOD : Sys.EPOLL_CTL_ADD;
        if (Sys.epollCtl(in.ctl, epfd, op, in.fd, in.ctl.asSlice(Sys.OPT)) == 0) {
            in.added = true;
            return true;
        }
        int err = Sys.errno(in.ctl);
        if (err == Sys.EEXIST || err == Errno.ENOENT) {
            // The descriptor number was in the set under an earlier socket, or left it: the other op.
            op = op == Sys.EPOLL_CTL_ADD ? Sys.EPOLL_CTL_MOD : Sys.EPOLL_CTL_ADD;
            if (Sys.epollCtl(in.ctl, epfd, op, in.fd, in.ctl.asSlice(Sys.OPT)) == 0) {
                in.added = true;
                return true;
            }
        }
        return false;
    }

    /**
     * Forgets a socket being closed (its descriptor leaves the epoll set when it is closed).
     *
     * @param in the socket's interest
     */
    void forget(Interest in) {
        synchronized (in) {
            in.forgotten = true;
        }
        byId.remove(in.id);
    }

    @Override
    public void run() {
        for (;;) {
            int n = Sys.epollWait(scratch, epfd, events, MAX_EVENTS, -1);
            if (n < 0) {
                int err = Sys.errno(scratch);
                if (err == Sys.EINTR) {
                    continue;
                }
                LOG.log(System.Logger.Level.ERROR, "co: the shared epoll poller stops: errno " + err);
                return;
            }
            for (int i = 0; i < n; i++) {
                long at = (long) i * Sys.EPOLL_EVENT_SIZE;
                int mask = events.get(ValueLayout.JAVA_INT_UNALIGNED, at);
                long id = events.get(ValueLayout.JAVA_LONG_UNALIGNED, at + Sys.EPOLL_DATA_OFFSET);
                Interest in = byId.get(id);
                if (in == null) {
                    continue;
                }
                synchronized (in) {
                    boolean any = (mask & (Sys.EPOLLERR | Sys.EPOLLHUP)) != 0;
                    if ((any || (mask & (Sys.EPOLLIN | Sys.EPOLLRDHUP)) != 0) && in.reader != null) {
                        LockSupport.unpark(in.reader);
                        in.reader = null;
                    }
                    if ((any || (mask & Sys.EPOLLOUT) != 0) && in.writer != null) {
                        LockSupport.unpark(in.writer);
                        in.writer = null;
                    }
                    if ((in.reader != null || in.writer != null) && !in.forgotten) {
                        arm(in);                        // the other side still waits: one-shot re-arm
                    }
                }
            }
        }
    }
}
