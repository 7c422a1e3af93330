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

/** The default transport and the {@code co.transport} system property, each in a fresh JVM. */
class TransportSelectionTest {

    private static String probe(List<String> jvmArgs) throws Exception {
        Path err = Files.createTempFile("co-probe", ".err");
        try {
            Process p = ChildJvm.start(ChildJvm.command(TransportProbe.class, jvmArgs, List.of()), err);
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            return out.isEmpty() ? "stderr: " + Files.readString(err) : out;
        } finally {
            Files.deleteIfExists(err);
        }
    }

    @Test
    @Timeout(60)
    void nioIsTheDefaultAndCanBeNamed() throws Exception {
        assertEquals("nio nio", probe(List.of()));
        assertEquals("nio nio", probe(List.of("-Dco.transport=nio")));
        String unknown = probe(List.of("-Dco.transport=carrier-pigeon"));
        // A name in configuration that no provider has is a configuration error (co.api.spi.Provider).
        assertTrue(unknown.startsWith("IllegalStateException: ") && unknown.contains("carrier-pigeon"), unknown);
    }
}
