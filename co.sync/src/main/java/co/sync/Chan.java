package co.sync;

import co.sync.internal.Timeouts;
import co.sync.internal.Waiter;
import co.sync.internal.WaiterQueue;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A Go channel between coroutines and threads (coost's {@code co::chan}): a FIFO that a sender
 * {@link #send}s into and a receiver {@link #recv()}s from, blocking while it is full or empty, plus
 * {@link #select} over several channels.
 *
 * <p>With capacity 0 (unbuffered) a send waits until a receiver takes the value: a rendezvous, as in
 * Go. With capacity n, up to n values are buffered and a send waits only while the buffer is full.
 * Values are taken in the order they were sent; values may not be null.
 *
 * <p><b>Closing.</b> After {@link #close()}, {@code send} throws {@link IllegalStateException} (also
 * in senders blocked at that moment), while {@code recv} first drains what is buffered and then
 * returns null at once. Closing again does nothing.
 *
 * <pre>{@code
 * Chan<String> jobs = new Chan<>(16);
 * Co.go(() -> {
 *     for (String job; (job = jobs.recv()) != null; ) {
 *         handle(job);
 *     }
 * });
 * jobs.send("a");
 * jobs.send("b");
 * jobs.close();
 * }</pre>
 *
 * <p><b>Select.</b> {@link #select(Case[])} waits until one of several sends or receives can
 * proceed, does exactly that one and returns its index; {@link #select(long, Case[])} adds a
 * timeout and {@link #trySelect(Case[])} is a select with a default case. When several cases are
 * ready, one is picked uniformly at random, so no case starves.
 *
 * <pre>{@code
 * Chan.Case<Job> job = jobs.recvCase();
 * Chan.Case<Boolean> stop = quit.recvCase();
 * switch (Chan.select(500, job, stop)) {
 *     case 0 -> handle(job.value());
 *     case 1 -> done = true;
 *     default -> idle();            // -1: 500 ms passed
 * }
 * }</pre>
 *
 * <p>Threading: every method may be called from any coroutine or thread. Blocking calls park only
 * the caller (a coroutine is suspended, its scheduler keeps running) and are not interruptible; the
 * {@code try} forms never block. A value handed to a receiver whose timeout expires at the same
 * moment is never lost: either that receiver returns it, or it stays in the channel for the next.
 *
 * @param <T> the element type
 */
public final class Chan<T> {

    private static final AtomicLong IDS = new AtomicLong();
    static final Object NOT_READY = new Object();
    static final Object CLOSED = new Object();

    private final long id = IDS.incrementAndGet(); // select locks channels in id order
    private final ReentrantLock lock = new ReentrantLock();
    private final Object[] buffer; // guarded by lock
    private int head; // guarded by lock
    private int count; // guarded by lock
    private final WaiterQueue senders = new WaiterQueue(); // Nodes, guarded by lock
    private final WaiterQueue receivers = new WaiterQueue(); // Nodes, guarded by lock
    private Waiter toWake; // guarded by lock: waiters completed by the holder, unparked on unlock

    // Volatile: written under lock, read lock-free by isClosed().
    private volatile boolean closed;

    /** Creates an unbuffered channel: each send waits for a receiver. */
    public Chan() {
        this(0);
    }

    /**
     * Creates a channel.
     *
     * @param capacity how many values it buffers; 0 for an unbuffered (rendezvous) channel
     * @throws IllegalArgumentException if {@code capacity < 0}
     */
    public Chan(int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("capacity < 0: " + capacity);
        }
        this.buffer = new Object[capacity];
    }

    /**
     * Sends a value, waiting as long as it takes for buffer space or a receiver.
     *
     * @param v the value
     * @throws NullPointerException if {@code v} is null
     * @throws IllegalStateException if the channel is closed, before or while waiting
     */
    public void send(T v) {
        send0(v, -1);
    }

    /**
     * Sends a value, waiting at most {@code ms} milliseconds.
     *
     * @param v the value
     * @param ms the timeout; negative waits forever, 0 only tries
     * @return true if sent, false on timeout (the value was not sent)
     * @throws NullPointerException if {@code v} is null
     * @throws IllegalStateException if the channel is closed, before or while waiting
     */
    public boolean send(T v, long ms) {
        return send0(v, Timeouts.nanos(ms));
    }

    /**
     * Sends a value if a receiver waits or the buffer has room. Never blocks.
     *
     * @param v the value
     * @return true if sent
     * @throws NullPointerException if {@code v} is null
     * @throws IllegalStateException if the channel is closed
     */
    public boolean trySend(T v) {
        return send0(v, 0);
    }

    /**
     * Receives a value, waiting as long as it takes.
     *
     * @return the value, or null once the channel is closed and drained
     */
    public T recv() {
        return recv0(-1);
    }

    /**
     * Receives a value, waiting at most {@code ms} milliseconds.
     *
     * @param ms the timeout; negative waits forever, 0 only tries
     * @return the value, or null on timeout or once the channel is closed and drained
     *     ({@link #isClosed()} tells which: a closed channel that gave null stays drained)
     */
    public T recv(long ms) {
        return recv0(Timeouts.nanos(ms));
    }

    /**
     * Receives a value if one is buffered or a sender waits. Never blocks.
     *
     * @return the value, or null if none is ready or the channel is closed and drained
     */
    public T tryRecv() {
        return recv0(0);
    }

    /**
     * Closes the channel: waiting receivers return null, waiting senders throw, and so do later
     * sends; buffered values can still be received. Calling it again does nothing. Never blocks.
     */
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            for (Node r; (r = pollClaimed(receivers)) != null; ) {
                r.closed = true;
                finish(r);
            }
            for (Node s; (s = pollClaimed(senders)) != null; ) {
                s.item = null;
                s.closed = true;
                finish(s);
            }
        } finally {
            unlockAndWake();
        }
    }

    /**
     * Tells whether {@link #close()} was called.
     *
     * @return true if closed
     */
    public boolean isClosed() {
        return closed;
    }

    /**
     * Returns the number of buffered values (always 0 for an unbuffered channel).
     *
     * @return the number of values a receiver could take without any sender
     */
    public int size() {
        lock.lock();
        try {
            return count;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Returns the capacity given at construction.
     *
     * @return the buffer size; 0 for unbuffered
     */
    public int capacity() {
        return buffer.length;
    }

    /**
     * Makes a receive case for {@link #select}.
     *
     * @return a new case; after a select returns its index, {@link Case#value()} holds the value
     */
    public Case<T> recvCase() {
        return new Case<>(this, false, null);
    }

    /**
     * Makes a send case for {@link #select}.
     *
     * @param v the value to send if this case is chosen
     * @return a new case
     * @throws NullPointerException if {@code v} is null
     */
    public Case<T> sendCase(T v) {
        return new Case<>(this, true, Objects.requireNonNull(v, "v"));
    }

    /**
     * Waits until one of the cases can proceed, performs it, and returns its index (Go's
     * {@code select} without default). A receive case on a closed channel is ready (its
     * {@link Case#ok()} is false); a send case on a closed channel throws, as in Go.
     *
     * @param cases the cases; a case may be reused, but not by two selects at once
     * @return the index of the case performed
     * @throws IllegalArgumentException if there is no case (it would wait forever)
     * @throws IllegalStateException if the chosen send case's channel is closed
     */
    public static int select(Case<?>... cases) {
        return Select.select(cases, -1);
    }

    /**
     * Like {@link #select(Case[])}, but gives up after {@code ms} milliseconds.
     *
     * @param ms the timeout; negative waits forever, 0 only tries
     * @param cases the cases
     * @return the index of the case performed, or -1 on timeout
     * @throws IllegalArgumentException if there is no case and {@code ms} is negative
     * @throws IllegalStateException if the chosen send case's channel is closed
     */
    public static int select(long ms, Case<?>... cases) {
        return Select.select(cases, Timeouts.nanos(ms));
    }

    /**
     * Performs one ready case, if any (Go's {@code select} with a {@code default} case). Never
     * blocks.
     *
     * @param cases the cases
     * @return the index of the case performed, or -1 if none was ready (the default case)
     * @throws IllegalStateException if the chosen send case's channel is closed
     */
    public static int trySelect(Case<?>... cases) {
        return Select.select(cases, 0);
    }

    // ------------------------------------------------------------------ blocking single operations

    boolean send0(T v, long nanos) {
        Objects.requireNonNull(v, "v");
        Node n = null;
        lock.lock();
        try {
            if (closed) {
                throw sendOnClosed();
            }
            if (sendLocked(v)) {
                return true;
            }
            if (nanos == 0) {
                return false;
            }
            n = new Node(Thread.currentThread());
            n.item = v;
            senders.add(n);
        } finally {
            unlockAndWake();
        }
        if (!n.await(nanos)) {
            withdraw(n, senders);
            return false;
        }
        if (n.closed) {
            throw sendOnClosed();
        }
        return true;
    }

    @SuppressWarnings("unchecked")
    T recv0(long nanos) {
        Node n;
        lock.lock();
        try {
            Object r = recvLocked();
            if (r != NOT_READY) {
                return r == CLOSED ? null : (T) r;
            }
            if (nanos == 0) {
                return null;
            }
            n = new Node(Thread.currentThread());
            receivers.add(n);
        } finally {
            unlockAndWake();
        }
        if (!n.await(nanos)) {
            withdraw(n, receivers);
            return null;
        }
        return (T) n.item; // null when woken by close()
    }

    private void withdraw(Node n, WaiterQueue queue) {
        // The node was cancelled, so no waker will touch it again; it only has to leave the queue
        // (a waker may already have dropped it).
        lock.lock();
        try {
            queue.remove(n);
        } finally {
            lock.unlock();
        }
    }

    // ------------------------------------------------------------------ under the lock

    /** Hands {@code v} to a waiting receiver or buffers it. Lock held, channel open. */
    boolean sendLocked(Object v) {
        Node r = pollClaimed(receivers);
        if (r != null) {
            r.item = v;
            finish(r);
            return true;
        }
        if (count < buffer.length) {
            int tail = head + count;
            buffer[tail >= buffer.length ? tail - buffer.length : tail] = v;
            count++;
            return true;
        }
        return false;
    }

    /** Takes a value from the buffer or a waiting sender. Lock held. */
    Object recvLocked() {
        if (count > 0) {
            Object v = buffer[head];
            buffer[head] = null;
            head = head + 1 == buffer.length ? 0 : head + 1;
            count--;
            // The buffer was full if a sender waits: move its value in, keeping FIFO order.
            Node s = pollClaimed(senders);
            if (s != null) {
                int tail = head + count;
                buffer[tail >= buffer.length ? tail - buffer.length : tail] = s.item;
                count++;
                s.item = null;
                finish(s);
            }
            return v;
        }
        Node s = pollClaimed(senders);
        if (s != null) {
            Object v = s.item;
            s.item = null;
            finish(s);
            return v;
        }
        return closed ? CLOSED : NOT_READY;
    }

    boolean closedLocked() {
        return closed;
    }

    void enqueueLocked(Node n, boolean send) {
        (send ? senders : receivers).add(n);
    }

    void removeLocked(Node n, boolean send) {
        (send ? senders : receivers).remove(n);
    }

    /** Dequeues the first waiter whose owner is still waiting, and claims it; drops dead ones. */
    private static Node pollClaimed(WaiterQueue queue) {
        for (;;) {
            Node n = (Node) queue.poll();
            if (n == null || n.owner.claim()) {
                return n;
            }
            // Timed out, or its select fired on another case: it no longer wants this channel.
        }
    }

    /** Publishes a claimed node's outcome and schedules its owner to be unparked on unlock. */
    private void finish(Node n) {
        Waiter owner = n.owner;
        owner.wakeNext = toWake;
        toWake = owner;
        owner.complete(n.index);
    }

    void lock() {
        lock.lock();
    }

    /** Unlocks, then unparks the waiters completed under the lock (so they do not contend for it). */
    void unlockAndWake() {
        Waiter w = toWake;
        toWake = null;
        lock.unlock();
        Waiter.wakeAll(w);
    }

    long id() {
        return id;
    }

    /** For tests: the number of queued senders (send) or receivers. */
    int queued(boolean send) {
        lock.lock();
        try {
            return (send ? senders : receivers).size();
        } finally {
            lock.unlock();
        }
    }

    static IllegalStateException sendOnClosed() {
        return new IllegalStateException("send on closed channel");
    }

    /**
     * A queued send or receive. For a plain send or receive the node is its own waiter; a select
     * queues one node per case, all owned by the select's waiter.
     */
    static final class Node extends Waiter {
        final Waiter owner;
        final int index;
        Object item; // the value to send, or the value received; written before owner completes
        boolean closed; // the channel was closed instead; written before owner completes

        Node(Thread thread) {
            super(thread);
            this.owner = this;
            this.index = 0;
        }

        Node(Waiter owner, int index) {
            super(null);
            this.owner = owner;
            this.index = index;
        }
    }

    /**
     * One send or receive operation offered to {@link Chan#select}: made by {@link Chan#recvCase()}
     * or {@link Chan#sendCase}. After a select chose a receive case, {@link #value()} and
     * {@link #ok()} tell what was received.
     *
     * <p>Threading: a case may be reused by later selects, but not by two at once.
     *
     * @param <T> the element type
     */
    public static final class Case<T> {
        final Chan<T> chan;
        final boolean send;
        final T out;
        private T value;
        private boolean ok;

        Case(Chan<T> chan, boolean send, T out) {
            this.chan = chan;
            this.send = send;
            this.out = out;
        }

        /**
         * Returns the channel.
         *
         * @return the channel
         */
        public Chan<T> chan() {
            return chan;
        }

        /**
         * Tells whether this is a send case.
         *
         * @return true for a send, false for a receive
         */
        public boolean isSend() {
            return send;
        }

        /**
         * Returns the value received when the last select chose this receive case.
         *
         * @return the value, or null if the channel was closed (or this is a send case)
         */
        public T value() {
            return value;
        }

        /**
         * Tells whether the last select that chose this receive case got a value (Go's {@code ok}).
         *
         * @return true if a value was received, false if the channel was closed and drained
         */
        public boolean ok() {
            return ok;
        }

        @SuppressWarnings("unchecked")
        void received(Object r) {
            if (r == CLOSED) {
                value = null;
                ok = false;
            } else {
                value = (T) r;
                ok = true;
            }
        }

        void receivedFrom(Node n) {
            received(n.closed ? CLOSED : n.item);
        }
    }
}
