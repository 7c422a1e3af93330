package co.api.spi;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

/**
 * The threads waiting in one socket, recorded so that a close from another thread wakes them
 * ({@link co.api.Sock#close()} may be called from any thread at any time): one slot for the reader
 * (receive, accept), one for the writer (send, connect), and a set, made on first need, for any
 * further waiter (two coroutines receiving on one socket).
 *
 * <p><b>The protocol.</b> A waiter {@link #publish publishes} itself <em>before</em> it reads the
 * socket's closed flag, and {@link #unpublish unpublishes} itself when its wait ends; a closer sets
 * the closed flag <em>before</em> it calls {@link #wakeAll()}. Both the flag and these slots are
 * volatile, so (sequential consistency of volatile accesses) either the waiter sees the close and
 * does not park, or the closer sees the waiter and unparks it; an unpark that comes before the park
 * leaves a permit, so the park returns at once. The woken waiter sees the close and fails with
 * {@link co.api.Errno#EBADF}. The closed flag is the socket's own; this class keeps only the
 * waiters.
 *
 * <p><b>Cost.</b> A wait in the reader's or writer's slot is one compare-and-set and one volatile
 * write, and allocates nothing.
 *
 * <p>Thread safety: every method may be called from any thread.
 */
public final class SockWaiters {

    private static final VarHandle READER;
    private static final VarHandle WRITER;
    private static final VarHandle OTHERS;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            READER = l.findVarHandle(SockWaiters.class, "reader", Thread.class);
            WRITER = l.findVarHandle(SockWaiters.class, "writer", Thread.class);
            OTHERS = l.findVarHandle(SockWaiters.class, "others", Set.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The thread waiting to read or accept, if any. */
    @SuppressWarnings("unused") // through READER
    private volatile Thread reader;
    /** The thread waiting to write or connect, if any. */
    @SuppressWarnings("unused") // through WRITER
    private volatile Thread writer;
    /** Further waiters; created on first need. */
    private volatile Set<Thread> others;

    /** Creates an empty record. */
    public SockWaiters() {
    }

    /**
     * Records the calling thread as a waiter on one side; call it before reading the socket's
     * closed flag (see the class comment).
     *
     * @param read the read side (receive, accept) or the write side (send, connect)
     * @return true if it took the side's slot, false if it joined the further waiters; pass it to
     *     {@link #unpublish}
     */
    public boolean publish(boolean read) {
        Thread me = Thread.currentThread();
        if ((read ? READER : WRITER).compareAndSet(this, null, me)) {
            return true;
        }
        othersSet().add(me);
        return false;
    }

    /**
     * Undoes {@link #publish} on the same thread, when its wait ends.
     *
     * @param read the side given to {@link #publish}
     * @param inSlot what {@link #publish} returned
     */
    public void unpublish(boolean read, boolean inSlot) {
        if (inSlot) {
            (read ? READER : WRITER).setVolatile(this, null);
        } else {
            others.remove(Thread.currentThread());
        }
    }

    /** Unparks every recorded waiter; the closer calls it after it has set the closed flag. */
    public void wakeAll() {
        wake((Thread) READER.getVolatile(this));
        wake((Thread) WRITER.getVolatile(this));
        Set<Thread> more = others;
        if (more != null) {
            more.forEach(SockWaiters::wake);
        }
    }

    /**
     * The check after a wait that returned normally, before the call tries again: fails with
     * {@link co.api.Errno#EBADF} if the socket was closed meanwhile, or with
     * {@link co.api.Errno#EINTR} if the calling thread is interrupted (a park returns at once while
     * the interrupt flag is set, so waiting again would spin).
     *
     * @param closed whether the socket is closed now, as the transport knows it
     * @return true to try again; false with the error set
     */
    public static boolean afterWait(boolean closed) {
        if (closed) {
            Errors.fail(co.api.Errno.EBADF, "socket closed");
            return false;
        }
        if (Thread.currentThread().isInterrupted()) {
            Errors.fail(co.api.Errno.EINTR, "interrupted");
            return false;
        }
        return true;
    }

    private static void wake(Thread t) {
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    private Set<Thread> othersSet() {
        Set<Thread> s = others;
        if (s == null) {
            Set<Thread> fresh = ConcurrentHashMap.newKeySet();
            s = OTHERS.compareAndSet(this, null, fresh) ? fresh : others;
        }
        return s;
    }
}
