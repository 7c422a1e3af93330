package co.sync;

import co.sync.internal.Waiter;
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
 * <p><b>Fairness.</b> When the lock is released while others wait, it is handed to the longest
 * waiting one directly: it never becomes free in between, so a newcomer cannot barge ahead of a
 * waiter. A newcomer gets the lock at once only when it is free and nobody waits. The first waiter
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

    private static final int LOCKED = 1;
    private static final int QUEUED = 2;
    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(Mutex.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    // Bit LOCKED: held. Bit QUEUED: waiters queued (set and cleared only under queueLock, always
    // together with LOCKED). Changed by CAS (acquire/release through the full volatile semantics of
    // compareAndSet) so the uncontended lock/unlock costs one CAS each and never takes queueLock.
    @SuppressWarnings("unused")
    private volatile int state;

    private final ReentrantLock queueLock = new ReentrantLock();
    private final WaiterQueue waiters = new WaiterQueue(); // guarded by queueLock

    /** Creates an unlocked mutex. */
    public Mutex() {
    }

    /**
     * Acquires the lock, waiting as long as it takes. Waiters are served first come, first served.
     */
    public void lock() {
        if (STATE.compareAndSet(this, 0, LOCKED)) {
            return;
        }
        Waiter w;
        boolean first;
        queueLock.lock();
        try {
            for (;;) {
                int s = state;
                if (s == 0) {
                    // Freed while we took queueLock, and nobody queued (QUEUED would be set).
                    if (STATE.compareAndSet(this, 0, LOCKED)) {
                        return;
                    }
                } else if (s == (LOCKED | QUEUED) || STATE.compareAndSet(this, LOCKED, LOCKED | QUEUED)) {
                    // From here on unlock() cannot free the lock: its fast path CAS expects LOCKED
                    // alone, so it takes queueLock and hands the lock over.
                    break;
                }
            }
            w = new Waiter(Thread.currentThread());
            first = waiters.isEmpty();
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
        return STATE.compareAndSet(this, 0, LOCKED);
    }

    /**
     * Releases the lock, or hands it to the longest-waiting coroutine or thread. Never blocks for
     * long (it may briefly contend for the internal queue lock).
     *
     * @throws IllegalStateException if the mutex is not locked
     */
    public void unlock() {
        if (STATE.compareAndSet(this, LOCKED, 0)) {
            return;
        }
        Waiter next;
        Waiter after;
        queueLock.lock();
        try {
            int s = state;
            if (s == 0) {
                throw new IllegalStateException("Mutex is not locked");
            }
            if (s == LOCKED) {
                // No waiter queued between our failed CAS and now: plain release.
                state = 0;
                return;
            }
            next = waiters.poll();
            after = waiters.peek();
            if (after == null) {
                // The last waiter takes over: the lock stays LOCKED, QUEUED clears. Volatile store
                // under queueLock: the only other writers of a LOCKED|QUEUED state hold queueLock.
                state = LOCKED;
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
