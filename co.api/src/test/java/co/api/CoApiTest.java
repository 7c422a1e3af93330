package co.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** co.api on its own: addresses, errors, and a clear failure when no provider is present. */
@Timeout(30)
class CoApiTest {

    @Test
    void initIpAddrParsesLiteralsOnly() {
        InetSocketAddress v4 = Co.initIpAddr("127.0.0.1", 7777);
        assertEquals("127.0.0.1:7777", Co.toString(v4));
        assertEquals("127.0.0.1", Co.ipStr(v4));
        InetSocketAddress any6 = Co.initIpAddr("::", 7777);
        assertEquals("[::]:7777", Co.toString(any6));
        assertEquals("::1", Co.ipStr(Co.initIpAddr("[::1]", 1)));
        assertEquals("[2001:db8::1:0:0:1]:80", Co.toString(Co.initIpAddr("2001:db8:0:0:1:0:0:1", 80)));
        assertEquals("fe80::1", Co.ipStr(Co.initIpAddr("fe80:0:0:0:0:0:0:1", 80)));
        assertNull(Co.initIpAddr("localhost", 80), "no DNS");
        assertNull(Co.initIpAddr("256.1.1.1", 80));
        assertNull(Co.initIpAddr("1.2.3", 80));
        assertNull(Co.initIpAddr("127.0.0.1", 65536));
        assertNull(Co.initIpAddr("127.0.0.1", -1));
        assertNull(Co.initIpAddr("", 1));
        assertNull(Co.initIpAddr(null, 1));
        assertFalse(Co.initIpAddr("0.0.0.0", 0).isUnresolved());
    }

    @Test
    void unixAddressesPrintTheirPath() {
        assertEquals("/tmp/co.sock", Co.toString(UnixDomainSocketAddress.of("/tmp/co.sock")));
    }

    @Test
    void errorsAreDescribedLikeStrerror() {
        assertEquals("Connection refused", Co.strerror(Errno.ECONNREFUSED));
        assertEquals("Connection reset by peer", Errno.describe(Errno.ECONNRESET));
        assertEquals("Unknown error 9999", Co.strerror(9999));
        Co.setLastError(Errno.ETIMEDOUT);
        assertTrue(Co.timeout());
        assertEquals(Errno.ETIMEDOUT, Co.error());
        Co.setLastError(Errno.EPIPE);
        assertFalse(Co.timeout());
        assertEquals("Broken pipe", Co.strerror());
        co.api.spi.CoContext.current().setError(Errno.EPROTO, "bad record MAC");
        assertEquals("Protocol error: bad record MAC", Co.strerror());
    }

    @Test
    void outsideACoroutineThereIsNoScheduler() {
        assertEquals(-1, Co.coroutineId());
        assertEquals(-1, Co.schedulerId());
        assertNull(Co.scheduler());
    }

    @Test
    void withoutAnyProviderTheErrorSaysWhatToAdd() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Co.go(() -> { }));
        assertTrue(e.getMessage().contains("co.scheduler"), e.getMessage());
        IllegalStateException t = assertThrows(IllegalStateException.class, Co::tcpSocket);
        assertTrue(t.getMessage().contains("co.net.nio"), t.getMessage());
        IllegalArgumentException n = assertThrows(IllegalArgumentException.class, () -> Co.transport("nosuch"));
        assertTrue(n.getMessage().contains("no such transport 'nosuch'"), n.getMessage());
        IllegalArgumentException r = assertThrows(IllegalArgumentException.class,
                () -> co.api.spi.CoRuntime.create("affine", 1));
        assertTrue(r.getMessage().contains("no such scheduler provider 'affine'"), r.getMessage());
        assertThrows(NullPointerException.class, () -> Co.go(null));
    }
}
