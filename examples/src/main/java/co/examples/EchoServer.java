package co.examples;

import co.api.Co;
import co.api.Sock;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.util.concurrent.CountDownLatch;

/**
 * A TCP echo server in co's network model: one coroutine accepts, and each connection gets a
 * coroutine of its own that receives and sends back in plain sequential code.
 *
 * <pre>
 * java -jar examples/target/examples-VERSION.jar [port]     # affine: the manifest opens java.lang
 * java --add-opens java.base/java.lang=ALL-UNNAMED -cp ... co.examples.EchoServer [port]
 * </pre>
 *
 * <p>Listens on 127.0.0.1, port 7788 unless given.
 */
public final class EchoServer {

    private static final System.Logger LOG = System.getLogger("co.examples");

    private EchoServer() {
    }

    /**
     * Starts the server and waits for ever.
     *
     * @param args optional port
     * @throws InterruptedException if the main thread is interrupted
     */
    public static void main(String[] args) throws InterruptedException {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 7788;
        Sock server = Co.tcpSocket();
        server.setReuseAddr();
        if (server.bind(Co.initIpAddr("127.0.0.1", port)) != 0 || server.listen() != 0) {
            LOG.log(Level.ERROR, "cannot listen on 127.0.0.1:" + port + ": " + Co.strerror());
            server.close();
            System.exit(1);
        }
        LOG.log(Level.INFO, "echo server on " + Co.toString(server.localAddress()) + " ("
                + Co.runtime().name() + " scheduler, " + Co.schedulerNum() + " threads)");
        Co.go(() -> {
            for (;;) {
                Sock conn = server.accept();
                if (conn != null) {
                    Co.go(EchoServer::onConnection, conn);    // one coroutine per connection
                } else if (!server.isOpen()) {
                    return;
                }
                // else: e.g. EMFILE; accept has already backed off a little, just try again
            }
        });
        new CountDownLatch(1).await();
    }

    /** Receives and echoes until the client closes or fails. */
    static void onConnection(Sock conn) {
        try (conn) {
            conn.setTcpNoDelay();
            ByteBuffer buf = ByteBuffer.allocateDirect(16 * 1024);
            for (;;) {
                buf.clear();
                int n = conn.recv(buf, -1);            // 0: the client closed; -1: error
                if (n <= 0) {
                    if (n < 0) {
                        LOG.log(Level.DEBUG, "connection " + conn.peer() + ": " + Co.strerror());
                    }
                    return;
                }
                buf.flip();
                if (conn.send(buf, 10_000) != n) {
                    return;
                }
            }
        }
    }
}
