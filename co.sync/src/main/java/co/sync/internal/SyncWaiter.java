package co.sync.internal;

import co.api.spi.CoContext;
import co.api.spi.CoRuntime;
import co.api.spi.Deadline;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

/**
 * One parked caller of a co.sync primitive, and the one-shot state machine that decides how its
 * wait ends.
 *
 * <p>States: {@link #WAITING} until exactly one of these wins a compare-and-set on it:
 * <ul>
 *   <li>a waker, with {@link #tryFire} (no data to hand over) or {@link #claim} followed by
 *       {@link #complete} (data is written into the waiter between the two);</li>
 *   <li>the waiter itself, with {@link #cancel} when its timeout expires.</li>
 * </ul>
 * A final state {@code >= 0} means "fired" and names which case fired (always 0 except for
 * {@code Chan.select}). Because the compare-and-set has a single winner, a signal racing with a
 * timeout is never lost: either the waiter returns "fired", or the waker sees the cancel, skips this
 * waiter and gives its signal to someone else (or keeps it).
 *
 * <p>Threading: {@link #await} is called only by {@link #thread}; the other methods by any thread.
 * The queue links ({@code prev}, {@code next}, {@code linked}) and the wake chain
 * ({@link #chainedBefore}) are guarded by the lock of the primitive that queues this waiter.
 */
public class SyncWaiter implements co.api.spi.WaitRecord {

