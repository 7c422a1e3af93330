package co.net.nio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import co.api.Co;
import co.api.Errno;
import co.api.Sock;
import co.net.testsuite.Coroutines;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** UDP over nio, on 127.0.0.1 and ::1, on both scheduler providers. */
class NioDatagramTest {

    private Coroutines co;
    private final List<Sock> socks = new ArrayList<>();

    static Stream<Arguments> cases() {
        List<Arguments> all = new ArrayList<>();
        for (String ip : List.of("127.0.0.1", "::1")) {
            for (String scheduler : List.of("affine", "virtual")) {
                all.add(Arguments.of(ip, scheduler));
            }
        }
        return all.stream();
    }

    @AfterEach
    void close() {
        socks.forEach(Sock::close);
        socks.clear();
        if (co != null) {
            co.close();
        }
    }

    private Sock udp(String ip) {
        Sock s = Co.udpSocket(ip.contains(":") ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
        assertNotNull(s, Co::strerror);
        socks.add(s);
        return s;
    }

    private Sock bound(String ip) {
        Sock s = udp(ip);
        assertEquals(0, s.bind(Co.initIpAddr(ip, 0)), Co::strerror);
        return s;
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    @Timeout(30)
    void echoUpToTheLargestDatagram(String ip, String scheduler) throws Exception {
        co = Coroutines.start(scheduler, 2);
        Sock server = bound(ip);
        CompletableFuture<Integer> served = co.go(() -> {
            ByteBuffer b = ByteBuffer.allocate(65536);
            int n = 0;
            for (;;) {
                b.clear();
                SocketAddress from = server.recvfrom(b, 10_000);
                assertNotNull(from, Co::strerror);
                b.flip();
                if (b.remaining() == 3 && b.get(0) == 'e') {
                    return n;                                    // "end"
                }
                assertEquals(b.remaining(), server.sendto(b, from, 5000), Co::strerror);
                n++;
            }
        });
        co.run(() -> {
            Sock client = bound(ip);
            for (int size : new int[] {1, 1000, 65507}) {
                byte[] out = new byte[size];
                new SplittableRandom(size).nextBytes(out);
                out[0] = 'd';
                assertEquals(size, client.sendto(ByteBuffer.wrap(out), server.localAddress(), 5000), Co::strerror);
                ByteBuffer in = ByteBuffer.allocate(65536);
                SocketAddress from = client.recvfrom(in, 10_000);
                assertEquals(server.localAddress(), from, "recvfrom names the sender");
                assertEquals(size, in.position());
                assertArrayEquals(out, java.util.Arrays.copyOf(in.array(), size));
            }
            assertEquals(-1, client.sendto(ByteBuffer.allocate(65508), server.localAddress(), 5000));
            assertEquals(Errno.EMSGSIZE, Co.error());
            assertEquals(3, client.sendto(ByteBuffer.wrap("end".getBytes()), server.localAddress(), 5000));
        });
        assertEquals(3, (int) Coroutines.await(served));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    @Timeout(30)
    void connectedSendRecvAndTimeout(String ip, String scheduler) throws Exception {
        co = Coroutines.start(scheduler, 2);
        Sock server = bound(ip);
        co.run(() -> {
            Sock client = udp(ip);
            assertEquals(0, client.connect(server.localAddress(), 1000), Co::strerror);
            assertEquals(5, client.send(ByteBuffer.wrap("hello".getBytes()), 1000), Co::strerror);
            ByteBuffer in = ByteBuffer.allocate(100);
            SocketAddress from = server.recvfrom(in, 5000);
            assertEquals(client.localAddress(), from);
            in.flip();
            assertEquals(5, server.sendto(in, from, 1000));
            ByteBuffer back = ByteBuffer.allocate(100);
            assertEquals(5, client.recv(back, 5000), Co::strerror);
            assertEquals(-1, client.recv(ByteBuffer.allocate(100), 100));
            assertTrue(Co.timeout());
            assertEquals(Errno.ETIMEDOUT, Co.error());
            assertNull(server.recvfrom(ByteBuffer.allocate(100), 50));
            assertTrue(Co.timeout());
        });
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    @Timeout(30)
    void connectedToANonListeningPortIsRefused(String ip, String scheduler) throws Exception {
        co = Coroutines.start(scheduler, 2);
        SocketAddress nobody;
        try (DatagramChannel d = DatagramChannel.open()) {
            d.bind(new InetSocketAddress(java.net.InetAddress.getByName(ip), 0));
            nobody = d.getLocalAddress();
        }
        SocketAddress closedPort = nobody;
        co.run(() -> {
            Sock client = udp(ip);
            assertEquals(0, client.connect(closedPort, 1000), Co::strerror);
            assertEquals(1, client.send(ByteBuffer.wrap(new byte[] {1}), 1000), Co::strerror);
            // The ICMP port-unreachable comes back as an error on the connected socket.
            assertEquals(-1, client.recv(ByteBuffer.allocate(16), 5000));
            assertEquals(Errno.ECONNREFUSED, Co.error(), Co::strerror);
        });
    }

    @Test
    @Timeout(10)
    void unixDatagramsAndStreamCallsAreRefusedClearly() {
        assertNull(Co.udpSocket(StandardProtocolFamily.UNIX));
        assertEquals(Errno.EOPNOTSUPP, Co.error());
        Sock s = udp("127.0.0.1");
        assertEquals(-1, s.listen());
        assertEquals(Errno.EOPNOTSUPP, Co.error());
        assertNull(s.accept(0));
        assertEquals(Errno.EOPNOTSUPP, Co.error());
        assertEquals(-1, s.send(ByteBuffer.allocate(1), 0));
        assertEquals(Errno.ENOTCONN, Co.error());
        assertEquals(Sock.Type.DATAGRAM, s.type());
    }
}
