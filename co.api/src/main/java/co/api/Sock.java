package co.api;

import co.api.internal.SockStreams;
import co.api.spi.Deadline;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;

/**
 * A coroutine socket (co's {@code sock_t} and the functions that take it): TCP, UDP or
 * Unix-domain, over whatever {@link Transport} made it.
 *
 * <p><b>Return values</b> follow co: {@code 0} on success and {@code -1} on failure for control
 * calls; {@code recv} returns the byte count, {@code 0} when the peer closed, {@code -1} on error
 * or timeout. After a {@code -1}, {@link Co#timeout()} tells whether it was a timeout and
 * {@link Co#error()} / {@link Co#strerror()} give the reason. Methods do not throw for I/O
 * failures; they throw only for programming errors (null arguments).
 *
 * <p><b>Blocking and timeouts.</b> Every method that can wait takes {@code ms}: the longest wait in
 * milliseconds; any negative value (-1) waits for ever; {@code 0} means "do not wait": the call
 * does what it can at once (a {@code recv} or {@code recvn} returns bytes already buffered) and
 * returns -1 with {@link Errno#ETIMEDOUT} only if it would have to wait. In a coroutine a wait
 * suspends only the calling coroutine; its scheduling thread goes on with others. On a plain thread
 * the call blocks that thread (it waits through a shared poller, without creating or needing a
 * coroutine runtime, so it works after {@link Co#stop()} too), with the same results. Transports
 * turn {@code ms} into a {@link Deadline}, which gives these meanings one implementation.
 *
 * <p><b>Edge cases, the same on every transport</b> (the transport suite holds each one to them):
 * <ul>
 *   <li>{@link #close(int)} (and {@link #reset(int)}) on a socket that is already closed returns -1
 *       with {@link Errno#EBADF} at once, without the delay; {@link #close()} stays silent.
 *   <li>{@link #recvfrom} on a stream socket is {@link #recv} that also names the source: the
 *       connected peer, also at end of stream (when {@code buf} gained no bytes). A call that
 *       returns an address clears the last error ({@link Co#error()} is 0).
 *   <li>{@code recvn(buf, 0)} returns the requested bytes if they are all buffered, and -1 with
 *       {@link Errno#ETIMEDOUT} otherwise (the bytes it took stay in {@code buf}).
 * </ul>
 *
 * <p>Size: about 460 lines, two thirds of them javadoc: the contract every transport implements,
 * with the defaults that are the same for all (the overloads without a timeout or with arrays,
 * {@code recvn}, the stream views, option shorthands).
 *
 * <p><b>Threads.</b> One coroutine may receive while another sends on the same socket. Two
 * coroutines receiving (or two sending) at once on one stream socket is not an error but their
 * data interleaves unpredictably. {@link #close()} may be called from any coroutine or thread: a
 * coroutine blocked in this socket then returns {@code -1} with {@link Errno#EBADF}.
 */
public interface Sock extends AutoCloseable {

    /** The kind of socket a {@link Transport} makes. */
    enum Type {
        /** A connected byte stream: TCP, or a Unix-domain stream socket. */
        STREAM,
        /** Datagrams: UDP. */
        DATAGRAM
    }

    /** The default listen backlog, as co's {@code listen(fd, 1024)}. */
    int DEFAULT_BACKLOG = 1024;

    /**
     * Returns the transport that made this socket.
     *
     * @return the transport
     */
    Transport transport();

    /**
     * Returns the kind of this socket.
     *
     * @return stream or datagram
     */
    Type type();

    /**
     * Binds the socket to a local address (co's {@code bind}). Never blocks.
     *
     * @param local the address; port 0 picks a free port ({@link #localAddress()} tells which)
     * @return 0, or -1 on error ({@link Errno#EADDRINUSE}, ...)
     */
    int bind(SocketAddress local);

    /**
     * Listens with the default backlog of {@value #DEFAULT_BACKLOG}. Never blocks.
     *
     * @return 0, or -1 on error
     */
    default int listen() {
        return listen(DEFAULT_BACKLOG);
    }