    /** Nobody has decided the outcome yet. */
    public static final int WAITING = -1;
    /** The waiter timed out and withdrew; no waker may touch it any more. */
    public static final int CANCELLED = -2;
    /** A waker owns the outcome and is writing the data; {@link #complete} follows. */
    public static final int CLAIMED = -3;

    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(SyncWaiter.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The thread (coroutine) that waits; null for a node that only points to another waiter. */
    public final Thread thread;

    // Volatile: read by the parked thread in its loop, written by wakers (CAS / volatile store).
    @SuppressWarnings("unused")
    private volatile int state = WAITING;

    // Volatile: set by the waiting thread before its first park; read by wakers after they fired or
    // completed this waiter. While false the waiter is still spinning on state (or has not started to
    // wait) and will see the new state without an unpark. See await and wake for the pairing.
    private volatile boolean parking;

    // Volatile: set by a primitive that expects to fire this waiter soon (it became next in line),
    // read and cleared by the waiting thread when it wakes without having fired. See nudge.
    private volatile boolean spinHint;

    // When the first park of this wait began (System.nanoTime), for the coroutine dump; -1 before.
    // Written once per wait by the waiting thread (not per resume), read racily by the dump.
    private long since = -1;

    SyncWaiter prev;
    SyncWaiter next;
    boolean linked;

    /** Chains waiters completed under a lock so that they can be unparked after unlocking. */
    private SyncWaiter wakeNext;

    /**
     * Creates a waiter for {@code thread}.
     *
     * @param thread the thread that will call {@link #await}, or null for a passive node
     */
    public SyncWaiter(Thread thread) {
        this.thread = thread;
    }

    /**
     * Returns the current state.
     *
     * @return {@link #WAITING}, {@link #CANCELLED}, {@link #CLAIMED} or a fired index
     */
    public final int state() {
        return state;
    }

    /**
     * Fires this waiter with {@code index} if nobody decided yet. Used when no data travels with the
     * signal. The caller unparks {@link #thread} afterwards.
     *
     * @param index the fired case, {@code >= 0}
     * @return true if this call fired it
     */
    public final boolean tryFire(int index) {
        // CAS is a full volatile read-modify-write: everything the waker wrote before is visible to
        // the waiter once it reads the fired state.
        return STATE.compareAndSet(this, WAITING, index);
    }

    /**
     * Takes ownership of the outcome so that data can be written before {@link #complete}.
     *
     * @return true if this call claimed it; false if it was cancelled or claimed by another waker
     */
    public final boolean claim() {
        return STATE.compareAndSet(this, WAITING, CLAIMED);
    }

    /**
     * Publishes the outcome after a successful {@link #claim}. The caller unparks {@link #thread}
     * afterwards.
     *
     * @param index the fired case, {@code >= 0}
     */
    public final void complete(int index) {
        // Volatile store (release): the data fields written after claim() happen-before the
        // waiter's volatile read of a state >= 0.
        state = index;
    }

    /**
     * Withdraws after a timeout.
     *
     * @return true if withdrawn; false if a waker already claimed or fired this waiter
     */
    public final boolean cancel() {
        return STATE.compareAndSet(this, WAITING, CANCELLED);
    }

    /**
     * Unparks the waiting thread, if it may be parked. Call it only after this waiter fired or was
     * completed: a waiter that is still spinning sees that state by itself and needs no unpark.
     */
    public final void wake() {
        // Volatile read after the waker's volatile write of the state; the waiter writes parking
        // (volatile) before it reads the state for the last time ahead of a park. Volatile accesses
        // are sequentially consistent, so either this read sees true (and unparks) or the waiter's
        // read sees the fired state (and does not park).
        if (parking) {
            LockSupport.unpark(thread);
        }
    }

    /**
     * Tells a parked waiter that it will probably fire within microseconds (it is next in line), so
     * that it wakes up and spins for the fire instead of waiting to be unparked by it: its wake-up
     * then overlaps with whatever precedes the fire. Does nothing to the outcome; a waiter that has
     * fired or has given up ignores it. Never blocks.
     */
    public final void nudge() {
        spinHint = true;
        if (parking) {
            LockSupport.unpark(thread);
        }
    }

    /**
     * Puts this waiter, which the caller has just fired or completed under its lock, at the head of
     * a chain that {@link #wakeAll} unparks once the lock is released. Stores only when {@code rest}
     * is not null: this waiter's thread may be spinning on the cache line, and a needless store
     * would steal it.
     *
     * @param rest the chain so far, or null
     * @return this waiter, the new head of the chain
     */
    public final SyncWaiter chainedBefore(SyncWaiter rest) {
        if (rest != null) {
            wakeNext = rest;
        }
        return this;
    }

    /**
     * Unparks every waiter of a chain made with {@link #chainedBefore}.
     *
     * @param first the first waiter, or null
     */
    public static void wakeAll(SyncWaiter first) {
        for (SyncWaiter w = first; w != null; ) {
            SyncWaiter next = w.wakeNext;
            if (next != null) {
                // Only when set: a store would steal the line from the woken thread.
                w.wakeNext = null;
            }
            w.wake();
            w = next;
        }
    }

    /**
     * When this waiter began to park (after any spin), for the coroutine dump.
     *
     * @return a {@link System#nanoTime()} value, or -1 if it has not parked
     */
    @Override
    public long waitingSince() {
        return since;
    }

    /**
     * Parks the calling thread (which must be {@link #thread}) until this waiter fires or, when
     * {@code nanos >= 0}, until {@code nanos} have passed and {@link #cancel} wins. Spurious
     * wake-ups and stray permits left by earlier unparks only cause another turn of the loop.
     * Interrupts do not end the wait; the interrupt status is restored before returning. Never
     * spins: same as {@code await(nanos, false)}.
     *
     * @param nanos the longest wait in nanoseconds, or a negative value to wait forever
     * @return true if fired, false if cancelled (the caller must then unlink this waiter)
     */
    public final boolean await(long nanos) {
        return await(nanos, false);
    }

    /**
     * Like {@link #await(long)}, but when {@code spin} is true it first busy-waits for up to
     * {@link Spin#NANOS} (never longer than {@code nanos}) while {@link Spin#allowed} says a spin
     * delays nobody, so that a waker running on another core hands over without a park and an
     * unpark. The outcome rules are the same: only a waker's fire or complete, or this thread's own
     * {@link #cancel} after the whole timeout, ends the wait.
     *
     * @param nanos the longest wait in nanoseconds, or a negative value to wait forever
     * @param spin whether to spin before parking
     * @return true if fired, false if cancelled (the caller must then unlink this waiter)
     */
    public final boolean await(long nanos, boolean spin) {
        boolean interrupted = false;
        Deadline deadline = nanos > 0 ? Deadline.afterNanos(nanos) : Deadline.NONE;   // used only when nanos > 0
        // A coroutine's timed park goes through its runtime, which may use its scheduler's own
        // timer heap (affine) instead of the JDK's shared timer threads; the runtime also tells
        // whether spinning is free.
        CoRuntime runtime = nanos > 0 || spin ? CoContext.current().runtime() : null;
        if (spin && nanos != 0 && spin(runtime, nanos)) {
            return true;
        }
        // From here on we may park: wakers must unpark us (see wake).
        since = System.nanoTime();
        parking = true;
        try {
            for (;;) {
                // Volatile read (acquire): pairs with tryFire's CAS / complete's volatile store.
                int s = state;
                if (s >= 0) {
                    return true;
                }
                if (s == WAITING && nanos >= 0) {
                    long left = nanos == 0 ? 0 : deadline.remainingNanos();
                    if (left == 0) {
                        if (cancel()) {
                            return false;
                        }
                        // A waker claimed us in the meantime: it completes and unparks us soon.
                        continue;
                    }
                    if (runtime != null) {
                        runtime.parkNanos(this, left);
                    } else {
                        LockSupport.parkNanos(this, left);
                    }
                } else {
                    // Forever, or CLAIMED: the waker is between claim() and complete(), and will
                    // unpark us after complete().
                    LockSupport.park(this);
                }
                if (Thread.interrupted()) {
                    interrupted = true;
                }
                if (spinHint && state == WAITING) {
                    // Nudged: spin again, for at most what is left of the wait. While parking is
                    // false wakers skip the unpark; we set it again before the next look at the
                    // state that precedes a park.
                    spinHint = false;
                    parking = false;
                    if (runtime == null) {
                        runtime = CoContext.current().runtime();
                    }
                    long left = nanos < 0 ? -1 : Math.max(1, nanos == 0 ? 0 : deadline.remainingNanos());
                    if (spin(runtime, left)) {
                        return true;
                    }
                    parking = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Busy-waits for a fire or completion for at most {@link Spin#NANOS} (and at most {@code nanos}
     * when that is not negative), giving up as soon as {@link Spin#allowed} turns false.
     *
     * @return true if this waiter fired meanwhile
     */
    private boolean spin(CoRuntime runtime, long nanos) {
        if (!Spin.allowed(runtime)) {
            return false;
        }
        long limit = nanos < 0 ? Spin.NANOS : Math.min(nanos, Spin.NANOS);
        long start = System.nanoTime();
        for (int i = 1;; i++) {
            if (state >= 0) {
                return true;
            }
            Thread.onSpinWait();
            if ((i & (Spin.CHECK_EVERY - 1)) == 0
                    && (System.nanoTime() - start >= limit || !Spin.allowed(runtime))) {
                return state >= 0;
            }
        }
    }
}
