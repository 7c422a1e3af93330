package co.api.spi;

import co.api.Transport;

/**
 * Makes a {@link Transport}; found with {@link java.util.ServiceLoader}. {@link co.api.Co} picks a
 * transport by name ({@link co.api.Co#transport(String)}, or the system property
 * {@code co.transport} for the default); without a name, the available provider with the highest
 * {@link #priority()} is the default (the rule is {@link Provider}'s). A transport that needs
 * configuration (TLS) or exists for tests returns {@link #PRIORITY_BY_NAME_ONLY}.
 *
 * <p>Implementations must have a public no-argument constructor. Thread safety: all methods may be
 * called from any thread.
 */
public interface TransportProvider extends Provider {

    /**
     * Returns the transport; may return the same instance each time.
     *
     * @return the transport
     * @throws IllegalStateException if unavailable
     */
    Transport transport();
}
