package co.api.spi;

import co.api.Transport;

/**
 * Makes a {@link Transport}; found with {@link java.util.ServiceLoader}. {@link co.api.Co} picks a
 * transport by name ({@link co.api.Co#transport(String)}, or the system property
 * {@code co.transport} for the default); without a name, the available provider with the highest
 * {@link #priority()} is the default.
 *
 * <p>Implementations must have a public no-argument constructor. Thread safety: all methods may be
 * called from any thread.
 */
public interface TransportProvider {

    /**
     * Returns the name users select this transport by, for example {@code "nio"} or {@code "tls"}.
     *
     * @return a short lower-case name
     */
    String name();

    /**
     * Returns the preference among available providers when no name is given; the highest wins.
     * A transport that needs configuration (TLS) should return a low value.
     *
     * @return the priority
     */
    int priority();

    /**
     * Tells whether this transport works in this JVM.
     *
     * @return true if {@link #transport()} will work
     */
    boolean isAvailable();

    /**
     * Says why this transport is unavailable.
     *
     * @return the cause, or null when available
     */
    Throwable unavailabilityCause();

    /**
     * Returns the transport; may return the same instance each time.
     *
     * @return the transport
     * @throws IllegalStateException if unavailable
     */
    Transport transport();
}
