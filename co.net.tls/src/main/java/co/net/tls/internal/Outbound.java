package co.net.tls.internal;

import co.api.Sock;
import co.api.spi.Deadline;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;

/**
 * The outbound side of a TLS connection: every record the engine produces, in the order produced,
 * waiting to be written to the underlying socket.
 *
 * <p>Thread safety: {@code wrap*} and {@code queue*} may be called from any thread; they take
 * {@link #lock}, which is never held across I/O, so that a reader can queue an answer (KeyUpdate,
 * close_notify) while a writer is blocked sending. Wrapping and queueing happen in one critical
 * section, which keeps records in the engine's order on the wire. {@link #flush} must be called only
 * by the holder of the owning socket's write lock, so one thread at a time writes from the head.
 */
final class Outbound {

    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);
    /** At most this many records are wrapped into one buffer (one underlying send). */
    private static final int RECORDS_PER_SEND = 4;
    /** The most plaintext one TLS record carries (RFC 8446 5.1, RFC 5246 6.2.1: 2^14 bytes). */
    private static final int MAX_RECORD_PLAINTEXT = 16_384;

    private final SSLEngine engine;
    private final Sock sock;
    private final ReentrantLock lock = new ReentrantLock();
    private final ArrayDeque<ByteBuffer> queue = new ArrayDeque<>();
    private ByteBuffer spare;
    private volatile boolean closed;

    Outbound(SSLEngine engine, Sock sock) {
        this.engine = engine;
        this.sock = sock;
    }

    /** Tells whether close_notify has been queued (or the engine's outbound side is done). */
    boolean closed() {
        return closed || engine.isOutboundDone();
    }

    /** Tells whether records wait to be written. */
    boolean hasQueued() {
        lock.lock();
        try {
            return !queue.isEmpty();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Wraps handshake (or post-handshake) messages while the engine asks for it.
     *
     * @return {@link Want#WRITE} if records are queued, else {@link Want#NOTHING}
     * @throws SSLException on an engine failure
     */
    Want wrapHandshake() throws SSLException {
        lock.lock();
        try {
            // A whole flight (ServerHello ... Finished, a few KiB) goes into one buffer: one underlying
            // send. The engine wants a whole packet of room per wrap, so two packets hold a flight.
            while (engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) {
                if (wrap(EMPTY, 2) == 0) {
                    break;
                }
            }
            return queue.isEmpty() ? Want.NOTHING : Want.WRITE;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Wraps application data: up to {@value #RECORDS_PER_SEND} records into one buffer.
     *
     * @param src the plaintext; its position advances by what was encrypted
     * @return {@link Want#TASK} if the engine then has delegated tasks, else {@link Want#WRITE}
     * @throws SSLException on an engine failure, or if the engine makes no progress (it wants to read
     *     first: a renegotiation, which is refused)
     */
    Want wrapData(ByteBuffer src) throws SSLException {
        lock.lock();
        try {
            int records = Math.min(RECORDS_PER_SEND, 1 + src.remaining() / MAX_RECORD_PLAINTEXT);
            int consumed = src.position();
            int produced = wrap(src, records);
            // The engine may want to send more on its own (a TLS 1.3 KeyUpdate at its key limit).
            while (engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP && wrap(EMPTY, 1) > 0) {
                produced++;
            }
            if (produced == 0 && src.position() == consumed && !closed()) {
                throw new SSLException("the engine cannot write before it reads (renegotiation refused)");
            }
            return engine.getHandshakeStatus() == HandshakeStatus.NEED_TASK ? Want.TASK : Want.WRITE;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Queues close_notify (or, after a failure, the engine's alert). Never throws.
     */
    void queueClose() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            engine.closeOutbound();
            while (!engine.isOutboundDone()) {
                if (wrap(EMPTY, 1) == 0) {
                    break;
                }
            }
        } catch (SSLException | RuntimeException e) {
            // the connection is going away: nothing more to say
        } finally {
            lock.unlock();
        }
    }

    /** After the peer's close_notify: queues the engine's answer, if it has one (TLS 1.2). */
    void queueCloseReply() {
        lock.lock();
        try {
            while (engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP && !engine.isOutboundDone()) {
                if (wrap(EMPTY, 1) == 0) {
                    break;
                }
            }
        } catch (SSLException | RuntimeException e) {
            // the peer has closed: a failed answer changes nothing
        } finally {
            lock.unlock();
        }
    }

    /** Wraps into one buffer and queues it; lock held. Returns the number of bytes produced. */
    private int wrap(ByteBuffer src, int records) throws SSLException {
        int packet = engine.getSession().getPacketBufferSize();
        ByteBuffer out = buffer(packet * records);
        int produced = 0;
        try {
            for (;;) {
                SSLEngineResult r = engine.wrap(src, out);
                produced += r.bytesProduced();
                if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                    if (out.position() > 0) {
                        break;
                    }
                    out = ByteBuffer.allocate(Math.max(out.capacity() * 2, packet));
                    continue;
                }
                if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                    closed = true;
                    break;
                }
                boolean more = src == EMPTY
                        ? r.bytesProduced() > 0 && engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP
                        : src.hasRemaining() && r.bytesProduced() > 0;
                if (!more || out.remaining() < packet) {
                    break;
                }
            }
        } finally {
            out.flip();
            if (out.hasRemaining()) {
                queue.add(out);
            } else {
                recycle(out);
            }
        }
        return produced;
    }

    private ByteBuffer buffer(int capacity) {
        ByteBuffer b = spare;
        if (b != null && b.capacity() >= capacity) {
            spare = null;
            return b.clear();
        }
        return ByteBuffer.allocate(capacity);
    }

    private void recycle(ByteBuffer b) {
        if (spare == null || spare.capacity() < b.capacity()) {
            spare = b;
        }
    }

    /**
     * Writes queued records to the underlying socket, oldest first. A record cut short by a timeout
     * stays at the head with its position advanced, so a later flush goes on where this one stopped.
     * Call only while holding the owning socket's write lock.
     *
     * @param ms the longest wait in all, -1 for ever
     * @return 0 once the queue is empty, -1 on error or timeout (as the underlying {@code send})
     */
    int flush(int ms) {
        Deadline deadline = Deadline.after(ms);
        for (;;) {
            ByteBuffer head;
            lock.lock();
            try {
                head = queue.peek();
            } finally {
                lock.unlock();
            }
            if (head == null) {
                return 0;
            }
            if (head.hasRemaining()) {
                if (sock.send(head, deadline.remainingMillis()) < 0) {
                    return -1;
                }
            }
            lock.lock();
            try {
                queue.poll();
                recycle(head);
            } finally {
                lock.unlock();
            }
        }
    }
}
