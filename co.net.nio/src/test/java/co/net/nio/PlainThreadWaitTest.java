package co.net.nio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import co.net.testsuite.ChildJvm;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A plain thread that waits on a co socket or an {@code IoEvent} needs no coroutine runtime: it
 * does not create the process-wide one, and it still works after {@code Co.stop()}. Each case runs
 * in a fresh JVM, since {@code Co.stop()} is for good.
 */
class PlainThreadWaitTest {

    private static final String EXPECTED =
            "timeout=true ready=true accept-timeout=true connect=0 send=2 recvn=2 schedulers=false";

    private static String probe(String... args) throws Exception {
        Path err = Files.createTempFile("co-probe", ".err");
        try {
            Process p = ChildJvm.start(ChildJvm.command(PlainThreadProbe.class, List.of(), List.of(args)), err);
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            return out.isEmpty() ? "stderr: " + Files.readString(err) : out;
        } finally {
            Files.deleteIfExists(err);
        }
    }

    @Test
    @Timeout(60)
    void aPlainThreadWaitsWithoutCreatingTheRuntime() throws Exception {
        assertEquals(EXPECTED, probe());
    }

    @Test
    @Timeout(60)
    void aPlainThreadStillWaitsAfterCoStop() throws Exception {
        assertEquals(EXPECTED, probe("stop"));
    }
}
