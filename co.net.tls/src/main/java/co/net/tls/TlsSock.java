package co.net.tls;

import co.api.Sock;
import javax.net.ssl.SSLSession;

/**
 * A {@link Sock} that speaks TLS: what the {@code "tls"} transport and {@link TlsTransports} make. All
 * {@link Sock} methods keep their meanings ({@code recv} returns 0 when the peer sent close_notify,
 * -1 on error or timeout); TLS failures report {@link co.api.Errno#EPROTO} with the
 * {@link javax.net.ssl.SSLException}'s message in {@link co.api.Co#strerror()}.
 *
 * <p>When the handshake happens: a client's {@code connect} performs it and returns 0 only once it
 * succeeded. {@code accept} returns at once and starts the server's handshake in a new coroutine
 * (on the next scheduler, as {@link co.api.Co#go} places coroutines), so a slow or hostile client never holds up the accept loop; the first
 * {@code recv} or {@code send} (or {@link #handshake}) waits for it and reports its failure. A socket
 * made by {@link TlsTransports#client} or {@link TlsTransports#server} handshakes on its first
 * {@code recv}, {@code send} or {@link #handshake}. Either way the whole handshake is bounded by
 * {@link TlsConfig#handshakeTimeoutMs()}.
 *
 * <p>A peer that closes the connection without close_notify (truncation) makes {@code recv} fail
 * with {@link co.api.Errno#ECONNRESET}, as an abortive close, never return 0.
 *
 * <p>{@code close()} sends close_notify when no other coroutine is sending (bounded by
 * {@link TlsConfig#closeNotifyTimeoutMs()}), then closes the connection; {@code shutdown('w')}
 * sends close_notify and half-closes.
 *
 * <p>Thread safety: as {@link Sock}: one coroutine may receive while another sends.
 */
public interface TlsSock extends Sock {

    /**
     * Performs the handshake now if it has not happened yet; returns at once if it has. On a
     * connection a listener accepted during a storm, this first waits for the connection's turn
     * ({@link TlsConfig.Builder#maxQueuedHandshakes(int)}); that wait counts against {@code ms} but
     * not against the handshake timeout. A server that wants an idle timeout on its first recv calls
     * {@code handshake(-1)} (or a generous {@code ms}) first, so that the queue's wait is not taken for
     * an idle client.
     *
     * @param ms the longest wait, -1 for ever (the handshake timeout still applies)
     * @return 0 once the handshake is complete, -1 on error or timeout
     */
    int handshake(int ms);

    /**
     * Returns the negotiated session.
     *
     * @return the session, or null before the handshake completed
     */
    SSLSession session();

    /**
     * Returns the ALPN protocol agreed in the handshake.
     *
     * @return the protocol, an empty string if none was agreed, or null before the handshake completed
     */
    String applicationProtocol();

    /**
     * Returns the socket the TLS records travel over.
     *
     * @return the underlying stream socket
     */
    Sock underlying();
}
