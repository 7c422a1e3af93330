package co.net.linux.internal;

import co.api.spi.IoBackend;
import co.api.spi.IoBackendProvider;
import co.api.spi.IoHost;
import java.io.IOException;
import java.util.function.Supplier;

/**
 * What the epoll and uring I/O backend providers share: {@link #open} checks availability (a
 * clear error naming the cause) and then opens the backend the subclass names.
 *
 * <p>Thread safety: immutable; {@link #open} runs on the scheduling thread it opens a backend for.
 */
abstract class LinuxBackendProvider extends LinuxProvider implements IoBackendProvider {

    /** Opens a backend for one scheduling thread. */
    @FunctionalInterface
    interface Opener {
        /**
         * Opens the backend.
         *
         * @param host the scheduling thread
         * @return the backend
         * @throws IOException if the kernel refuses
         */
        IoBackend open(IoHost host) throws IOException;
    }

    private final Opener opener;

    LinuxBackendProvider(String name, Supplier<Throwable> cause, Opener opener) {
        super(name, cause);
        this.opener = opener;
    }

    @Override
    public final IoBackend open(IoHost host) throws IOException {
        requireForOpen();
        return opener.open(host);
    }
}
