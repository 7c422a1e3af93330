package co.net.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import co.api.Co;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Private keys in every PEM form OpenSSL writes: the test PKI's server key is re-encoded by
 * {@code openssl} (SEC 1, encrypted PKCS#8 with PBES2 and with a PKCS#12 PBE scheme, legacy
 * encrypted PEM), loaded with {@link TlsConfig.Builder#pemKey}, and must complete a handshake with a
 * client that checks the chain; wrong, missing and unsupported cases fail with a clear message.
 */
@Timeout(60)
class PemKeysTest {

    private static final TestPki PKI = TestPki.get();
    private static final char[] SECRET = "s3cret-pem".toCharArray();

    @TempDir
    Path dir;

    private Path openssl(String out, String... args) throws IOException, InterruptedException {
        String openssl = InteropTest.openssl();
        assertNotNull(openssl, "openssl is not installed (.ci/run installs the Debian package)");
        List<String> cmd = new ArrayList<>(List.of(openssl));
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("-in", PKI.file("server-key.pem").toString(), "-out", dir.resolve(out).toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "openssl did not finish");
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + ": " + output);
        return dir.resolve(out);
    }

    private static void handshakes(TlsConfig server) throws Exception {
        try (TlsPipeTest.Pair p = TlsPipeTest.pair(server, TlsPipeTest.clientConfig("TLSv1.3"), 100, 1 << 16)) {
            Future<Outcome> s = Tasks.fork(() -> Outcome.of(p.server().handshake(5000)));
            assertEquals(0, p.client().handshake(5000), Co.strerror());
            assertEquals(0, s.get(10, TimeUnit.SECONDS).value());
        }
    }

    private static String firstLine(Path file) throws IOException {
        return Files.readAllLines(file, StandardCharsets.US_ASCII).get(0);
    }

    @Test
    void sec1EcKey() throws Exception {
        Path key = openssl("sec1.pem", "ec");
        assertEquals("-----BEGIN EC PRIVATE KEY-----", firstLine(key));
        handshakes(TlsConfig.builder().pemKey(PKI.file("server-chain.pem"), key).build());
    }

    @ParameterizedTest
    @ValueSource(strings = {"PBES2", "PBE-SHA1-3DES"})
    void encryptedPkcs8Key(String scheme) throws Exception {
        Path key = scheme.equals("PBES2")
                ? openssl("enc.pem", "pkcs8", "-topk8", "-passout", "pass:" + new String(SECRET))
                : openssl("enc.pem", "pkcs8", "-topk8", "-v1", scheme, "-passout", "pass:" + new String(SECRET));
        assertEquals("-----BEGIN ENCRYPTED PRIVATE KEY-----", firstLine(key));
        handshakes(TlsConfig.builder().pemKey(PKI.file("server-chain.pem"), key, SECRET).build());
    }

    @Test
    void encryptedKeyWithAWrongOrNoPasswordIsRefusedClearly() throws Exception {
        Path key = openssl("enc.pem", "pkcs8", "-topk8", "-passout", "pass:" + new String(SECRET));
        Path chain = PKI.file("server-chain.pem");
        IllegalArgumentException wrong = assertThrows(IllegalArgumentException.class,
                () -> TlsConfig.builder().pemKey(chain, key, "nope".toCharArray()));
        assertTrue(wrong.getMessage().contains("wrong password"), wrong.getMessage());
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
                () -> TlsConfig.builder().pemKey(chain, key));
        assertTrue(none.getMessage().contains("give its password"), none.getMessage());
    }

    @Test
    void legacyEncryptedPemIsRefusedWithTheWayToConvertIt() throws Exception {
        Path key = openssl("legacy.pem", "ec", "-aes256", "-passout", "pass:" + new String(SECRET));
        assertTrue(Files.readString(key).contains("Proc-Type: 4,ENCRYPTED"), "openssl wrote the legacy form");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TlsConfig.builder().pemKey(PKI.file("server-chain.pem"), key, SECRET));
        assertTrue(e.getMessage().contains("openssl pkcs8 -topk8"), e.getMessage());
    }

    @Test
    void aFileWithNoKeyIsRefusedClearly() {
        Path chain = PKI.file("server-chain.pem");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TlsConfig.builder().pemKey(chain, chain));
        assertTrue(e.getMessage().contains("holds no private key"), e.getMessage());
    }

    @Test
    void systemPropertiesNameAnEncryptedPemKey() throws Exception {
        Path key = openssl("enc.pem", "pkcs8", "-topk8", "-passout", "pass:" + new String(SECRET));
        System.setProperty("co.tls.certPem", PKI.file("server-chain.pem").toString());
        System.setProperty("co.tls.keyPem", key.toString());
        System.setProperty("co.tls.keyPemPassword", new String(SECRET));
        try {
            handshakes(TlsConfig.fromSystemProperties());
            System.clearProperty("co.tls.keyPem");
            IllegalStateException half = assertThrows(IllegalStateException.class, TlsConfig::fromSystemProperties);
            assertTrue(half.getMessage().contains("go together"), half.getMessage());
        } finally {
            System.clearProperty("co.tls.certPem");
            System.clearProperty("co.tls.keyPem");
            System.clearProperty("co.tls.keyPemPassword");
        }
    }
}
