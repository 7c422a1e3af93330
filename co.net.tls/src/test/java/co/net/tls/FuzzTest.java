package co.net.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import co.api.Co;
import co.api.Errno;
import co.api.Sock;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Throws random and mutated TLS records at co TLS servers. Every one must end in a clean failure
 * (-1 with EPROTO or ECONNRESET and a message) or, for a record that is still valid, a handshake that
 * waits for more and then fails at end of input; never an exception, a hang or a spin.
 *
 * <p>The CI run is short; the full run ({@code -Dco.tls.full=true}, Maven profile {@code tls-full})
 * throws {@value #FULL_RECORDS} records. {@code -Dco.tls.fuzz.records=N} sets the count.
 */
class FuzzTest {

    static final int CI_RECORDS = 2_000;
    static final int FULL_RECORDS = 120_000;
    static final long SEED = Long.getLong("co.tls.fuzz.seed", 20261123L);

    final TestPki pki = TestPki.get();

    static int records(int ci, int full) {
        Integer n = Integer.getInteger("co.tls.fuzz.records");
        if (n != null) {
            return n;
        }
        return Boolean.getBoolean("co.tls.full") ? full : ci;
    }

    /** Real first flights to mutate: ClientHellos for TLS 1.3 and 1.2, with and without ALPN. */
    List<byte[]> seeds() throws Exception {
        List<byte[]> seeds = new ArrayList<>();
        for (String protocol : List.of("TLSv1.3", "TLSv1.2")) {
            for (boolean alpn : List.of(false, true)) {
                TlsConfig.Builder b = pki.client().protocols(protocol);
                if (alpn) {
                    b.applicationProtocols("h2", "http/1.1");
                }
                SSLEngine e = b.build().sslContext().createSSLEngine("localhost", 443);
                e.setUseClientMode(true);
                e.beginHandshake();
                ByteBuffer out = ByteBuffer.allocate(e.getSession().getPacketBufferSize());
                e.wrap(ByteBuffer.allocate(0), out);
                out.flip();
                byte[] hello = new byte[out.remaining()];
                out.get(hello);
                seeds.add(hello);
            }
        }
        return seeds;
    }

    static byte[] mutate(byte[] seed, SplittableRandom rnd) {
        switch (rnd.nextInt(7)) {
            case 0 -> {
                // pure noise
                byte[] b = new byte[1 + rnd.nextInt(3000)];
                rnd.nextBytes(b);
                return b;
            }
            case 1 -> {
                // a few flipped bytes
                byte[] b = seed.clone();
                for (int i = 1 + rnd.nextInt(8); i > 0; i--) {
                    b[rnd.nextInt(b.length)] ^= (byte) (1 + rnd.nextInt(255));
                }
                return b;
            }
            case 2 -> {
                // truncated anywhere
                return java.util.Arrays.copyOf(seed, rnd.nextInt(seed.length));
            }
            case 3 -> {
                // record length field rewritten
                byte[] b = seed.clone();
                int len = rnd.nextInt(0x10000);
                b[3] = (byte) (len >> 8);
                b[4] = (byte) len;
                return b;
            }
            case 4 -> {
                // handshake length field (inside the record) rewritten
                byte[] b = seed.clone();
                b[6 + rnd.nextInt(3)] = (byte) rnd.nextInt(256);
                return b;
            }
            case 5 -> {
                // a record of a random content type and version around random bytes
                int len = rnd.nextInt(2000);
                byte[] b = new byte[5 + len];
                rnd.nextBytes(b);
                b[0] = (byte) (20 + rnd.nextInt(5));
                b[1] = 3;
                b[2] = (byte) rnd.nextInt(5);
                b[3] = (byte) (len >> 8);
                b[4] = (byte) len;
                return b;
            }
            default -> {
                // a valid hello followed by garbage
                byte[] tail = new byte[1 + rnd.nextInt(500)];
                rnd.nextBytes(tail);
                byte[] b = java.util.Arrays.copyOf(seed, seed.length + tail.length);
                System.arraycopy(tail, 0, b, seed.length, tail.length);
                return b;
            }
        }
    }

    @Test
    @Timeout(600)
    void mutatedFirstFlightsNeverHangOrThrow() throws Exception {
        int count = records(CI_RECORDS, FULL_RECORDS);
        TlsConfig server = pki.server().handshakeTimeout(2000).closeNotifyTimeout(0).build();
        List<byte[]> seeds = seeds();
        SplittableRandom rnd = new SplittableRandom(SEED);
        Map<String, Integer> outcomes = new TreeMap<>();
        for (int i = 0; i < count; i++) {
            byte[] input = mutate(seeds.get(rnd.nextInt(seeds.size())), rnd);
            PipeSock[] raw = PipeSock.pair(1 + rnd.nextInt(20_000), 1 << 17, i);
            // The whole input, then end of stream: the server never has to wait for the peer.
            assertEquals(input.length, raw[0].send(ByteBuffer.wrap(input), 0));
            raw[0].shutdown('w');
            TlsSock s = TlsTransports.server(raw[1], server);
            long t0 = System.nanoTime();
            int r = s.handshake(-1);
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            int err = Co.error();
            String message = Co.strerror();
            s.close();
            raw[0].close();
            assertEquals(-1, r, "record " + i + " cannot complete a handshake");
            assertTrue(err == Errno.EPROTO || err == Errno.ECONNRESET, "record " + i + ": " + message);
            assertTrue(ms < 5000, "record " + i + " took " + ms + " ms (handshake timeout 2000)");
            assertTrue(!message.contains("java.lang."), "record " + i + " hit an engine exception: " + message);
            outcomes.merge(message.length() > 80 ? message.substring(0, 80) : message, 1, Integer::sum);
        }
        assertTrue(outcomes.size() > 5, "mutations reach many different checks: " + outcomes);
    }

    @Test
    @Timeout(600)
    void mutatedRecordsAfterTheHandshakeFailCleanly() throws Exception {
        int count = records(40, 3000);
        SplittableRandom rnd = new SplittableRandom(SEED + 1);
        TlsConfig server = pki.server().build();
        TlsConfig client = pki.client().serverName("localhost").build();
        for (int i = 0; i < count; i++) {
            String protocol = rnd.nextBoolean() ? "TLSv1.3" : "TLSv1.2";
            PipeSock[] raw = PipeSock.pair(16_000, 1 << 17, i);
            TlsSock c = TlsTransports.client(raw[0], client.toBuilder().protocols(protocol).build());
            TlsSock s = TlsTransports.server(raw[1], server);
            try (c; s) {
                Future<Outcome> hs = Tasks.fork(() -> Outcome.of(s.handshake(5000)));
                assertEquals(0, c.handshake(5000), Co.strerror());
                assertEquals(0, hs.get(10, TimeUnit.SECONDS).value());
                // One good record through, then a mutated copy of a real record written raw.
                assertEquals(3, c.send(ByteBuffer.wrap(new byte[] {1, 2, 3}), 1000));
                assertEquals(3, s.recvn(ByteBuffer.allocate(3), 1000), Co.strerror());
                byte[] record = applicationRecord(rnd);
                byte[] bad = mutate(record, rnd);
                assertEquals(bad.length, rawOf(c).send(ByteBuffer.wrap(bad), 1000));
                rawOf(c).shutdown('w');
                ByteBuffer sink = ByteBuffer.allocate(100_000);
                int n;
                do {
                    n = s.recv(sink.clear(), 2000);
                } while (n > 0);
                assertEquals(-1, n, "record " + i + " ends in an error, never a clean end of stream");
                assertTrue(Co.error() == Errno.EPROTO || Co.error() == Errno.ECONNRESET, Co.strerror());
                assertTrue(!Co.timeout(), "record " + i + " must not leave the server waiting");
            }
        }
    }

    private static Sock rawOf(TlsSock s) {
        return s.underlying();
    }

    /** A ciphertext-looking record: real records need the peer's keys, so random bytes with a real header. */
    private static byte[] applicationRecord(SplittableRandom rnd) {
        int len = 17 + rnd.nextInt(1000);
        byte[] b = new byte[5 + len];
        rnd.nextBytes(b);
        b[0] = 23;
        b[1] = 3;
        b[2] = 3;
        b[3] = (byte) (len >> 8);
        b[4] = (byte) len;
        return b;
    }
}
