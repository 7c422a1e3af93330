package co.net.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import co.api.Co;
import co.api.Errno;
import co.api.Sock;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * co TLS against peers nobody here wrote: {@code openssl s_server} / {@code s_client} (skipped when
 * openssl is not installed) and the JDK's {@link SSLSocket}, both directions, TLS 1.2 and 1.3, ALPN.
 */
@Timeout(60)
class InteropTest {

    final TestPki pki = TestPki.get();

    static String openssl() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            Path p = Path.of(dir, "openssl");
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        return null;
    }

    static String flag(String protocol) {
        return protocol.equals("TLSv1.3") ? "-tls1_3" : "-tls1_2";
    }

    Sock coClient(TlsConfig config) {
        return TlsTransports.over(Co.transport("nio"), config).socket(StandardProtocolFamily.INET, Sock.Type.STREAM);
    }

    static String readLine(Sock s) {
        StringBuilder line = new StringBuilder();
        ByteBuffer one = ByteBuffer.allocate(1);
        while (true) {
            one.clear();
            int n = s.recv(one, 10_000);
            if (n <= 0) {
                throw new AssertionError("recv " + n + ": " + Co.strerror() + " after '" + line + "'");
            }
            char c = (char) one.get(0);
            if (c == '\n') {
                return line.toString();
            }
            line.append(c);
        }
    }

    static Process start(List<String> cmd, Path dir) throws IOException {
        return new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void coClientToOpensslServer(String protocol) throws Exception {
        String openssl = openssl();
        assertNotNull(openssl, "openssl is not installed (.ci/run installs the Debian package)");
        Process p = start(List.of(openssl, "s_server", "-accept", "127.0.0.1:0", "-cert", "server-chain.pem", "-key",
                "server-key.pem", "-naccept", "1", "-rev", "-alpn", "h2,http/1.1", flag(protocol)), pki.dir);
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            int port = -1;
            for (String line; port < 0 && (line = out.readLine()) != null; ) {
                if (line.startsWith("ACCEPT ")) {
                    port = Integer.parseInt(line.substring(line.lastIndexOf(':') + 1));
                }
            }
            assertTrue(port > 0, "s_server did not start");
            Future<List<String>> rest = Tasks.fork(() -> drain(out));
            // No serverName: the client checks the IP literal against the certificate's IP SAN.
            Sock s = coClient(pki.client().applicationProtocols("http/1.1").build());
            try (s) {
                assertEquals(0, s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000), Co.strerror());
                TlsSock t = (TlsSock) s;
                assertEquals(protocol, t.session().getProtocol());
                assertEquals("http/1.1", t.applicationProtocol());
                assertEquals(6, s.send(ByteBuffer.wrap("hello\n".getBytes(StandardCharsets.US_ASCII)), 5000));
                assertEquals("olleh", readLine(s));
            }
            assertTrue(p.waitFor(10, TimeUnit.SECONDS), "s_server did not finish");
            assertTrue(rest.get(10, TimeUnit.SECONDS).stream().anyMatch(l -> l.contains("CONNECTION CLOSED")
                    || l.contains("ACCEPT")), () -> String.valueOf(rest));
        } finally {
            p.destroyForcibly();
        }
    }

    static List<String> drain(BufferedReader in) throws IOException {
        List<String> lines = new ArrayList<>();
        for (String line; (line = in.readLine()) != null; ) {
            lines.add(line);
        }
        return lines;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void opensslClientToCoServer(String protocol) throws Exception {
        String openssl = openssl();
        assertNotNull(openssl, "openssl is not installed (.ci/run installs the Debian package)");
        try (EchoServer server = new EchoServer(pki.server().protocols(protocol).applicationProtocols("h2", "http/1.1").build())) {
            Process p = start(List.of(openssl, "s_client", "-connect", "127.0.0.1:" + server.port(), "-CAfile", "ca.pem",
                    "-verify_return_error", "-servername", "localhost", "-alpn", "http/1.1", "-brief", flag(protocol)),
                    pki.dir);
            try {
                OutputStream stdin = p.getOutputStream();
                stdin.write("hello\n".getBytes(StandardCharsets.US_ASCII));
                stdin.flush();
                BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                List<String> seen = new ArrayList<>();
                for (String line; (line = out.readLine()) != null && !line.equals("hello"); ) {
                    seen.add(line);
                }
                assertTrue(seen.stream().anyMatch(l -> l.contains("Protocol version: " + protocol)), seen::toString);
                assertTrue(seen.stream().anyMatch(l -> l.contains("Verification: OK")), seen::toString);
                stdin.close();   // s_client sends close_notify and exits
                assertTrue(p.waitFor(10, TimeUnit.SECONDS), "s_client did not finish");
                assertEquals("http/1.1", server.nextAlpn());
                Outcome end = server.nextEnd();
                assertEquals(0, end.value(), "openssl's close_notify ends the stream cleanly: " + end.message());
            } finally {
                p.destroyForcibly();
            }
        }
    }

    SSLServerSocket jdkServer(String protocol) throws IOException {
        SSLServerSocket ss = (SSLServerSocket) pki.server().build().sslContext().getServerSocketFactory()
                .createServerSocket(0, 10, InetAddress.getLoopbackAddress());
        SSLParameters params = ss.getSSLParameters();
        params.setProtocols(new String[] {protocol});
        params.setApplicationProtocols(new String[] {"h2", "http/1.1"});
        ss.setSSLParameters(params);
        return ss;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void coClientToJdkSslServerSocket(String protocol) throws Exception {
        try (SSLServerSocket ss = jdkServer(protocol)) {
            Future<String> served = Tasks.fork(() -> {
                try (SSLSocket c = (SSLSocket) ss.accept()) {
                    InputStream in = c.getInputStream();
                    byte[] b = in.readNBytes(5);
                    c.getOutputStream().write(b);
                    c.getOutputStream().flush();
                    return c.getApplicationProtocol() + " " + (in.read() == -1 ? "eof" : "more");
                }
            });
            Sock s = coClient(pki.client().serverName("localhost").applicationProtocols("h2").build());
            try (s) {
                assertEquals(0, s.connect(ss.getLocalSocketAddress(), 5000), Co.strerror());
                assertEquals(protocol, ((TlsSock) s).session().getProtocol());
                assertEquals(5, s.send(ByteBuffer.wrap("hello".getBytes(StandardCharsets.US_ASCII)), 5000));
                ByteBuffer back = ByteBuffer.allocate(5);
                assertEquals(5, s.recvn(back, 5000), Co.strerror());
                assertEquals("hello", new String(back.array(), StandardCharsets.US_ASCII));
            }
            // close() sent close_notify: the JDK sees a clean end of stream.
            assertEquals("h2 eof", served.get(10, TimeUnit.SECONDS));
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void jdkSslSocketClientToCoServer(String protocol) throws Exception {
        try (EchoServer server = new EchoServer(pki.server().protocols(protocol).applicationProtocols("http/1.1").build())) {
            SSLSocket c = (SSLSocket) pki.client().build().sslContext().getSocketFactory()
                    .createSocket(InetAddress.getLoopbackAddress(), server.port());
            try (c) {
                SSLParameters params = c.getSSLParameters();
                params.setEndpointIdentificationAlgorithm("HTTPS");
                params.setApplicationProtocols(new String[] {"http/1.1"});
                c.setSSLParameters(params);
                c.setSoTimeout(10_000);
                c.getOutputStream().write("ping".getBytes(StandardCharsets.US_ASCII));
                c.getOutputStream().flush();
                assertEquals("ping", new String(c.getInputStream().readNBytes(4), StandardCharsets.US_ASCII));
                assertEquals(protocol, c.getSession().getProtocol());
                assertEquals("http/1.1", c.getApplicationProtocol());
            }
            Outcome end = server.nextEnd();
            assertEquals(0, end.value(), end.message());
        }
    }

    @Test
    void tls12RenegotiationIsRefused() throws Exception {
        try (SSLServerSocket ss = jdkServer("TLSv1.2")) {
            Future<String> served = Tasks.fork(() -> {
                try (SSLSocket c = (SSLSocket) ss.accept()) {
                    c.setSoTimeout(10_000);
                    InputStream in = c.getInputStream();
                    c.getOutputStream().write(in.readNBytes(4));
                    c.getOutputStream().flush();
                    c.startHandshake();   // a renegotiation: the server sends HelloRequest
                    c.getOutputStream().write("more".getBytes(StandardCharsets.US_ASCII));
                    c.getOutputStream().flush();
                    try {
                        return "read " + in.read();
                    } catch (IOException e) {
                        return "failed " + e.getMessage();
                    }
                }
            });
            Sock s = coClient(pki.client().serverName("localhost").build());
            try (s) {
                assertEquals(0, s.connect(ss.getLocalSocketAddress(), 5000), Co.strerror());
                assertEquals(4, s.send(ByteBuffer.wrap("ping".getBytes(StandardCharsets.US_ASCII)), 5000));
                assertEquals(4, s.recvn(ByteBuffer.allocate(4), 5000), Co.strerror());
                ByteBuffer rest = ByteBuffer.allocate(100);
                int n;
                do {
                    n = s.recv(rest, 5000);
                } while (n > 0);
                assertEquals(-1, n);
                assertEquals(Errno.EPROTO, Co.error(), Co.strerror());
                assertTrue(Co.strerror().contains("renegotiation refused"), Co.strerror());
            }
            assertNotNull(served.get(10, TimeUnit.SECONDS));
        }
    }
}
