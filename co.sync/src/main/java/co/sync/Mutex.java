package co.sync;

import co.sync.internal.SyncWaiter;
import co.sync.internal.WaiterQueue;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A mutual-exclusion lock for coroutines and threads (co's {@code co::Mutex}). Not reentrant, and
 * not owned: any coroutine or thread may {@link #unlock()} it, though well-made code unlocks where
 * it locked. Prefer {@link MutexGuard} with try-with-resources.
 *
 * <pre>{@code
 * Mutex mutex = new Mutex();
 * int[] v = {0};
 * Co.go(() -> {
 *     try (MutexGuard g = new MutexGuard(mutex)) {
 *         v[0]++;
 *     }
 * });
 * }</pre>
 *
 * <p><b>Fairness.</b> When the lock is released while others wait, {@code unlock} hands it to the
 * longest waiting one before it returns, and a newcomer that finds waiters queues behind them, so
 * it cannot barge ahead of a waiter. A newcomer gets the lock at once only when it is free and
 * nobody waits. The first waiter
 * spins for a few microseconds before parking (where {@link co.api.spi.CoRuntime#maySpin()} allows),
 * and a waiter that becomes first while parked is woken to spin for its turn, so a hand-off to a
 * waiter on another core rarely needs a wake-up.
 *
 * <p>Threading: every method may be called from any coroutine or thread. {@link #lock()} parks only
 * the caller (a coroutine is suspended, its scheduler keeps running) and is not interruptible;
 * {@link #tryLock()} and {@link #unlock()} never block. Locking a mutex twice from the same
 * coroutine without unlocking deadlocks that coroutine, as in co.
 */
public final class Mutex {

    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(Mutex.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    // 1 held, 0 free. Taken by CAS 0 -> 1, also by a waker that hands the lock to a waiter;
    // released by a volatile store of 0 (no compare-and-set: measured, the uncontended unlock then
    // costs what ReentrantLock's does, where a CAS or an exchange cost 1-2 ns more).
    @SuppressWarnings("unused")
    private volatile int state;

    // True while a waiter is queued; written only under queueLock. The release and a waiter's
    // arrival pair up like Dekker's flags (all accesses are volatile, so sequentially consistent):
    // unlock writes state, then reads queued; a waiter writes queued, then reads state. So either
    // the unlocker sees the waiter and hands the lock over, or the waiter sees the lock free and
    // takes it itself. Newcomers read it first and queue behind waiters instead of barging.
    private volatile boolean queued;

    private final ReentrantLock queueLock = new ReentrantLock();
    private final WaiterQueue waiters = new WaiterQueue(); // guarded by queueLock

    /** Creates an unlocked mutex. */
    public Mutex() {
    }

    /**
     * Acquires the lock, waiting as long as it takes. Waiters are served first come, first served.
     */
    public void lock() {
        if (!queued && STATE.compareAndSet(this, 0, 1)) {
            return;
        }
        SyncWaiter w;
        boolean first;
        queueLock.lock();
        try {
            first = waiters.isEmpty();
            if (first) {
                // From here on newcomers queue behind us, even before our node is in the queue
                // (they need queueLock to queue, and we hold it).
                queued = true;
                // Dekker's second half (see queued): an unlock that wrote 0 before our write of
                // queued may have read false and left; then this CAS sees the 0 and we take the
                // lock ourselves.
                if (STATE.compareAndSet(this, 0, 1)) {
                    queued = false;
                    return;
                }
            }
            // Not first: queued was already true, so every unlock until our turn hands over.
            w = new SyncWaiter(Thread.currentThread());
            waiters.add(w);
        } finally {
            queueLock.unlock();
        }
        // Nobody cancels a lock waiter, so this returns only once the lock was handed to us. The
        // first waiter is next in line: it spins briefly (where that holds up nobody), since the
        // holder will likely hand over from another core within microseconds. Later waiters park;
        // each is nudged into spinning when it becomes first (see unlock), so at most about one
        // waiter per mutex spins and spinners never occupy every processor.
        w.await(-1, first);
    }

    /**
     * Acquires the lock if it is free and nobody waits for it. Never blocks.
     *
     * @return true if acquired
     */
    public boolean tryLock() {
        return !queued && STATE.compareAndSet(this, 0, 1);
    }

    /**
     * Releases the lock, or hands it to the longest-waiting coroutine or thread. Never blocks for
     * long (it may briefly contend for the internal queue lock).
     *
     * @throws IllegalStateException if the mutex is not locked
     */
    public void unlock() {
        if (state == 0) {
            throw new IllegalStateException("Mutex is not locked");
        }
        state = 0;
        if (queued) {
            handOver();
        }
    }

    /** The lock was just released while waiters are queued: hands it to the first of them. */
    private void handOver() {
        SyncWaiter next;
        SyncWaiter after;
        queueLock.lock();
        try {
            // The CAS fails if someone took the lock since our release: a newcomer that checked
            // queued before the first waiter set it, or that waiter itself (see lock). The holder's
            // own unlock then hands over. The lock never stays free while a waiter is queued.
            if (waiters.isEmpty() || !STATE.compareAndSet(this, 0, 1)) {
                return;
            }
            next = waiters.poll();
            after = waiters.peek();
            if (after == null) {
                queued = false;
            }
            // Lock waiters never cancel, so the fire cannot fail.
            next.tryFire(0);
        } finally {
            queueLock.unlock();
        }
        next.wake();
        if (after != null) {
            // The new first waiter gets the lock at the next unlock, most likely within
            // microseconds: wake it now so that it spins for the hand-off, its wake-up overlapping
            // with the critical section of the waiter we just handed the lock to. It becomes first
            // only once, so this happens at most once per waiter.
            after.nudge();
        }
    }

    /**
     * Tells whether the mutex is held. The answer may be stale at once; use it for monitoring.
     *
     * @return true if locked
     */
    public boolean isLocked() {
        return state != 0;
    }

    /** For tests: the number of queued waiters. */
    int queued() {
        queueLock.lock();
        try {
            return waiters.size();
        } finally {
            queueLock.unlock();
        }
    }
}
