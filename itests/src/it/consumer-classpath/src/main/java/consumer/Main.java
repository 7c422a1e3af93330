package consumer;

import co.api.Co;
import co.api.Sock;
import java.lang.System.Logger.Level;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * An application compiled against co.api alone: a coroutine echo over loopback. Exits 0 when the
 * echo came back on the scheduler provider named by the first argument, with co.api loaded as the
 * module named by the second ({@code co.api} on the module path, {@code unnamed} on the class path),
 * 1 otherwise.
 */
public final class Main {

    private static final System.Logger LOG = System.getLogger("consumer");

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        CompletableFuture<String> echoed = new CompletableFuture<>();
        Co.go(() -> {
            Sock server = Co.tcpSocket();
            if (server.bind(Co.initIpAddr("127.0.0.1", 0)) != 0 || server.listen() != 0) {
                echoed.complete("listen: " + Co.strerror());
                return;
            }
            SocketAddress at = server.localAddress();
            Co.go(() -> {
                Sock conn = server.accept();
                if (conn != null) {
                    ByteBuffer buf = ByteBuffer.allocate(64);
                    int n = conn.recv(buf, 5_000);
                    if (n > 0) {
                        conn.send(buf.flip(), 5_000);
                    }
                    conn.close();
                }
                server.close();
            });
            Sock client = Co.tcpSocket();
            ByteBuffer back = ByteBuffer.allocate(5);
            if (client.connect(at, 5_000) != 0
                    || client.send(ByteBuffer.wrap("hello".getBytes(StandardCharsets.US_ASCII)), 5_000) != 5
                    || client.recvn(back, 5_000) != 5) {
                echoed.complete("echo: " + Co.strerror());
            } else {
                echoed.complete(new String(back.array(), StandardCharsets.US_ASCII));
            }
            client.close();
        });
        String echo = echoed.get(30, TimeUnit.SECONDS);
        String provider = Co.runtime().name();
        String module = Co.class.getModule().isNamed() ? Co.class.getModule().getName() : "unnamed";
        Co.stop();
        if (!echo.equals("hello") || !provider.equals(args[0]) || !module.equals(args[1])) {
            LOG.log(Level.ERROR, "consumer failed: echo=" + echo + " provider=" + provider + " co.api from " + module);
            System.exit(1);
        }
        LOG.log(Level.INFO, "consumer ok: echo=" + echo + " provider=" + provider + " co.api from " + module);
    }
}
