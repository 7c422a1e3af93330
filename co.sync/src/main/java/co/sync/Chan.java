package co.sync;

import co.sync.internal.Timeouts;
import co.sync.internal.SyncWaiter;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

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
 * <p>Size: about 670 lines, a third of them documentation, in one class on purpose: the buffer, the
 * two waiter queues and select share one lock and one set of invariants (a value handed over is
 * never lost to a receiver that times out), which a split would spread over classes that would then
 * have to expose that state to each other.
 *
 * <p>Threading: every method may be called from any coroutine or thread. Blocking calls park only
 * the caller (a coroutine is suspended, its scheduler keeps running) and are not interruptible; the
 * {@code try} forms never block. Before parking, a blocking call spins for at most a few
 * microseconds when {@link co.api.spi.CoRuntime#maySpin()} says that delays nobody (on
 * {@code affine}: its scheduling thread has nothing else queued), so that a counterpart running on
 * another core hands over without a park and an unpark. A value handed to a receiver whose timeout expires at the same
 * moment is never lost: either that receiver returns it, or it stays in the channel for the next.
 *
 * @param <T> the element type
 */
public final class Chan<T> {

    private static final AtomicLong IDS = new AtomicLong();
    private static final int LOCK_SPINS = 128;
    private static final VarHandle LOCKED;

