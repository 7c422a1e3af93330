package co.net.mem;

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
import java.util.concurrent.atomic.AtomicInteger;

/**
 * TLS over "mem" for {@link co.net.testsuite.SockSuite} ({@code tls-over-mem}): the tls transport
 * composed over the in-memory one, with a self-signed key for {@code localhost} made by keytool.
 */
public final class TlsOverMemSockFactory implements SockFactory {

    private static final AtomicInteger NOBODY = new AtomicInteger();

    private final String name;
    private final Path dir;
    private final Transport tls;

    /**
     * Creates the factory.
     *
     * @param name {@code tls-over-mem}
     */
    public TlsOverMemSockFactory(String name) {
        if (!name.equals("tls-over-mem")) {
            throw new IllegalArgumentException(name);
        }
        this.name = name;
        try {
            dir = Files.createTempDirectory("co-tls-mem");
            Path p12 = dir.resolve("server.p12");
            Path pem = dir.resolve("server.pem");
            keytool("-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1",
                    "-dname", "CN=localhost", "-ext", "SAN=dns:localhost", "-validity", "2",
                    "-storetype", "PKCS12", "-keystore", p12.toString(), "-storepass", "secret");
            keytool("-exportcert", "-rfc", "-alias", "server", "-keystore", p12.toString(), "-storepass", "secret",
                    "-file", pem.toString());
            tls = TlsTransports.over(Co.transport(MemTransports.NAME),
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
        return MemAddress.ANY;
    }

    @Override
    public SocketAddress refusedAddress() {
        return MemAddress.of("nobody-tls-" + NOBODY.incrementAndGet());
    }

    @Override
    public boolean plainWire() {
        return false;
    }

    @Override
    public boolean connectCanStall() {
        return false;
    }

    @Override
    public int manyConnections() {
        return 0;                                        // mem sockets live in one JVM; see MemTransportTest
    }

    @Override
    public void close() {
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
