package co.scheduler.internal;

import co.api.Errno;
import co.api.spi.CoContext;
import co.api.spi.Deadline;
import co.api.spi.Poller;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.IllegalBlockingModeException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * The pollers for threads that have no selector of their own: coroutines of the {@code virtual}
 * runtime and other virtual threads, and plain platform threads. Each poller is one thread, made
 * on its first wait, that owns a selector; waiters hand it registrations through a queue, wake its
 * selector only while it selects, and park until it, their deadline, or an unpark wakes them.
 *
 * <p>There are two, and {@link #instance()} sends each waiter to its own kind:
 * <ul>
 *   <li><b>{@code co-poller-virtual}</b>, for virtual threads: on JDK 24+ (see {@link #VIRTUAL})
 *       a virtual thread itself. It runs on the carriers between the coroutines it serves, so a
 *       busy process finds many ready channels per selection and wakes its waiters virtual thread
 *       to virtual thread, with no platform thread to wake per request; when nothing is ready it
 *       parks on the JDK's own poller. Measured on the RESP benchmark, with the read interest
 *       kept below, this took the {@code virtual} provider's CPU per request from 1.23x to 1.09x
 *       that of plain JDK virtual threads on blocking sockets unpipelined, and from 1.26x to
 *       1.00x pipelined (docs/benchmarks.md). Before JDK 24 a virtual thread that selects would
 *       pin its carrier, so there virtual threads wait on {@code co-poller} too.</li>
 *   <li><b>{@code co-poller}</b>, for platform threads: always a daemon platform thread, so a
 *       plain thread's wait never depends on a free carrier of the JDK's scheduler.</li>
 * </ul>
 *
 * <p>A waiter wakes the selector (a system call, and a selection the poller would not otherwise
 * make) only when it must: while the poller selects and the selector does not already watch the
 * channel for the waiter's operations. A watched channel's readiness wakes the poller anyway, and
 * the poller takes new waiters after each selection, before it handles what is ready; so in a
 * busy server, whose channels keep their interest from wait to wait, waiting costs no system call
 * of co's.
 *
 * <p>A channel found readable with nobody waiting keeps its read interest while the reader the
 * poller last woke for it has not run yet (a bounded number of selections) or was woken less than
 * a millisecond ago, then for one more selection, which the poller makes after yielding: its reader is usually about to read or wait
 * again, and dropping the interest at once cost two {@code epoll_ctl} calls (and now a wake-up)
 * per request. Still unwatched then, the interest is dropped, so a channel nobody reads never
 * keeps the poller selecting.
 *
 * <p>Thread-safe: {@link #await} from any thread. The selector, its keys and their attachments are
 * touched only by the poller thread; a waiter's state moves out of WAITING exactly once, by CAS.
 */
final class SharedPoller implements Poller, Runnable {

    private static final System.Logger LOG = System.getLogger("co");
    private static final VarHandle STATE;
    private static final VarHandle PENDING;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            STATE = l.findVarHandle(ReadinessWaiter.class, "state", int.class);
            PENDING = l.findVarHandle(SharedPoller.class, "pending", ReadinessWaiter.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * Whether the poller of virtual threads is a virtual thread: JDK 24+, where a virtual thread
     * that selects parks on the JDK's poller without pinning its carrier (JEP 491 era).
     */
    static final boolean VIRTUAL = Runtime.version().feature() >= 24;

    private static final int WAITING = 0;
    private static final int READY = 1;
    private static final int GONE = 2;
    /** Its thread has returned from the wait (after READY or GONE): see {@link Interest#woken}. */
    private static final int RESUMED = 3;
    private static final int READ_OPS = SelectionKey.OP_READ | SelectionKey.OP_ACCEPT;
    /** Selections that keep a read interest for a woken reader that has not run yet, at most. */
    private static final int MAX_KEPT_FOR_WOKEN = 16;
    /**
     * How long after waking a reader the poller keeps the channel's read interest, whatever it
     * finds: the woken reader may have run but not read yet (on another carrier). A channel
     * nobody reads costs at most this much selecting, with a yield between selections.
     */
    private static final long KEEP_AFTER_WAKE_NANOS = 1_000_000;

    /**
     * The two pollers, each made on its first wait; null until then. Volatile for the lock-free
     * read of {@link #forCaller()}; made under the class lock, so each is made once.
     */
    private static volatile SharedPoller platform;
    private static volatile SharedPoller virtual;

    /** Whether the calling thread waits on the virtual threads' poller (else on the platform one). */
    private static boolean callerIsVirtual() {
        return VIRTUAL && Thread.currentThread().isVirtual();
    }

    /** Returns the poller for waiters of the calling thread's kind, making it on first use. */
    static SharedPoller forCaller() {
        boolean v = callerIsVirtual();
        SharedPoller p = v ? virtual : platform;
        if (p != null) {
            return p;
        }
        synchronized (SharedPoller.class) {
            if (v) {
                if (virtual == null) {
                    virtual = new SharedPoller(true);
                }
                return virtual;
            }
            if (platform == null) {
                platform = new SharedPoller(false);
            }
            return platform;
        }
    }

    /** Sends each call to the poller of the calling thread's kind; closes reach every poller made. */
    private static final class ByThreadKind implements Poller {
        static final ByThreadKind INSTANCE = new ByThreadKind();

        @Override
        public boolean await(SelectableChannel channel, int ops, long timeoutMs) {
            return forCaller().await(channel, ops, timeoutMs);
        }

        @Override
        public void release(SelectableChannel channel, int ops) {
            SharedPoller p = callerIsVirtual() ? virtual : platform;
            if (p != null) {                // else the caller never waited here: nothing to release
                p.release(channel, ops);
            }
        }

        @Override
        public void closed(SelectableChannel channel) {
            // A channel may have waited on both (used from a virtual and from a platform thread);
            // a poller not made yet has no key of it.
            SharedPoller p = platform;
            if (p != null) {
                p.closed(channel);
            }
            SharedPoller v = virtual;
            if (v != null) {
                v.closed(channel);
            }
        }
    }

    /** A thread parked in {@link #await} until its channel may be ready for its operations. */
    static final class ReadinessWaiter {
        final Thread thread;
        final SelectableChannel channel;
        final int ops;
        @SuppressWarnings("unused") // accessed through STATE
        volatile int state;
        /** The next waiter in {@link #pending}, then in its channel's list (poller thread). */
        ReadinessWaiter next;

        ReadinessWaiter(Thread thread, SelectableChannel channel, int ops) {
            this.thread = thread;
            this.channel = channel;
            this.ops = ops;
        }

        boolean settle(int to) {
            return STATE.compareAndSet(this, WAITING, to);
        }

        /** Notes that the thread returns from its wait, having been woken; returns true. */
        boolean resumed() {
            STATE.setRelease(this, RESUMED);
            return true;
        }

        /** Whether the poller woke this waiter and its thread has not run since. */
        boolean wokenNotResumed() {
            return (int) STATE.getAcquire(this) == READY;
        }
    }

    private static final class Interest {
        ReadinessWaiter readers;
        ReadinessWaiter writers;
        /** The last selection that found the channel readable found no reader waiting. */
        boolean unwatchedRead;
        /** A reader the poller last woke for this channel, or null. */
        ReadinessWaiter woken;
        /** Selections since then that kept the interest for {@link #woken} (bounded). */
        int keptForWoken;
        /** {@link System#nanoTime()} when the poller last woke a reader of this channel. */
        long wokenAt;
    }

    /**
     * A selection found a channel readable that nobody waits on, and kept its read interest: the
     * poller lets other threads run before it selects again (see {@link #onReady}). Poller thread only.
     */
    private boolean unwatched;

    private final Selector selector;
    /**
     * True while the poller thread selects (or is about to), until it takes the new waiters after
     * the selection: only then may a new waiter need to wake the selector. While the poller runs
     * it takes new waiters before its next selection unasked.
     */
    private volatile boolean idle;
    /**
     * The waiters not yet taken by the poller thread: a stack linked through
     * {@link ReadinessWaiter#next}, pushed by CAS and taken whole (no queue node per wait).
     */
    @SuppressWarnings("unused") // accessed through PENDING
    private volatile ReadinessWaiter pending;
    /** How often a waiter woke the selector (tests: a watched channel's waiter must not). */
    static final LongAdder WAKEUPS = new LongAdder();

    private SharedPoller(boolean virtual) {
        try {
            selector = Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException("co: cannot open the shared poller's selector", e);
        }
        if (virtual) {
            // Started from a platform thread: a virtual thread takes the scheduler of the virtual
            // thread that creates it, and this one must live on the JDK's default scheduler.
            Thread starter = new Thread(() -> Thread.ofVirtual().name("co-poller-virtual").start(this),
                    "co-poller-start");
            starter.setDaemon(true);
            starter.start();
            boolean interrupted = false;
            while (starter.isAlive()) {
                try {
                    starter.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        } else {
            Thread t = new Thread(this, "co-poller");
            t.setDaemon(true);
            t.start();
        }
    }

    /**
     * Returns the shared poller: calls go to the poller of the calling thread's kind.
     *
     * @return the poller
     */
    static Poller instance() {
        return ByThreadKind.INSTANCE;
    }

    @Override
    public boolean await(SelectableChannel channel, int ops, long timeoutMs) {
        if (channel.isBlocking()) {
            throw new IllegalBlockingModeException();
        }
        ReadinessWaiter w = new ReadinessWaiter(Thread.currentThread(), channel, ops);
        ReadinessWaiter head;
        do {
            head = pending;
            w.next = head;
        } while (!PENDING.weakCompareAndSet(this, head, w));
        // Dekker with run(): w is pushed, then idle read; the poller sets idle, then reads pending.
        // Not idle: the poller runs and takes w before it selects again. Idle, but the selector
        // already watches the channel for these operations: readiness wakes the poller, which takes
        // w before it looks at what is ready (see run), so w needs no wake-up system call of its
        // own. The poller narrows an interest only after a selection, with idle false, and then
        // takes every waiter pushed before it set idle false; so an interest seen here stays
        // until the poller has seen w.
        if (idle && !watched(channel, ops)) {
            WAKEUPS.increment();
            selector.wakeup();
        }
        Deadline deadline = Deadline.after(timeoutMs);
        for (;;) {
            if (deadline.isNone()) {
                LockSupport.park(this);
            } else {
                long left = deadline.remainingNanos();
                if (left == 0) {
                    if (giveUp(w)) {
                        CoContext.current().setTimedOut();
                        return false;
                    }
                    return w.resumed(); // readiness won the race
                }
                LockSupport.parkNanos(this, left);
            }
            if ((int) STATE.getVolatile(w) != WAITING) {
                return w.resumed();
            }
            if (Thread.currentThread().isInterrupted()) {
                if (giveUp(w)) {
                    CoContext.current().setError(Errno.EINTR);
                    return false;
                }
                return w.resumed();
            }
            if (!deadline.expired()) {
                // Woken by an unpark that was not ours (a socket closed by another thread): the
                // caller retries and sees why. A platform thread's rare spurious wake-up lands here
                // too, and costs one retry. Either way this waiter leaves.
                giveUp(w);
                return w.resumed();
            }
        }
    }

    /**
     * The waiter gives up (timeout, interrupt, a foreign unpark), unless readiness settled it
     * first. If it may still be on the pending stack of an idle poller (it skipped the wake-up
     * because its channel was watched), the poller is woken so that it drops it: else, on a quiet
     * poller, every timed-out wait on a watched channel would leave its waiter, and through it its
     * thread and channel, on the stack until some channel became ready.
     *
     * @return true if it gave up; false if it was already woken
     */
    private boolean giveUp(ReadinessWaiter w) {
        if (!w.settle(GONE)) {
            return false;
        }
        if (idle && (ReadinessWaiter) PENDING.getVolatile(this) != null) {
            selector.wakeup();
        }
        return true;
    }

    /** Whether the poller thread selects or is about to (tests). */
    boolean isIdle() {
        return idle;
    }

    /** Whether the selector watches {@code channel} for all of {@code ops} (any thread). */
    private boolean watched(SelectableChannel channel, int ops) {
        SelectionKey key = channel.keyFor(selector);
        if (key == null) {
            return false;
        }
        try {
            return (key.interestOps() & ops) == ops;
        } catch (CancelledKeyException e) {
            return false;
        }
    }

    @Override
    public void release(SelectableChannel channel, int ops) {
        // Waiters that left are dropped lazily by the poller thread. OP_CONNECT is dropped now: the
        // selector never reports it once the channel is connected, so left set it would keep
        // EPOLLOUT armed and the poller thread would spin (see AffineScheduler.release).
        if ((ops & SelectionKey.OP_CONNECT) != 0) {
            SelectionKey key = channel.keyFor(selector);
            if (key != null) {
                try {
                    key.interestOpsAnd(~SelectionKey.OP_CONNECT);
                } catch (CancelledKeyException ignored) {
                    // closed; the key goes away with the channel
                }
            }
        }
    }

    @Override
    public void closed(SelectableChannel channel) {
        if (channel.keyFor(selector) != null) {
            selector.wakeup();
        }
    }

    @Override
    public void run() {
        for (;;) {
            try {
                // Dekker with await: a waiter pushes itself, then reads idle; this thread sets
                // idle, then reads pending. One of the two sees the other.
                idle = true;
                if ((ReadinessWaiter) PENDING.getVolatile(this) == null) {
                    selector.select(this::onReady);
                } else {
                    selector.selectNow(this::onReady);
                }
                takePending();                  // nothing was ready (else onReady took them)
                if (unwatched) {
                    unwatched = false;
                    Thread.yield();
                }
            } catch (Throwable t) {
                LOG.log(System.Logger.Level.ERROR, "co: shared poller", t);
            }
        }
    }

    /**
     * Ends the idle phase and registers every waiter pushed so far: after each selection, before
     * the poller looks at what it found, so a waiter that did not wake the selector because its
     * channel was watched (see {@link #await}) is among the channel's waiters when its readiness is
     * handled. Poller thread only.
     */
    private void takePending() {
        if (!idle) {
            return;
        }
        idle = false;
        ReadinessWaiter w = (ReadinessWaiter) PENDING.getAndSet(this, null);
        while (w != null) {
            ReadinessWaiter next = w.next;
            register(w);
            w = next;
        }
    }

    private void register(ReadinessWaiter w) {
        if ((int) STATE.getVolatile(w) != WAITING) {
            return;
        }
        try {
            SelectionKey key = w.channel.keyFor(selector);
            Interest in;
            if (key == null) {
                in = new Interest();
                key = w.channel.register(selector, w.ops, in);
            } else {
                in = (Interest) key.attachment();
                key.interestOpsOr(w.ops); // atomic: release may clear OP_CONNECT from another thread
            }
            if ((w.ops & READ_OPS) != 0) {
                in.readers = push(prune(in.readers), w);
            } else {
                in.writers = push(prune(in.writers), w);
            }
        } catch (ClosedChannelException | CancelledKeyException | IllegalBlockingModeException e) {
            wake(w); // the caller's retry reports the failure
        }
    }

    private static ReadinessWaiter push(ReadinessWaiter head, ReadinessWaiter w) {
        w.next = head;
        return w;
    }

    /** Drops waiters that already left (timed out or were woken otherwise). */
    private static ReadinessWaiter prune(ReadinessWaiter head) {
        ReadinessWaiter first = null;
        ReadinessWaiter last = null;
        for (ReadinessWaiter x = head; x != null; x = x.next) {
            if ((int) STATE.getVolatile(x) == WAITING) {
                if (first == null) {
                    first = x;
                } else {
                    last.next = x;
                }
                last = x;
            }
        }
        if (last != null) {
            last.next = null;
        }
        return first;
    }

    private static void wake(ReadinessWaiter w) {
        if (w.settle(READY)) {
            LockSupport.unpark(w.thread);
        }
    }

    private void onReady(SelectionKey key) {
        takePending();
        Interest in = (Interest) key.attachment();
        int ready;
        try {
            ready = key.readyOps();
        } catch (CancelledKeyException e) {
            ready = ~0;
        }
        int drop = 0;
        if ((ready & READ_OPS) != 0) {
            ReadinessWaiter live = prune(in.readers);
            if (live != null) {
                in.unwatchedRead = false;
                in.woken = live;
                in.keptForWoken = 0;
                in.wokenAt = System.nanoTime();
            } else if (in.woken != null
                    && ((in.keptForWoken < MAX_KEPT_FOR_WOKEN && in.woken.wokenNotResumed())
                        || System.nanoTime() - in.wokenAt < KEEP_AFTER_WAKE_NANOS)) {
                // Its reader was woken a moment ago, or has not run yet (no free carrier): the
                // readiness is most likely its own. Keep the interest; select again after
                // yielding (bounded: a reader that cannot get a carrier for long, or a channel
                // nobody reads, must not keep the poller selecting).
                in.keptForWoken++;
                unwatched = true;
            } else if (!in.unwatchedRead) {
                in.woken = null;
                // Readable with no reader: usually the reader was just woken and has not read yet,
                // or is about to wait again. Dropping the interest now would cost two epoll_ctl
                // calls (drop, then re-add at its next wait) per request; keeping it a little
                // longer costs one more selection, after the poller has let the reader run.
                in.unwatchedRead = true;
                unwatched = true;
            } else {
                in.unwatchedRead = false;
                drop |= READ_OPS;               // still nobody: stop watching (no busy selection)
            }
            for (ReadinessWaiter x = live; x != null; x = x.next) {
                wake(x);
            }
            in.readers = null;
        }
        if ((ready & ~READ_OPS) != 0) {
            ReadinessWaiter live = prune(in.writers);
            if (live == null) {
                drop |= ~READ_OPS;
            }
            for (ReadinessWaiter x = live; x != null; x = x.next) {
                wake(x);
            }
            in.writers = null;
        }
        if ((ready & SelectionKey.OP_CONNECT) != 0) {
            // A connect completes (or fails) once: the interest is never wanted again (see release).
            drop |= SelectionKey.OP_CONNECT;
        }
        if (drop != 0) {
            try {
                key.interestOpsAnd(~drop);
            } catch (CancelledKeyException ignored) {
                // closed; the key goes away with the channel
            }
        }
    }
}
