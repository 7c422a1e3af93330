package co.api;

import java.net.ProtocolFamily;

/**
 * A way of making {@link Sock}s: plain NIO sockets ({@code "nio"}), TLS ({@code "tls"}), or one a
 * user plugs in. User code written against {@link Sock} runs unchanged over any transport.
 *
 * <p>Get one with {@link Co#transport()} or {@link Co#transport(String)}; providers are found with
 * {@link java.util.ServiceLoader} through {@link co.api.spi.TransportProvider}.
 *
 * <p>Thread safety: implementations are safe to use from any thread.
 */
public interface Transport {

    /**
     * Returns the name this transport is selected by.
     *
     * @return the name, for example {@code "nio"}
     */
    String name();

    /**
     * Creates an unconnected socket (co's {@code socket()}). Never blocks.
     *
     * @param family {@link java.net.StandardProtocolFamily#INET}, {@code INET6} or {@code UNIX}
     * @param type stream or datagram
     * @return the socket, or null on error with the reason in {@link Co#error()} (for example
     *     {@link Errno#EMFILE}, or {@link Errno#EOPNOTSUPP} for a combination this transport does
     *     not offer)
     */
    Sock socket(ProtocolFamily family, Sock.Type type);
}
