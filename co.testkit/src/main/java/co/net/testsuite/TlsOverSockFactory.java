package co.net.testsuite;

import co.api.Sock;
import co.api.Transport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ProtocolFamily;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * TLS over any transport for {@link SockSuite} ({@code tls-over-mem}, {@code tls-over-epoll},
 * ...): a TLS transport composed over another one, with a self-signed EC key for
 * {@code localhost} that keytool makes in a temporary directory (removed by {@link #close()}).
 * The addresses come from the plain factory of the transport below, so the suite binds and
 * refuses where that transport does.
 *
 * <p>co.testkit does not depend on co.net.tls: the caller composes the TLS transport
 * ({@link TlsLayer}), typically with {@code TlsTransports.over(inner, serverConfig, clientConfig)}.
 * A transport's tests subclass it with the public one-{@code String} constructor that
 * {@link SockFactory} asks for.
 *
 * <p>Thread safety: the sockets it makes follow their transport's rules; make and close the
 * factory on one thread.
 */
public class TlsOverSockFactory implements SockFactory {

    /** The password of the generated PKCS#12 key store. */
    private static final char[] PASSWORD = "secret".toCharArray();
    private static final long KEYTOOL_TIMEOUT_SECONDS = 60;

    /** Makes the TLS transport from the generated key material. */
    @FunctionalInterface
    public interface TlsLayer {
        /**
         * Makes the TLS transport over the transport under test.
         *
         * @param keyStore the server's PKCS#12 key store (alias {@code server}, CN and SAN
         *     {@code localhost})
         * @param password its password
         * @param certificatePem the server's certificate in PEM, for the clients to trust
         * @return the TLS transport
         * @throws IOException if the key material cannot be read
         */
        Transport over(Path keyStore, char[] password, Path certificatePem) throws IOException;
    }

    private final String name;
    private final SockFactory plain;
    private final boolean connectCanStall;
    private final Path dir;
    private final Transport tls;

    /**
     * Makes the key material (runs keytool twice, a second or so) and the TLS transport.
     *
     * @param name the factory's name, {@code tls-over-<transport>}
     * @param plain the plain factory of the transport below, for the addresses; closed by
     *     {@link #close()}
     * @param connectCanStall what {@link SockFactory#connectCanStall()} says of this factory (true
     *     over a network transport whose handshake may wait on a full accept queue)
     * @param layer makes the TLS transport
     * @throws UncheckedIOException if keytool or the layer fails
     */
    protected TlsOverSockFactory(String name, SockFactory plain, boolean connectCanStall, TlsLayer layer) {
        this.name = Objects.requireNonNull(name, "name");
        this.plain = Objects.requireNonNull(plain, "plain");
        this.connectCanStall = connectCanStall;
        try {
            dir = Files.createTempDirectory("co-" + name);
            Path p12 = dir.resolve("server.p12");
            Path pem = dir.resolve("server.pem");
            String pass = new String(PASSWORD);
            keytool("-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1",
                    "-dname", "CN=localhost", "-ext", "SAN=dns:localhost", "-validity", "2",
                    "-storetype", "PKCS12", "-keystore", p12.toString(), "-storepass", pass);
            keytool("-exportcert", "-rfc", "-alias", "server", "-keystore", p12.toString(), "-storepass", pass,
                    "-file", pem.toString());
            tls = layer.over(p12, PASSWORD.clone(), pem);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void keytool(String... args) throws IOException {
        String[] command = new String[args.length + 1];
        command[0] = Paths.get(System.getProperty("java.home"), "bin", "keytool").toString();
        System.arraycopy(args, 0, command, 1, args.length);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(KEYTOOL_TIMEOUT_SECONDS, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IOException("keytool failed: " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted waiting for keytool", e);
        }
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final ProtocolFamily family() {
        return StandardProtocolFamily.INET;
    }

    @Override
    public final Sock serverSocket() {
        return tls.socket(StandardProtocolFamily.INET, Sock.Type.STREAM);
    }

    @Override
    public final Sock clientSocket() {
        return tls.socket(StandardProtocolFamily.INET, Sock.Type.STREAM);
    }

    @Override
    public final SocketAddress bindAddress() {
        return plain.bindAddress();
    }

    @Override
    public final SocketAddress refusedAddress() {
        return plain.refusedAddress();
    }

    @Override
    public final boolean plainWire() {
        return false;
    }

    @Override
    public final boolean connectCanStall() {
        return connectCanStall;
    }

    /**
     * Opens none: the plain variants of each transport run the many-connections case.
     *
     * @return 0
     */
    @Override
    public final int manyConnections() {
        return 0;
    }

    @Override
    public final void close() {
        plain.close();
        try {
            Files.deleteIfExists(dir.resolve("server.p12"));
            Files.deleteIfExists(dir.resolve("server.pem"));
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public final String toString() {
        return name;
    }
}
