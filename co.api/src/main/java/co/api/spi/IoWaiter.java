package co.api.spi;

import java.util.concurrent.locks.LockSupport;

/**
 * One coroutine waiting for readiness on a scheduling thread's {@link IoBackend}: its own timeout
 * timer, and a link for the backend's list of waiters of one descriptor and direction.
 *
 * <p>The life of a waiter: the waiting coroutine creates it, the backend links it to its descriptor
 * and calls {@link #await}; the backend's poll calls {@link #ready()} when the descriptor is ready,
 * the timer fires when the time is up, or a third party unparks the coroutine (a close). After
 * {@code await} returns anything but {@link #READY}, the backend unlinks it.
 *
 * <p>Thread rules: everything happens on the one scheduling thread that owns the waiter (the
 * waiting coroutine and the loop run on the same OS thread one at a time), so no field needs a fence.
 */
public final class IoWaiter extends IoTimer {

    /** Still waiting. */
    public static final int WAITING = 0;
    /** The backend reported readiness. */
    public static final int READY = 1;
    /** The timeout passed first. */
    public static final int TIMED_OUT = 2;
    /** Unparked by someone else (a close from another coroutine) or a stray permit. */
    public static final int WOKEN = 3;

    private final Thread thread;
    private int state = WAITING;
    /** What {@link #await} was given to wait on, and when it began: read by the coroutine dump. */
    private Object blocker;
    private long since;
    /** The next waiter in a backend's list; only the list operations below touch it. */
    private IoWaiter next;

    /** Creates a waiter for the calling thread. */
    public IoWaiter() {
        this.thread = Thread.currentThread();
    }

    /**
     * Returns the state.
     *
     * @return {@link #WAITING}, {@link #READY}, {@link #TIMED_OUT} or {@link #WOKEN}
     */
    public int state() {
        return state;
    }

    /** Called by the backend when the awaited readiness arrives: resumes the coroutine if it still waits. */
    public void ready() {
        if (state == WAITING) {
            state = READY;
            LockSupport.unpark(thread);
        }
    }

    /** The timeout: resumes the coroutine if it still waits. */
    @Override
    public void fire() {
        if (state == WAITING) {
            state = TIMED_OUT;
            LockSupport.unpark(thread);
        }
    }

    /**
     * Returns what the waiting coroutine waits on, as given to {@link #await}. The coroutine parks on
     * this waiter itself ({@link LockSupport#getBlocker} returns it), so that a diagnostic tool sees
     * the channel, since when it waits ({@link #since()}) and its deadline. Any thread (a racy read
     * for diagnostics).
     *
     * @return the channel (or other object) waited on, or null before {@link #await}
     */
    public Object blocker() {
        return blocker;
    }

    /**
     * Returns when {@link #await} began. Any thread (a racy read for diagnostics).
     *
     * @return a {@link System#nanoTime()} value
     */
    public long since() {
        return since;
    }

    /**
     * Parks the calling coroutine (the one that created this waiter) until {@link #ready()}, the
     * timeout, or an unpark, and removes the timer. Scheduling thread only. The host hears of the
     * wait ({@link IoHost#ioWaiters}) for its metrics.
     *
     * @param host the scheduling thread's timer heap
     * @param timeoutMs the longest wait; negative waits forever
     * @param blocker what the coroutine waits on, for diagnostics: the channel, whose addresses the
     *     coroutine dump shows
     * @return the final state: {@link #READY}, {@link #TIMED_OUT} or {@link #WOKEN}
     */
    public int await(IoHost host, long timeoutMs, Object blocker) {
        long now = System.nanoTime();
        this.blocker = blocker;
        this.since = now;
        if (timeoutMs >= 0) {
            deadline(now + timeoutMs * 1_000_000L);
            host.addTimer(this);
        }
        host.ioWaiters(1);
        LockSupport.park(this);
        host.ioWaiters(-1);
        if (state == WAITING) {
            state = WOKEN;
        }
        if (heapIndex() >= 0) {
            host.removeTimer(this);
        }
        return state;
    }

    /**
     * Adds {@code w} to the front of a backend's list of the waiters of one descriptor and
     * direction. The lists are the backend's: owning scheduling thread only.
     *
     * @param head the list's first waiter, or null for an empty list
     * @param w a waiter in no list
     * @return the new first waiter, {@code w}
     */
    public static IoWaiter push(IoWaiter head, IoWaiter w) {
        w.next = head;
        return w;
    }

    /**
     * Removes {@code w} from a list, if it is there: for a waiter whose {@link #await} ended other
     * than {@link #READY} (a ready one was taken off with its whole list). Owning scheduling thread
     * only.
     *
     * @param head the list's first waiter, or null
     * @param w the waiter to remove
     * @return the list's first waiter afterwards
     */
    public static IoWaiter unlink(IoWaiter head, IoWaiter w) {
        if (head == w) {
            return w.next;
        }
        for (IoWaiter x = head; x != null; x = x.next) {
            if (x.next == w) {
                x.next = w.next;
                break;
            }
        }
        return head;
    }

    /**
     * Calls {@link #ready()} on every waiter of a list the backend has just taken off its
     * descriptor (so that waiters that wait again form a new list). Owning scheduling thread only.
     *
     * @param head the list's first waiter, or null
     */
    public static void readyAll(IoWaiter head) {
        for (IoWaiter x = head; x != null; x = x.next) {
            x.ready();
        }
    }

    /**
     * Turns a final state into {@link Poller#await}'s answer: false with {@code ETIMEDOUT} after a
     * timeout, false with {@code EINTR} when the coroutine is interrupted, true otherwise (the caller
     * retries its non-blocking call).
     *
     * @param state what {@link #await} returned
     * @return the answer for the caller
     */
    public static boolean answer(int state) {
        if (state == TIMED_OUT) {
            CoContext.current().setTimedOut();
            return false;
        }
        if (state == WOKEN && Thread.currentThread().isInterrupted()) {
            CoContext.current().setError(co.api.Errno.EINTR);
            return false;
        }
        return true;
    }
}
