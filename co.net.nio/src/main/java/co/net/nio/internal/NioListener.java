package co.net.nio.internal;

import co.api.Co;
import co.api.Errno;
import co.api.Sock;
import co.api.spi.Deadline;
import co.api.spi.Errors;
import co.api.spi.Poller;
import java.io.IOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * The listening state of a {@link NioStreamSock}: its {@link ServerSocketChannel} and what
 * accepting needs (the backoff when the process runs out of file descriptors). A stream socket
 * gets one at {@code listen}; from then on it is a listener and has no connection.
 *
 * <p>Thread safety: {@link #channel} is final; {@link #backoffMs} is touched only by accepting
 * threads (one at a time is the intended use; a race costs at most a shorter or longer pause).
 */
final class NioListener {

    /** Backoff bounds when accept finds no free file descriptor. */
    private static final int ACCEPT_BACKOFF_MIN_MS = 1;
    private static final int ACCEPT_BACKOFF_MAX_MS = 100;

    /** The listening channel, non-blocking. */
    final ServerSocketChannel channel;
    /** The next backoff after EMFILE in accept; 0 after a successful accept. */
    private int backoffMs;

    NioListener(ServerSocketChannel channel) {
        this.channel = channel;
    }

    /**
     * Accepts a connection, waiting through {@code owner} (whose close wakes the wait).
     *
     * @param owner the listening socket
     * @param ms the longest wait, -1 for ever, 0 for none
     * @return the connection, or null with the error set
     */
    Sock accept(NioStreamSock owner, int ms) {
        ServerSocketChannel s = channel;
        Poller poller = null;
        Deadline deadline = Deadline.NONE;
        try {
            for (;;) {
                SocketChannel c;
                try {
                    c = s.accept();
                } catch (IOException e) {
                    int err = Errors.errno(e);
                    if (err == Errno.ECONNABORTED) {
                        continue;                    // that client gave up before we took it; next one
                    }
                    if (err == Errno.EMFILE || err == Errno.ENFILE || err == Errno.ENOMEM) {
                        if (owner.isClosed()) {
                            NioSock.closedError();
                            return null;
                        }
                        outOfDescriptors(ms, deadline, poller != null, e);
                        return null;
                    }
                    if (owner.isClosed()) {
                        NioSock.closedError();
                    } else {
                        Errors.fail(e);
                    }
                    return null;
                }
                if (c != null) {
                    backoffMs = 0;
                    try {
                        c.configureBlocking(false);
                    } catch (IOException e) {
                        closeQuietly(c);
                        Errors.fail(e);
                        return null;
                    }
                    return new NioStreamSock(owner.transport, owner.family, c);
                }
                if (poller == null) {
                    poller = owner.poller();
                    deadline = Deadline.after(ms);
                }
                if (!owner.await(poller, s, SelectionKey.OP_ACCEPT, deadline, true)) {
                    return null;
                }
            }
        } finally {
            NioSock.release(poller, s, SelectionKey.OP_ACCEPT);
        }
    }

    /**
     * Handles accept's EMFILE/ENFILE: the pending connection stays queued and the listener stays
     * readable, so returning at once would let the caller's accept loop spin a core. Instead wait a
     * growing while (1, 2, 4 ... 100 ms, within the caller's timeout), then report the error; the
     * next accept after descriptors are freed succeeds and resets the backoff.
     */
    private void outOfDescriptors(int ms, Deadline deadline, boolean started, IOException e) {
        int pause = backoffMs == 0 ? ACCEPT_BACKOFF_MIN_MS : Math.min(backoffMs * 2, ACCEPT_BACKOFF_MAX_MS);
        backoffMs = pause;
        int left = (started ? deadline : Deadline.after(ms)).remainingMillis();
        if (left >= 0) {
            pause = Math.min(pause, left);
        }
        if (pause > 0) {
            Co.sleep(pause);
        }
        Errors.fail(Errors.errno(e), e.getMessage());
    }

    private static void closeQuietly(SocketChannel c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }
}
