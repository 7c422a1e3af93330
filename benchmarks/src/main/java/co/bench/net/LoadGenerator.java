package co.bench.net;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * The load generator: one thread, one selector, plain non-blocking NIO, the same for every server.
 * Request/response mode keeps {@code depth} requests of {@code size} bytes outstanding on each
 * connection (depth 1: unpipelined) and sends a new request for each complete response. Bulk mode
 * streams 64 KiB writes on each connection, keeping at most 4 MiB unechoed.
 */
final class LoadGenerator {

    /** What a run counted in its measured window. */
    record Result(long requests, long bytes, long nanos) {
    }

    private static final class Conn {
        final SocketChannel ch;
        final ByteBuffer in = ByteBuffer.allocateDirect(256 * 1024);
        ByteBuffer out;
        long sent;
        long received;
        int partial;

        Conn(SocketChannel ch) {
            this.ch = ch;
        }
    }

    private LoadGenerator() {
    }

    static Result run(InetSocketAddress server, int connections, int depth, int size, boolean bulk,
            long warmupNanos, long measureNanos) throws IOException {
        List<Conn> conns = new ArrayList<>();
        try (Selector selector = Selector.open()) {
            byte[] pattern = new byte[bulk ? 64 * 1024 : size * depth];
            for (int i = 0; i < connections; i++) {
                SocketChannel ch = SocketChannel.open(server);
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                ch.configureBlocking(false);
                Conn c = new Conn(ch);
                c.out = ByteBuffer.allocateDirect(Math.max(pattern.length, 64 * 1024));
                c.out.put(pattern).flip();
                conns.add(c);
                ch.register(selector, SelectionKey.OP_READ | SelectionKey.OP_WRITE, c);
            }
            long window = 4L << 20;
            long start = System.nanoTime();
            long measureFrom = start + warmupNanos;
            long end = measureFrom + measureNanos;
            long requests = 0;
            long bytes = 0;
            long requestsAtStart = -1;
            long bytesAtStart = -1;
            ByteBuffer chunk = ByteBuffer.allocateDirect(64 * 1024);
            for (;;) {
                long now = System.nanoTime();
                if (requestsAtStart < 0 && now >= measureFrom) {
                    requestsAtStart = requests;
                    bytesAtStart = bytes;
                }
                if (now >= end) {
                    break;
                }
                selector.select(10);
                for (SelectionKey key : selector.selectedKeys()) {
                    Conn c = (Conn) key.attachment();
                    if (key.isReadable()) {
                        c.in.clear();
                        int n = c.ch.read(c.in);
                        if (n < 0) {
                            throw new IOException("server closed a connection");
                        }
                        c.received += n;
                        bytes += n;
                        if (bulk) {
                            if (c.sent - c.received < window) {
                                key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
                            }
                        } else {
                            int done = (c.partial + n) / size;
                            c.partial = (c.partial + n) % size;
                            requests += done;
                            if (done > 0) {
                                // One new request per response: keep `depth` outstanding.
                                c.out.compact();
                                for (int i = 0; i < done; i++) {
                                    c.out.put(pattern, 0, size);
                                }
                                c.out.flip();
                                key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
                            }
                        }
                    }
                    if (key.isValid() && key.isWritable()) {
                        if (bulk) {
                            if (c.sent - c.received < window) {
                                chunk.clear();
                                c.sent += c.ch.write(chunk);
                            } else {
                                key.interestOps(SelectionKey.OP_READ);
                            }
                        } else {
                            c.ch.write(c.out);
                            if (!c.out.hasRemaining()) {
                                key.interestOps(SelectionKey.OP_READ);
                            }
                        }
                    }
                }
                selector.selectedKeys().clear();
            }
            long measured = System.nanoTime() - measureFrom;
            return new Result(requests - requestsAtStart, bytes - bytesAtStart, measured);
        } finally {
            for (Conn c : conns) {
                c.ch.close();
            }
        }
    }
}
