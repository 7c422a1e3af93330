package co.net.nio;

import co.api.Co;
import co.api.Errno;
import co.api.Sock;
import co.net.testsuite.Coroutines;
import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The server side of {@link EmfileTest}, in its own JVM: an echo server whose process runs out of
 * file descriptors on command. The parent drives it over standard input; it answers on standard
 * output, which is a control pipe, not a log:
 *
 * <pre>
 * -> "listening PORT"
 * <- "fill"     -> "full N"             (N descriptors taken; the fd table is full)
 * <- "measure"  -> "cpu MS emfile K"    (process CPU time over a 1 s starved window, accept's
 *                                        EMFILE count in it; then frees the descriptors)
 * <- "quit"
 * </pre>
 */
public final class EmfileServer {

    private EmfileServer() {
    }

    /**
     * Runs the server.
     *
     * @param args the scheduler provider name
     * @throws Exception on a setup failure
     */
    public static void main(String[] args) throws Exception {
        PrintStream control = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        os.getProcessCpuTime();
        // Load every class the starved path needs now: loading a class later needs a descriptor.
        // (co.api.spi.Errors maps the accept's IOException to EMFILE: run that mapping once now.)
        co.api.spi.Errors.errno(new IOException("Too many open files"));
        try (Coroutines co = Coroutines.start(args[0], 1)) {
            Sock server = Co.tcpSocket();
            server.bind(Co.initIpAddr("127.0.0.1", 0));
            server.listen();
            AtomicLong emfile = new AtomicLong();
            co.run(() -> {
                Co.sleep(1);
                server.accept(1);
            });
            co.go(() -> {
                for (;;) {
                    Sock conn = server.accept(-1);
                    if (conn == null) {
                        if (!server.isOpen()) {
                            return;
                        }
                        if (Co.error() == Errno.EMFILE) {
                            emfile.incrementAndGet();
                        }
                        continue;
                    }
                    co.go(() -> echo(conn));
                }
            });
            control.println("listening " + ((java.net.InetSocketAddress) server.localAddress()).getPort());
            List<FileChannel> hogs = new ArrayList<>();
            for (String line; (line = commands.readLine()) != null; ) {
                switch (line) {
                    case "fill" -> {
                        Path devNull = Path.of("/dev/null");
                        try {
                            for (;;) {
                                hogs.add(FileChannel.open(devNull));
                            }
                        } catch (IOException e) {
                            control.println("full " + hogs.size());
                        }
                    }
                    case "measure" -> {
                        long k0 = emfile.get();
                        long t0 = os.getProcessCpuTime();
                        Thread.sleep(1000);                  // the measured window, not a synchronisation
                        long cpuMs = (os.getProcessCpuTime() - t0) / 1_000_000;
                        long k = emfile.get() - k0;
                        for (FileChannel f : hogs) {
                            f.close();
                        }
                        hogs.clear();
                        control.println("cpu " + cpuMs + " emfile " + k);
                    }
                    default -> {
                        server.close();
                        return;
                    }
                }
            }
        }
    }

    private static void echo(Sock conn) {
        try (conn) {
            ByteBuffer b = ByteBuffer.allocate(1024);
            for (;;) {
                b.clear();
                if (conn.recv(b, 10_000) <= 0) {
                    return;
                }
                b.flip();
                conn.send(b, 10_000);
            }
        }
    }
}
