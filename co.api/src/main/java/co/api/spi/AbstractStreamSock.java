package co.api.spi;

import co.api.Sock;
import co.api.Transport;
import java.net.SocketAddress;
import java.nio.ByteBuffer;

/**
 * A base for stream sockets: what every stream {@link Sock} answers the same way. It keeps the
 * transport that made the socket, says {@link Sock.Type#STREAM}, and implements
 * {@link #recvfrom} and {@link #sendto} as {@link Sock}'s edge rules want them of a stream
 * ({@link SockEdges#recvfromPeer}, {@link SockEdges#sendtoPeer}).
 * A transport extends it and implements the calls that differ.
 *
 * <p>Thread safety: what this class adds is immutable; the subclass states the rules of the rest,
 * within those of {@link Sock}.
 *
 * @param <T> the transport's own type, so that the subclass reaches it without a cast
 */
public abstract class AbstractStreamSock<T extends Transport> implements Sock {

    private final T transport;

    /**
     * Sets the transport.
     *
     * @param transport the transport that made this socket; null for a socket made around another
     *     one rather than by a transport
     */
    protected AbstractStreamSock(T transport) {
        this.transport = transport;
    }

    /**
     * Returns the transport given to the constructor.
     *
     * @return the transport, or null
     */
    @Override
    public final T transport() {
        return transport;
    }

    /**
     * Returns {@link Sock.Type#STREAM}.
     *
     * @return {@link Sock.Type#STREAM}
     */
    @Override
    public final Type type() {
        return Type.STREAM;
    }

    /**
     * {@link #recv} that also names the peer, as {@link SockEdges#recvfromPeer} does.
     *
     * @param buf the buffer to fill
     * @param ms the longest wait, -1 for ever
     * @return the peer's address, or null on timeout or error
     */
    @Override
    public SocketAddress recvfrom(ByteBuffer buf, int ms) {
        return SockEdges.recvfromPeer(this, buf, ms);
    }

    /**
     * {@link #send} to the peer, as {@link SockEdges#sendtoPeer} does.
     *
     * @param buf the bytes to send
     * @param to null, or the peer's address
     * @param ms the longest wait, -1 for ever
     * @return the bytes sent, or -1 with the error set ({@link co.api.Errno#EISCONN} for another
     *     address)
     */
    @Override
    public int sendto(ByteBuffer buf, SocketAddress to, int ms) {
        return SockEdges.sendtoPeer(this, buf, to, ms);
    }
}
