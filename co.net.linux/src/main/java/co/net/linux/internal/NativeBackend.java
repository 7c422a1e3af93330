package co.net.linux.internal;

import co.api.spi.IoBackend;
import co.api.spi.IoHost;
import java.nio.channels.SelectableChannel;

/**
 * What the native I/O backends ({@link EpollBackend}, {@link UringBackend}) share: JDK channels
 * ({@link co.api.IoEvent}, the nio transport) wait in a JDK selector ({@link JdkChannels}) whose
 * own epoll descriptor the backend watches in its native wait, so one blocking wait serves both. A
 * backend says how it watches that descriptor ({@link #watchJdk}); the channel calls of
 * {@link IoBackend} are written here once.
 *
 * <p>Thread rules: as {@link IoBackend}.
 */
abstract class NativeBackend implements IoBackend {

    /** JDK channels' waits, in a selector made on the first such wait. */
    final JdkChannels jdk;

    /**
     * Prepares the JDK-channel side; opens nothing until a JDK channel waits.
     *
     * @param host the scheduling thread
     * @param name the backend's name, for error messages
     */
    NativeBackend(IoHost host, String name) {
        this.jdk = new JdkChannels(host, name, this::watchJdk);
    }

    /**
     * Adds the JDK selector's epoll descriptor to this backend's native wait, once, when the first
     * JDK channel waits (never during construction).
     *
     * @param fd the descriptor; readable when the JDK selector has something to report
     */
    abstract void watchJdk(int fd);

    @Override
    public final boolean await(SelectableChannel channel, int ops, long timeoutMs) {
        return jdk.await(channel, ops, timeoutMs);
    }

    @Override
    public final void release(SelectableChannel channel, int ops) {
        jdk.release(channel, ops);
    }

    @Override
    public final void closed(SelectableChannel channel) {
        jdk.closed(channel);
    }

    @Override
    public final void cancelKey(SelectableChannel channel, Runnable done) {
        jdk.cancelKey(channel, done);
    }
}
