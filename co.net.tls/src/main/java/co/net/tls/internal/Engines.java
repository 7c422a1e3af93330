package co.net.tls.internal;

import co.net.tls.TlsConfig;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/** Makes {@link SSLEngine}s configured from a {@link TlsConfig}. */
final class Engines {

    private Engines() {
    }

    /**
     * Makes an engine.
     *
     * @param config the config
     * @param client true for the client role
     * @param host the peer's host name or IP literal (client: the name verified and sent as SNI), or null
     * @param port the peer's port, or -1
     * @return the engine, handshake not begun
     * @throws IllegalArgumentException if the config names unsupported protocols or suites
     */
    static SSLEngine create(TlsConfig config, boolean client, String host, int port) {
        SSLEngine engine = host == null ? config.sslContext().createSSLEngine()
                : config.sslContext().createSSLEngine(host, port);
        engine.setUseClientMode(client);
        SSLParameters p = engine.getSSLParameters();
        p.setProtocols(config.protocols().toArray(new String[0]));
        if (config.cipherSuites() != null) {
            p.setCipherSuites(config.cipherSuites().toArray(new String[0]));
        }
        if (client) {
            // Endpoint identification makes the JDK's trust manager check the certificate's names
            // against the host (RFC 2818 rules, IP literals against IP SANs).
            p.setEndpointIdentificationAlgorithm(config.verifyHostname() ? "HTTPS" : null);
            if (host != null && !isIpLiteral(host)) {
                try {
                    p.setServerNames(List.of(new SNIHostName(host)));
                } catch (IllegalArgumentException notAHostName) {
                    // not a valid SNI name: send none; the host name check still applies
                }
            }
        } else {
            switch (config.clientAuth()) {
                case NEED -> p.setNeedClientAuth(true);
                case WANT -> p.setWantClientAuth(true);
                default -> p.setNeedClientAuth(false);
            }
        }
        if (!config.applicationProtocols().isEmpty()) {
            p.setApplicationProtocols(config.applicationProtocols().toArray(new String[0]));
        }
        engine.setSSLParameters(p);
        return engine;
    }

    /**
     * Tells whether {@code host} is an IPv4 or IPv6 literal (SNI carries host names only).
     *
     * @param host the host
     * @return true for a literal
     */
    static boolean isIpLiteral(String host) {
        if (host.indexOf(':') >= 0) {
            return true;
        }
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            if (c != '.' && (c < '0' || c > '9')) {
                return false;
            }
        }
        return !host.isEmpty();
    }
}
