package co.net.linux.internal;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Finds the epoll descriptor behind a JDK {@link Selector}, with public APIs only, so that an epoll
 * backend can add it to its own wait (an epoll descriptor is readable while its ready list is not
 * empty). The JDK does not expose it: we register a UDP channel bound to a fresh loopback port
 * with the selector, find that channel's descriptor by its address ({@code getsockname}), and look
 * for the epoll instance whose {@code /proc/self/fdinfo} lists it as a target. Deterministic: a
 * bound port and a registered descriptor belong to one selector only.
 *
 * <p>Thread rules: call on the thread that owns the selector, before it is used to select.
 */
final class JdkSelectorFd {

    private static final Path FDS = Path.of("/proc/self/fd");

    private JdkSelectorFd() {
    }

    /**
     * Returns the selector's epoll descriptor.
     *
     * @param selector a JDK selector on Linux
     * @return the descriptor, or -1 if it cannot be found
     */
    @SuppressWarnings("try")   // the probe is closed early on purpose: the next selectNow must drop it
    static int find(Selector selector) {
        MemorySegment scratch = Sys.scratch();
        int found = -1;
        try (DatagramChannel probe = DatagramChannel.open(java.net.StandardProtocolFamily.INET)) {
            probe.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            probe.configureBlocking(false);
            InetSocketAddress local = (InetSocketAddress) probe.getLocalAddress();
            int probeFd = -1;
            for (int fd : descriptors("socket:")) {
                scratch.set(ValueLayout.JAVA_INT, Sys.ADDR_LEN, 128);
                if (Sys.getsockname(scratch, fd, scratch.asSlice(Sys.ADDR, 128), scratch.asSlice(Sys.ADDR_LEN, 4)) == 0) {
                    SocketAddress a = SockAddr.decode(scratch.asSlice(Sys.ADDR, 128),
                            scratch.get(ValueLayout.JAVA_INT, Sys.ADDR_LEN));
                    if (local.equals(a) && type(scratch, fd) == 2) {     // SOCK_DGRAM
                        probeFd = fd;
                        break;
                    }
                }
            }
            if (probeFd < 0) {
                return -1;
            }
            SelectionKey key = probe.register(selector, SelectionKey.OP_READ);
            selector.selectNow();                         // the JDK registers with epoll_ctl here
            Pattern target = Pattern.compile("(?m)^tfd:\\s+" + probeFd + "\\s");
            for (int fd : descriptors("anon_inode:[eventpoll]")) {
                String info;
                try {
                    info = Files.readString(Path.of("/proc/self/fdinfo/" + fd));
                } catch (IOException gone) {
                    continue;
                }
                if (target.matcher(info).find()) {
                    found = fd;
                    break;
                }
            }
            key.cancel();
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        try {
            selector.selectNow();                         // deregisters the closed probe now
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return found;
    }

    private static int type(MemorySegment scratch, int fd) {
        scratch.set(ValueLayout.JAVA_INT, Sys.OPT_LEN, 4);
        if (Sys.getsockopt(scratch, fd, Sys.SOL_SOCKET, Sys.SO_TYPE, scratch.asSlice(Sys.OPT, 4),
                scratch.asSlice(Sys.OPT_LEN, 4)) < 0) {
            return -1;
        }
        return scratch.get(ValueLayout.JAVA_INT, Sys.OPT);
    }

    /** The open descriptors whose {@code /proc/self/fd} link starts with {@code prefix}. */
    private static List<Integer> descriptors(String prefix) throws IOException {
        List<Integer> out = new java.util.ArrayList<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(FDS)) {
            for (Path p : dir) {
                try {
                    if (Files.readSymbolicLink(p).toString().startsWith(prefix)) {
                        out.add(Integer.parseInt(p.getFileName().toString()));
                    }
                } catch (IOException | NumberFormatException gone) {
                    // closed meanwhile, or not a number
                }
            }
        }
        return out;
    }
}
