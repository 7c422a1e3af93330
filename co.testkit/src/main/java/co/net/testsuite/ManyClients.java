package co.net.testsuite;

import co.api.Co;
import co.api.Sock;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.CRC32;

/**
 * The client side of the many-connections test, run in its own JVM so that the test JVM's file
 * descriptors suffice for the server side. It opens {@code count} connections (at most
 * {@code inFlight} connects at a time), waits until all are open, then on each sends
 * {@code bytes} pseudo-random bytes, receives the echo and compares checksums.
 *
 * <p>Arguments: factory class, factory variant, scheduler provider, server address
 * ({@link AddressText}), count, bytes per connection, result file. The result file gets
 * {@code ok CONNECTIONS BYTES} or {@code fail REASON}; the exit status is 0 only for ok.
 */
public final class ManyClients {

    private ManyClients() {
    }

    /**
     * Runs the clients.
     *
     * @param args see the class comment
     * @throws Exception on a setup failure
     */
    public static void main(String[] args) throws Exception {
        SockFactory factory = (SockFactory) Class.forName(args[0]).getConstructor(String.class).newInstance(args[1]);
        SocketAddress server = AddressText.parse(args[3]);
        int count = Integer.parseInt(args[4]);
        int bytes = Integer.parseInt(args[5]);
        Path result = Path.of(args[6]);
        String outcome;
        try (Coroutines co = Coroutines.start(args[2], 2)) {
            outcome = run(co, factory, server, count, bytes);
        } catch (Throwable t) {
            outcome = "fail " + t;
        }
        Files.writeString(result, outcome, StandardCharsets.UTF_8);
        // halt: coroutines abandoned by a failed run must not keep the JVM alive.
        Runtime.getRuntime().halt(outcome.startsWith("ok") ? 0 : 1);
    }

    private static String run(Coroutines co, SockFactory factory, SocketAddress server, int count, int bytes)
            throws Exception {
        Sock[] socks = new Sock[count];
        CountDownLatch connected = new CountDownLatch(count);
        CountDownLatch done = new CountDownLatch(count);
        Semaphore connecting = new Semaphore(200);
        AtomicReference<String> firstFailure = new AtomicReference<>();
        AtomicLong echoed = new AtomicLong();
        AtomicLong open = new AtomicLong();
        for (int i = 0; i < count; i++) {
            int id = i;
            co.runtime().go(() -> {
                try {
                    String failure = client(id, factory, server, bytes, socks, connected, connecting, echoed, open);
                    if (failure != null) {
                        firstFailure.compareAndSet(null, "connection " + id + ": " + failure);
                    }
                } catch (Throwable t) {
                    firstFailure.compareAndSet(null, "connection " + id + ": " + t);
                } finally {
                    if (socks[id] != null) {
                        socks[id].close();
                    }
                    done.countDown();
                }
            });
        }
        if (!done.await(150, java.util.concurrent.TimeUnit.SECONDS)) {
            return "fail timed out; connected " + (count - connected.getCount()) + ", echoed " + echoed.get();
        }
        if (firstFailure.get() != null) {
            return "fail " + firstFailure.get();
        }
        return "ok " + open.get() + " " + echoed.get();
    }

    private static String client(int id, SockFactory factory, SocketAddress server, int bytes, Sock[] socks,
            CountDownLatch connected, Semaphore connecting, AtomicLong echoed, AtomicLong open) throws Exception {
        Sock s = factory.clientSocket();
        if (s == null) {
            connected.countDown();
            return "socket: " + Co.strerror();
        }
        socks[id] = s;
        connecting.acquire();
        int r;
        try {
            r = s.connect(server, 60_000);
        } finally {
            connecting.release();
        }
        if (r != 0) {
            connected.countDown();
            return "connect: " + Co.strerror();
        }
        open.incrementAndGet();
        connected.countDown();
        connected.await();                                   // all connections are open at once
        byte[] out = new byte[bytes];
        new SplittableRandom(id).nextBytes(out);
        CRC32 sent = new CRC32();
        sent.update(out);
        if (s.send(ByteBuffer.wrap(out), 30_000) != bytes) {
            return "send: " + Co.strerror();
        }
        byte[] in = new byte[bytes];
        int got = s.recvn(ByteBuffer.wrap(in), 30_000);
        if (got != bytes) {
            return "recvn returned " + got + ": " + Co.strerror();
        }
        CRC32 back = new CRC32();
        back.update(in);
        if (back.getValue() != sent.getValue() || !Arrays.equals(in, out)) {
            return "echo differs";
        }
        echoed.addAndGet(bytes);
        return null;
    }
}
