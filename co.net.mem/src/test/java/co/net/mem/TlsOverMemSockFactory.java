package co.net.mem;

import co.api.Co;
import co.net.testsuite.TlsOverSockFactory;
import co.net.tls.TlsConfig;
import co.net.tls.TlsTransports;

/**
 * TLS over "mem" for {@link co.net.testsuite.SockSuite} ({@code tls-over-mem}): the tls transport
 * composed over the in-memory one, bound by name (the shared {@link TlsOverSockFactory}).
 */
public final class TlsOverMemSockFactory extends TlsOverSockFactory {

    /**
     * Creates the factory.
     *
     * @param name {@code tls-over-mem}
     */
    public TlsOverMemSockFactory(String name) {
        super(checked(name), new MemSockFactory("mem-name"), false,
                (p12, password, pem) -> TlsTransports.over(Co.transport(MemTransports.NAME),
                        TlsConfig.builder().keyStore(p12, password).build(),
                        TlsConfig.builder().trustPem(pem).serverName("localhost").build()));
    }

    private static String checked(String name) {
        if (!name.equals("tls-over-mem")) {
            throw new IllegalArgumentException(name);
        }
        return name;
    }
}
