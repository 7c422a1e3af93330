package co.net.nio.internal;

import co.api.Errno;
import co.api.Sock;
import co.api.spi.CoContext;
import co.api.spi.Deadline;
import co.api.spi.Errors;
import co.api.spi.Poller;
import java.io.IOException;
import java.net.ProtocolFamily;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.NetworkChannel;
import java.nio.channels.SelectionKey;
import java.util.Objects;

/**
 * A UDP socket over IPv4 or IPv6.
 *
 * <p>{@link #connect} fixes the peer (no packets are exchanged, so it never waits); then
 * {@link #recv} and {@link #send} work on it, and ICMP "port unreachable" shows as
 * {@link Errno#ECONNREFUSED}. Unconnected, {@link #recvfrom} / {@link #sendto} name the other end.
 * A payload is at most {@value #MAX_PAYLOAD} bytes ({@link Errno#EMSGSIZE} beyond, as co says);
 * a datagram longer than the receive buffer is truncated.
 *
 * <p>Thread safety: see {@link NioSock}.
 */
final class NioDatagramSock extends NioSock {

    /** The largest UDP payload: 65535 - 8 (UDP header) - 20 (IPv4 header). */
    static final int MAX_PAYLOAD = 65507;

    private final DatagramChannel channel;

    NioDatagramSock(NioTransport transport, ProtocolFamily family, DatagramChannel channel) {
        super(transport, family);
        this.channel = channel;
    }

    @Override
    public Type type() {
        return Type.DATAGRAM;
    }

    @Override
    NetworkChannel channel() {
        return channel;
    }

    @Override
    void closeChannels() {
        closeChannel(channel);
    }

    @Override
    public int bind(SocketAddress local) {
        Objects.requireNonNull(local, "local");
        CoContext.current().clearTimeout();
        if (isClosed()) {
            return closedError();
        }
        try {
            channel.bind(local);
            return 0;
        } catch (IOException | RuntimeException e) {
            return failure(e);
        }
    }

    @Override
    public int listen(int backlog) {
        CoContext.current().clearTimeout();
        return Errors.fail(Errno.EOPNOTSUPP, "listen on a datagram socket");
    }

    @Override
    public Sock accept(int ms) {
        CoContext.current().clearTimeout();
        Errors.fail(Errno.EOPNOTSUPP, "accept on a datagram socket");
        return null;
    }

    @Override
    public int connect(SocketAddress remote, int ms) {
        Objects.requireNonNull(remote, "remote");
        CoContext.current().clearTimeout();
        if (isClosed()) {
            return closedError();
        }
        try {
            channel.connect(remote);
            return 0;
        } catch (IOException | RuntimeException e) {
            return failure(e);
        }
    }

    private int failure(Exception e) {
        if (e instanceof NullPointerException npe) {
            throw npe;
        }
        return isClosed() ? closedError() : Errors.fail(e);
    }

    @Override
    public int recv(ByteBuffer buf, int ms) {
        // receive() rather than read(): it tells an empty datagram (address, 0 bytes) from none.
        int before = buf.position();
        return recvfrom(buf, ms) == null ? -1 : buf.position() - before;
    }

    @Override
    public SocketAddress recvfrom(ByteBuffer buf, int ms) {
        CoContext.current().clearTimeout();
        if (isClosed()) {
            closedError();
            return null;
        }
        Poller poller = null;
        Deadline deadline = Deadline.NONE;
        try {
            for (;;) {
                SocketAddress from = channel.receive(buf);
                if (from != null) {
                    return from;
                }
                if (poller == null) {
                    poller = poller();
                    deadline = Deadline.after(ms);
                }
                if (!await(poller, channel, SelectionKey.OP_READ, deadline, true)) {
                    return null;
                }
            }
        } catch (IOException | RuntimeException e) {
            failure(e);
            return null;
        } finally {
            release(poller, channel, SelectionKey.OP_READ);
        }
    }

    @Override
    public int send(ByteBuffer buf, int ms) {
        if (!channel.isConnected()) {
            CoContext.current().clearTimeout();
            return isClosed() ? closedError() : Errors.fail(Errno.ENOTCONN, "datagram socket has no peer: use sendto");
        }
        return sendto(buf, null, ms);
    }

    @Override
    public int sendto(ByteBuffer buf, SocketAddress to, int ms) {
        CoContext.current().clearTimeout();
        if (isClosed()) {
            return closedError();
        }
        int n = buf.remaining();
        if (n > MAX_PAYLOAD) {
            return Errors.fail(Errno.EMSGSIZE, n + " bytes; a UDP payload is at most " + MAX_PAYLOAD);
        }
        if (to == null && !channel.isConnected()) {
            return Errors.fail(Errno.ENOTCONN, "datagram socket has no peer: give an address");
        }
        Poller poller = null;
        Deadline deadline = Deadline.NONE;
        try {
            for (;;) {
                // A datagram goes whole or not at all: 0 means no room in the send buffer yet.
                int sent = to == null ? channel.write(buf) : channel.send(buf, to);
                if (sent > 0 || n == 0) {
                    return sent;
                }
                if (poller == null) {
                    poller = poller();
                    deadline = Deadline.after(ms);
                }
                if (!await(poller, channel, SelectionKey.OP_WRITE, deadline, false)) {
                    return -1;
                }
            }
        } catch (IOException | RuntimeException e) {
            return failure(e);
        } finally {
            release(poller, channel, SelectionKey.OP_WRITE);
        }
    }

    @Override
    public int shutdown(char how) {
        CoContext.current().clearTimeout();
        return Errors.fail(Errno.EOPNOTSUPP, "shutdown on a datagram socket");
    }

    @Override
    public int reset(int ms) {
        return close(ms);
    }

    @Override
    public <T> int setOption(SocketOption<T> option, T value) {
        Objects.requireNonNull(option, "option");
        CoContext.current().clearTimeout();
        if (isClosed()) {
            return closedError();
        }
        try {
            channel.setOption(option, value);
            return 0;
        } catch (IOException | RuntimeException e) {
            return failure(e);
        }
    }

    @Override
    public SocketAddress remoteAddress() {
        try {
            return isClosed() ? null : channel.getRemoteAddress();
        } catch (IOException e) {
            return null;
        }
    }
}
