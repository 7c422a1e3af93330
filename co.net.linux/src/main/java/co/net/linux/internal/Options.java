package co.net.linux.internal;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.SocketOption;
import java.net.StandardSocketOptions;

/** The socket options of the native stream sockets, as levels, names and encodings. Stateless. */
final class Options {

    private static final int IPV6_TCLASS = 67;

    private Options() {
    }

    /** One option as the kernel knows it. */
    record Native(int level, int name, Kind kind) {

        /** Writes {@code value} at {@code at}; returns the length. */
        int encode(Object value, MemorySegment at) {
            switch (kind) {
                case BOOLEAN -> at.set(ValueLayout.JAVA_INT, 0, ((Boolean) value) ? 1 : 0);
                case INT -> {
                    int v = (Integer) value;
                    if (v < 0) {
                        throw new IllegalArgumentException("negative value for a socket option: " + v);
                    }
                    at.set(ValueLayout.JAVA_INT, 0, v);
                }
                case LINGER -> {
                    int v = (Integer) value;
                    at.set(ValueLayout.JAVA_INT, 0, v < 0 ? 0 : 1);
                    at.set(ValueLayout.JAVA_INT, 4, Math.max(v, 0));
                    return 8;
                }
                default -> throw new IllegalStateException(kind.toString());
            }
            return 4;
        }

        /** Reads the value at {@code at}. */
        Object decode(MemorySegment at) {
            return switch (kind) {
                case BOOLEAN -> at.get(ValueLayout.JAVA_INT, 0) != 0;
                case INT -> at.get(ValueLayout.JAVA_INT, 0);
                case LINGER -> at.get(ValueLayout.JAVA_INT, 0) == 0 ? -1 : at.get(ValueLayout.JAVA_INT, 4);
            };
        }
    }

    /** How a value is laid out. */
    enum Kind {
        BOOLEAN,
        INT,
        LINGER
    }

    /**
     * Maps a Java socket option to the kernel's.
     *
     * @param option the option
     * @param af the socket's family
     * @return the kernel option, or null if this socket does not support it
     */
    static Native of(SocketOption<?> option, int af) {
        boolean ip = af != Sys.AF_UNIX;
        if (option == StandardSocketOptions.SO_REUSEADDR) {
            return new Native(Sys.SOL_SOCKET, Sys.SO_REUSEADDR, Kind.BOOLEAN);
        }
        if (option == StandardSocketOptions.SO_REUSEPORT && ip) {
            return new Native(Sys.SOL_SOCKET, Sys.SO_REUSEPORT, Kind.BOOLEAN);
        }
        if (option == StandardSocketOptions.SO_KEEPALIVE && ip) {
            return new Native(Sys.SOL_SOCKET, Sys.SO_KEEPALIVE, Kind.BOOLEAN);
        }
        if (option == StandardSocketOptions.SO_RCVBUF) {
            return new Native(Sys.SOL_SOCKET, Sys.SO_RCVBUF, Kind.INT);
        }
        if (option == StandardSocketOptions.SO_SNDBUF) {
            return new Native(Sys.SOL_SOCKET, Sys.SO_SNDBUF, Kind.INT);
        }
        if (option == StandardSocketOptions.SO_LINGER) {
            return new Native(Sys.SOL_SOCKET, Sys.SO_LINGER, Kind.LINGER);
        }
        if (option == StandardSocketOptions.TCP_NODELAY && ip) {
            return new Native(Sys.IPPROTO_TCP, Sys.TCP_NODELAY, Kind.BOOLEAN);
        }
        if (option == StandardSocketOptions.IP_TOS && ip) {
            return af == Sys.AF_INET ? new Native(Sys.IPPROTO_IP, Sys.IP_TOS, Kind.INT)
                    : new Native(Sys.IPPROTO_IPV6, IPV6_TCLASS, Kind.INT);
        }
        return null;
    }
}
