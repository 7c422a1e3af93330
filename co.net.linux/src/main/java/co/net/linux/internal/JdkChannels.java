package co.net.linux.internal;

import co.api.spi.IoHost;
import co.api.spi.SelectorBackend;
import java.io.IOException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.util.function.IntConsumer;

/**
 * The JDK-channel side of a native backend ({@link EpollBackend}, {@link UringBackend}): JDK
 * channels ({@link co.api.IoEvent}, the nio transport) wait in a {@link SelectorBackend} made on the
 * first such wait, whose own epoll descriptor ({@link JdkSelectorFd}) the native backend watches,
 * so that one blocking wait serves both. When the descriptor is readable, the backend calls
 * {@link #select()}.
 *
 * <p>Thread rules: the scheduling thread only, but {@link #closed} and {@link #cancelKey}.
 */
final class JdkChannels {

    private static final System.Logger LOG = System.getLogger("co");

    private final IoHost host;
    private final String backend;
    /** Starts watching the selector's descriptor; throws IllegalStateException if it cannot. */
    private final IntConsumer watch;
    /** Volatile: {@link #cancelKey} and {@link #closed} read it on other threads. */
    private volatile SelectorBackend selector;
    /**
     * Set when a channel's registration or interest changed: the JDK applies such changes to its
     * epoll instance only at its next selection, so the loop selects once before it blocks.
     */
    private boolean pending;

    JdkChannels(IoHost host, String backend, IntConsumer watch) {
        this.host = host;
        this.backend = backend;
        this.watch = watch;
    }

    private SelectorBackend selector() {
        SelectorBackend s = selector;
        if (s == null) {
            try {
                s = new SelectorBackend(host);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("co: cannot open a selector for JDK channels", e);
            }
            int fd = JdkSelectorFd.find(s.selector());
            if (fd < 0) {
                s.close();
                throw new IllegalStateException("co: cannot find the JDK selector's epoll descriptor to wait on it"
                        + " with " + backend + "; use -Dco.io=nio to wait on JDK channels");
            }
            try {
                watch.accept(fd);
            } catch (RuntimeException e) {
                s.close();
                throw e;
            }
            LOG.log(System.Logger.Level.DEBUG, "co: scheduler " + host.id() + " waits on JDK channels too");
            selector = s;
        }
        return s;
    }

    /** Selects now if a change is pending; see {@link #pending}. */
    int flush() throws IOException {
        if (!pending) {
            return 0;
        }
        pending = false;
        return selector.pollNow();
    }

    /** Selects now: the selector's descriptor was reported readable. */
    int select() throws IOException {
        return selector == null ? 0 : selector.pollNow();
    }

    boolean opened() {
        return selector != null;
    }

    boolean hasRegistrations() {
        return selector != null && selector.hasRegistrations();
    }

    boolean await(SelectableChannel channel, int ops, long timeoutMs) {
        SelectorBackend s = selector();
        pending = true;                                // set before the wait parks this coroutine
        return s.await(channel, ops, timeoutMs);
    }

    void release(SelectableChannel channel, int ops) {
        SelectorBackend s = selector;
        if (s != null) {
            s.release(channel, ops);
            if ((ops & SelectionKey.OP_CONNECT) != 0) {
                pending = true;                        // the only release that changes interest
            }
        }
    }

    void closed(SelectableChannel channel) {
        SelectorBackend s = selector;
        if (s != null) {
            // The JDK selector releases a closed channel's descriptor at its next selection. Waking
            // it makes its epoll descriptor readable, so the native wait reports it and we select.
            s.closed(channel);
        }
    }

    /** See {@link co.api.spi.Poller#cancelKey}: the JDK selector's keys are cancelled on its thread. */
    void cancelKey(SelectableChannel channel, Runnable done) {
        SelectorBackend s = selector;
        if (s == null) {
            done.run();
        } else {
            s.cancelKey(channel, done);
        }
    }

    void close() {
        if (selector != null) {
            selector.close();
        }
    }
}
