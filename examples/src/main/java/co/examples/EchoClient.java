package co.examples;

import co.api.Co;
import co.api.Sock;
import co.sync.Pool;
import co.sync.PoolGuard;
import co.sync.WaitGroup;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An echo client in co's client model: many coroutines send requests, and connections come from a
 * {@link Pool} (per scheduler, so coroutines of one scheduler share a few connections instead of
 * one each). A connection that failed is not returned to the pool.
 *
 * <pre>
 * java --add-opens java.base/java.lang=ALL-UNNAMED -cp ... co.examples.EchoClient [port [coroutines [requests]]]
 * </pre>
 */
public final class EchoClient {

    private static final System.Logger LOG = System.getLogger("co.examples");

    private EchoClient() {
    }

    /**
     * Runs the clients against 127.0.0.1 and reports the request rate.
     *
     * @param args optional port (7788), coroutines (100), requests per coroutine (1000)
     * @throws InterruptedException if interrupted
     */
    public static void main(String[] args) throws InterruptedException {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 7788;
        int coroutines = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        int requests = args.length > 2 ? Integer.parseInt(args[2]) : 1000;
        InetSocketAddress server = Co.initIpAddr("127.0.0.1", port);

        // create: connect a new socket; destroy: close it. At most 8 idle connections per scheduler.
        Pool<Sock> pool = new Pool<>(() -> connect(server), Sock::close, 8);
        AtomicLong done = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        WaitGroup wg = new WaitGroup();
        wg.add(coroutines);
        long t0 = System.nanoTime();
        for (int i = 0; i < coroutines; i++) {
            Co.go(() -> {
                byte[] request = "hello co".getBytes();
                ByteBuffer reply = ByteBuffer.allocate(request.length);
                for (int r = 0; r < requests; r++) {
                    try (PoolGuard<Sock> conn = new PoolGuard<>(pool)) {
                        Sock s = conn.get();
                        reply.clear();
                        if (s == null
                                || s.send(ByteBuffer.wrap(request), 5000) != request.length
                                || s.recvn(reply, 5000) != request.length) {
                            failed.incrementAndGet();
                            conn.reset(null);         // broken: close it, do not pool it
                            continue;
                        }
                        done.incrementAndGet();
                    }
                }
                wg.done();
            });
        }
        wg.await();
        double seconds = (System.nanoTime() - t0) / 1e9;
        LOG.log(Level.INFO, String.format("%d requests (%d failed) in %.2f s: %.0f requests/s",
                done.get(), failed.get(), seconds, done.get() / seconds));
        Co.stop();
    }

    private static Sock connect(InetSocketAddress server) {
        Sock s = Co.tcpSocket();
        if (s == null) {
            return null;
        }
        s.setTcpNoDelay();
        if (s.connect(server, 3000) != 0) {
            LOG.log(Level.WARNING, "connect " + Co.toString(server) + ": " + Co.strerror());
            s.close();
            return null;
        }
        return s;
    }
}
