package co.net.mem.internal;

import co.api.Errno;
import co.api.spi.Deadline;
import co.api.spi.Errors;
import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The accept queue of a listening in-memory socket: connections that {@code connect} completed
 * and {@code accept} has not taken yet, at most {@code backlog} of them. A connect that finds the
 * queue full waits for room (as a TCP connect to a full listener waits), up to its timeout.
 *
 * <p>Waits park on {@link Condition}s of one {@link ReentrantLock}, so a waiting coroutine leaves
 * its scheduling thread free. Thread safety: all fields are guarded by {@link #lock}.
 */
final class Listener {

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final Condition notFull = lock.newCondition();
    private final ArrayDeque<MemSock> queue = new ArrayDeque<>();
    private int backlog;
    private boolean closed;

    Listener(int backlog) {
        this.backlog = Math.max(1, backlog);
    }

    /**
     * Changes the backlog (a second {@code listen}).
     *
     * @param backlog the new backlog
     */
    void backlog(int backlog) {
        lock.lock();
        try {
            this.backlog = Math.max(1, backlog);
            notFull.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Queues the accepted end of a new connection, waiting for room until the deadline.
     *
     * @param accepted the server end
     * @param deadline when to give up
     * @param client the connecting socket: its close ends the wait
     * @return 0, or -1 with ECONNREFUSED (listener closed), EBADF (client closed), ETIMEDOUT or EINTR
     */
    int offer(MemSock accepted, Deadline deadline, MemSock client) {
        lock.lock();
        try {
            for (;;) {
                if (closed) {
                    return Errors.fail(Errno.ECONNREFUSED);
                }
                if (!client.isOpen()) {
                    return Errors.fail(Errno.EBADF);
                }
                if (queue.size() < backlog) {
                    queue.addLast(accepted);
                    notEmpty.signal();
                    return 0;
                }
                int waited = Connection.await(notFull, deadline);
                if (waited != 0) {
                    return waited;
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Takes the oldest queued connection, waiting until the deadline.
     *
     * @param deadline when to give up
     * @param owner the listening socket: its close ends the wait with EBADF
     * @return the accepted end, or null with the error set
     */
    MemSock take(Deadline deadline, MemSock owner) {
        lock.lock();
        try {
            for (;;) {
                if (closed || !owner.isOpen()) {
                    Errors.fail(Errno.EBADF);
                    return null;
                }
                MemSock s = queue.pollFirst();
                if (s != null) {
                    notFull.signal();
                    return s;
                }
                if (Connection.await(notEmpty, deadline) != 0) {
                    return null;
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** Wakes connects waiting for room, so that they see their own socket closed. */
    void wakeConnectors() {
        lock.lock();
        try {
            notFull.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Closes the queue: waiting accepts fail with EBADF, waiting connects with ECONNREFUSED, and
     * queued connections are reset (their clients see ECONNRESET).
     */
    void close() {
        ArrayDeque<MemSock> pending;
        lock.lock();
        try {
            closed = true;
            pending = new ArrayDeque<>(queue);
            queue.clear();
            notEmpty.signalAll();
            notFull.signalAll();
        } finally {
            lock.unlock();
        }
        for (MemSock s : pending) {
            s.reset(0);
        }
    }
}
