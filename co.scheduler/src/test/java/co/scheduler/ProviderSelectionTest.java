package co.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Provider discovery in fresh JVMs: by property, best available, and the fallback without the flag. */
@Timeout(180)
class ProviderSelectionTest {

    record Result(int exit, String out, String err) {
    }

    static Result run(String... jvmArgs) throws Exception {
        return runMain(ProbeMain.class.getName(), jvmArgs);
    }

    static Result runMain(String mainClass, String... jvmArgs) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
        cmd.addAll(List.of(jvmArgs));
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(mainClass);
        java.nio.file.Path out = java.nio.file.Files.createTempFile("co-probe", ".out");
        java.nio.file.Path err = java.nio.file.Files.createTempFile("co-probe", ".err");
        try {
            Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError("the forked JVM did not end within 60 s: "
                        + java.nio.file.Files.readString(out) + java.nio.file.Files.readString(err));
            }
            return new Result(p.exitValue(), java.nio.file.Files.readString(out), java.nio.file.Files.readString(err));
        } finally {
            java.nio.file.Files.deleteIfExists(out);
            java.nio.file.Files.deleteIfExists(err);
        }
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
        // The warning points to the recipes that need no hand-typed flag.
        assertTrue(r.err().contains("Add-Opens: java.base/java.lang") && r.err().contains("--add-options")
                && r.err().contains("Running the affine scheduler"), r.err());
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
