package co.net.linux.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import org.junit.jupiter.api.Test;

/** sockaddr encoding and decoding: IPv4, IPv6 (and v4-mapped), Unix-domain, and bad input. */
class SockAddrTest {

    private static SocketAddress roundTrip(int af, SocketAddress a) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment at = arena.allocate(128);
            int len = SockAddr.encode(af, a, at);
            return SockAddr.decode(at, len);
        }
    }

    @Test
    void ipv4() throws Exception {
        InetSocketAddress a = new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 65535);
        assertEquals(a, roundTrip(Sys.AF_INET, a));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment at = arena.allocate(128);
            assertEquals(16, SockAddr.encode(Sys.AF_INET, a, at));
            assertEquals((byte) 0xff, at.get(ValueLayout.JAVA_BYTE, 2));   // port in network order
            assertEquals((byte) 0xff, at.get(ValueLayout.JAVA_BYTE, 3));
            assertEquals((byte) 127, at.get(ValueLayout.JAVA_BYTE, 4));
        }
    }

    @Test
    void ipv6AndV4Mapped() throws Exception {
        InetSocketAddress a = new InetSocketAddress(InetAddress.getByName("::1"), 8080);
        assertEquals(a, roundTrip(Sys.AF_INET6, a));
        InetSocketAddress v4 = new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 80);
        // An IPv4 address on an IPv6 socket travels v4-mapped and reads back as IPv4.
        assertEquals(v4, roundTrip(Sys.AF_INET6, v4));
    }

    @Test
    void unixDomain() {
        UnixDomainSocketAddress a = UnixDomainSocketAddress.of("/tmp/co-test.sock");
        assertEquals(a, roundTrip(Sys.AF_UNIX, a));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment at = arena.allocate(128);
            at.set(ValueLayout.JAVA_SHORT_UNALIGNED, 0, (short) Sys.AF_UNIX);
            assertEquals(UnixDomainSocketAddress.of(""), SockAddr.decode(at, 2));   // unnamed
        }
    }

    @Test
    void badInputIsRefused() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment at = arena.allocate(128);
            InetSocketAddress v6 = new InetSocketAddress(InetAddress.getByName("::1"), 1);
            assertThrows(IllegalArgumentException.class, () -> SockAddr.encode(Sys.AF_INET, v6, at));
            assertThrows(IllegalArgumentException.class,
                    () -> SockAddr.encode(Sys.AF_UNIX, new InetSocketAddress("127.0.0.1", 1), at));
            assertThrows(IllegalArgumentException.class,
                    () -> SockAddr.encode(Sys.AF_INET, InetSocketAddress.createUnresolved("example.invalid", 1), at));
            String tooLong = "/tmp/" + "x".repeat(SockAddr.UNIX_PATH_MAX);
            assertThrows(IllegalArgumentException.class,
                    () -> SockAddr.encode(Sys.AF_UNIX, UnixDomainSocketAddress.of(tooLong), at));
        }
    }
}
