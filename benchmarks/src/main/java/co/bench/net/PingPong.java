package co.bench.net;

import co.api.Co;
import co.api.Sock;
import co.api.spi.CoRuntime;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Round-trip latency of one 64-byte TCP ping-pong over loopback, client and server coroutines on
 * the two schedulers of one runtime: what a request/response costs the transport and the scheduler
 * without a second process. Prints p50/p90/p99 per scheduler provider.
 *
 * <pre>
 * java --add-opens java.base/java.lang=ALL-UNNAMED -cp benchmarks/target/benchmarks.jar co.bench.net.PingPong [affine,virtual]
 * </pre>
 */
public final class PingPong {

    private static final int WARMUP = 5_000;
    private static final int ROUNDS = 20_000;

    private PingPong() {
    }

    /**
     * Runs.
     *
     * @param args comma-separated scheduler providers
     * @throws Exception on failure
     */
    public static void main(String[] args) throws Exception {
        for (String provider : (args.length > 0 ? args[0] : "affine,virtual").split(",")) {
            System.out.println(run(provider));
        }
    }

    private static String run(String provider) throws Exception {
        CoRuntime rt = CoRuntime.create(provider, 2);
        try {
            Sock server = Co.tcpSocket();
            server.bind(Co.initIpAddr("127.0.0.1", 0));
            server.listen();
            rt.schedulers().get(0).go(() -> {
                try (Sock c = server.accept()) {
                    c.setTcpNoDelay();
                    ByteBuffer b = ByteBuffer.allocateDirect(64);
                    for (;;) {
                        b.clear();
                        if (c.recvn(b, -1) <= 0) {
                            return;
                        }
                        b.flip();
                        c.send(b, -1);
                    }
                }
            });
            CompletableFuture<long[]> result = new CompletableFuture<>();
            rt.schedulers().get(1).go(() -> {
                try (Sock c = Co.tcpSocket()) {
                    c.connect(server.localAddress(), -1);
                    c.setTcpNoDelay();
                    ByteBuffer b = ByteBuffer.allocateDirect(64);
                    long[] t = new long[ROUNDS];
                    for (int i = 0; i < WARMUP + ROUNDS; i++) {
                        long t0 = System.nanoTime();
                        b.clear();
                        c.send(b, -1);
                        b.clear();
                        c.recvn(b, -1);
                        if (i >= WARMUP) {
                            t[i - WARMUP] = System.nanoTime() - t0;
                        }
                    }
                    result.complete(t);
                } catch (Throwable e) {
                    result.completeExceptionally(e);
                }
            });
            long[] t = result.get(120, TimeUnit.SECONDS);
            server.close();
            Arrays.sort(t);
            return String.format(Locale.ROOT, "%-8s round trip µs: p50 %.1f  p90 %.1f  p99 %.1f", provider,
                    t[ROUNDS / 2] / 1e3, t[ROUNDS * 9 / 10] / 1e3, t[ROUNDS * 99 / 100] / 1e3);
        } finally {
            rt.stop();
        }
    }
}
