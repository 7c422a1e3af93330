package co.itest.app;

import co.api.Co;
import co.api.Sock;
import co.api.Transport;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** A module-path application: runs coroutines and probes co's encapsulation; reports on stdout. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) throws Exception {
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
        System.out.println("provider=" + Co.runtime().name() + " ran=" + ran + " bad=" + bad.get());
        System.out.println("internalScheduler=" + probe("co.scheduler.internal.AffineProvider"));
        System.out.println("internalApi=" + probe("co.api.internal.Providers"));
        System.out.println("module=" + Co.class.getModule().getName());
        for (String name : List.of("nio", "tls", "mem")) {
            System.out.println("transport " + name + "=" + lookup(name));
        }
        for (String name : List.of("nio", "mem")) {
            System.out.println("echo " + name + "=" + echo(Co.transport(name)));
        }
        Co.stop();
    }

    /** "found" if a provider of that name is bound through provides/uses, else co's error message. */
    private static String lookup(String name) {
        try {
            return Co.transport(name).name().equals(name) ? "found" : "wrong name";
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    /** An echo between two coroutines over {@code transport} on 127.0.0.1 (a name for "mem"). */
    private static String echo(Transport transport) throws Exception {
        Sock server = transport.socket(StandardProtocolFamily.INET, Sock.Type.STREAM);
        if (server.bind(Co.initIpAddr("127.0.0.1", 0)) != 0 || server.listen() != 0) {
            return "server failed: " + Co.strerror();
        }
        Co.go(() -> {
            try (Sock conn = server.accept(10_000)) {
                ByteBuffer b = ByteBuffer.allocate(256);
                while (conn != null && conn.recv(b.clear(), 10_000) > 0 && conn.send(b.flip(), 10_000) > 0) {
                    // echo until the client closes
                }
            }
        });
        CompletableFuture<String> result = new CompletableFuture<>();
        Co.go(() -> {
            try (Sock s = transport.socket(StandardProtocolFamily.INET, Sock.Type.STREAM)) {
                byte[] back = new byte[5];
                boolean ok = s.connect(server.localAddress(), 10_000) == 0
                        && s.send(ByteBuffer.wrap("hello".getBytes(StandardCharsets.UTF_8)), 10_000) == 5
                        && s.recvn(ByteBuffer.wrap(back), 10_000) == 5;
                result.complete(ok ? new String(back, StandardCharsets.UTF_8) : "failed: " + Co.strerror());
            }
        });
        try {
            return result.get(30, TimeUnit.SECONDS);
        } finally {
            server.close();
        }
    }

    /** "hidden" if the class exists but its package is not open to this module. */
    private static String probe(String name) {
        try {
            Class<?> c = Class.forName(name);
            c.getDeclaredConstructor().newInstance();
            return "accessible";
        } catch (IllegalAccessException e) {
            return "hidden";
        } catch (ClassNotFoundException e) {
            return "missing";
        } catch (ReflectiveOperationException e) {
            return "hidden";
        }
    }
}
