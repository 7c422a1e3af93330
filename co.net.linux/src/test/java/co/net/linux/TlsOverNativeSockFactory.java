package co.net.linux;

import co.api.Co;
import co.net.nio.NioSockFactory;
import co.net.testsuite.TlsOverSockFactory;
import co.net.tls.TlsConfig;
import co.net.tls.TlsTransports;

/**
 * TLS over a native transport for {@link co.net.testsuite.SockSuite} ({@code tls-over-epoll},
 * {@code tls-over-uring}): the tls transport composed over it on 127.0.0.1 (the shared
 * {@link TlsOverSockFactory}).
 */
public final class TlsOverNativeSockFactory extends TlsOverSockFactory {

    /**
     * Creates the factory.
     *
     * @param name {@code tls-over-epoll} or {@code tls-over-uring}
     */
    public TlsOverNativeSockFactory(String name) {
        super(checked(name), new NioSockFactory("nio-tcp4"), true,
                (p12, password, pem) -> TlsTransports.over(Co.transport(name.substring("tls-over-".length())),
                        TlsConfig.builder().keyStore(p12, password).build(),
                        TlsConfig.builder().trustPem(pem).serverName("localhost").build()));
    }

    private static String checked(String name) {
        if (!name.equals("tls-over-epoll") && !name.equals("tls-over-uring")) {
            throw new IllegalArgumentException(name);
        }
        return name;
    }
}
