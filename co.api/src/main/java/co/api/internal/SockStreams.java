package co.api.internal;

import co.api.Co;
import co.api.Sock;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.ClosedChannelException;
import java.util.Objects;

/** The Java views ({@link InputStream}, {@link OutputStream}, {@link ByteChannel}) over a {@link Sock}. */
public final class SockStreams {

    private SockStreams() {
    }

    static IOException failure(String what) {
        if (Co.timeout()) {
            return new SocketTimeoutException(what + " timed out");
        }
        return new IOException(what + " failed: " + Co.strerror());
    }

    static int read(Sock sock, ByteBuffer dst, int ms) throws IOException {
        if (!sock.isOpen()) {
            throw new ClosedChannelException();
        }
        if (!dst.hasRemaining()) {
            return 0;
        }
        int n = sock.recv(dst, ms);
        if (n > 0) {
            return n;
        }
        if (n == 0) {
            return -1;
        }
        throw failure("read");
    }

    static int write(Sock sock, ByteBuffer src, int ms) throws IOException {
        if (!sock.isOpen()) {
            throw new ClosedChannelException();
        }
        int n = src.remaining();
        if (n == 0) {
            return 0;
        }
        if (sock.send(src, ms) < 0) {
            throw failure("write");
        }
        return n;
    }

    /**
     * An input stream over {@code sock}.
     *
     * @param sock the socket
     * @param ms the per-read timeout
     * @return the stream
     */
    public static InputStream input(Sock sock, int ms) {
        Objects.requireNonNull(sock, "sock");
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                int n = read(one, 0, 1);
                return n < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                Objects.checkFromIndexSize(off, len, b.length);
                if (len == 0) {
                    return 0;
                }
                return SockStreams.read(sock, ByteBuffer.wrap(b, off, len), ms);
            }

            @Override
            public void close() {
                sock.close();
            }
        };
    }

    /**
     * An output stream over {@code sock}.
     *
     * @param sock the socket
     * @param ms the per-write timeout
     * @return the stream
     */
    public static OutputStream output(Sock sock, int ms) {
        Objects.requireNonNull(sock, "sock");
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                Objects.checkFromIndexSize(off, len, b.length);
                SockStreams.write(sock, ByteBuffer.wrap(b, off, len), ms);
            }

            @Override
            public void close() {
                sock.close();
            }
        };
    }

    /**
     * A byte channel over {@code sock}.
     *
     * @param sock the socket
     * @param ms the per-call timeout
     * @return the channel
     */
    public static ByteChannel channel(Sock sock, int ms) {
        Objects.requireNonNull(sock, "sock");
        return new ByteChannel() {
            @Override
            public int read(ByteBuffer dst) throws IOException {
                return SockStreams.read(sock, dst, ms);
            }

            @Override
            public int write(ByteBuffer src) throws IOException {
                return SockStreams.write(sock, src, ms);
            }

            @Override
            public boolean isOpen() {
                return sock.isOpen();
            }

            @Override
            public void close() {
                sock.close();
            }
        };
    }
}
