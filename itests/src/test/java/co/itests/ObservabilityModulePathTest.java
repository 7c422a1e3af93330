package co.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 14: {@code java.management} and {@code jdk.jfr} are optional modules of co.scheduler. A co
 * application on the module path, launched as a real process, (a) with both resolved gets the
 * MXBeans and a JFR recording runs beside it, and (b) with them not even observable (a
 * jlink-like {@code --limit-modules}) still runs, and the metrics API still works, without a
 * {@code NoClassDefFoundError}.
 */
@Timeout(120)
class ObservabilityModulePathTest {

    private static Path modules;
    private static Path app;

    @BeforeAll
    static void compileTheApp() throws IOException {
        modules = Paths.get(System.getProperty("co.modules"));
        Path sources = Paths.get(System.getProperty("co.app.sources")).resolveSibling("jpms-obs-app").resolve("co.itest.obs");
        app = Paths.get(System.getProperty("co.work"), "obs-app");
        Files.createDirectories(app);
        List<String> args = new ArrayList<>(List.of("-d", app.toString(), "--module-path", modules.toString()));
        try (Stream<Path> s = Files.walk(sources)) {
            s.filter(p -> p.toString().endsWith(".java")).forEach(p -> args.add(p.toString()));
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertEquals(0, javac.run(null, null, null, args.toArray(String[]::new)), "the app must compile");
    }

    record Run(int exit, String out, String err) {
    }

    private static Run launch(String... jvmArgs) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("--add-opens");
        cmd.add("java.base/java.lang=co.scheduler");
        cmd.add("-Dco.stall_ms=100");
        cmd.addAll(List.of(jvmArgs));
        cmd.add("--module-path");
        cmd.add(modules + File.pathSeparator + app);
        cmd.add("-m");
        cmd.add("co.itest.obs/co.itest.obs.Main");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
        // Read stderr on another thread so that neither pipe can fill and block the child.
        var err = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return e.toString();
            }
        });
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the app did not end");
        return new Run(p.exitValue(), out, err.get(10, TimeUnit.SECONDS));
    }

    private static long number(String text, String key) {
        Matcher m = Pattern.compile(Pattern.quote(key) + "=(-?\\d+)").matcher(text);
        assertTrue(m.find(), key + " missing: " + text);
        return Long.parseLong(m.group(1));
    }

    @Test
    void withJavaManagementAndJdkJfrResolvedTheMXBeansAndTheStallEventWork() throws Exception {
        Run r = launch("--add-modules", "java.management,jdk.jfr");
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("resolved java.management=true jdk.jfr=true"), r.out());
        assertTrue(r.out().contains("metrics provider=affine"), r.out() + r.err());
        assertTrue(number(r.out(), "spawned") >= 101, r.out());
        assertTrue(number(r.out(), "stalls") >= 1, r.out() + r.err());
        assertTrue(r.out().contains("co:type=Runtime"), r.out());
        assertTrue(r.out().contains("co:id=0,type=Scheduler"), r.out());
        // The stall reached the JFR recording the app dumped and read back. (It once went missing
        // in one run of two: the watchdog counted the stall before it committed the event, and the
        // app, which then spun a fixed 400 ms, stopped the recording in between. The watchdog now
        // counts after reporting, and the app spins until it sees the count.)
        assertTrue(number(r.out(), "jfr stall events") >= 1, r.out() + r.err());
        assertTrue(r.out().contains("mbeans after stop []"), r.out());
        assertTrue(r.out().contains("ok"), r.out());
        assertFalse(r.err().contains("NoClassDefFoundError"), r.err());
    }

    @Test
    void withoutJavaManagementAndJdkJfrCoRunsAndTheMetricsApiWorks() throws Exception {
        // jlink-like: only these modules are observable at all (java.management and jdk.jfr are not).
        Run r = launch("--limit-modules", "java.base,co.api,co.scheduler,co.sync,co.itest.obs");
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("resolved java.management=false jdk.jfr=false"), r.out());
        assertTrue(r.out().contains("metrics provider=affine"), r.out() + r.err());
        assertTrue(number(r.out(), "spawned") >= 101, r.out());
        // The watchdog runs without JFR: it still counts the stall and logs it.
        assertTrue(number(r.out(), "stalls") >= 1, r.out() + r.err());
        assertTrue(r.err().contains("has held scheduler"), r.err());
        assertTrue(r.out().contains("coroutines listed=true"), r.out());
        assertTrue(r.out().contains("ok"), r.out());
        assertFalse(r.err().contains("NoClassDefFoundError"), r.err());
        assertFalse(r.err().contains("Exception"), r.err());
    }
}
