package co.sync;

import co.sync.internal.Timeouts;
import co.sync.internal.SyncWaiter;
import co.sync.internal.WaiterQueue;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A synchronization event between coroutines and threads (co's {@code co::Event}): one side
 * {@link #signal()}s, the others {@link #await()} the signal.
 *
 * <p>{@link #signal()} wakes every current waiter. If nobody waits, the event becomes signaled and
 * the next {@code await} returns at once. An <em>auto-reset</em> event (the default) is then
 * unsignaled again: the signal is consumed by that one {@code await}, or by the waiters it woke. A
 * <em>manual-reset</em> event stays signaled, letting every {@code await} through, until
 * {@link #reset()}.
 *
 * <pre>{@code
 * Event ev = new Event();
 * Co.go(() -> {
 *     prepare();
 *     ev.signal();
 * });
 * if (!ev.await(100)) {
 *     // not signaled within 100 ms
 * }
 * }</pre>
 *
 * <p>Threading: every method may be called from any coroutine or thread. {@code await} parks only
 * the caller (a coroutine is suspended, its scheduler keeps running); {@code signal} and
 * {@code reset} never block. A signal that races with a timing-out {@code await} is never lost:
 * either that waiter returns {@code true}, or the signal wakes the other waiters or stays pending.
 * Waits are not interruptible (see the package documentation).
 */
public final class Event {

    private static final VarHandle SIGNALED;

    static {
        try {
            SIGNALED = MethodHandles.lookup().findVarHandle(Event.class, "signaled", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final boolean manualReset;
    private final ReentrantLock lock = new ReentrantLock();
    private final WaiterQueue waiters = new WaiterQueue(); // guarded by lock

    // Volatile: read without the lock on await's fast path. Set to true only under the lock (so a
    // waiter that queued under the lock is seen by signal); consumed (true -> false) by CAS both on
    // and off the lock, so one auto-reset signal is consumed exactly once.
    private volatile boolean signaled;

    /** Creates an auto-reset event, not signaled. */
    public Event() {
        this(false, false);
    }

    /**
     * Creates an event.
     *
     * @param manualReset true: stays signaled until {@link #reset()}; false: each signal is consumed
     *     by the {@code await}s it releases
     * @param signaled the initial state
     */
    public Event(boolean manualReset, boolean signaled) {
        this.manualReset = manualReset;
        this.signaled = signaled;
    }

    /**
     * Signals the event: wakes every waiting coroutine or thread; if none is waiting, the event
     * becomes signaled. A manual-reset event stays signaled until {@link #reset()}. Never blocks.
     */
    public void signal() {
        SyncWaiter woken = null;
        lock.lock();
        try {
            for (SyncWaiter w; (w = waiters.poll()) != null; ) {
                if (w.tryFire(0)) {
                    woken = w.chainedBefore(woken); // stores only when needed: w may be spinning
                }
                // else: it timed out and is on its way out; it does not consume this signal.
            }
            if (manualReset || woken == null) {
                signaled = true;
            }
        } finally {
            lock.unlock();
        }
        // Unpark after unlocking so that a woken waiter does not immediately contend for the lock.
        SyncWaiter.wakeAll(woken);
    }

    /** Makes the event unsignaled. Never blocks. */
    public void reset() {
        signaled = false;
    }

    /**
     * Waits until the event is signaled. On an auto-reset event this consumes the signal.
     */
    public void await() {
        await0(-1);
    }

    /**
     * Waits at most {@code ms} milliseconds until the event is signaled.
     *
     * @param ms the timeout; negative waits forever, 0 only checks
     * @return true if signaled, false on timeout
     */
    public boolean await(long ms) {
        return await0(Timeouts.nanos(ms));
    }

    boolean await0(long nanos) {
        if (tryConsume()) {
            return true;
        }
        SyncWaiter w;
        lock.lock();
        try {
            if (tryConsume()) {
                return true;
            }
            if (nanos == 0) {
                return false;
            }
            w = new SyncWaiter(Thread.currentThread());
            waiters.add(w);
        } finally {
            lock.unlock();
        }
        // Spin briefly first: a signal from a coroutine running on another core usually comes
        // sooner than a park and an unpark would take.
        return waiters.awaitOrLeave(w, nanos, true, lock);
    }

    private boolean tryConsume() {
        if (manualReset) {
            return signaled;
        }
        // Read first so that the common unsignaled case costs no CAS.
        return signaled && SIGNALED.compareAndSet(this, true, false);
    }

    /** For tests: the number of queued waiters. */
    int queued() {
        return waiters.size(lock);
    }
}