    static {
        try {
            LOCKED = MethodHandles.lookup().findVarHandle(Chan.class, "locked", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
    static final Object NOT_READY = new Object();
    static final Object CLOSED = new Object();

    private final long id = IDS.incrementAndGet(); // select locks channels in id order
    // The lock is a field of the channel itself, next to the state it guards, rather than a lock
    // object: a hand-off between cores then moves as few cache lines as possible (see lock()).
    @SuppressWarnings("unused")
    private volatile int locked; // 0 free, 1 held; CAS to take, release store to give back
    private final Object[] buffer; // guarded by lock
    private int head; // guarded by lock
    private int count; // guarded by lock
    private Node sendHead; // queued senders, FIFO through Node.qnext; guarded by lock
    private Node sendTail; // guarded by lock
    private Node recvHead; // queued receivers; guarded by lock
    private Node recvTail; // guarded by lock
    private SyncWaiter toWake; // guarded by lock: waiters completed by the holder, unparked on unlock

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
        lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            // A node whose fire fails had given up (timeout, or its select chose another case); its
            // owner never reads the flag then.
            for (Node r; (r = poll(false)) != null; ) {
                r.closed = true;
                fire(r);
            }
            for (Node s; (s = poll(true)) != null; ) {
                s.closed = true;
                fire(s);
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
        lock();
        try {
            return count;
        } finally {
            unlock();
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
        lock();
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
            enqueue(n, true);
        } finally {
            unlockAndWake();
        }
        if (!n.await(nanos, true)) {
            withdraw(n, true);
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
        lock();
        try {
            Object r = recvLocked();
            if (r != NOT_READY) {
                return r == CLOSED ? null : (T) r;
            }
            if (nanos == 0) {
                return null;
            }
            n = new Node(Thread.currentThread());
            enqueue(n, false);
        } finally {
            unlockAndWake();
        }
        if (!n.await(nanos, true)) {
            withdraw(n, false);
            return null;
        }
        return (T) n.item; // null when woken by close()
    }

    private void withdraw(Node n, boolean send) {
        // The node was cancelled, so no waker will touch it again; it only has to leave the queue
        // (a waker may already have dropped it).
        lock();
        try {
            unlink(n, send);
        } finally {
            unlock();
        }
    }

    // ------------------------------------------------------------------ under the lock

    /** Hands {@code v} to a waiting receiver or buffers it. Lock held, channel open. */
    boolean sendLocked(Object v) {
        for (Node r; (r = poll(false)) != null; ) {
            // Written before the fire: the fire's CAS publishes it. If the fire fails the receiver
            // gave up and never reads it; the value stays ours and goes to the next one.
            r.item = v;
            if (fire(r)) {
                return true;
            }
            r.item = null;
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
            for (Node s; (s = poll(true)) != null; ) {
                if (fire(s)) {
                    int tail = head + count;
                    buffer[tail >= buffer.length ? tail - buffer.length : tail] = s.item;
                    count++;
                    break;
                }
            }
            return v;
        }
        for (Node s; (s = poll(true)) != null; ) {
            // A sender's item is written before it queues and never changes; whoever fires the
            // sender owns it.
            if (fire(s)) {
                return s.item;
            }
        }
        return closed ? CLOSED : NOT_READY;
    }

    boolean closedLocked() {
        return closed;
    }

    void enqueueLocked(Node n, boolean send) {
        enqueue(n, send);
    }

    void removeLocked(Node n, boolean send) {
        unlink(n, send);
    }

    // The queues write as little as possible into a dequeued node: its owner may be spinning on the
    // same cache line (its state), and every write there before the fire steals the line back. A
    // node is queued exactly when it is its queue's head or has a predecessor; the links of a node
    // that is not queued are null.

    /** Appends a node that is in no queue to the senders ({@code send}) or receivers. Lock held. */
    private void enqueue(Node n, boolean send) {
        Node t = send ? sendTail : recvTail;
        n.qprev = t;
        if (t == null) {
            if (send) {
                sendHead = n;
            } else {
                recvHead = n;
            }
        } else {
            t.qnext = n;
        }
        if (send) {
            sendTail = n;
        } else {
            recvTail = n;
        }
    }

    /** Takes a node out of its queue; does nothing if it is not queued (any more). Lock held. */
    private void unlink(Node n, boolean send) {
        Node p = n.qprev;
        if (p == null && (send ? sendHead : recvHead) != n) {
            return;
        }
        Node x = n.qnext;
        if (p == null) {
            if (send) {
                sendHead = x;
            } else {
                recvHead = x;
            }
        } else {
            p.qnext = x;
        }
        if (x == null) {
            if (send) {
                sendTail = p;
            } else {
                recvTail = p;
            }
        } else {
            x.qprev = p;
        }
        if (p != null) {
            n.qprev = null;
        }
        if (x != null) {
            n.qnext = null;
        }
    }

    /** Dequeues the first sender ({@code send}) or receiver, or returns null. Lock held. */
    private Node poll(boolean send) {
        Node n = send ? sendHead : recvHead;
        if (n != null) {
            unlink(n, send);
        }
        return n;
    }

    /**
     * Fires a dequeued node's owner with the node's case index, publishing what was written into
     * the node before, and schedules the owner to be unparked on unlock. One CAS: it fails if the
     * owner timed out or its select fired on another case, and then the node is dead (the caller
     * moves on to the next one). Lock held.
     *
     * @return true if this call fired the owner
     */
    private boolean fire(Node n) {
        SyncWaiter owner = n.owner;
        if (!owner.tryFire(n.index)) {
            return false;
        }
        toWake = owner.chainedBefore(toWake); // stores only when needed: see the note on the queues
        return true;
    }

    /**
     * Takes the channel's lock: a test-and-test-and-set lock that spins, then yields. Critical
     * sections are a few dozen instructions that never park or block, so the lock is nearly always
     * free or freed within nanoseconds; a queueing lock object would add its own cache line to
     * every operation, which a cross-core hand-off pays for most. A waiter whose holder was
     * preempted yields ({@link Thread#yield()}: a coroutine lets its scheduler run others, a thread
     * gives up its time slice) rather than burning its processor.
     */
    void lock() {
        if (!LOCKED.compareAndSet(this, 0, 1)) {
            lockSlow();
        }
    }

    private void lockSlow() {
        for (int spins = 0;; spins++) {
            // Read before the CAS, so that waiters share the line until it is released.
            if ((int) LOCKED.getOpaque(this) == 0 && LOCKED.compareAndSet(this, 0, 1)) {
                return;
            }
            if (spins < LOCK_SPINS) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
            }
        }
    }

    private void unlock() {
        // Release store: everything written under the lock happens-before the next CAS that takes it.
        LOCKED.setRelease(this, 0);
    }

    /** Unlocks, then unparks the waiters completed under the lock (so they do not contend for it). */
    void unlockAndWake() {
        SyncWaiter w = toWake;
        if (w != null) {
            // Written only when set: an unconditional store would dirty this line for the next
            // locker on another core even when nobody is woken.
            toWake = null;
        }
        unlock();
        SyncWaiter.wakeAll(w);
    }

    long id() {
        return id;
    }

    /** For tests: the number of queued senders (send) or receivers. */
    int queued(boolean send) {
        lock();
        try {
            int size = 0;
            for (Node n = send ? sendHead : recvHead; n != null; n = n.qnext) {
                size++;
            }
            return size;
        } finally {
            unlock();
        }
    }

    static IllegalStateException sendOnClosed() {
        return new IllegalStateException("send on closed channel");
    }

    /**
     * A queued send or receive. For a plain send or receive the node is its own waiter; a select
     * queues one node per case, all owned by the select's waiter.
     */
    static final class Node extends SyncWaiter {
        final SyncWaiter owner;
        final int index;
        Node qprev; // queue links, guarded by the channel's lock
        Node qnext;
        Object item; // the value to send, or the value received; written before owner completes
        boolean closed; // the channel was closed instead; written before owner completes

        Node(Thread thread) {
            super(thread);
            this.owner = this;
            this.index = 0;
        }

        Node(SyncWaiter owner, int index) {
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
