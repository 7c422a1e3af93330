package co.net.tls;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Test-only key material, made with the running JDK's {@code keytool} in {@code target/co-tls-test-pki}:
 * a CA, leaf certificates it signs (good, expired, wrong host, client) and an untrusted self-signed one.
 * Nothing here is committed.
 */
final class TestPki {

    static final char[] PASSWORD = "changeit".toCharArray();
    private static final String PW = "changeit";

    /** The directory holding every file. */
    final Path dir;

    private static TestPki instance;

    private TestPki(Path dir) {
        this.dir = dir;
    }

    static synchronized TestPki get() {
        if (instance == null) {
            try {
                instance = create();
            } catch (Exception e) {
                throw new IllegalStateException("cannot make test certificates: " + e, e);
            }
        }
        return instance;
    }

    Path file(String name) {
        return dir.resolve(name);
    }

    /** The CA's certificate, PEM. */
    Path caPem() {
        return file("ca.pem");
    }

    /** A config trusting only the test CA, checking the host name. */
    TlsConfig.Builder client() {
        return TlsConfig.builder().trustPem(caPem());
    }

    /** A config presenting {@code leaf}'s key (server, expired, wronghost, untrusted, client). */
    TlsConfig.Builder keys(String leaf) {
        return TlsConfig.builder().keyStore(file(leaf + ".p12"), PASSWORD).trustPem(caPem());
    }

    /** The server config with the good localhost certificate. */
    TlsConfig.Builder server() {
        return keys("server");
    }

    private static TestPki create() throws Exception {
        // Under target/ (never committed), so a child JVM of the suite finds the same CA; made anew
        // when older than a day, since the certificates are short-lived.
        Path dir = Path.of("target", "co-tls-test-pki").toAbsolutePath();
        Path done = dir.resolve("complete");
        if (Files.exists(done)
                && Files.getLastModifiedTime(done).toMillis() > System.currentTimeMillis() - TimeUnit.DAYS.toMillis(1)) {
            return new TestPki(dir);
        }
        delete(dir);
        Files.createDirectories(dir);
        TestPki pki = new TestPki(dir);
        pki.keytool("-genkeypair", "-keystore", "ca.p12", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=co test CA", "-ext", "bc:c", "-validity", "30");
        pki.keytool("-exportcert", "-keystore", "ca.p12", "-alias", "ca", "-rfc", "-file", "ca.pem");
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> jobs = new ArrayList<>();
            jobs.add(pool.submit(() -> pki.leaf("server", "CN=localhost", "san=dns:localhost,ip:127.0.0.1,ip:0:0:0:0:0:0:0:1", null, 30)));
            jobs.add(pool.submit(() -> pki.leaf("expired", "CN=localhost", "san=dns:localhost,ip:127.0.0.1", "-30d", 2)));
            jobs.add(pool.submit(() -> pki.leaf("wronghost", "CN=wrong.example", "san=dns:wrong.example", null, 30)));
            jobs.add(pool.submit(() -> pki.leaf("client", "CN=co test client", null, null, 30)));
            jobs.add(pool.submit(() -> pki.selfSigned("untrusted")));
            for (Future<?> f : jobs) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        pki.writePem("server");
        pki.writePem("client");
        Files.writeString(done, "ok");
        return pki;
    }

    private Void leaf(String name, String dname, String san, String start, int days) throws Exception {
        String p12 = name + ".p12";
        keytool("-genkeypair", "-keystore", p12, "-alias", name, "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", dname, "-validity", "30");
        keytool("-certreq", "-keystore", p12, "-alias", name, "-file", name + ".csr");
        List<String> gen = new ArrayList<>(List.of("-gencert", "-keystore", "ca.p12", "-alias", "ca", "-infile",
                name + ".csr", "-outfile", name + ".crt", "-rfc", "-validity", String.valueOf(days)));
        if (san != null) {
            gen.addAll(List.of("-ext", san));
        }
        if (start != null) {
            gen.addAll(List.of("-startdate", start));
        }
        keytool(gen.toArray(new String[0]));
        keytool("-importcert", "-keystore", p12, "-alias", "ca", "-file", "ca.pem", "-noprompt");
        keytool("-importcert", "-keystore", p12, "-alias", name, "-file", name + ".crt", "-noprompt");
        return null;
    }

    private Void selfSigned(String name) throws Exception {
        keytool("-genkeypair", "-keystore", name + ".p12", "-alias", name, "-keyalg", "EC", "-groupname",
                "secp256r1", "-dname", "CN=localhost", "-ext", "san=dns:localhost,ip:127.0.0.1", "-validity", "30");
        return null;
    }

    /** Writes {@code name}-chain.pem and {@code name}-key.pem (PKCS#8) from the PKCS12 file. */
    private void writePem(String name) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(file(name + ".p12"))) {
            ks.load(in, PASSWORD);
        }
        PrivateKey key = (PrivateKey) ks.getKey(name, PASSWORD);
        Certificate[] chain = ks.getCertificateChain(name);
        StringBuilder pem = new StringBuilder();
        for (Certificate c : chain) {
            pem.append(pem("CERTIFICATE", c.getEncoded()));
        }
        Files.writeString(file(name + "-chain.pem"), pem, StandardCharsets.US_ASCII);
        Files.writeString(file(name + "-key.pem"), pem("PRIVATE KEY", key.getEncoded()), StandardCharsets.US_ASCII);
    }

    private static String pem(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + label + "-----\n";
    }

    private void keytool(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        cmd.add("-J-XX:TieredStopAtLevel=1");
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("-storepass", PW, "-storetype", "PKCS12"));
        if (args[0].equals("-genkeypair")) {
            cmd.addAll(List.of("-keypass", PW));
        }
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("keytool " + String.join(" ", args) + " failed: "
                    + new String(out, StandardCharsets.UTF_8));
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort at exit
        }
    }

}