    /**
     * Listens for connections on a bound stream socket (co's {@code listen}). Never blocks.
     *
     * @param backlog the backlog
     * @return 0, or -1 on error
     */
    int listen(int backlog);

    /**
     * Accepts a connection, waiting for ever (co's {@code accept}).
     *
     * @return the connected socket, or null on error
     */
    default Sock accept() {
        return accept(-1);
    }

    /**
     * Accepts a connection on a listening socket, waiting up to {@code ms}.
     *
     * @param ms the longest wait, -1 for ever
     * @return the connected socket, or null on timeout or error (for example {@link Errno#EMFILE}
     *     when the process is out of file descriptors; the listening socket stays usable)
     */
    Sock accept(int ms);

    /**
     * Connects to a remote address, waiting up to {@code ms} (co's {@code connect}).
     *
     * @param remote the address
     * @param ms the longest wait, -1 for ever
     * @return 0, or -1 on timeout or error ({@link Errno#ECONNREFUSED}, ...)
     */
    int connect(SocketAddress remote, int ms);

    /**
     * Connects, waiting for ever (co's {@code connect} with its default {@code ms = -1}).
     *
     * @param remote the address
     * @return 0, or -1 on error
     */
    default int connect(SocketAddress remote) {
        return connect(remote, -1);
    }

    /**
     * Receives what is available, at least one byte, into {@code buf} (co's {@code recv}).
     *
     * @param buf the buffer; bytes go between its position and limit, and its position advances
     * @param ms the longest wait, -1 for ever
     * @return the number of bytes received; 0 if the peer closed (or {@code buf} has no room);
     *     -1 on timeout or error
     */
    int recv(ByteBuffer buf, int ms);

    /**
     * Receives, waiting for ever (co's default {@code ms = -1}); see {@link #recv(ByteBuffer, int)}.
     *
     * @param buf the buffer
     * @return bytes received, 0 if the peer closed, -1 on error
     */
    default int recv(ByteBuffer buf) {
        return recv(buf, -1);
    }

    /**
     * Receives into part of an array, as {@link #recv(ByteBuffer, int)}.
     *
     * @param b the array
     * @param off where to start
     * @param len the most bytes to receive
     * @param ms the longest wait, -1 for ever
     * @return bytes received, 0 if the peer closed, -1 on timeout or error
     */
    default int recv(byte[] b, int off, int len, int ms) {
        return recv(ByteBuffer.wrap(b, off, len), ms);
    }

    /**
     * Receives exactly {@code buf.remaining()} bytes (co's {@code recvn}). The timeout covers the
     * whole call.
     *
     * @param buf the buffer to fill
     * @param ms the longest wait in all, -1 for ever
     * @return the number of bytes asked for; 0 if the peer closed first; -1 on timeout or error
     *     (bytes already received stay in {@code buf})
     */
    default int recvn(ByteBuffer buf, int ms) {
        int want = buf.remaining();
        Deadline deadline = Deadline.after(ms);
        while (buf.hasRemaining()) {
            // Once the deadline has passed this is recv(buf, 0): what is buffered, or ETIMEDOUT.
            int n = recv(buf, deadline.remainingMillis());
            if (n <= 0) {
                return n;
            }
        }
        return want;
    }

    /**
     * Receives exactly {@code buf.remaining()} bytes, waiting for ever; see
     * {@link #recvn(ByteBuffer, int)}.
     *
     * @param buf the buffer to fill
     * @return the number of bytes asked for, 0 if the peer closed first, -1 on error
     */
    default int recvn(ByteBuffer buf) {
        return recvn(buf, -1);
    }

    /**
     * Receives exactly {@code len} bytes into an array, as {@link #recvn(ByteBuffer, int)}.
     *
     * @param b the array
     * @param off where to start
     * @param len how many bytes
     * @param ms the longest wait in all, -1 for ever
     * @return {@code len}, 0 if the peer closed first, -1 on timeout or error
     */
    default int recvn(byte[] b, int off, int len, int ms) {
        return recvn(ByteBuffer.wrap(b, off, len), ms);
    }

