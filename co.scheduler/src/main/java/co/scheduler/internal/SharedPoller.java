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
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * A poller for threads that have no selector of their own: plain platform threads, and coroutines
 * of the {@code virtual} runtime. One daemon thread, {@code co-poller}, owns a selector; waiters
 * hand it registrations through a queue and park until it, their deadline, or an unpark wakes them.
 *
 * <p>Thread-safe: {@link #await} from any thread. The selector, its keys and their attachments are
 * touched only by the poller thread; a waiter's state moves out of WAITING exactly once, by CAS.
 */
final class SharedPoller implements Poller, Runnable {

    private static final System.Logger LOG = System.getLogger("co");
    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(ReadinessWaiter.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static final int WAITING = 0;
    private static final int READY = 1;
    private static final int GONE = 2;
    private static final int READ_OPS = SelectionKey.OP_READ | SelectionKey.OP_ACCEPT;

    private static final class Holder {
        static final SharedPoller INSTANCE = new SharedPoller();
    }

    /** A thread parked in {@link #await} until its channel may be ready for its operations. */
    static final class ReadinessWaiter {
        final Thread thread;
        final SelectableChannel channel;
        final int ops;
        @SuppressWarnings("unused") // accessed through STATE
        volatile int state;
        ReadinessWaiter next;

        ReadinessWaiter(Thread thread, SelectableChannel channel, int ops) {
            this.thread = thread;
            this.channel = channel;
            this.ops = ops;
        }

        boolean settle(int to) {
            return STATE.compareAndSet(this, WAITING, to);
        }
    }

    private static final class Interest {
        ReadinessWaiter readers;
        ReadinessWaiter writers;
    }

    private final Selector selector;
    private final ConcurrentLinkedQueue<ReadinessWaiter> pending = new ConcurrentLinkedQueue<>();

    private SharedPoller() {
        try {
            selector = Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException("co: cannot open the shared poller's selector", e);
        }
        Thread t = new Thread(this, "co-poller");
        t.setDaemon(true);
        t.start();
    }

    static SharedPoller instance() {
        return Holder.INSTANCE;
    }

    @Override
    public boolean await(SelectableChannel channel, int ops, long timeoutMs) {
        if (channel.isBlocking()) {
            throw new IllegalBlockingModeException();
        }
        CoContext ctx = CoContext.current();
        ReadinessWaiter w = new ReadinessWaiter(Thread.currentThread(), channel, ops);
        pending.add(w);
        selector.wakeup();
        Deadline deadline = Deadline.after(timeoutMs);
        for (;;) {
            if (deadline.isNone()) {
                LockSupport.park(this);
            } else {
                long left = deadline.remainingNanos();
                if (left == 0) {
                    if (w.settle(GONE)) {
                        ctx.setTimedOut();
                        return false;
                    }
                    return true; // readiness won the race
                }
                LockSupport.parkNanos(this, left);
            }
            if ((int) STATE.getVolatile(w) != WAITING) {
                return true;
            }
            if (Thread.currentThread().isInterrupted()) {
                if (w.settle(GONE)) {
                    ctx.setError(Errno.EINTR);
                    return false;
                }
                return true;
            }
            if (!deadline.expired()) {
                // Woken by an unpark that was not ours (a socket closed by another thread): the
                // caller retries and sees why. A platform thread's rare spurious wake-up lands here
                // too, and costs one retry. Either way this waiter leaves.
                w.settle(GONE);
                return true;
            }
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
                ReadinessWaiter w;
                while ((w = pending.poll()) != null) {
                    register(w);
                }
                selector.select(this::onReady);
            } catch (Throwable t) {
                LOG.log(System.Logger.Level.ERROR, "co: shared poller", t);
            }
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
            if (live == null) {
                drop |= READ_OPS;
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
