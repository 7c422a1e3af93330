/**
 * The NIO transport of co ({@code "nio"}): TCP over IPv4 and IPv6, UDP, and Unix-domain stream
 * sockets over {@link java.nio.channels} in non-blocking mode, waiting through the calling
 * coroutine's {@link co.api.spi.Poller}.
 *
 * <p>Exports nothing: user code reaches it through {@link co.api.Co#tcpSocket()},
 * {@link co.api.Co#transport(String) Co.transport("nio")} and {@link co.api.Sock}.
 */
module co.net.nio {
    requires static osgi.core;
    requires co.api;

    provides co.api.spi.TransportProvider with co.net.nio.internal.NioTransportProvider;
}
