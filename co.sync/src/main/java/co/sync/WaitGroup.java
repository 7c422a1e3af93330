package co.sync;

import co.sync.internal.Timeouts;
import co.sync.internal.SyncWaiter;
import co.sync.internal.WaiterQueue;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Waits for a group of coroutines or threads to finish (co's {@code co::WaitGroup}, Go's
 * {@code sync.WaitGroup}): a counter that {@link #add} raises and {@link #done()} lowers, and
 * {@link #await()} waits for it to reach zero.
 *
 * <pre>{@code
 * WaitGroup wg = new WaitGroup();
 * for (int i = 0; i < 8; i++) {
 *     wg.add();
 *     Co.go(() -> {
 *         try {
 *             work();
 *         } finally {
 *             wg.done();
 *         }
 *     });
 * }
 * wg.await();
 * }</pre>
 *
 * <p>Threading: every method may be called from any coroutine or thread. {@code add} and
 * {@code done} never block (the call that brings the counter to zero wakes all waiters).
 * {@code await} parks only the caller and returns at once when the counter is zero. As in Go, call
 * {@code add} before starting the work it counts; a group may be reused once {@code await} returned.
 * Waits are not interruptible (see the package documentation).
 */
public final class WaitGroup {

    private static final VarHandle STATE;
    private static final long COUNT_MASK = 0xFFFF_FFFFL;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(WaitGroup.class, "state", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    // Low 32 bits: the counter. High 32 bits: the epoch, +1 each time the counter drops to zero.
    // Volatile, changed by CAS only: read without the lock by await's fast path, and re-read under
    // the lock before queueing. The thread that moves the counter to 0 (and the epoch to E) then
    // takes the lock and wakes the waiters that queued in an epoch before E, so a waiter that queued
    // after reading a non-zero counter is always woken, and one that queued after a later add (in
    // epoch E) is not woken by that stale zero.
    @SuppressWarnings("unused")
    private volatile long state;

    private final ReentrantLock lock = new ReentrantLock();
    private final WaiterQueue waiters = new WaiterQueue(); // guarded by lock

    /** Creates a group whose counter is 0. */
    public WaitGroup() {
    }

    /** Adds 1 to the counter. */
    public void add() {
        add(1);
    }

    /**
     * Adds {@code n} to the counter; a negative {@code n} lowers it. When it reaches zero, every
     * {@code await} returns. Never blocks.
     *
     * @param n the amount
     * @throws IllegalStateException if the counter would go below zero or above
     *     {@link Integer#MAX_VALUE}; the counter is then unchanged
     */
    public void add(int n) {
        for (;;) {
            long s = state;
            long c = s & COUNT_MASK;
            long next = c + n;
            if (next < 0) {
                throw new IllegalStateException("WaitGroup counter would go negative: " + next);
            }
            if (next > Integer.MAX_VALUE) {
                throw new IllegalStateException("WaitGroup counter overflow");
            }
            int epoch = (int) (s >>> 32);
            boolean zeroed = next == 0 && c != 0;
            int nextEpoch = zeroed ? epoch + 1 : epoch;
            if (STATE.compareAndSet(this, s, ((long) nextEpoch << 32) | next)) {
                if (zeroed) {
                    wakeWaiters(nextEpoch);
                }
                return;
            }
        }
    }

    /**
     * Subtracts 1 from the counter.
     *
     * @throws IllegalStateException if the counter is already zero
     */
    public void done() {
        add(-1);
    }

    /**
     * Returns the counter.
     *
     * @return the current value
     */
    public int count() {
        return (int) (state & COUNT_MASK);
    }

    /** Waits until the counter is zero. */
    public void await() {
        await0(-1);
    }

    /**
     * Waits at most {@code ms} milliseconds until the counter is zero.
     *
     * @param ms the timeout; negative waits forever, 0 only checks
     * @return true if the counter reached zero, false on timeout
     */
    public boolean await(long ms) {
        return await0(Timeouts.nanos(ms));
    }

    boolean await0(long nanos) {
        if ((state & COUNT_MASK) == 0) {
            return true;
        }
        SyncWaiter w;
        lock.lock();
        try {
            long s = state;
            if ((s & COUNT_MASK) == 0) {
                return true;
            }
            if (nanos == 0) {
                return false;
            }
            w = new EpochWaiter(Thread.currentThread(), (int) (s >>> 32));
            waiters.add(w);
        } finally {
            lock.unlock();
        }
        return waiters.awaitOrLeave(w, nanos, lock);
    }

    private void wakeWaiters(int epoch) {
        SyncWaiter woken = null;
        lock.lock();
        try {
            // Waiters are queued in epoch order (the epoch is read under this lock and only grows);
            // those that queued in epoch >= this one wait for a later zero. Epochs compare by
            // difference so that wrapping after 2^32 zeros is harmless.
            for (SyncWaiter w; (w = waiters.peek()) != null && ((EpochWaiter) w).epoch - epoch < 0; ) {
                waiters.poll();
                if (w.tryFire(0)) {
                    woken = w.chainedBefore(woken);
                }
            }
        } finally {
            lock.unlock();
        }
        SyncWaiter.wakeAll(woken);
    }

    /** For tests: the number of queued waiters. */
    int queued() {
        return waiters.size(lock);
    }

    /** A waiter that remembers in which epoch it queued. */
    private static final class EpochWaiter extends SyncWaiter {
        final int epoch;

        EpochWaiter(Thread thread, int epoch) {
            super(thread);
            this.epoch = epoch;
        }
    }
}
