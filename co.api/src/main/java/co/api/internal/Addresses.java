package co.api.internal;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.net.UnixDomainSocketAddress;

/** Text forms of socket addresses, as co's {@code init_ip_addr}, {@code ip_str} and {@code to_string}. */
public final class Addresses {

    /** The highest port number. */
    private static final int MAX_PORT = 65_535;
    /** The radix of an IPv6 group. */
    private static final int HEX = 16;
    /** The highest value of an IPv4 octet. */
    private static final int MAX_OCTET = 255;
    /** The number of octets of an IPv4 address, and the most digits of one. */
    private static final int IPV4_OCTETS = 4;
    private static final int MAX_OCTET_DIGITS = 3;
    /** The number of 16-bit groups of an IPv6 address, and the longest text of one. */
    private static final int IPV6_GROUPS = 8;
    private static final int MAX_IPV6_TEXT = 39;

    private Addresses() {
    }

    /**
     * Parses an IPv4 or IPv6 literal, never asking DNS.
     *
     * @param ip the literal; IPv6 may be bracketed
     * @param port the port
     * @return the address, or null if {@code ip} is not a literal or the port is out of range
     */
    public static InetSocketAddress parse(String ip, int port) {
        if (ip == null || port < 0 || port > MAX_PORT) {
            return null;
        }
        String s = ip.trim();
        if (s.startsWith("[") && s.endsWith("]")) {
            s = s.substring(1, s.length() - 1);
        }
        if (s.isEmpty() || !isLiteral(s)) {
            return null;
        }
        try {
            // getByName does not consult DNS for a literal, which isLiteral has checked.
            return new InetSocketAddress(InetAddress.getByName(s.contains(":") ? "[" + s + "]" : s), port);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static boolean isLiteral(String s) {
        if (s.indexOf(':') >= 0) {
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                boolean ok = c == ':' || c == '.' || c == '%' || Character.digit(c, HEX) >= 0
                        || (s.indexOf('%') >= 0 && i > s.indexOf('%') && Character.isLetterOrDigit(c));
                if (!ok) {
                    return false;
                }
            }
            return true;
        }
        String[] parts = s.split("\\.", -1);
        if (parts.length != IPV4_OCTETS) {
            return false;
        }
        for (String p : parts) {
            if (p.isEmpty() || p.length() > MAX_OCTET_DIGITS) {
                return false;
            }
            for (int i = 0; i < p.length(); i++) {
                if (p.charAt(i) < '0' || p.charAt(i) > '9') {
                    return false;
                }
            }
            if (Integer.parseInt(p) > MAX_OCTET) {
                return false;
            }
        }
        return true;
    }

    /**
     * The IP text of an address: dotted IPv4, or RFC 5952 compressed IPv6 ({@code "::1"}).
     *
     * @param address an IP socket address
     * @return the text
     */
    public static String ip(InetSocketAddress address) {
        InetAddress a = address.getAddress();
        if (a == null) {
            return address.getHostString();
        }
        if (a instanceof Inet4Address) {
            return a.getHostAddress();
        }
        return compress((Inet6Address) a);
    }

    /**
     * {@code "ip:port"}, {@code "[v6]:port"}, or the path of a Unix-domain address.
     *
     * @param address the address
     * @return the text
     */
    public static String text(SocketAddress address) {
        if (address instanceof InetSocketAddress isa) {
            String ip = ip(isa);
            return (ip.indexOf(':') >= 0 ? "[" + ip + "]" : ip) + ":" + isa.getPort();
        }
        if (address instanceof UnixDomainSocketAddress u) {
            return u.getPath().toString();
        }
        return String.valueOf(address);
    }

    private static String compress(Inet6Address a) {
        byte[] b = a.getAddress();
        int[] words = new int[IPV6_GROUPS];
        for (int i = 0; i < IPV6_GROUPS; i++) {
            words[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLen = 1;
        for (int i = 0; i < IPV6_GROUPS; ) {
            if (words[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < IPV6_GROUPS && words[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        StringBuilder sb = new StringBuilder(MAX_IPV6_TEXT);
        for (int i = 0; i < IPV6_GROUPS; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(words[i]));
        }
        if (a.getScopeId() != 0) {
            sb.append('%').append(a.getScopeId());
        }
        return sb.toString();
    }
}
