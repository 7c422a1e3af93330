package co.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Provider discovery in fresh JVMs: by property, best available, and the fallback without the flag. */
@Timeout(120)
class ProviderSelectionTest {

    record Result(int exit, String out, String err) {
    }

    static Result run(String... jvmArgs) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
        cmd.addAll(List.of(jvmArgs));
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(ProbeMain.class.getName());
        Process p = new ProcessBuilder(cmd).start();
        byte[] out = p.getInputStream().readAllBytes();
        byte[] err = p.getErrorStream().readAllBytes();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
    }

    private static final String OPENS = "--add-opens=java.base/java.lang=ALL-UNNAMED";

    @Test
    void affineIsChosenWhenTheFlagIsGiven() throws Exception {
        Result r = run(OPENS, "-Dco.sched_num=3");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("provider=affine n=3 ran=true"), r.out());
        assertTrue(r.out().contains("afterStop=refused"), r.out());
        assertTrue(!r.err().contains("WARNING"), r.err());
    }

    @Test
    void withoutTheFlagTheVirtualFallbackRunsAndOneWarningNamesTheFlag() throws Exception {
        Result r = run("-Dco.sched_num=2");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("provider=virtual n=2 ran=true"), r.out());
        int warnings = r.err().split("--add-opens java.base/java.lang=ALL-UNNAMED", -1).length - 1;
        assertEquals(1, warnings, r.err());
    }

    @Test
    void thePropertyPicksAProviderByName() throws Exception {
        Result r = run(OPENS, "-Dco.scheduler=virtual", "-Dco.sched_num=1");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("provider=virtual n=1 ran=true sid=0"), r.out());
    }

    @Test
    void askingForAnUnavailableProviderFallsBackWithAWarning() throws Exception {
        Result r = run("-Dco.scheduler=affine");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("provider=virtual"), r.out());
        assertTrue(r.err().contains("scheduler 'affine' is unavailable"), r.err());
    }

    @Test
    void anUnknownProviderNameIsAClearError() throws Exception {
        Result r = run(OPENS, "-Dco.scheduler=nosuch");
        assertTrue(r.exit() != 0);
        assertTrue(r.err().contains("no scheduler provider named 'nosuch'"), r.err());
    }
}
