package co.net.mem.internal;

import co.api.Errno;
import co.api.spi.CoContext;
import co.api.spi.Deadline;
import co.api.spi.Errors;
import java.nio.ByteBuffer;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One in-memory stream connection: two bounded byte buffers, one per direction, and the two ends'
 * state (closed, shut down, reset). Side 0 is the client end, side 1 the accepted end.
 *
 * <p><b>Waiting.</b> A call that must wait (no data to receive, no room to send) waits on a
 * {@link Condition} of the one {@link ReentrantLock} that guards everything here. In a coroutine
 * that parks the coroutine's virtual thread, so its scheduling thread goes on with other
 * coroutines; on a plain thread it blocks that thread. Every state change signals all waiters of
 * the affected direction, so a close from any thread wakes blocked calls at once.
 *
 * <p>Thread safety: all fields are guarded by {@link #lock}; any thread may call any method.
 */
final class Connection {

    /** The first size of a direction's buffer; it doubles as needed up to the receive buffer size. */
    private static final int INITIAL_RING = 4096;
    private static final byte[] NO_BYTES = new byte[0];

    /** One direction: bytes written by one side, read by the other. */
    private static final class Direction {
        /** The buffered bytes, from {@link #head}, wrapping; grows on demand so idle connections stay small. */
        byte[] ring;
        /** The most bytes this direction buffers: the receiver's {@code SO_RCVBUF}. */
        final int capacity;
        int head;
        int count;
        /** The writer shut down writing or closed: the reader gets end of stream after the data. */
        boolean writerDone;
        /** The reader closed its socket: writes fail with EPIPE. */
        boolean readerClosed;
        /** The reader shut down reading: writes are accepted and dropped, the reader gets 0. */
        boolean readerShut;
        final Condition readable;
        final Condition writable;

        Direction(int capacity, ReentrantLock lock) {
            this.capacity = capacity;
            ring = new byte[Math.min(capacity, INITIAL_RING)];
            readable = lock.newCondition();
            writable = lock.newCondition();
        }

        /** Drops the buffered bytes and frees the buffer: nobody will read them. */
        void discard() {
            ring = NO_BYTES;
            head = 0;
            count = 0;
        }

        /** Makes room for {@code more} bytes beyond {@link #count} in {@link #ring}, within the capacity. */
        void grow(int more) {
            int want = Math.min(capacity, count + more);
            if (want <= ring.length) {
                return;
            }
            byte[] bigger = new byte[Math.min(capacity, Math.max(want, ring.length * 2))];
            int first = Math.min(count, ring.length - head);
            System.arraycopy(ring, head, bigger, 0, first);
            System.arraycopy(ring, 0, bigger, first, count - first);
            ring = bigger;
            head = 0;
        }
    }

    private final ReentrantLock lock = new ReentrantLock();
    /** {@code directions[s]} carries the bytes that side {@code s} sends. */
    private final Direction[] directions = new Direction[2];
    /** Which side reset the connection (-1: none): the other side then gets ECONNRESET. */
    private int resetBy = -1;
    private final boolean[] closed = new boolean[2];

    /**
     * Creates a connection.
     *
     * @param clientReceiveBuffer the bytes the client end buffers (its {@code SO_RCVBUF})
     * @param serverReceiveBuffer the bytes the accepted end buffers
     */
    Connection(int clientReceiveBuffer, int serverReceiveBuffer) {
        directions[0] = new Direction(serverReceiveBuffer, lock);
        directions[1] = new Direction(clientReceiveBuffer, lock);
    }

    /**
     * Receives what is buffered for {@code side}, waiting up to {@code ms} for at least one byte.
     *
     * @param side 0 or 1
     * @param buf the buffer
     * @param ms the longest wait, -1 for ever
     * @return bytes received, 0 at end of stream, -1 with the error set
     */
    int recv(int side, ByteBuffer buf, int ms) {
        Direction in = directions[1 - side];
        Deadline deadline = Deadline.after(ms);
        lock.lock();
        try {
            for (;;) {
                if (closed[side]) {
                    return Errors.fail(Errno.EBADF);
                }
                if (in.readerShut) {
                    return 0;
                }
                if (in.count > 0) {
                    int n = Math.min(in.count, buf.remaining());
                    int first = Math.min(n, in.ring.length - in.head);
                    buf.put(in.ring, in.head, first);
                    buf.put(in.ring, 0, n - first);
                    in.head = (in.head + n) % in.ring.length;
                    in.count -= n;
                    in.writable.signalAll();
                    return n;
                }
                if (resetBy == 1 - side) {
                    return Errors.fail(Errno.ECONNRESET);
                }
                if (in.writerDone) {
                    return 0;
                }
                int waited = await(in.readable, deadline);
                if (waited != 0) {
                    return waited;
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Sends all of {@code buf} from {@code side}, waiting up to {@code ms} in all for room.
     *
     * @param side 0 or 1
     * @param buf the bytes; its position advances by what was sent, even on failure
     * @param ms the longest wait, -1 for ever
     * @return the number of bytes, or -1 with the error set
     */
    int send(int side, ByteBuffer buf, int ms) {
        Direction out = directions[side];
        Deadline deadline = Deadline.after(ms);
        int total = 0;
        lock.lock();
        try {
            for (;;) {
                if (closed[side]) {
                    return Errors.fail(Errno.EBADF);
                }
                if (out.writerDone) {
                    return Errors.fail(Errno.EPIPE);
                }
                if (resetBy == 1 - side) {
                    return Errors.fail(Errno.ECONNRESET);
                }
                if (out.readerClosed) {
                    return Errors.fail(Errno.EPIPE);
                }
                if (out.readerShut) {
                    total += buf.remaining();
                    buf.position(buf.limit());
                    return total;
                }
                int room = out.capacity - out.count;
                if (room > 0 && buf.hasRemaining()) {
                    int n = Math.min(room, buf.remaining());
                    out.grow(n);
                    int tail = (out.head + out.count) % out.ring.length;
                    int first = Math.min(n, out.ring.length - tail);
                    buf.get(out.ring, tail, first);
                    buf.get(out.ring, 0, n - first);
                    out.count += n;
                    total += n;
                    out.readable.signalAll();
                }
                if (!buf.hasRemaining()) {
                    return total;
                }
                int waited = await(out.writable, deadline);
                if (waited != 0) {
                    return waited;
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Shuts down reading, writing or both for {@code side}. Never blocks.
     *
     * @param side 0 or 1
     * @param read shut down reading
     * @param write shut down writing
     */
    void shutdown(int side, boolean read, boolean write) {
        lock.lock();
        try {
            if (write) {
                directions[side].writerDone = true;
            }
            if (read) {
                Direction in = directions[1 - side];
                in.readerShut = true;
                in.discard();
            }
            wakeAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Closes {@code side}: the peer reads what was sent, then end of stream (or ECONNRESET after a
     * reset), and its sends fail with EPIPE (ECONNRESET). Wakes every blocked call. Never blocks.
     *
     * @param side 0 or 1
     * @param reset true for an abortive close (co's {@code reset_tcp_socket})
     */
    void close(int side, boolean reset) {
        lock.lock();
        try {
            if (closed[side]) {
                return;
            }
            closed[side] = true;
            directions[side].writerDone = true;
            Direction in = directions[1 - side];
            in.readerClosed = true;
            in.discard();
            if (reset && resetBy < 0) {
                resetBy = side;
            }
            wakeAll();
        } finally {
            lock.unlock();
        }
    }

    private void wakeAll() {
        for (Direction d : directions) {
            d.readable.signalAll();
            d.writable.signalAll();
        }
    }

    /**
     * Waits on {@code c} (whose lock the caller holds) until signalled or the deadline.
     *
     * @return 0 to look again, or -1 with ETIMEDOUT or EINTR set
     */
    static int await(Condition c, Deadline deadline) {
        try {
            if (deadline.isNone()) {
                c.await();
                return 0;
            }
            long left = deadline.remainingNanos();
            if (left == 0) {
                CoContext.current().setTimedOut();
                return -1;
            }
            c.awaitNanos(left);
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Errors.fail(Errno.EINTR);
        }
    }
}
