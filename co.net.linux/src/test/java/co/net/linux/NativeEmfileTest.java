package co.net.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import co.net.nio.EmfileServer;
import co.net.testsuite.ChildJvm;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * EMFILE on accept over the native transports: co.net.nio's {@link EmfileServer} fixture in a
 * child JVM limited to 512 descriptors, its default transport (and backend) set to epoll or uring.
 * Once the child has used up its descriptors, a client's connection waits unaccepted: the accept
 * loop backs off instead of spinning (little CPU, few EMFILE results in a one-second window), and
 * serves the client once descriptors are free again.
 */
class NativeEmfileTest {

    @ParameterizedTest
    @ValueSource(strings = {"epoll", "uring"})
    @Timeout(60)
    void acceptBacksOffUnderEmfileAndServesAfterwards(String transport) throws Exception {
        Path err = Files.createTempFile("co-emfile-" + transport, ".err");
        List<String> cmd = new ArrayList<>(List.of("/bin/sh", "-c", "ulimit -n 512 && exec \"$@\"", "sh"));
        cmd.addAll(ChildJvm.command(EmfileServer.class, List.of("-Dco.transport=" + transport), List.of("affine")));
        Process child = ChildJvm.start(cmd, err);
        try (var replies = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
                var orders = new PrintWriter(child.getOutputStream(), true, StandardCharsets.UTF_8)) {
            String first = replies.readLine();
            assertTrue(first != null && first.startsWith("listening "), () -> first + " / " + read(err));
            InetAddress lo = InetAddress.getLoopbackAddress();
            int port = Integer.parseInt(first.substring("listening ".length()));
            try (Socket warm = new Socket(lo, port)) {       // loads the serving path's classes first
                warm.setSoTimeout(10_000);
                warm.getOutputStream().write('w');
                assertEquals('w', warm.getInputStream().read());
            }
            orders.println("fill");
            String full = replies.readLine();
            assertTrue(full != null && full.startsWith("full "), () -> full + " / " + read(err));
            try (Socket waiting = new Socket(lo, port)) {
                waiting.setSoTimeout(20_000);
                waiting.getOutputStream().write('x');
                orders.println("measure");
                String[] m = String.valueOf(replies.readLine()).split(" ");
                assertEquals("cpu", m[0], () -> String.join(" ", m) + " / " + read(err));
                assertTrue(Long.parseLong(m[3]) >= 1, "EMFILE was met: " + String.join(" ", m));
                assertTrue(Long.parseLong(m[3]) <= 200, "no accept spin: " + String.join(" ", m));
                assertTrue(Long.parseLong(m[1]) <= 300, "the starved server idles: " + String.join(" ", m));
                assertEquals('x', waiting.getInputStream().read(), "served once descriptors are free");
            }
            orders.println("quit");
            assertTrue(child.waitFor(20, TimeUnit.SECONDS));
        } finally {
            child.destroyForcibly();
            Files.deleteIfExists(err);
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (java.io.IOException e) {
            return "";
        }
    }
}