    /**
     * Receives one datagram and tells where it came from (co's {@code recvfrom}). A datagram larger
     * than {@code buf.remaining()} is truncated. On a stream socket it receives as {@link #recv}
     * and returns the peer's address, also at end of stream (then {@code buf} gains no bytes).
     *
     * @param buf the buffer; its position advances by what was received
     * @param ms the longest wait, -1 for ever, 0 for none
     * @return the source's address, with the last error cleared; or null on timeout or error
     */
    SocketAddress recvfrom(ByteBuffer buf, int ms);

    /**
     * Sends all of {@code buf}'s remaining bytes (co's {@code send}). The timeout covers the whole
     * call.
     *
     * @param buf the bytes; its position advances by what was sent
     * @param ms the longest wait in all, -1 for ever
     * @return the number of bytes, or -1 on timeout or error ({@link Errno#EPIPE},
     *     {@link Errno#ECONNRESET}, ...; some bytes may have gone)
     */
    int send(ByteBuffer buf, int ms);

    /**
     * Sends all of {@code buf}'s remaining bytes, waiting for ever (co's default {@code ms = -1}).
     *
     * @param buf the bytes
     * @return the number of bytes, or -1 on error
     */
    default int send(ByteBuffer buf) {
        return send(buf, -1);
    }

    /**
     * Sends part of an array, as {@link #send(ByteBuffer, int)}.
     *
     * @param b the array
     * @param off where to start
     * @param len how many bytes
     * @param ms the longest wait in all, -1 for ever
     * @return {@code len}, or -1 on timeout or error
     */
    default int send(byte[] b, int off, int len, int ms) {
        return send(ByteBuffer.wrap(b, off, len), ms);
    }

    /**
     * Sends one datagram to {@code to} (co's {@code sendto}); with {@code to == null} it is
     * {@link #send}. A UDP payload is at most 65507 bytes.
     *
     * @param buf the datagram
     * @param to the destination, or null for the connected peer
     * @param ms the longest wait, -1 for ever
     * @return the number of bytes, or -1 on timeout or error ({@link Errno#EMSGSIZE} if too long)
     */
    int sendto(ByteBuffer buf, SocketAddress to, int ms);

    /**
     * Closes the socket at once; same as {@code close(0)}. Safe to call more than once and from any
     * thread; a coroutine blocked in this socket wakes with {@link Errno#EBADF}.
     */
    @Override
    void close();

    /**
     * Closes the socket (co's {@code close(fd, ms)}): with {@code ms > 0}, first sleeps that long
     * (so a peer can read what was sent; a coroutine sleeps, a plain thread blocks), then closes.
     *
     * @param ms how long to wait before closing, 0 (or negative) for none
     * @return 0, or -1 on error: {@link Errno#EBADF} at once if the socket is already closed
     */
    int close(int ms);

    /**
     * Half-closes the connection (co's {@code shutdown}). Never blocks.
     *
     * @param how {@code 'r'} for reading, {@code 'w'} for writing, {@code 'b'} for both
     * @return 0, or -1 on error ({@link Errno#EINVAL} for another {@code how},
     *     {@link Errno#ENOTCONN}, ...)
     */
    int shutdown(char how);

    /**
     * Half-closes both directions (co's {@code shutdown} with its default {@code 'b'}); see
     * {@link #shutdown(char)}. Never blocks.
     *
     * @return 0, or -1 on error
     */
    default int shutdown() {
        return shutdown('b');
    }

    /**
     * Resets a TCP connection (co's {@code reset_tcp_socket}): closes it with an RST, so this side
     * does not enter TIME_WAIT. With {@code ms > 0}, first sleeps that long.
     *
     * @param ms how long to wait before the reset, 0 (or negative) for none
     * @return 0, or -1 on error: {@link Errno#EBADF} at once if the socket is already closed
     */
    int reset(int ms);

    /**
     * Resets a TCP connection at once (co's {@code reset_tcp_socket} with its default
     * {@code ms = 0}); see {@link #reset(int)}.
     *
     * @return 0, or -1 on error
     */
    default int reset() {
        return reset(0);
    }

    /**
     * Reads a socket option (co's {@code getsockopt}).
     *
     * @param option the option
     * @param <T> the option's type
     * @return the value, or null on error ({@link Errno#EOPNOTSUPP} if this socket lacks it)
     */
    <T> T getOption(SocketOption<T> option);

