package co.net.nio;

import co.api.Co;
import co.api.IoEvent;
import co.api.Sock;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/**
 * A child-JVM main for {@link PlainThreadWaitTest}: waits on co sockets and an {@link IoEvent} from
 * its plain main thread, optionally after {@link Co#stop()}, and reports on its standard output
 * what happened and whether a scheduling thread exists.
 */
public final class PlainThreadProbe {

    private PlainThreadProbe() {
    }

    /**
     * Probes.
     *
     * @param args {@code stop} to call {@link Co#stop()} first
     */
    public static void main(String[] args) throws Exception {
        PrintStream pipe = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        if (args.length > 0 && args[0].equals("stop")) {
            Co.stop();
        }
        StringBuilder out = new StringBuilder();
        // IoEvent on a raw channel pair.
        try (ServerSocketChannel ss = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
                SocketChannel a = SocketChannel.open(ss.getLocalAddress());
                SocketChannel b = ss.accept()) {
            b.configureBlocking(false);
            try (IoEvent ev = new IoEvent(b, IoEvent.READ)) {
                out.append("timeout=").append(!ev.await(50) && Co.timeout());
                a.write(ByteBuffer.wrap(new byte[] {1}));
                out.append(" ready=").append(ev.await(10_000) && !Co.timeout());
            }
        }
        // A co socket pair, every wait on this plain thread.
        try (Sock server = Co.tcpSocket(); Sock client = Co.tcpSocket()) {
            server.bind(Co.initIpAddr("127.0.0.1", 0));
            server.listen();
            out.append(" accept-timeout=").append(server.accept(50) == null && Co.timeout());
            out.append(" connect=").append(client.connect(server.localAddress(), 10_000));
            try (Sock conn = server.accept(10_000)) {
                out.append(" send=").append(client.send(ByteBuffer.wrap(new byte[] {7, 8}), 10_000));
                out.append(" recvn=").append(conn.recvn(ByteBuffer.allocate(2), 10_000));
            }
        }
        boolean schedulers = Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().contains("scheduler-"));
        out.append(" schedulers=").append(schedulers);
        pipe.println(out);
    }
}
