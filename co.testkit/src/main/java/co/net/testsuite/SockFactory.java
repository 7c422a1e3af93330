package co.net.testsuite;

import co.api.Sock;
import java.net.ProtocolFamily;
import java.net.SocketAddress;

/**
 * A stream transport under test, as {@link SockSuite} sees it: how to make server and client
 * sockets and which addresses to use. One implementation per transport variant (nio TCP over IPv4,
 * nio TCP over ::1, nio Unix, TLS over one of those, a custom one).
 *
 * <p>Implementations must have a public constructor taking the variant name (a {@code String}), so
 * that a child JVM ({@link ManyClients}) can make the same kind of client socket.
 */
public interface SockFactory extends AutoCloseable {

    /**
     * Returns the variant name shown in test names and passed to child JVMs.
     *
     * @return for example {@code "nio-tcp4"}
     */
    String name();

    /**
     * Returns the address family of the sockets on the wire.
     *
     * @return INET, INET6 or UNIX
     */
    ProtocolFamily family();

    /**
     * Makes an unbound stream socket for the server side.
     *
     * @return the socket (the test closes it)
     */
    Sock serverSocket();

    /**
     * Makes an unconnected stream socket for the client side.
     *
     * @return the socket (the test closes it)
     */
    Sock clientSocket();

    /**
     * Returns a fresh address for a server to bind: loopback port 0, or a new Unix-domain path.
     *
     * @return the address
     */
    SocketAddress bindAddress();

    /**
     * Returns an address where nothing listens, so that a connect is refused (a closed port, or a
     * Unix socket file without a listener).
     *
     * @return the address
     */
    SocketAddress refusedAddress();

    /**
     * Tells whether the bytes a {@link co.api.Sock} sends reach the wire unchanged, so that a plain
     * JDK channel of {@link #family()} can be the peer (the fault doubles of {@link RawPeers}). False
     * for TLS.
     *
     * @return true for plain transports
     */
    boolean plainWire();

    /**
     * Tells whether a connect to a listener whose accept queue is full waits until its timeout
     * (TCP: the SYN is dropped; nio's Unix-domain connect retries EAGAIN) rather than failing.
     *
     * @return true if {@code connect(addr, ms)} can time out on loopback
     */
    boolean connectCanStall();

    /**
     * How many concurrent connections {@code tenThousandConnections} opens from a client JVM; 0 for a
     * transport whose sockets cannot reach another process (in-memory ones test their own scale).
     *
     * @return the count, 10,000 unless a factory says otherwise
     */
    default int manyConnections() {
        return 10_000;
    }

    /** Removes whatever the factory created (temporary directories). */
    @Override
    void close();
}
