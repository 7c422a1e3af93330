package co.net.tls;

import co.net.tls.internal.KeyMaterial;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;

/**
 * The settings of one side of a TLS connection: where keys and trusted certificates come from,
 * protocol versions, cipher suites, client authentication, SNI, ALPN and the time limits. Immutable;
 * build one with {@link #builder()}, or read one from system properties with
 * {@link #fromSystemProperties()}.
 *
 * <p><b>Secure defaults.</b> Protocols are TLSv1.3 and TLSv1.2 only. A client verifies the server's
 * certificate chain against the trusted certificates (the JDK's {@code cacerts}, or
 * {@code javax.net.ssl.trustStore}, unless trust material is given) <em>and</em> the server's host
 * name (endpoint identification {@code "HTTPS"}) unless {@link Builder#verifyHostname(boolean)
 * verifyHostname(false)} is set explicitly. There is no trust-all option.
 *
 * <p>One config may serve both roles: the key material is what a server presents (and a client
 * presents when asked for a client certificate); the trust material is what a client checks the server
 * against (and a server checks client certificates against).
 *
 * <pre>{@code
 * TlsConfig server = TlsConfig.builder()
 *         .keyStore(Path.of("server.p12"), "secret".toCharArray())
 *         .applicationProtocols("h2", "http/1.1")
 *         .build();
 * TlsConfig client = TlsConfig.builder()
 *         .trustPem(Path.of("ca.pem"))
 *         .build();
 * Transport tls = TlsTransports.over(Co.transport("nio"), server, client);
 * }</pre>
 *
 * <p>Size: about 640 lines, nearly half of them javadoc: the immutable config and its builder are
 * one public type so that every option is documented in one place; reading key and trust material
 * lives in the internal {@code KeyMaterial}.
 *
 * <p>Thread safety: instances are immutable and may be shared by any number of sockets and threads.
 */
public final class TlsConfig {

    /**
     * The default handshake timeout in milliseconds: the time a handshake may spend waiting for the
     * peer, added up over the handshake (Netty's default too). Long enough that a handshake admitted
     * during a connection storm is not dropped while its own side is busy with others.
     */
    public static final int DEFAULT_HANDSHAKE_TIMEOUT_MS = 10_000;
    /**
     * The default number of server handshakes one listening socket runs at a time (see
     * {@link Builder#maxHandshakes(int)}).
     */
    public static final int DEFAULT_MAX_HANDSHAKES = 256;
    /** The default time allowed for sending a close_notify on close, in milliseconds. */
    public static final int DEFAULT_CLOSE_NOTIFY_TIMEOUT_MS = 1000;
    /** The protocols used unless others are set: TLSv1.3 and TLSv1.2. */
    public static final List<String> DEFAULT_PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    /** System property prefix read by {@link #fromSystemProperties()}. */
    public static final String PROPERTY_PREFIX = "co.tls.";

    /** Whether a server asks for a client certificate. */
    public enum ClientAuth {
        /** The server does not ask for a client certificate. */
        NONE,
        /** The server asks for one, but accepts clients that send none. */
        WANT,
        /** The server requires a valid client certificate. */
        NEED
    }

    private final SSLContext sslContext;
    private final List<String> protocols;
    private final List<String> cipherSuites;
    private final ClientAuth clientAuth;
    private final String serverName;
    private final boolean verifyHostname;
    private final List<String> applicationProtocols;
    private final int handshakeTimeoutMs;
    private final int closeNotifyTimeoutMs;
    private final int maxHandshakes;

    private TlsConfig(Builder b, SSLContext context) {
        this.sslContext = context;
        this.protocols = b.protocols;
        this.cipherSuites = b.cipherSuites;
        this.clientAuth = b.clientAuth;
        this.serverName = b.serverName;
        this.verifyHostname = b.verifyHostname;
        this.applicationProtocols = b.applicationProtocols;
        this.handshakeTimeoutMs = b.handshakeTimeoutMs;
        this.closeNotifyTimeoutMs = b.closeNotifyTimeoutMs;
        this.maxHandshakes = b.maxHandshakes;
    }

