package co.net.tls;

import co.api.Co;
import co.api.Sock;
import co.api.Transport;
import co.net.testsuite.Coroutines;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A co TLS echo server on 127.0.0.1 (nio), one coroutine per connection on the affine scheduler.
 * Each connection's end is recorded as an {@link Outcome}: 0 when the client closed cleanly, -1 with
 * the error otherwise.
 */
final class EchoServer implements AutoCloseable {

    private final Coroutines co;
    private final Sock listener;
    private final LinkedBlockingQueue<Outcome> ends = new LinkedBlockingQueue<>();
    private final LinkedBlockingQueue<String> alpn = new LinkedBlockingQueue<>();

    EchoServer(TlsConfig config) {
        co = Coroutines.start("affine", 2);
        Transport tls = TlsTransports.over(Co.transport("nio"), config);
        listener = tls.socket(StandardProtocolFamily.INET, Sock.Type.STREAM);
        if (listener.bind(Co.initIpAddr("127.0.0.1", 0)) != 0 || listener.listen() != 0) {
            throw new IllegalStateException(Co.strerror());
        }
        co.go(() -> {
            for (;;) {
                Sock conn = listener.accept(-1);
                if (conn == null) {
                    if (!listener.isOpen()) {
                        return;
                    }
                    continue;
                }
                Co.go(() -> serve(conn));
            }
        });
    }

    private void serve(Sock conn) {
        ByteBuffer buf = ByteBuffer.allocate(16 * 1024);
        try (conn) {
            for (;;) {
                buf.clear();
                int n = conn.recv(buf, 20_000);
                if (n <= 0) {
                    ends.add(Outcome.of(n));
                    return;
                }
                if (conn instanceof TlsSock t && t.applicationProtocol() != null) {
                    alpn.offer(t.applicationProtocol());
                }
                buf.flip();
                if (conn.send(buf, 20_000) < 0) {
                    ends.add(Outcome.of(-1));
                    return;
                }
            }
        }
    }

    int port() {
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    InetSocketAddress address() {
        return (InetSocketAddress) listener.localAddress();
    }

    /** The next connection's end, waiting up to 10 s. */
    Outcome nextEnd() throws InterruptedException {
        Outcome o = ends.poll(10, TimeUnit.SECONDS);
        if (o == null) {
            throw new AssertionError("no connection ended within 10 s");
        }
        return o;
    }

    /** The ALPN protocol of the next connection that received data. */
    String nextAlpn() throws InterruptedException {
        return alpn.poll(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        listener.close();
        co.close();
    }
}
