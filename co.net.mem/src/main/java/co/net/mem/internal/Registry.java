package co.net.mem.internal;

import co.api.Co;
import co.api.Errno;
import co.api.spi.Errors;
import co.net.mem.MemAddress;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The names that in-memory sockets are bound to: what {@code bind} reserves, {@code close}
 * releases and {@code connect} looks up. Every supported address is turned into one text key:
 * {@code mem:NAME}, {@code inet:IP:PORT} (a wildcard IP listens for every IP of that port) or
 * {@code unix:PATH}. Nothing touches the network or the file system.
 *
 * <p>Thread safety: any thread; a {@link ConcurrentHashMap} makes bind and unbind atomic.
 */
final class Registry {

    /** The ephemeral port range, as Linux's default {@code ip_local_port_range}. */
    private static final int FIRST_PORT = 32768;
    private static final int PORT_COUNT = 61000 - FIRST_PORT;

    private final ConcurrentHashMap<String, MemSock> bound = new ConcurrentHashMap<>();
    private final AtomicLong names = new AtomicLong();
    private final AtomicInteger ports = new AtomicInteger();

    /**
     * Reserves an address for {@code owner}: {@link MemAddress#ANY}, port 0 and an empty Unix path
     * get a fresh one.
     *
     * @param requested the address asked for
     * @param owner the socket
     * @return the address bound, or null with {@link Errno#EADDRINUSE} or {@link Errno#EINVAL} set
     */
    SocketAddress bind(SocketAddress requested, MemSock owner) {
        if (requested instanceof MemAddress m && m.isAny()) {
            for (;;) {
                MemAddress a = MemAddress.of("auto-" + names.incrementAndGet());
                if (bound.putIfAbsent(key(a), owner) == null) {
                    return a;
                }
            }
        }
        if (requested instanceof UnixDomainSocketAddress u && u.getPath().toString().isEmpty()) {
            for (;;) {
                UnixDomainSocketAddress a = UnixDomainSocketAddress.of("mem-auto-" + names.incrementAndGet() + ".sock");
                if (bound.putIfAbsent(key(a), owner) == null) {
                    return a;
                }
            }
        }
        if (requested instanceof InetSocketAddress i && i.getPort() == 0) {
            for (int tries = 0; tries < PORT_COUNT; tries++) {
                InetSocketAddress a = withPort(i, nextPort());
                if (bound.putIfAbsent(key(a), owner) == null) {
                    return a;
                }
            }
            return fail(Errno.EADDRINUSE, "no free in-memory port");
        }
        String key = key(requested);
        if (key == null) {
            return fail(Errno.EINVAL, "the mem transport takes MemAddress, InetSocketAddress or UnixDomainSocketAddress");
        }
        if (bound.putIfAbsent(key, owner) != null) {
            return fail(Errno.EADDRINUSE, null);
        }
        return requested;
    }

    /**
     * Releases an address, if {@code owner} still holds it.
     *
     * @param address the address {@link #bind} returned
     * @param owner the socket
     */
    void unbind(SocketAddress address, MemSock owner) {
        bound.remove(key(address), owner);
    }

    /**
     * Finds the socket bound to {@code remote}; for an IP address, a socket bound to the wildcard
     * address of that port also answers.
     *
     * @param remote the address to connect to
     * @return the socket, or null if none is bound there
     */
    MemSock lookup(SocketAddress remote) {
        String key = key(remote);
        MemSock s = key == null ? null : bound.get(key);
        if (s == null && remote instanceof InetSocketAddress i) {
            s = bound.get("inet:0.0.0.0:" + i.getPort());
            if (s == null) {
                s = bound.get("inet:::" + i.getPort());
            }
        }
        return s;
    }

    /**
     * Makes the local address of a client that connects without binding: a fresh name of the same
     * kind as the server's address (a loopback IP and a fresh port for IP, an unnamed Unix
     * address as on Linux).
     *
     * @param remote the address connected to
     * @return the client's address
     */
    SocketAddress clientAddress(SocketAddress remote) {
        if (remote instanceof InetSocketAddress i) {
            InetAddress ip = i.getAddress();
            InetAddress loopback = ip != null && ip.getAddress().length == 16
                    ? Co.initIpAddr("::1", 0).getAddress() : Co.initIpAddr("127.0.0.1", 0).getAddress();
            return new InetSocketAddress(loopback, nextPort());
        }
        if (remote instanceof UnixDomainSocketAddress) {
            return UnixDomainSocketAddress.of("");
        }
        return MemAddress.of("client-" + names.incrementAndGet());
    }

    private int nextPort() {
        return FIRST_PORT + Math.floorMod(ports.getAndIncrement(), PORT_COUNT);
    }

    private static InetSocketAddress withPort(InetSocketAddress a, int port) {
        return a.isUnresolved() ? InetSocketAddress.createUnresolved(a.getHostString(), port)
                : new InetSocketAddress(a.getAddress(), port);
    }

    /**
     * The registry key of an address.
     *
     * @param a the address
     * @return the key, or null for an address kind the transport does not take
     */
    static String key(SocketAddress a) {
        if (a instanceof MemAddress m) {
            return "mem:" + m.name();
        }
        if (a instanceof InetSocketAddress i) {
            return "inet:" + (i.isUnresolved() ? i.getHostString() : Co.ipStr(i)) + ":" + i.getPort();
        }
        if (a instanceof UnixDomainSocketAddress u) {
            return "unix:" + u.getPath();
        }
        return null;
    }

    private static <T> T fail(int errno, String detail) {
        Errors.fail(errno, detail);
        return null;
    }
}
