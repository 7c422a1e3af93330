package co.net.linux;

import co.api.Co;
import co.api.Sock;
import co.api.Transport;
import co.net.testsuite.SockFactory;
import co.net.tls.TlsConfig;
import co.net.tls.TlsTransports;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ProtocolFamily;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.TimeUnit;
import co.net.nio.NioSockFactory;

/**
 * TLS over a native transport for {@link co.net.testsuite.SockSuite} ({@code tls-over-epoll},
 * {@code tls-over-uring}): the tls transport composed over it on 127.0.0.1, with a self-signed
 * key for {@code localhost} made by keytool.
 */
public final class TlsOverNativeSockFactory implements SockFactory {

    private final String name;
    private final Path dir;
    private final Transport tls;
    private final NioSockFactory addresses = new NioSockFactory("nio-tcp4");

    /**
     * Creates the factory.
     *
     * @param name {@code tls-over-epoll} or {@code tls-over-uring}
     */
    public TlsOverNativeSockFactory(String name) {
        if (!name.equals("tls-over-epoll") && !name.equals("tls-over-uring")) {
            throw new IllegalArgumentException(name);
        }
        this.name = name;
        try {
            dir = Files.createTempDirectory("co-" + name);
            Path p12 = dir.resolve("server.p12");
            Path pem = dir.resolve("server.pem");
            keytool("-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1",
                    "-dname", "CN=localhost", "-ext", "SAN=dns:localhost", "-validity", "2",
                    "-storetype", "PKCS12", "-keystore", p12.toString(), "-storepass", "secret");
            keytool("-exportcert", "-rfc", "-alias", "server", "-keystore", p12.toString(), "-storepass", "secret",
                    "-file", pem.toString());
            tls = TlsTransports.over(Co.transport(name.substring("tls-over-".length())),
                    TlsConfig.builder().keyStore(p12, "secret".toCharArray()).build(),
                    TlsConfig.builder().trustPem(pem).serverName("localhost").build());
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
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IOException("keytool failed: " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted waiting for keytool", e);
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public ProtocolFamily family() {
        return StandardProtocolFamily.INET;
    }

    @Override
    public Sock serverSocket() {
        return tls.socket(StandardProtocolFamily.INET, Sock.Type.STREAM);
    }

    @Override
    public Sock clientSocket() {
        return tls.socket(StandardProtocolFamily.INET, Sock.Type.STREAM);
    }

    @Override
    public SocketAddress bindAddress() {
        return addresses.bindAddress();
    }

    @Override
    public SocketAddress refusedAddress() {
        return addresses.refusedAddress();
    }

    @Override
    public boolean plainWire() {
        return false;
    }

    @Override
    public boolean connectCanStall() {
        return true;
    }

    @Override
    public int manyConnections() {
        return 0;                                        // the plain epoll variants open 10,000
    }

    @Override
    public void close() {
        addresses.close();
        try {
            Files.deleteIfExists(dir.resolve("server.p12"));
            Files.deleteIfExists(dir.resolve("server.pem"));
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
