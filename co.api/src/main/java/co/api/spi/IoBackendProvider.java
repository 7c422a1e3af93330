package co.api.spi;

import java.io.IOException;

/**
 * Makes {@link IoBackend}s: one per scheduling thread of a runtime that asks for it by name
 * (system property {@code co.io}, else the name in {@code co.transport}). Found with
 * {@link java.util.ServiceLoader}, like transports.
 *
 * <p>Thread safety: every method may be called from any thread.
 */
public interface IoBackendProvider {

    /**
     * Returns the backend's name, which is also the name of the transport that drives it natively.
     *
     * @return for example {@code "epoll"}
     */
    String name();

    /**
     * Tells whether backends can be made here (operating system, JDK, native access).
     *
     * @return true if {@link #open} may succeed
     */
    boolean isAvailable();

    /**
     * Says why the backend cannot be made here.
     *
     * @return the cause, or null when available
     */
    Throwable unavailabilityCause();

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
