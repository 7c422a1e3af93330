package co.net.tls.internal;

import co.api.Sock;
import java.nio.ByteBuffer;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;

/**
 * The inbound side of a TLS connection: encrypted bytes read from the underlying socket and the
 * plaintext unwrapped from them but not yet delivered. Both buffers stay in read mode (position to
 * limit = unconsumed bytes) between calls.
 *
 * <p>Thread safety: none; the owner's read lock guards every call.
 */
final class Inbound {

    /** The inbound buffer grows to this many records when reads keep filling it (bulk transfers). */
    private static final int MAX_RECORDS_PER_READ = 4;
    /** A TLS record header: type, version, length (RFC 8446 5.1); fewer bytes hold no record. */
    private static final int RECORD_HEADER_BYTES = 5;

    private final int packetSize;
    private ByteBuffer net;
    private ByteBuffer app;
    private boolean closed;
    private boolean busy;

    /**
     * Makes the inbound side. Its buffers come with the first read and the first unwrap: a
     * connection that waits for its turn to handshake (queued by a listener during a connection
     * storm) costs no buffer memory.
     *
     * @param packetSize the engine's packet buffer size: the first read's buffer
     */
    Inbound(int packetSize) {
        this.packetSize = packetSize;
        this.net = ByteBuffer.allocate(0);
        this.app = ByteBuffer.allocate(0);
    }

    /** Tells whether plaintext waits to be delivered. */
    boolean hasData() {
        return app.hasRemaining();
    }

    /** Tells whether the peer's close_notify has been received. */
    boolean closed() {
        return closed;
    }

    /**
     * Moves waiting plaintext into {@code dst}.
     *
     * @param dst the user's buffer
     * @return the number of bytes moved
     */
    int take(ByteBuffer dst) {
        int n = Math.min(app.remaining(), dst.remaining());
        if (n == app.remaining()) {
            dst.put(app);
        } else {
            int limit = app.limit();
            app.limit(app.position() + n);
            dst.put(app);
            app.limit(limit);
        }
        return n;
    }

    /**
     * Unwraps whole buffered records straight into the caller's buffer while it has room for a
     * whole record: no copy through the inbound plaintext buffer, several records per call. Stops at
     * a partial record, a non-data record, or when {@code dst} is nearly full; never reads.
     *
     * @param engine the engine
     * @param dst the caller's buffer, with at least one record's room
     * @return the plaintext bytes put into {@code dst}; 0 if the first record gave none (or there is
     *     no whole record): then use {@link #unwrap(SSLEngine)}
     * @throws SSLException if a record is bad
     */
    int unwrapDirect(SSLEngine engine, ByteBuffer dst) throws SSLException {
        int appSize = engine.getSession().getApplicationBufferSize();
        int total = 0;
        while (!closed && net.remaining() > RECORD_HEADER_BYTES && dst.remaining() >= appSize) {
            SSLEngineResult r = engine.unwrap(net, dst);
            if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                closed = true;
            }
            if (r.getStatus() != SSLEngineResult.Status.OK || r.bytesProduced() == 0
                    || r.getHandshakeStatus() != SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING) {
                return total + r.bytesProduced();
            }
            total += r.bytesProduced();
        }
        return total;
    }

    /**
     * Unwraps one record, if a whole one is buffered.
     *
     * @param engine the engine
     * @return {@link Want#READ} if more encrypted bytes must be read first, else {@link Want#NOTHING}
     * @throws SSLException if the record is bad or the peer sent a fatal alert
     */
    Want unwrap(SSLEngine engine) throws SSLException {
        if (!net.hasRemaining() || closed) {
            return closed ? Want.NOTHING : Want.READ;
        }
        app.compact();
        SSLEngineResult r;
        try {
            r = engine.unwrap(net, app);
        } finally {
            app.flip();
        }
        switch (r.getStatus()) {
            case BUFFER_UNDERFLOW -> {
                int packet = engine.getSession().getPacketBufferSize();
                if (net.capacity() < packet) {
                    net = grow(net, packet);
                }
                return Want.READ;
            }
            case BUFFER_OVERFLOW -> {
                // Plaintext larger than the room left: make room for a whole record.
                app = grow(app, app.remaining() + engine.getSession().getApplicationBufferSize());
                return Want.NOTHING;
            }
            case CLOSED -> {
                closed = true;
                return Want.NOTHING;
            }
            default -> {
                if (r.bytesConsumed() == 0 && r.bytesProduced() == 0
                        && r.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING) {
                    return Want.READ;
                }
                return Want.NOTHING;
            }
        }
    }

    /**
     * Reads more encrypted bytes from the underlying socket.
     *
     * @param sock the underlying socket
     * @param ms the longest wait, -1 for ever
     * @return as {@link Sock#recv}: bytes read, 0 at end of stream, -1 on error or timeout
     */
    int fill(Sock sock, int ms) {
        if (net.capacity() == 0) {
            net = ByteBuffer.allocate(packetSize).flip();
        }
        net.compact();
        if (!net.hasRemaining() || (busy && net.capacity() < MAX_RECORDS_PER_READ * packetSize)) {
            // Full, or the last read filled the buffer: read several records per underlying recv.
            ByteBuffer bigger = ByteBuffer.allocate(Math.max(net.capacity() * 2, MAX_RECORDS_PER_READ * packetSize));
            net.flip();
            bigger.put(net);
            net = bigger;
            busy = false;
        }
        try {
            int n = sock.recv(net, ms);
            busy = n > 0 && !net.hasRemaining();
            return n;
        } finally {
            net.flip();
        }
    }

    /** A read-mode copy of {@code b}'s unconsumed bytes with at least {@code capacity} bytes of room. */
    private static ByteBuffer grow(ByteBuffer b, int capacity) {
        ByteBuffer bigger = ByteBuffer.allocate(Math.max(capacity, b.remaining()));
        bigger.put(b);
        return bigger.flip();
    }
}
