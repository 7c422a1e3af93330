package co.net.linux.internal;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Encodes Java socket addresses as {@code sockaddr_in}, {@code sockaddr_in6} and
 * {@code sockaddr_un}, and decodes them back. Stateless and thread-safe.
 */
final class SockAddr {

    /** The longest Unix-domain path, with its terminating NUL ({@code sun_path} is 108 bytes). */
    static final int UNIX_PATH_MAX = 108;

    private static final ValueLayout.OfShort FAMILY = ValueLayout.JAVA_SHORT_UNALIGNED;
    private static final ValueLayout.OfShort PORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED;

    private SockAddr() {
    }

    /**
     * Writes {@code address} into {@code at} as the socket family {@code af} expects (an IPv4
     * address given to an IPv6 socket becomes a v4-mapped address).
     *
     * @param af the socket's family: AF_INET, AF_INET6 or AF_UNIX
     * @param address the address
     * @param at 128 bytes or more
     * @return the length to pass to the system call
     * @throws IllegalArgumentException if the address does not fit the family (the caller reports
     *     EINVAL or EAFNOSUPPORT)
     */
    static int encode(int af, SocketAddress address, MemorySegment at) {
        at.asSlice(0, 128).fill((byte) 0);
        if (address instanceof InetSocketAddress inet) {
            if (inet.isUnresolved()) {
                throw new IllegalArgumentException("unresolved address " + inet);
            }
            InetAddress ip = inet.getAddress();
            if (af == Sys.AF_INET) {
                if (!(ip instanceof Inet4Address)) {
                    throw new IllegalArgumentException("an IPv4 socket cannot use " + ip);
                }
                at.set(FAMILY, 0, (short) Sys.AF_INET);
                at.set(PORT, 2, (short) inet.getPort());
                MemorySegment.copy(ip.getAddress(), 0, at, ValueLayout.JAVA_BYTE, 4, 4);
                return 16;
            }
            if (af == Sys.AF_INET6) {
                byte[] bytes = ip.getAddress();
                at.set(FAMILY, 0, (short) Sys.AF_INET6);
                at.set(PORT, 2, (short) inet.getPort());
                if (bytes.length == 4) {
                    at.set(ValueLayout.JAVA_BYTE, 18, (byte) 0xff);
                    at.set(ValueLayout.JAVA_BYTE, 19, (byte) 0xff);
                    MemorySegment.copy(bytes, 0, at, ValueLayout.JAVA_BYTE, 20, 4);
                } else {
                    MemorySegment.copy(bytes, 0, at, ValueLayout.JAVA_BYTE, 8, 16);
                    at.set(INT, 24, ((Inet6Address) ip).getScopeId());
                }
                return 28;
            }
            throw new IllegalArgumentException("a Unix-domain socket cannot use " + inet);
        }
        if (address instanceof UnixDomainSocketAddress unix) {
            if (af != Sys.AF_UNIX) {
                throw new IllegalArgumentException("an IP socket cannot use " + unix);
            }
            byte[] path = unix.getPath().toString().getBytes(StandardCharsets.UTF_8);
            if (path.length >= UNIX_PATH_MAX) {
                throw new IllegalArgumentException("Unix-domain path longer than " + (UNIX_PATH_MAX - 1) + " bytes");
            }
            at.set(FAMILY, 0, (short) Sys.AF_UNIX);
            MemorySegment.copy(path, 0, at, ValueLayout.JAVA_BYTE, 2, path.length);
            return 2 + path.length + 1;
        }
        throw new IllegalArgumentException("unsupported address type " + address.getClass().getName());
    }

    /**
     * Reads a socket address the kernel wrote.
     *
     * @param at the sockaddr
     * @param len its length as the kernel reported it
     * @return the address; an unnamed Unix-domain socket gives the empty path
     */
    static SocketAddress decode(MemorySegment at, int len) {
        int af = len >= 2 ? at.get(FAMILY, 0) : Sys.AF_UNIX;
        try {
            if (af == Sys.AF_INET) {
                byte[] ip = new byte[4];
                MemorySegment.copy(at, ValueLayout.JAVA_BYTE, 4, ip, 0, 4);
                return new InetSocketAddress(InetAddress.getByAddress(ip), Short.toUnsignedInt(at.get(PORT, 2)));
            }
            if (af == Sys.AF_INET6) {
                byte[] ip = new byte[16];
                MemorySegment.copy(at, ValueLayout.JAVA_BYTE, 8, ip, 0, 16);
                int port = Short.toUnsignedInt(at.get(PORT, 2));
                int scope = at.get(INT, 24);
                InetAddress a = scope != 0 ? Inet6Address.getByAddress(null, ip, scope) : InetAddress.getByAddress(ip);
                return new InetSocketAddress(a, port);
            }
        } catch (UnknownHostException e) {
            throw new IllegalStateException("co: the kernel returned a malformed address", e);
        }
        int n = 0;
        while (2 + n < len && at.get(ValueLayout.JAVA_BYTE, 2 + n) != 0) {
            n++;
        }
        byte[] path = new byte[n];
        MemorySegment.copy(at, ValueLayout.JAVA_BYTE, 2, path, 0, n);
        return UnixDomainSocketAddress.of(new String(path, StandardCharsets.UTF_8));
    }
}