    /**
     * Sets a socket option (co's {@code setsockopt}).
     *
     * @param option the option
     * @param value its value
     * @param <T> the option's type
     * @return 0, or -1 on error
     */
    <T> int setOption(SocketOption<T> option, T value);

    /**
     * Sets {@code SO_REUSEADDR} (co's {@code set_reuseaddr}).
     *
     * @return 0, or -1 on error
     */
    default int setReuseAddr() {
        return setOption(StandardSocketOptions.SO_REUSEADDR, Boolean.TRUE);
    }

    /**
     * Sets {@code SO_RCVBUF} (co's {@code set_recv_buffer_size}); call before connect or listen.
     *
     * @param bytes the size
     * @return 0, or -1 on error
     */
    default int setRecvBufferSize(int bytes) {
        return setOption(StandardSocketOptions.SO_RCVBUF, bytes);
    }

    /**
     * Sets {@code SO_SNDBUF} (co's {@code set_send_buffer_size}); call before connect or listen.
     *
     * @param bytes the size
     * @return 0, or -1 on error
     */
    default int setSendBufferSize(int bytes) {
        return setOption(StandardSocketOptions.SO_SNDBUF, bytes);
    }

    /**
     * Sets {@code SO_KEEPALIVE} (co's {@code set_tcp_keepalive}).
     *
     * @return 0, or -1 on error
     */
    default int setTcpKeepAlive() {
        return setOption(StandardSocketOptions.SO_KEEPALIVE, Boolean.TRUE);
    }

    /**
     * Sets {@code TCP_NODELAY} (co's {@code set_tcp_nodelay}).
     *
     * @return 0, or -1 on error
     */
    default int setTcpNoDelay() {
        return setOption(StandardSocketOptions.TCP_NODELAY, Boolean.TRUE);
    }

    /**
     * Returns the peer's address as text (co's {@code peer}): {@code "ip:port"},
     * {@code "[v6]:port"}, or the path of a Unix-domain peer.
     *
     * @return the text, or an empty string if not connected
     */
    default String peer() {
        SocketAddress a = remoteAddress();
        return a == null ? "" : Co.toString(a);
    }

    /**
     * Returns the connected peer's address.
     *
     * @return the address, or null if not connected
     */
    SocketAddress remoteAddress();

    /**
     * Returns the local address.
     *
     * @return the address, or null if not bound
     */
    SocketAddress localAddress();

    /**
     * Tells whether the socket is open.
     *
     * @return false once closed
     */
    boolean isOpen();

    /**
     * Returns a blocking {@link InputStream} over this stream socket, for libraries that want one.
     * {@code read} waits up to {@code ms} per call and throws
     * {@link java.net.SocketTimeoutException} on timeout, {@link java.io.IOException} (with
     * {@link Co#strerror()}'s text) on error, and returns -1 when the peer closed. Closing the
     * stream closes the socket.
     *
     * @param ms the longest wait per read, -1 for ever
     * @return the stream
     */
    default InputStream inputStream(int ms) {
        return SockStreams.input(this, ms);
    }

    /**
     * Returns a blocking {@link OutputStream} over this stream socket. {@code write} sends all bytes,
     * waiting up to {@code ms} per call, and throws {@link java.net.SocketTimeoutException} or
     * {@link java.io.IOException} on failure. Closing the stream closes the socket.
     *
     * @param ms the longest wait per write, -1 for ever
     * @return the stream
     */
    default OutputStream outputStream(int ms) {
        return SockStreams.output(this, ms);
    }

    /**
     * Returns a blocking {@link ByteChannel} over this stream socket: {@code read} returns -1 at end
     * of stream, {@code write} writes everything; both wait up to {@code ms} and throw
     * {@link java.net.SocketTimeoutException} or {@link java.io.IOException} on failure.
     *
     * @param ms the longest wait per call, -1 for ever
     * @return the channel
     */
    default ByteChannel byteChannel(int ms) {
        return SockStreams.channel(this, ms);
    }
}
