package co.net.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import co.net.nio.EmfileServer;
import co.net.testsuite.ChildJvm;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
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
 * accept() on the epoll transport when the process has no free file descriptor: the pending
 * connection cannot be taken, the listener stays readable (edge-triggered epoll reports it no more),
 * and a naive accept loop would spin a core. The epoll socket backs off instead; once descriptors
 * are free again the same loop serves the waiting client. The server is nio's {@link EmfileServer}
 * in a child JVM with {@code -Dco.transport=epoll}.
 */
class EpollEmfileTest {

    /** More CPU than this in the 1 s starved window means something spins (a spin costs ~1000 ms). */
    private static final long MAX_CPU_MS = 300;

    @ParameterizedTest
    @ValueSource(strings = {"affine", "virtual"})
    @Timeout(60)
    void acceptBacksOffUnderEmfileAndServesAfterwards(String scheduler) throws Exception {
        Path stderr = Files.createTempFile("co-emfile", ".err");
        List<String> cmd = new ArrayList<>(List.of("/bin/sh", "-c", "ulimit -n 512 && exec \"$@\"", "sh"));
        cmd.addAll(ChildJvm.command(EmfileServer.class,
                List.of("-Dco.transport=epoll", "--enable-native-access=ALL-UNNAMED"), List.of(scheduler)));
        Process child = ChildJvm.start(cmd, stderr);
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
                Writer in = new OutputStreamWriter(child.getOutputStream(), StandardCharsets.UTF_8)) {
            String listening = out.readLine();
            assertTrue(listening != null && listening.startsWith("listening "), () -> "child said " + listening + err(stderr));
            int port = Integer.parseInt(listening.substring("listening ".length()));
            InetAddress lo = InetAddress.getLoopbackAddress();

            try (Socket warm = new Socket(lo, port)) {
                assertEquals("warm", echo(warm, "warm"));
            }
            command(in, "fill");
            String full = out.readLine();
            assertTrue(full != null && full.startsWith("full "), () -> "child said " + full + err(stderr));

            // The kernel completes this connection; the server cannot accept it yet.
            try (Socket starved = new Socket(lo, port)) {
                starved.setSoTimeout(20_000);
                starved.getOutputStream().write("ping".getBytes(StandardCharsets.UTF_8));
                command(in, "measure");
                String measured = out.readLine();
                assertTrue(measured != null && measured.startsWith("cpu "), () -> "child said " + measured + err(stderr));
                String[] f = measured.split(" ");
                long cpuMs = Long.parseLong(f[1]);
                long emfile = Long.parseLong(f[3]);
                assertTrue(emfile >= 1, "accept met EMFILE in the window: " + measured);
                assertTrue(emfile <= 200, "accept backs off, it does not retry in a loop: " + measured);
                assertTrue(cpuMs <= MAX_CPU_MS, "the starved server stays idle: " + measured);
                // Descriptors are free again: the waiting client is served, and new ones too.
                byte[] back = starved.getInputStream().readNBytes(4);
                assertEquals("ping", new String(back, StandardCharsets.UTF_8));
            }
            try (Socket later = new Socket(lo, port)) {
                assertEquals("later", echo(later, "later"));
            }
            command(in, "quit");
            assertTrue(child.waitFor(20, TimeUnit.SECONDS));
        } finally {
            child.destroyForcibly();
            Files.deleteIfExists(stderr);
        }
    }

    private static String echo(Socket s, String text) throws Exception {
        s.setSoTimeout(10_000);
        s.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
        return new String(s.getInputStream().readNBytes(text.length()), StandardCharsets.UTF_8);
    }

    private static void command(Writer in, String line) throws Exception {
        in.write(line + "\n");
        in.flush();
    }

    private static String err(Path stderr) {
        try {
            return "; stderr: " + Files.readString(stderr);
        } catch (Exception e) {
            return "";
        }
    }
}
