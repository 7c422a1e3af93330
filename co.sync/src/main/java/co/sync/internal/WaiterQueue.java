package co.sync.internal;

/**
 * A FIFO of {@link SyncWaiter}s, doubly linked through the waiters themselves so that a waiter that
 * times out can unlink itself in O(1).
 *
 * <p>Not thread-safe: every method but {@link #awaitOrLeave} must be called with the owning
 * primitive's lock held.
 */
public final class WaiterQueue {

    private SyncWaiter head;
    private SyncWaiter tail;
    private int size;

    /** Creates an empty queue. */
    public WaiterQueue() {
    }

    /**
     * Tells whether no waiter is queued (cancelled waiters not yet unlinked count as queued).
     *
     * @return true if empty
     */
    public boolean isEmpty() {
        return head == null;
    }

    /**
     * Appends a waiter.
     *
     * @param w a waiter that is in no queue
     */
    public void add(SyncWaiter w) {
        w.prev = tail;
        w.next = null;
        if (tail == null) {
            head = w;
        } else {
            tail.next = w;
        }
        tail = w;
        w.linked = true;
        size++;
    }

    /**
     * Returns the first waiter without removing it.
     *
     * @return the first waiter, or null if empty
     */
    public SyncWaiter peek() {
        return head;
    }

    /**
     * Removes and returns the first waiter.
     *
     * @return the first waiter, or null if empty
     */
    public SyncWaiter poll() {
        SyncWaiter w = head;
        if (w != null) {
            remove(w);
        }
        return w;
    }

    /**
     * Unlinks a waiter; does nothing if it is not queued (any more).
     *
     * @param w a waiter of this queue, or one already removed
     */
    public void remove(SyncWaiter w) {
        if (!w.linked) {
            return;
        }
        SyncWaiter p = w.prev;
        SyncWaiter n = w.next;
        if (p == null) {
            head = n;
        } else {
            p.next = n;
        }
        if (n == null) {
            tail = p;
        } else {
            n.prev = p;
        }
        w.prev = null;
        w.next = null;
        w.linked = false;
        size--;
    }

    /**
     * Parks the calling thread on {@code w}, which it has added to this queue under {@code lock},
     * for at most {@code nanos}; if it gives up, takes {@code w} out of the queue under
     * {@code lock}. Call it with {@code lock} released: this is the one method of the queue that
     * takes the lock itself.
     *
     * @param w the caller's waiter, queued here
     * @param nanos the longest wait, negative for ever
     * @param lock the owning primitive's lock
     * @return true if a waker won {@code w}, false on timeout
     */
    public boolean awaitOrLeave(SyncWaiter w, long nanos, java.util.concurrent.locks.ReentrantLock lock) {
        return awaitOrLeave(w, nanos, false, lock);
    }

    /**
     * Like {@link #awaitOrLeave(SyncWaiter, long, java.util.concurrent.locks.ReentrantLock)}, spinning
     * first (see {@link SyncWaiter#await(long, boolean)}) when {@code spin} is true.
     *
     * @param w the caller's waiter, queued here
     * @param nanos the longest wait, negative for ever
     * @param spin whether to spin briefly before parking
     * @param lock the owning primitive's lock
     * @return true if a waker won {@code w}, false on timeout
     */
    public boolean awaitOrLeave(SyncWaiter w, long nanos, boolean spin, java.util.concurrent.locks.ReentrantLock lock) {
        if (w.await(nanos, spin)) {
            return true;
        }
        lock.lock();
        try {
            remove(w);
        } finally {
            lock.unlock();
        }
        return false;
    }

    /**
     * Returns the number of queued waiters, including cancelled ones not yet unlinked.
     *
     * @return the count
     */
    public int size() {
        return size;
    }

    /**
     * Returns the number of queued waiters, taking {@code lock} (the lock that guards this queue)
     * for the read: for tests, from any thread.
     *
     * @param lock the lock that guards this queue
     * @return the count
     */
    public int size(java.util.concurrent.locks.Lock lock) {
        lock.lock();
        try {
            return size;
        } finally {
            lock.unlock();
        }
    }
}
