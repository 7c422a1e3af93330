package co.itests.osgi.probe;

import co.api.Co;
import co.api.Sock;
import co.api.Transport;
import co.sync.Chan;
import co.sync.WaitGroup;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The code that runs inside the OSGi framework, in the test bundle {@code co.itests.probe}: it sees
 * co only through the packages its bundle imports ({@code co.api}), as a user's bundle would.
 * {@link co.itests.osgi.launcher.Launcher} calls {@link #run(String)} by reflection; each step
 * answers with one line of text that the test checks.
 */
public final class Probe {

    private Probe() {
    }

    /**
     * Runs one step.
     *
     * @param step {@code scheduler}, {@code sync}, {@code lookup:NAME}, {@code echo:NAME} or {@code stop}
     * @return the outcome, one line
     * @throws Exception if the step fails in an unexpected way
     */
    public static String run(String step) throws Exception {
        if (step.equals("scheduler")) {
            return scheduler();
        }
        if (step.startsWith("lookup:")) {
            String name = step.substring("lookup:".length());
            try {
                return "found " + Co.transport(name).name();
            } catch (IllegalArgumentException e) {
                return "missing " + e.getMessage();
            }
        }
        if (step.startsWith("echo:")) {
            return echo(Co.transport(step.substring("echo:".length())));
        }
        if (step.equals("sync")) {
            WaitGroup wg = new WaitGroup();
            Chan<Integer> chan = new Chan<>(8);
            AtomicLong sum = new AtomicLong();
            wg.add(2);
            Co.go(() -> {
                for (int i = 1; i <= 100; i++) {
                    chan.send(i);
                }
                chan.close();
                wg.done();
            });
            Co.go(() -> {
                for (Integer v = chan.recv(); v != null; v = chan.recv()) {
                    sum.addAndGet(v);
                }
                wg.done();
            });
            return "waited=" + wg.await(10_000) + " sum=" + sum.get();
        }
        if (step.equals("stop")) {
            Co.stop();
            return "stopped";
        }
        throw new IllegalArgumentException("no step " + step);
    }

    /** Runs 1000 coroutines that sleep and check their ids; names the scheduler provider. */
    private static String scheduler() throws InterruptedException {
        int count = 1000;
        CountDownLatch done = new CountDownLatch(count);
        AtomicLong bad = new AtomicLong();
        for (int i = 0; i < count; i++) {
            Co.go(() -> {
                Co.sleep(1);
                if (Co.coroutineId() % Co.schedulerNum() != Co.schedulerId()) {
                    bad.incrementAndGet();
                }
                done.countDown();
            });
        }
        boolean ran = done.await(30, TimeUnit.SECONDS);
        return "provider=" + Co.runtime().name() + " ran=" + ran + " bad=" + bad.get();
    }

    /**
     * An echo server and a client in coroutines over {@code transport}, on 127.0.0.1 (which the
     * "mem" transport takes as a name).
     */
    private static String echo(Transport transport) throws Exception {
        Sock server = transport.socket(StandardProtocolFamily.INET, Sock.Type.STREAM);
        if (server == null || server.bind(Co.initIpAddr("127.0.0.1", 0)) != 0 || server.listen() != 0) {
            return "fail server: " + Co.strerror();
        }
        try {
            Co.go(() -> {
                Sock conn = server.accept(10_000);
                if (conn == null) {
                    return;
                }
                try (conn) {
                    ByteBuffer b = ByteBuffer.allocate(4096);
                    while (conn.recv(b.clear(), 10_000) > 0) {
                        if (conn.send(b.flip(), 10_000) < 0) {
                            return;
                        }
                    }
                }
            });
            CompletableFuture<String> result = new CompletableFuture<>();
            Co.go(() -> {
                try (Sock s = transport.socket(StandardProtocolFamily.INET, Sock.Type.STREAM)) {
                    if (s.connect(server.localAddress(), 10_000) != 0) {
                        result.complete("fail connect: " + Co.strerror());
                        return;
                    }
                    byte[] msg = ("hello over " + transport.name()).getBytes(StandardCharsets.UTF_8);
                    long total = 0;
                    for (int i = 0; i < 100; i++) {
                        byte[] back = new byte[msg.length];
                        if (s.send(ByteBuffer.wrap(msg), 10_000) != msg.length
                                || s.recvn(ByteBuffer.wrap(back), 10_000) != msg.length) {
                            result.complete("fail echo: " + Co.strerror());
                            return;
                        }
                        if (!Arrays.equals(msg, back)) {
                            result.complete("fail echo: wrong bytes");
                            return;
                        }
                        total += back.length;
                    }
                    result.complete("ok " + total + " bytes via " + s.transport().name());
                } catch (RuntimeException e) {
                    result.complete("fail " + e);
                }
            });
            return result.get(30, TimeUnit.SECONDS);
        } finally {
            server.close();
        }
    }
}
