package co.net.nio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import co.api.Co;
import co.net.testsuite.Coroutines;
import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * co's "system API hook", which the affine scheduler gets from the JDK: a blocking JDK call
 * ({@link java.net.Socket}, {@link HttpClient}) in a coroutine suspends that coroutine, not its
 * scheduling thread. With one scheduler, a second coroutine must run while the first is blocked,
 * and the peer answers the blocked call only after the second one ran (or after 10 s, which fails
 * the test).
 */
class HookTest {

    private Coroutines co;

    /**
     * Starts the JDK's I/O pollers for virtual threads from a plain virtual thread first. On JDK 25
     * they are virtual threads themselves, started by the first virtual thread that blocks on a
     * socket, and they run where it runs: started from a coroutine of a runtime that is later
     * stopped (as each test's runtime is), they would be stranded and every later blocking JDK
     * socket call in a virtual thread of this JVM would hang. Reported to the scheduler's owner;
     * this keeps the rest of the test JVM out of it.
     */
    @BeforeAll
    static void startJdkPollersOnTheDefaultScheduler() throws Exception {
        try (ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread t = Thread.ofVirtual().start(() -> {
                try (Socket s = new Socket(InetAddress.getLoopbackAddress(), ss.getLocalPort())) {
                    s.setSoTimeout(1);
                    s.getInputStream().read();
                } catch (java.io.IOException expected) {
                    // the read times out: its job was to start the pollers
                }
            });
            Socket accepted = ss.accept();
            try {
                t.join(10_000);
            } finally {
                accepted.close();
            }
        }
    }

    @BeforeEach
    void start() {
        co = Coroutines.start("affine", 1);
    }

    @AfterEach
    void stop() {
        co.close();
    }

    /** Starts a coroutine that waits until {@code blocked} is parked and then counts down {@code ran}. */
    private CompletableFuture<Void> other(AtomicReference<Thread> blocked, CountDownLatch ran) {
        return co.go(() -> {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (blocked.get() == null || blocked.get().getState() == Thread.State.RUNNABLE) {
                assertTrue(System.nanoTime() < end, "the blocking coroutine never parked");
                Co.sleep(1);
            }
            ran.countDown();
        });
    }

    @Test
    @Timeout(30)
    void javaNetSocketSuspendsOnlyItsCoroutine() throws Exception {
        CountDownLatch ran = new CountDownLatch(1);
        try (ServerSocket ss = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread peer = Thread.ofPlatform().start(() -> {
                try (Socket s = ss.accept(); OutputStream out = s.getOutputStream()) {
                    out.write(ran.await(10, TimeUnit.SECONDS) ? 'y' : 'n');
                } catch (Exception e) {
                    // the test's assertion reports it
                }
            });
            AtomicReference<Thread> blocked = new AtomicReference<>();
            CompletableFuture<Integer> reader = co.go(() -> {
                try (Socket s = new Socket(InetAddress.getLoopbackAddress(), ss.getLocalPort())) {
                    s.setSoTimeout(20_000);
                    blocked.set(Thread.currentThread());
                    return s.getInputStream().read();
                }
            });
            CompletableFuture<Void> other = other(blocked, ran);
            assertEquals('y', (int) Coroutines.await(reader), "the other coroutine ran while read() blocked");
            Coroutines.await(other);
            peer.join(10_000);
        }
    }

    @Test
    @Timeout(30)
    void httpClientSuspendsOnlyItsCoroutine() throws Exception {
        CountDownLatch ran = new CountDownLatch(1);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.setExecutor(Executors.newSingleThreadExecutor());
        server.createContext("/", exchange -> {
            boolean first;
            try {
                first = ran.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                first = false;
            }
            byte[] body = (first ? "ran" : "stalled").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        HttpClient client = HttpClient.newHttpClient();
        try {
            URI uri = URI.create("http://" + Co.toString(server.getAddress()) + "/");
            AtomicReference<Thread> blocked = new AtomicReference<>();
            CompletableFuture<String> call = co.go(() -> {
                blocked.set(Thread.currentThread());
                return client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()).body();
            });
            CompletableFuture<Void> other = other(blocked, ran);
            assertEquals("ran", Coroutines.await(call), "the other coroutine ran while send() blocked");
            Coroutines.await(other);
        } finally {
            client.shutdownNow();
            server.stop(0);
            ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
        }
    }
}
