package co.itests.osgi;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed EC key for {@code localhost} / 127.0.0.1 made with the JDK's keytool, once per test
 * JVM, for the "tls" transport's {@code co.tls.*} system properties in the framework JVMs.
 */
final class TestKeys {

    private static Path dir;

    private TestKeys() {
    }

    /** Returns the directory holding {@code server.p12} (password {@code secret}) and {@code server.pem}. */
    static synchronized Path get() {
        if (dir == null) {
            try {
                Path d = Paths.get(System.getProperty("co.osgi.work")).resolve("tls");
                Files.createDirectories(d);
                Files.deleteIfExists(d.resolve("server.p12"));
                Files.deleteIfExists(d.resolve("server.pem"));
                String keytool = Paths.get(System.getProperty("java.home"), "bin", "keytool").toString();
                exec(keytool, "-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1",
                        "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2",
                        "-storetype", "PKCS12", "-keystore", d.resolve("server.p12").toString(), "-storepass", "secret");
                exec(keytool, "-exportcert", "-rfc", "-alias", "server", "-keystore", d.resolve("server.p12").toString(),
                        "-storepass", "secret", "-file", d.resolve("server.pem").toString());
                dir = d;
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException("cannot make the TLS test key", e);
            }
        }
        return dir;
    }

    private static void exec(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("keytool hung");
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException("keytool failed: " + out);
        }
    }
}