    /**
     * Starts a builder with the secure defaults.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns a builder holding this config's settings, to derive a changed copy.
     *
     * @return a new builder
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.sslContext = sslContext;
        b.protocols = protocols;
        b.cipherSuites = cipherSuites;
        b.clientAuth = clientAuth;
        b.serverName = serverName;
        b.verifyHostname = verifyHostname;
        b.applicationProtocols = applicationProtocols;
        b.handshakeTimeoutMs = handshakeTimeoutMs;
        b.closeNotifyTimeoutMs = closeNotifyTimeoutMs;
        b.maxHandshakes = maxHandshakes;
        return b;
    }

    /**
     * Reads a config from system properties: what the {@code "tls"} transport uses when the user gave
     * no config. Unset properties keep the secure defaults. Keys and trust come from the JDK's default
     * {@link SSLContext} (configured by {@code javax.net.ssl.keyStore}, {@code javax.net.ssl.trustStore}
     * and their password properties; trust defaults to {@code cacerts}) unless {@code co.tls.keyStore}
     * (or {@code co.tls.certPem}) or {@code co.tls.trustStore} name files.
     *
     * <table>
     * <caption>properties</caption>
     * <tr><th>property</th><th>meaning</th></tr>
     * <tr><td>{@code co.tls.keyStore}, {@code co.tls.keyStorePassword}</td><td>PKCS12 file with this
     * side's key and certificate chain</td></tr>
     * <tr><td>{@code co.tls.trustStore}, {@code co.tls.trustStorePassword}</td><td>PKCS12 file with the
     * trusted certificates</td></tr>
     * <tr><td>{@code co.tls.certPem}, {@code co.tls.keyPem}, {@code co.tls.keyPemPassword}</td><td>PEM
     * files with this side's certificate chain and private key (see {@link Builder#pemKey(Path, Path,
     * char[])}); the password only for an encrypted key</td></tr>
     * <tr><td>{@code co.tls.trustPem}</td><td>PEM file with the trusted certificates</td></tr>
     * <tr><td>{@code co.tls.protocols}</td><td>comma-separated, e.g. {@code TLSv1.3}</td></tr>
     * <tr><td>{@code co.tls.cipherSuites}</td><td>comma-separated</td></tr>
     * <tr><td>{@code co.tls.clientAuth}</td><td>{@code none}, {@code want} or {@code need}</td></tr>
     * <tr><td>{@code co.tls.serverName}</td><td>SNI and host name a client checks</td></tr>
     * <tr><td>{@code co.tls.verifyHostname}</td><td>{@code false} turns host name checking off</td></tr>
     * <tr><td>{@code co.tls.alpn}</td><td>comma-separated ALPN protocols</td></tr>
     * <tr><td>{@code co.tls.handshakeTimeout}</td><td>milliseconds, default 10000</td></tr>
     * <tr><td>{@code co.tls.closeNotifyTimeout}</td><td>milliseconds, default 1000</td></tr>
     * <tr><td>{@code co.tls.maxHandshakes}</td><td>server handshakes per listener at a time,
     * default 256</td></tr>
     * </table>
     *
     * @return the config
     * @throws IllegalStateException if a property is malformed or a named file cannot be loaded
     */
    public static TlsConfig fromSystemProperties() {
        Builder b = builder();
        String keyStore = prop("keyStore");
        if (keyStore != null) {
            b.keyStore(Path.of(keyStore), password("keyStorePassword"));
        }
        String trustStore = prop("trustStore");
        if (trustStore != null) {
            b.trustStore(Path.of(trustStore), password("trustStorePassword"));
        }
        String certPem = prop("certPem");
        String keyPem = prop("keyPem");
        if (certPem != null || keyPem != null) {
            if (certPem == null || keyPem == null) {
                throw new IllegalStateException(PROPERTY_PREFIX + "certPem and " + PROPERTY_PREFIX
                        + "keyPem go together: set both or neither");
            }
            b.pemKey(Path.of(certPem), Path.of(keyPem), password("keyPemPassword"));
        }
        String trustPem = prop("trustPem");
        if (trustPem != null) {
            b.trustPem(Path.of(trustPem));
        }
        String v = prop("protocols");
        if (v != null) {
            b.protocols(split(v));
        }
        v = prop("cipherSuites");
        if (v != null) {
            b.cipherSuites(split(v));
        }
        v = prop("clientAuth");
        if (v != null) {
            try {
                b.clientAuth(ClientAuth.valueOf(v.trim().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("co.tls.clientAuth must be none, want or need: " + v, e);
            }
        }
        v = prop("serverName");
        if (v != null) {
            b.serverName(v.trim());
        }
        v = prop("verifyHostname");
        if (v != null) {
            b.verifyHostname(!"false".equalsIgnoreCase(v.trim()));
        }
        v = prop("alpn");
        if (v != null) {
            b.applicationProtocols(split(v));
        }
        v = prop("handshakeTimeout");
        if (v != null) {
            b.handshakeTimeout(millis("handshakeTimeout", v));
        }
        v = prop("closeNotifyTimeout");
        if (v != null) {
            b.closeNotifyTimeout(millis("closeNotifyTimeout", v));
        }
        v = prop("maxHandshakes");
        if (v != null) {
            try {
                b.maxHandshakes(Integer.parseInt(v.trim()));
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException(PROPERTY_PREFIX + "maxHandshakes must be a number >= 1: " + v, e);
            }
        }
        return b.build();
    }

    private static String prop(String name) {
        String v = System.getProperty(PROPERTY_PREFIX + name);
        return v == null || v.isBlank() ? null : v;
    }

    private static char[] password(String name) {
        String v = System.getProperty(PROPERTY_PREFIX + name);
        return v == null ? null : v.toCharArray();
    }

    private static String[] split(String v) {
        return java.util.Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .toArray(String[]::new);
    }

    private static int millis(String name, String v) {
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalStateException(PROPERTY_PREFIX + name + " must be a number of milliseconds: " + v, e);
        }
    }

    /**
     * Returns the SSL context engines are made from.
     *
     * @return the context
     */
    public SSLContext sslContext() {
        return sslContext;
    }

    /**
     * Returns the enabled protocol versions.
     *
     * @return an unmodifiable list, by default TLSv1.3 and TLSv1.2
     */
    public List<String> protocols() {
        return protocols;
    }

    /**
     * Returns the enabled cipher suites.
     *
     * @return an unmodifiable list, or null for the JDK's defaults
     */
    public List<String> cipherSuites() {
        return cipherSuites;
    }

    /**
     * Returns whether a server asks for client certificates.
     *
     * @return the setting, by default {@link ClientAuth#NONE}
     */
    public ClientAuth clientAuth() {
        return clientAuth;
    }

    /**
     * Returns the host name a client sends as SNI and checks the server certificate against.
     *
     * @return the name, or null to use the host of the address connected to
     */
    public String serverName() {
        return serverName;
    }

    /**
     * Tells whether a client checks the server certificate's host name.
     *
     * @return true unless turned off explicitly
     */
    public boolean verifyHostname() {
        return verifyHostname;
    }

    /**
     * Returns the ALPN protocols, in order of preference.
     *
     * @return an unmodifiable list, empty for no ALPN
     */
    public List<String> applicationProtocols() {
        return applicationProtocols;
    }

    /**
     * Returns the longest time a handshake may spend waiting for the peer, added up over the whole
     * handshake (see {@link Builder#handshakeTimeout(int)}).
     *
     * @return milliseconds, by default {@value #DEFAULT_HANDSHAKE_TIMEOUT_MS}
     */
    public int handshakeTimeoutMs() {
        return handshakeTimeoutMs;
    }

    /**
     * Returns how many server handshakes one listening socket runs at a time (see
     * {@link Builder#maxHandshakes(int)}).
     *
     * @return at least 1, by default {@value #DEFAULT_MAX_HANDSHAKES}
     */
    public int maxHandshakes() {
        return maxHandshakes;
    }

    /**
     * Returns the longest time closing spends sending close_notify.
     *
     * @return milliseconds, by default {@value #DEFAULT_CLOSE_NOTIFY_TIMEOUT_MS}
     */
    public int closeNotifyTimeoutMs() {
        return closeNotifyTimeoutMs;
    }

    @Override
    public String toString() {
        return "TlsConfig[protocols=" + protocols + ", cipherSuites=" + (cipherSuites == null ? "default" : cipherSuites)
                + ", clientAuth=" + clientAuth + ", serverName=" + serverName + ", verifyHostname=" + verifyHostname
                + ", alpn=" + applicationProtocols + ", handshakeTimeoutMs=" + handshakeTimeoutMs
                + ", closeNotifyTimeoutMs=" + closeNotifyTimeoutMs + ", maxHandshakes=" + maxHandshakes + "]";
    }

    /**
     * Builds a {@link TlsConfig}. Key material comes from one of {@link #sslContext}, {@link #keyStore}
     * or {@link #pemKey}; trust material from {@link #sslContext}, {@link #trustStore} or
     * {@link #trustPem}. What is not given comes from the JDK defaults (no keys; {@code cacerts}).
     *
     * <p>Thread safety: a builder is for one thread.
     */
    public static final class Builder {
        private SSLContext sslContext;
        private KeyManager[] keyManagers;
        private TrustManager[] trustManagers;
        private List<String> protocols = DEFAULT_PROTOCOLS;
        private List<String> cipherSuites;
        private ClientAuth clientAuth = ClientAuth.NONE;
        private String serverName;
        private boolean verifyHostname = true;
        private List<String> applicationProtocols = List.of();
        private int handshakeTimeoutMs = DEFAULT_HANDSHAKE_TIMEOUT_MS;
        private int closeNotifyTimeoutMs = DEFAULT_CLOSE_NOTIFY_TIMEOUT_MS;
        private int maxHandshakes = DEFAULT_MAX_HANDSHAKES;

        private Builder() {
        }

        /**
         * Uses a ready SSL context for both keys and trust; overrides any key or trust material set.
         *
         * @param context the context, initialized
         * @return this builder
         */
        public Builder sslContext(SSLContext context) {
            this.sslContext = Objects.requireNonNull(context, "context");
            return this;
        }

        /**
         * Loads this side's private key and certificate chain from a PKCS12 file.
         *
         * @param pkcs12 the file
         * @param password its password (also the key's), or null for none
         * @return this builder
         * @throws IllegalArgumentException if the file cannot be read as PKCS12
         */
        public Builder keyStore(Path pkcs12, char[] password) {
            return keyStore(KeyMaterial.loadPkcs12(pkcs12, password), password);
        }

        /**
         * Uses this side's private key and certificate chain from a loaded key store.
         *
         * @param store the key store
         * @param password the key password, or null for none
         * @return this builder
         * @throws IllegalArgumentException if the keys cannot be read
         */
        public Builder keyStore(KeyStore store, char[] password) {
            this.keyManagers = KeyMaterial.keyManagers(store, password);
            this.sslContext = null;
            return this;
        }

        /**
         * Loads this side's certificate chain and unencrypted private key from PEM files: PKCS#8
         * ({@code BEGIN PRIVATE KEY}), PKCS#1 RSA ({@code BEGIN RSA PRIVATE KEY}) or SEC 1 EC
         * ({@code BEGIN EC PRIVATE KEY}), as OpenSSL writes them.
         *
         * @param certificateChain PEM file with the certificate chain, leaf first
         * @param privateKey PEM file with the private key
         * @return this builder
         * @throws IllegalArgumentException if a file cannot be read or parsed, or the key is encrypted
         */
        public Builder pemKey(Path certificateChain, Path privateKey) {
            return pemKey(certificateChain, privateKey, null);
        }

        /**
         * Loads this side's certificate chain and private key from PEM files, the key possibly
         * encrypted: encrypted PKCS#8 ({@code BEGIN ENCRYPTED PRIVATE KEY}, PBES2 as OpenSSL 3 writes
         * it by default, or a PKCS#12 PBE scheme), or any unencrypted form {@link #pemKey(Path, Path)}
         * reads. OpenSSL's legacy encrypted PEM ({@code Proc-Type: 4,ENCRYPTED}) is refused with a
         * message that says how to convert it.
         *
         * @param certificateChain PEM file with the certificate chain, leaf first
         * @param privateKey PEM file with the private key
         * @param password the key's password, or null for an unencrypted key
         * @return this builder
         * @throws IllegalArgumentException if a file cannot be read or parsed, or the password is wrong
         */
        public Builder pemKey(Path certificateChain, Path privateKey, char[] password) {
            this.keyManagers = KeyMaterial.pemKeyManagers(certificateChain, privateKey, password);
            this.sslContext = null;
            return this;
        }

        /**
         * Trusts the certificates of a PKCS12 file (and nothing else).
         *
         * @param pkcs12 the file
         * @param password its password, or null for none
         * @return this builder
         * @throws IllegalArgumentException if the file cannot be read as PKCS12
         */
        public Builder trustStore(Path pkcs12, char[] password) {
            return trustStore(KeyMaterial.loadPkcs12(pkcs12, password));
        }

        /**
         * Trusts the certificates of a loaded key store (and nothing else).
         *
         * @param store the key store
         * @return this builder
         * @throws IllegalArgumentException if it cannot be used
         */
        public Builder trustStore(KeyStore store) {
            this.trustManagers = KeyMaterial.trustManagers(store);
            this.sslContext = null;
            return this;
        }

        /**
         * Trusts the certificates of a PEM file (and nothing else).
         *
         * @param certificates PEM file with one or more CA certificates
         * @return this builder
         * @throws IllegalArgumentException if the file cannot be read or parsed
         */
        public Builder trustPem(Path certificates) {
            return trustStore(KeyMaterial.pemTrustStore(certificates));
        }

        /**
         * Sets the enabled protocol versions.
         *
         * @param protocols for example {@code "TLSv1.3"}
         * @return this builder
         */
        public Builder protocols(String... protocols) {
            this.protocols = nonEmpty("protocols", protocols);
            return this;
        }

        /**
         * Sets the enabled cipher suites; without this call, the JDK's defaults for the protocols.
         *
         * @param suites the suites
         * @return this builder
         */
        public Builder cipherSuites(String... suites) {
            this.cipherSuites = nonEmpty("cipherSuites", suites);
            return this;
        }

        /**
         * Sets whether a server asks for client certificates.
         *
         * @param auth none, want or need
         * @return this builder
         */
        public Builder clientAuth(ClientAuth auth) {
            this.clientAuth = Objects.requireNonNull(auth, "auth");
            return this;
        }

        /**
         * Sets the host name a client sends as SNI and checks the server certificate against; without
         * it, the host of the address given to {@code connect} (a Unix-domain address has none, so a
         * client over Unix sockets needs this or {@code verifyHostname(false)}).
         *
         * @param name a DNS host name or an IP literal
         * @return this builder
         */
        public Builder serverName(String name) {
            this.serverName = Objects.requireNonNull(name, "name");
            return this;
        }

        /**
         * Turns the client's host name check on (the default) or off. Turning it off still verifies the
         * certificate chain; it only stops checking that the certificate names the host.
         *
         * @param verify false to stop checking host names
         * @return this builder
         */
        public Builder verifyHostname(boolean verify) {
            this.verifyHostname = verify;
            return this;
        }

        /**
         * Sets the ALPN protocols, most preferred first. A client offers them; a server picks the first
         * of its list the client offered, and fails the handshake if there is none.
         *
         * @param protocols for example {@code "h2", "http/1.1"}
         * @return this builder
         */
        public Builder applicationProtocols(String... protocols) {
            this.applicationProtocols = List.of(protocols);
            return this;
        }

        /**
         * Sets the longest time a handshake may spend waiting for the peer, added up over the whole
         * handshake: past it the operation that drives the handshake fails with {@code ETIMEDOUT} and
         * the connection is closed. Only waits for the peer's bytes (or for room to send) count, not
         * the time this side spends computing or waiting for its scheduler, so a server busy with a
         * storm of handshakes does not drop the ones it has admitted; a peer that drips its
         * handshake a byte at a time is still cut off once its pauses add up to the limit. A call's
         * own {@code ms} (of {@code connect}, {@code recv}, {@link TlsSock#handshake(int)}) also
         * bounds it; running out of that is a timeout of the call only, the handshake can go on.
         *
         * @param ms milliseconds, at least 1
         * @return this builder
         */
        public Builder handshakeTimeout(int ms) {
            if (ms < 1) {
                throw new IllegalArgumentException("handshakeTimeout must be >= 1 ms: " + ms);
            }
            this.handshakeTimeoutMs = ms;
            return this;
        }

        /**
         * Sets how many server handshakes one listening socket runs at a time. Once that many
         * accepted connections are still handshaking, {@code accept} waits (within its own timeout)
         * until one finishes, so the connections that arrive meanwhile wait in the kernel's listen
         * backlog rather than in this process, where their handshake time would run out while they
         * queue for CPU. Each admitted handshake ends within {@link #handshakeTimeout(int)} of peer
         * silence, so a slot is never held for ever. Higher values help when handshakes wait long
         * for distant peers; a slow or silent peer holds its slot until its handshake ends. Only the
         * server config of a listening socket uses it.
         *
         * @param handshakes at least 1
         * @return this builder
         */
        public Builder maxHandshakes(int handshakes) {
            if (handshakes < 1) {
                throw new IllegalArgumentException("maxHandshakes must be >= 1: " + handshakes);
            }
            this.maxHandshakes = handshakes;
            return this;
        }

        /**
         * Sets the longest time {@code close} and {@code shutdown('w')} spend sending close_notify.
         *
         * @param ms milliseconds, 0 to skip close_notify when it cannot go at once
         * @return this builder
         */
        public Builder closeNotifyTimeout(int ms) {
            if (ms < 0) {
                throw new IllegalArgumentException("closeNotifyTimeout must be >= 0 ms: " + ms);
            }
            this.closeNotifyTimeoutMs = ms;
            return this;
        }

        /**
         * Builds the config.
         *
         * @return the config
         * @throws IllegalStateException if the SSL context cannot be created
         */
        public TlsConfig build() {
            SSLContext context = sslContext;
            if (context == null) {
                try {
                    if (keyManagers == null && trustManagers == null) {
                        context = SSLContext.getDefault();
                    } else {
                        context = SSLContext.getInstance("TLS");
                        // null trust managers mean the JDK default ones (cacerts or javax.net.ssl.trustStore).
                        context.init(keyManagers, trustManagers, null);
                    }
                } catch (GeneralSecurityException e) {
                    throw new IllegalStateException("co.net.tls: cannot create an SSLContext: " + e.getMessage(), e);
                }
            }
            return new TlsConfig(this, context);
        }

        private static List<String> nonEmpty(String what, String[] values) {
            if (values.length == 0) {
                throw new IllegalArgumentException(what + " must not be empty");
            }
            return List.of(values);
        }
    }
}
