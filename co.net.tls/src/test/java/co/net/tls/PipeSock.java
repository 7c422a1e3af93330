package co.net.tls;

import co.api.Errno;
import co.api.Sock;
import co.api.Transport;
import co.api.spi.CoContext;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.nio.ByteBuffer;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An in-memory connected stream {@link Sock} pair, a fault double: each {@code recv} and each step of
 * {@code send} moves 1..{@code maxChunk} bytes (random), and at most {@code capacity} bytes wait in
 * each direction, so a writer whose peer does not read blocks. Works on coroutines and plain threads.
 */
final class PipeSock implements Sock {

    /** One direction: a bounded byte ring. */
    static final class Pipe {
        final ReentrantLock lock = new ReentrantLock();
        final Condition changed = lock.newCondition();
        final byte[] ring;
        int head;
        int size;
        boolean eof;
        boolean readerGone;

        Pipe(int capacity) {
            ring = new byte[capacity];
        }
    }

    private final Pipe in;
    private final Pipe out;
    private final Random random;
    private final int maxChunk;
    private volatile boolean closed;

    private PipeSock(Pipe in, Pipe out, int maxChunk, long seed) {
        this.in = in;
        this.out = out;
        this.maxChunk = maxChunk;
        this.random = new Random(seed);
    }

    /**
     * Makes a connected pair.
     *
     * @param maxChunk most bytes moved per call, at least 1
     * @param capacity bytes buffered per direction
     * @param seed random seed for chunk sizes
     * @return the two ends
     */
    static PipeSock[] pair(int maxChunk, int capacity, long seed) {
        Pipe ab = new Pipe(capacity);
        Pipe ba = new Pipe(capacity);
        return new PipeSock[] {new PipeSock(ba, ab, maxChunk, seed), new PipeSock(ab, ba, maxChunk, seed + 1)};
    }

    /** The direction this end reads from. */
    Pipe inbound() {
        return in;
    }

    private int chunk(int limit) {
        return Math.min(limit, 1 + random.nextInt(maxChunk));
    }

    private static long deadline(int ms) {
        return ms < 0 ? Long.MAX_VALUE : System.nanoTime() + ms * 1_000_000L;
    }

    /** Waits on {@code p.changed}; false on timeout. Lock held. */
    private static boolean await(Pipe p, long deadline) throws InterruptedException {
        if (deadline == Long.MAX_VALUE) {
            p.changed.await();
            return true;
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            return false;
        }
        p.changed.awaitNanos(left);
        return true;
    }

    private static int fail(int errno) {
        CoContext.current().setError(errno);
        return -1;
    }

    @Override
    public int recv(ByteBuffer buf, int ms) {
        CoContext.current().clearTimeout();
        if (!buf.hasRemaining()) {
            return 0;
        }
        long dl = deadline(ms);
        in.lock.lock();
        try {
            for (;;) {
                if (closed) {
                    return fail(Errno.EBADF);
                }
                if (in.size > 0) {
                    int n = chunk(Math.min(in.size, buf.remaining()));
                    for (int i = 0; i < n; i++) {
                        buf.put(in.ring[(in.head + i) % in.ring.length]);
                    }
                    in.head = (in.head + n) % in.ring.length;
                    in.size -= n;
                    in.changed.signalAll();
                    return n;
                }
                if (in.eof) {
                    return 0;
                }
                if (!await(in, dl)) {
                    CoContext.current().setTimedOut();
                    return -1;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail(Errno.EINTR);
        } finally {
            in.lock.unlock();
        }
    }

    @Override
    public int send(ByteBuffer buf, int ms) {
        CoContext.current().clearTimeout();
        int want = buf.remaining();
        long dl = deadline(ms);
        out.lock.lock();
        try {
            while (buf.hasRemaining()) {
                if (closed) {
                    return fail(Errno.EBADF);
                }
                if (out.readerGone || out.eof) {
                    return fail(Errno.EPIPE);
                }
                int room = out.ring.length - out.size;
                if (room > 0) {
                    int n = chunk(Math.min(room, buf.remaining()));
                    for (int i = 0; i < n; i++) {
                        out.ring[(out.head + out.size + i) % out.ring.length] = buf.get();
                    }
                    out.size += n;
                    out.changed.signalAll();
                    continue;
                }
                if (!await(out, dl)) {
                    CoContext.current().setTimedOut();
                    return -1;
                }
            }
            return want;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail(Errno.EINTR);
        } finally {
            out.lock.unlock();
        }
    }

    @Override
    public void close() {
        closed = true;
        out.lock.lock();
        try {
            out.eof = true;
            out.changed.signalAll();
        } finally {
            out.lock.unlock();
        }
        in.lock.lock();
        try {
            in.readerGone = true;
            in.changed.signalAll();
        } finally {
            in.lock.unlock();
        }
    }

    @Override
    public int close(int ms) {
        close();
        return 0;
    }

    @Override
    public int shutdown(char how) {
        if (how == 'w' || how == 'b') {
            out.lock.lock();
            try {
                out.eof = true;
                out.changed.signalAll();
            } finally {
                out.lock.unlock();
            }
        }
        if (how == 'r' || how == 'b') {
            in.lock.lock();
            try {
                in.readerGone = true;
                in.eof = true;
                in.changed.signalAll();
            } finally {
                in.lock.unlock();
            }
        }
        return 0;
    }

    @Override
    public int reset(int ms) {
        close();
        return 0;
    }

    @Override
    public Transport transport() {
        return null;
    }

    @Override
    public Type type() {
        return Type.STREAM;
    }

    @Override
    public int bind(SocketAddress local) {
        return fail(Errno.EOPNOTSUPP);
    }

    @Override
    public int listen(int backlog) {
        return fail(Errno.EOPNOTSUPP);
    }

    @Override
    public Sock accept(int ms) {
        fail(Errno.EOPNOTSUPP);
        return null;
    }

    @Override
    public int connect(SocketAddress remote, int ms) {
        return fail(Errno.EISCONN);
    }

    @Override
    public SocketAddress recvfrom(ByteBuffer buf, int ms) {
        fail(Errno.EOPNOTSUPP);
        return null;
    }

    @Override
    public int sendto(ByteBuffer buf, SocketAddress to, int ms) {
        return fail(Errno.EOPNOTSUPP);
    }

    @Override
    public <T> T getOption(SocketOption<T> option) {
        fail(Errno.EOPNOTSUPP);
        return null;
    }

    @Override
    public <T> int setOption(SocketOption<T> option, T value) {
        return fail(Errno.EOPNOTSUPP);
    }

    @Override
    public SocketAddress remoteAddress() {
        return null;
    }

    @Override
    public SocketAddress localAddress() {
        return null;
    }

    @Override
    public boolean isOpen() {
        return !closed;
    }
}
