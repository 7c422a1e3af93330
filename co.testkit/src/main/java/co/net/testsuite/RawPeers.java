package co.net.testsuite;

import java.io.IOException;
import java.net.ProtocolFamily;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Fault doubles: peers made of plain blocking JDK channels on platform threads, speaking raw bytes.
 * Usable with a transport whose {@link SockFactory#plainWire()} is true.
 */
public final class RawPeers {

    private RawPeers() {
    }

    /** What a raw peer does with one accepted connection. */
    @FunctionalInterface
    public interface Handler {
        /**
         * Handles the connection; the peer closes it afterwards unless the handler did.
         *
         * @param ch the blocking channel
         * @throws Exception anything; recorded in {@link Peer#failures()}
         */
        void handle(SocketChannel ch) throws Exception;
    }

    /** A raw listener and the threads serving its connections. */
    public static final class Peer implements AutoCloseable {
        private final ServerSocketChannel server;
        private final Thread acceptor;
        private final List<Throwable> failures = new CopyOnWriteArrayList<>();
        private final List<SocketChannel> connections = new CopyOnWriteArrayList<>();

        private Peer(ServerSocketChannel server, Handler handler) {
            this.server = server;
            this.acceptor = Thread.ofPlatform().daemon().name("raw-peer-acceptor").start(() -> {
                while (server.isOpen()) {
                    SocketChannel ch;
                    try {
                        ch = server.accept();
                    } catch (IOException e) {
                        return;                              // closed
                    }
                    connections.add(ch);
                    Thread.ofPlatform().daemon().name("raw-peer").start(() -> {
                        try (ch) {
                            handler.handle(ch);
                        } catch (Throwable t) {
                            failures.add(t);
                        }
                    });
                }
            });
        }

        /**
         * Returns where the peer listens.
         *
         * @return the address
         * @throws IOException if the listener is closed
         */
        public SocketAddress address() throws IOException {
            return server.getLocalAddress();
        }

        /**
         * Returns what the handlers threw.
         *
         * @return the failures
         */
        public List<Throwable> failures() {
            return failures;
        }

        @Override
        public void close() throws IOException {
            server.close();
            for (SocketChannel c : connections) {
                c.close();
            }
            try {
                acceptor.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Listens on {@code at} and serves each connection with {@code handler} on its own thread.
     *
     * @param family the family of {@code at}
     * @param at where to listen
     * @param backlog the listen backlog
     * @param handler what to do per connection
     * @return the peer
     * @throws IOException if it cannot listen
     */
    public static Peer serve(ProtocolFamily family, SocketAddress at, int backlog, Handler handler) throws IOException {
        ServerSocketChannel s = ServerSocketChannel.open(family);
        s.bind(at, backlog);
        return new Peer(s, handler);
    }

    /**
     * An echo peer that writes everything back one byte per write call: the receiver sees a
     * chunked stream.
     *
     * @param family the family
     * @param at where to listen
     * @return the peer
     * @throws IOException if it cannot listen
     */
    public static Peer chunkingEcho(ProtocolFamily family, SocketAddress at) throws IOException {
        return serve(family, at, 16, ch -> {
            noDelay(ch);
            ByteBuffer in = ByteBuffer.allocate(8192);
            ByteBuffer one = ByteBuffer.allocate(1);
            while (ch.read(in) > 0) {
                in.flip();
                while (in.hasRemaining()) {
                    one.clear();
                    one.put(in.get()).flip();
                    while (one.hasRemaining()) {
                        ch.write(one);
                    }
                }
                in.clear();
            }
        });
    }

    /**
     * A peer that reads {@code readFirst} bytes, writes {@code writeBytes} bytes, and then resets the
     * connection: TCP with SO_LINGER 0 (RST); any stream, by closing while bytes it never read are
     * queued (Linux then reports ECONNRESET to the other end).
     *
     * @param family the family
     * @param at where to listen
     * @param readFirst how many bytes to read before writing; the client must send more than this
     * @param writeBytes how many bytes to write before the reset
     * @return the peer
     * @throws IOException if it cannot listen
     */
    public static Peer resetting(ProtocolFamily family, SocketAddress at, int readFirst, int writeBytes) throws IOException {
        return serve(family, at, 16, ch -> {
            ByteBuffer first = ByteBuffer.allocate(readFirst);
            while (first.hasRemaining() && ch.read(first) > 0) {
                // read exactly readFirst bytes, leave the rest unread
            }
            ByteBuffer out = ByteBuffer.allocate(writeBytes);
            while (out.hasRemaining()) {
                ch.write(out);
            }
            if (family != StandardProtocolFamily.UNIX) {
                ch.setOption(StandardSocketOptions.SO_LINGER, 0);
            }
            ch.close();
        });
    }

    /**
     * Connects to {@code to}, writes {@code message} one byte per write call, then reads
     * {@code replyBytes} bytes.
     *
     * @param family the family
     * @param to the server
     * @param message what to send
     * @param replyBytes how many bytes to read back
     * @return the reply
     * @throws IOException on failure
     */
    public static byte[] chunkingClient(ProtocolFamily family, SocketAddress to, byte[] message, int replyBytes)
            throws IOException {
        try (SocketChannel ch = SocketChannel.open(family)) {
            ch.connect(to);
            noDelay(ch);
            ByteBuffer one = ByteBuffer.allocate(1);
            for (byte b : message) {
                one.clear();
                one.put(b).flip();
                while (one.hasRemaining()) {
                    ch.write(one);
                }
            }
            ByteBuffer reply = ByteBuffer.allocate(replyBytes);
            while (reply.hasRemaining()) {
                if (ch.read(reply) < 0) {
                    throw new IOException("peer closed after " + reply.position() + " of " + replyBytes + " bytes");
                }
            }
            return reply.array();
        }
    }

    private static void noDelay(SocketChannel ch) throws IOException {
        if (ch.supportedOptions().contains(StandardSocketOptions.TCP_NODELAY)) {
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
        }
    }
}
