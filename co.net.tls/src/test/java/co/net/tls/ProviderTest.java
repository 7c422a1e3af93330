package co.net.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import co.api.Co;
import co.api.Errno;
import co.api.Sock;
import co.api.Transport;
import co.api.spi.TransportProvider;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The "tls" provider as users find it, and the configuration read from system properties. */
@Timeout(30)
class ProviderTest {

    final TestPki pki = TestPki.get();

    @Test
    void foundByNameButNeverTheDefault() {
        TransportProvider tls = ServiceLoader.load(TransportProvider.class).stream().map(ServiceLoader.Provider::get)
                .filter(p -> p.name().equals("tls")).findFirst().orElseThrow();
        assertTrue(tls.isAvailable());
        assertNull(tls.unavailabilityCause());
        assertEquals("tls", Co.transport("tls").name());
        assertEquals("nio", Co.transport().name(), "tls has a low priority: nio stays the default");
        assertTrue(tls.priority() < 0);
    }

    @Test
    void datagramSocketsAreNotOffered() {
        assertNull(Co.transport("tls").socket(StandardProtocolFamily.INET, Sock.Type.DATAGRAM));
        assertEquals(Errno.EOPNOTSUPP, Co.error());
    }

    @Test
    void theDefaultTransportTrustsOnlyTheJdkDefaultsNeverAll() throws Exception {
        // With no co.tls.* properties the "tls" transport uses the JDK's default SSLContext: our test CA
        // is not in cacerts, so the client refuses the server.
        try (EchoServer server = new EchoServer(pki.server().build())) {
            Transport tls = Co.transport("tls");
            Sock s = tls.socket(StandardProtocolFamily.INET, Sock.Type.STREAM);
            try (s) {
                assertEquals(-1, s.connect(server.address(), 5000));
                assertEquals(Errno.EPROTO, Co.error());
                assertTrue(Co.strerror().contains("PKIX path"), Co.strerror());
            }
        }
    }

    @Test
    void configFromSystemProperties() {
        List<String> names = List.of("trustPem", "protocols", "clientAuth", "serverName", "verifyHostname", "alpn",
                "handshakeTimeout", "closeNotifyTimeout", "maxHandshakes", "maxQueuedHandshakes");
        try {
            System.setProperty("co.tls.trustPem", pki.caPem().toString());
            System.setProperty("co.tls.protocols", "TLSv1.3");
            System.setProperty("co.tls.clientAuth", "want");
            System.setProperty("co.tls.serverName", "example.test");
            System.setProperty("co.tls.verifyHostname", "false");
            System.setProperty("co.tls.alpn", "h2, http/1.1");
            System.setProperty("co.tls.handshakeTimeout", "1234");
            System.setProperty("co.tls.closeNotifyTimeout", "56");
            System.setProperty("co.tls.maxHandshakes", "7");
            System.setProperty("co.tls.maxQueuedHandshakes", "0");
            TlsConfig c = TlsConfig.fromSystemProperties();
            assertEquals(List.of("TLSv1.3"), c.protocols());
            assertEquals(TlsConfig.ClientAuth.WANT, c.clientAuth());
            assertEquals("example.test", c.serverName());
            assertEquals(false, c.verifyHostname());
            assertEquals(List.of("h2", "http/1.1"), c.applicationProtocols());
            assertEquals(1234, c.handshakeTimeoutMs());
            assertEquals(56, c.closeNotifyTimeoutMs());
            assertEquals(7, c.maxHandshakes());
            assertEquals(0, c.maxQueuedHandshakes());
            System.setProperty("co.tls.maxQueuedHandshakes", "-1");
            assertThrows(IllegalStateException.class, TlsConfig::fromSystemProperties);
            System.setProperty("co.tls.maxQueuedHandshakes", "0");
            System.setProperty("co.tls.maxHandshakes", "0");
            assertThrows(IllegalStateException.class, TlsConfig::fromSystemProperties);
            System.setProperty("co.tls.maxHandshakes", "7");
            System.setProperty("co.tls.clientAuth", "sometimes");
            assertThrows(IllegalStateException.class, TlsConfig::fromSystemProperties);
        } finally {
            names.forEach(n -> System.clearProperty("co.tls." + n));
        }
        TlsConfig d = TlsConfig.fromSystemProperties();
        assertEquals(List.of("TLSv1.3", "TLSv1.2"), d.protocols());
        assertEquals(TlsConfig.ClientAuth.NONE, d.clientAuth());
        assertTrue(d.verifyHostname());
        assertEquals(30_000, d.handshakeTimeoutMs());
        assertEquals(256, d.maxHandshakes());
        assertEquals(16_384, d.maxQueuedHandshakes());
    }

    @Test
    void clientOverUnixSocketsNeedsAServerNameToVerify() {
        Sock s = TlsTransports.over(Co.transport("nio"), pki.client().build())
                .socket(StandardProtocolFamily.UNIX, Sock.Type.STREAM);
        try (s) {
            assertEquals(-1, s.connect(java.net.UnixDomainSocketAddress.of("/nonexistent/co.sock"), 1000));
            assertEquals(Errno.EINVAL, Co.error());
            assertTrue(Co.strerror().contains("serverName"), Co.strerror());
        }
    }

    @Test
    void byteChannelAndStreamsWorkOverTls() throws Exception {
        try (EchoServer server = new EchoServer(pki.server().build())) {
            Sock s = TlsTransports.over(Co.transport("nio"), pki.client().build())
                    .socket(StandardProtocolFamily.INET, Sock.Type.STREAM);
            try (s) {
                assertEquals(0, s.connect(server.address(), 5000), Co.strerror());
                var out = s.outputStream(5000);
                out.write("stream".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                assertEquals("stream", new String(s.inputStream(5000).readNBytes(6), java.nio.charset.StandardCharsets.US_ASCII));
                var ch = s.byteChannel(5000);
                ch.write(ByteBuffer.wrap(new byte[] {9, 8}));
                ByteBuffer two = ByteBuffer.allocate(2);
                while (two.hasRemaining()) {
                    ch.read(two);
                }
                assertEquals(9, two.get(0));
            }
            assertEquals(0, server.nextEnd().value());
        }
    }
}
