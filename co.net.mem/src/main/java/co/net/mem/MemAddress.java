package co.net.mem;

import java.net.SocketAddress;
import java.util.Objects;

/**
 * The address of an in-memory socket of the {@code "mem"} transport: a name, unique in the JVM
 * while a socket is bound to it.
 *
 * <p>Bind a listener to {@code MemAddress.of("echo")} and connect to the same address; or bind to
 * {@link #ANY} and let the transport pick a fresh name, as port 0 does for TCP
 * ({@link co.api.Sock#localAddress()} tells which). The {@code "mem"} transport also accepts
 * {@link java.net.InetSocketAddress} and {@link java.net.UnixDomainSocketAddress}, so code written
 * for TCP or Unix-domain sockets runs over it unchanged; those are names too, and never touch the
 * network or the file system.
 *
 * <p>Immutable and thread-safe.
 */
public final class MemAddress extends SocketAddress {

    private static final long serialVersionUID = 1L;

    /** Binding to this address picks a fresh, unused name. */
    public static final MemAddress ANY = new MemAddress("");

    /** The name. */
    private final String name;

    private MemAddress(String name) {
        this.name = name;
    }

    /**
     * Returns the address with this name.
     *
     * @param name the name; empty means {@link #ANY}
     * @return the address
     * @throws NullPointerException if {@code name} is null
     */
    public static MemAddress of(String name) {
        return Objects.requireNonNull(name, "name").isEmpty() ? ANY : new MemAddress(name);
    }

    /**
     * Returns the name.
     *
     * @return the name; empty for {@link #ANY}
     */
    public String name() {
        return name;
    }

    /**
     * Tells whether this is {@link #ANY}.
     *
     * @return true if binding to it picks a fresh name
     */
    public boolean isAny() {
        return name.isEmpty();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MemAddress other && other.name.equals(name);
    }

    @Override
    public int hashCode() {
        return name.hashCode();
    }

    /**
     * Returns {@code "mem:"} and the name; this is also what {@link co.api.Co#toString} and
     * {@link co.api.Sock#peer()} show.
     *
     * @return the text
     */
    @Override
    public String toString() {
        return "mem:" + name;
    }
}
