package co.scheduler;

import co.api.spi.CoRuntime;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Run in a fresh JVM by {@link BlockingCallsTest}: the first blocking JDK socket call of the process
 * happens in a coroutine of an affine runtime that is then stopped; a blocking socket read in a
 * second runtime must still complete. Prints "second=OK" or the failure.
 */
public final class PollerProbe {

    private PollerProbe() {
    }

    private static String echoOnce(CoRuntime rt, ServerSocket server) throws Exception {
        CompletableFuture<String> result = new CompletableFuture<>();
        rt.go(() -> {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
                s.setSoTimeout(10_000);
                OutputStream out = s.getOutputStream();
                out.write('x');
                out.flush();
                InputStream in = s.getInputStream();
                result.complete(in.read() == 'x' ? "OK" : "bad byte");
            } catch (Exception e) {
                result.complete(e.toString());
            }
        });
        try (Socket peer = server.accept()) {
            peer.setSoTimeout(15_000);
            int b = peer.getInputStream().read();
            peer.getOutputStream().write(b);
            peer.getOutputStream().flush();
            return result.get(15, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException | java.net.SocketTimeoutException e) {
            return "hung";
        }
    }

    public static void main(String[] args) throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            server.setSoTimeout(15_000);
            CoRuntime first = Runtimes.create("affine", 1);
            String a = echoOnce(first, server);
            first.stop();
            CoRuntime second = Runtimes.create("affine", 1);
            String b = echoOnce(second, server);
            // The forked JVM's only channel to the test is its standard output.
            System.out.println("first=" + a + " second=" + b);
            second.stop();
        }
        System.exit(0);
    }
}
