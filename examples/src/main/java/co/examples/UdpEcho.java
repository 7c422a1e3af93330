package co.examples;

import co.api.Co;
import co.api.Sock;
import java.lang.System.Logger.Level;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;

/**
 * UDP echo: a server coroutine answers every datagram to its sender ({@code recvfrom} /
 * {@code sendto}); with {@code client} a client sends a few datagrams and prints the replies.
 *
 * <pre>
 * java ... co.examples.UdpEcho [server|client|both] [port]      (default: both, port 7789)
 * </pre>
 */
public final class UdpEcho {

    private static final System.Logger LOG = System.getLogger("co.examples");

    private UdpEcho() {
    }

    /**
     * Runs the server, the client, or both.
     *
     * @param args mode and port
     * @throws InterruptedException if interrupted
     */
    public static void main(String[] args) throws InterruptedException {
        String mode = args.length > 0 ? args[0] : "both";
        int port = args.length > 1 ? Integer.parseInt(args[1]) : 7789;
        SocketAddress at = Co.initIpAddr("127.0.0.1", port);
        CountDownLatch serving = new CountDownLatch(1);
        if (!mode.equals("client")) {
            Co.go(() -> serve(at, serving));
        } else {
            serving.countDown();
        }
        if (mode.equals("server")) {
            new CountDownLatch(1).await();
        }
        serving.await();
        CountDownLatch finished = new CountDownLatch(1);
        Co.go(() -> {
            client(at);
            finished.countDown();
        });
        finished.await();
        Co.stop();
    }

    static void serve(SocketAddress at, CountDownLatch serving) {
        try (Sock s = Co.udpSocket()) {
            if (s.bind(at) != 0) {
                LOG.log(Level.ERROR, "bind " + Co.toString(at) + ": " + Co.strerror());
                System.exit(1);
            }
            serving.countDown();
            ByteBuffer buf = ByteBuffer.allocate(65507);       // the largest UDP payload
            for (;;) {
                buf.clear();
                SocketAddress from = s.recvfrom(buf, -1);
                if (from == null) {
                    continue;
                }
                buf.flip();
                s.sendto(buf, from, 1000);
            }
        }
    }

    static void client(SocketAddress server) {
        try (Sock s = Co.udpSocket()) {
            ByteBuffer reply = ByteBuffer.allocate(65507);
            for (int i = 1; i <= 3; i++) {
                String text = "datagram " + i;
                s.sendto(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)), server, 1000);
                reply.clear();
                SocketAddress from = s.recvfrom(reply, 2000);
                if (from == null) {
                    LOG.log(Level.WARNING, "no reply: " + Co.strerror());
                    continue;
                }
                LOG.log(Level.INFO, "reply from " + Co.toString(from) + ": "
                        + new String(reply.array(), 0, reply.position(), StandardCharsets.UTF_8));
            }
        }
    }
}
