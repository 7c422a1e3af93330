package co.net.testsuite;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.net.UnknownHostException;

/** Socket addresses as command-line text for child JVMs: {@code inet:IP:PORT} or {@code unix:PATH}. */
public final class AddressText {

    private AddressText() {
    }

    /**
     * Formats an address.
     *
     * @param a an IP or Unix-domain address
     * @return the text
     */
    public static String format(SocketAddress a) {
        if (a instanceof InetSocketAddress i) {
            return "inet:" + i.getAddress().getHostAddress() + ":" + i.getPort();
        }
        return "unix:" + ((UnixDomainSocketAddress) a).getPath();
    }

    /**
     * Parses what {@link #format} made.
     *
     * @param s the text
     * @return the address
     * @throws UnknownHostException never for what format made
     */
    public static SocketAddress parse(String s) throws UnknownHostException {
        if (s.startsWith("unix:")) {
            return UnixDomainSocketAddress.of(s.substring(5));
        }
        String rest = s.substring(5);
        int colon = rest.lastIndexOf(':');
        return new InetSocketAddress(InetAddress.getByName(rest.substring(0, colon)),
                Integer.parseInt(rest.substring(colon + 1)));
    }
}
