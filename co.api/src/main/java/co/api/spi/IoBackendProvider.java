package co.api.spi;

import java.io.IOException;

/**
 * Makes {@link IoBackend}s: one per scheduling thread of a runtime that asks for it by name
 * (system property {@code co.io}, else the name in {@code co.transport}). Its {@link #name()} is
 * also the name of the transport that drives it natively, for example {@code "epoll"}. Found with
 * {@link java.util.ServiceLoader}, like transports.
 *
 * <p>Thread safety: every method may be called from any thread.
 */
public interface IoBackendProvider extends Provider {

    /**
     * Backends are chosen by name only ({@code co.io}, {@code co.transport}); the JDK selector is
     * the default.
     *
     * @return {@link #PRIORITY_BY_NAME_ONLY}
     */
    @Override
    default int priority() {
        return PRIORITY_BY_NAME_ONLY;
    }

    /**
     * Makes the backend of one scheduling thread. Called on the thread that creates the runtime.
     *
     * @param host the scheduling thread's timers and identity
     * @return a backend owned by that scheduling thread
     * @throws IOException if the kernel refuses (descriptors exhausted, ...); the runtime then uses
     *     the JDK selector backend for that scheduler and logs why
     */
    IoBackend open(IoHost host) throws IOException;
}
