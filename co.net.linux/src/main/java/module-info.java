/**
 * co's Linux-native I/O through {@code java.lang.foreign} (JDK 22+; no JNI, no library to ship):
 * the {@code "epoll"} I/O backend, one epoll instance per affine scheduling thread, and the
 * {@code "epoll"} transport of stream sockets on raw descriptors (TCP over IPv4 and IPv6,
 * Unix-domain).
 *
 * <p>Needs {@code --enable-native-access=co.net.linux} (or {@code =ALL-UNNAMED} on the class
 * path); without it the providers say so and co falls back to nio. Select with
 * {@code -Dco.transport=epoll}. Exports nothing.
 */
module co.net.linux {
    requires co.api;
    requires static osgi.core;

    provides co.api.spi.TransportProvider with co.net.linux.internal.EpollTransportProvider;
    provides co.api.spi.IoBackendProvider with co.net.linux.internal.EpollBackendProvider;
}
