package co.api.spi;

import co.api.Co;
import co.api.Errno;
import co.api.Sock;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;

/**
 * The edge cases that {@link Sock} fixes for every transport, written once so that each transport
 * keeps them the same way: {@link Sock#close(int)} on a closed socket, and {@link Sock#recvfrom} and
 * {@link Sock#sendto} on a stream socket.
 *
 * <p>Thread safety: stateless; every method runs on the calling thread, with the thread rules of the
 * {@link Sock} call it implements.
 */
public final class SockEdges {

    private SockEdges() {
    }

    /**
     * {@link Sock#close(int)}: fails at once with {@link Errno#EBADF} if the socket is already
     * closed; otherwise sleeps {@code ms} (in a coroutine, only the coroutine sleeps), then calls
     * {@code sock.close()}.
     *
     * @param sock the socket
     * @param closed whether the socket is already closed, as the transport knows it
     * @param ms how long to wait before closing; 0 or negative for not at all
     * @return 0, or -1 with {@link Errno#EBADF}
     */
    public static int closeAfter(Sock sock, boolean closed, int ms) {
        if (waitToClose(closed, ms) < 0) {
            return Errors.FAILED;
        }
        sock.close();
        return 0;
    }

    /**
     * The first half of {@link #closeAfter}, for a close that does more before it closes (such as
     * {@link Sock#reset(int)}, which sets the linger option): fails at once with
     * {@link Errno#EBADF} if the socket is already closed, otherwise sleeps {@code ms} (in a
     * coroutine, only the coroutine sleeps).
     *
     * @param closed whether the socket is already closed, as the transport knows it
     * @param ms how long to wait; 0 or negative for not at all
     * @return 0 to go on closing, or -1 with {@link Errno#EBADF}
     */
    public static int waitToClose(boolean closed, int ms) {
        if (closed) {
            return Errors.fail(Errno.EBADF, "socket already closed");
        }
        if (ms > 0) {
            Co.sleep(ms);
        }
        return 0;
    }

    /**
     * {@link Sock#sendto} of a stream socket: {@link Sock#send}, when {@code to} is null or the
     * socket's peer; otherwise fails with {@link Errno#EISCONN} (a connected stream sends only to
     * its peer), as on Linux.
     *
     * @param stream the stream socket
     * @param buf the bytes to send
     * @param to null, or the address to send to
     * @param ms the longest wait, -1 for ever
     * @return what {@link Sock#send} returns, or -1 with {@link Errno#EISCONN}
     */
    public static int sendtoPeer(Sock stream, ByteBuffer buf, SocketAddress to, int ms) {
        if (to != null && !to.equals(stream.remoteAddress())) {
            CoContext.current().clearTimeout();
            return Errors.fail(Errno.EISCONN, "a stream socket sends only to its peer");
        }
        return stream.send(buf, ms);
    }

    /**
     * {@link Sock#recvfrom} of a stream socket: {@link Sock#recv} that also names the one peer,
     * at the end of the stream too, and clears the last error when it succeeds.
     *
     * @param stream the stream socket
     * @param buf the buffer to fill
     * @param ms the longest wait, -1 for ever
     * @return the peer's address (an unnamed Unix-domain address when the peer has none, as a
     *     Unix-domain client that never bound); null on timeout or error
     */
    public static SocketAddress recvfromPeer(Sock stream, ByteBuffer buf, int ms) {
        if (stream.recv(buf, ms) < 0) {
            return null;
        }
        CoContext.current().setError(Errno.OK);              // a success clears the last error
        SocketAddress peer = stream.remoteAddress();
        return peer != null ? peer : UnixDomainSocketAddress.of("");
    }
}
