package co.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * co as a module-path dependency: an application module compiled against co.api alone, launched as a
 * real {@code java --module-path ... -m} process with the co module jars as built.
 */
@Timeout(120)
class ModulePathTest {

    private static Path modules;
    private static Path app;

    @BeforeAll
    static void compileTheApp() throws IOException {
        modules = Paths.get(System.getProperty("co.modules"));
        Path sources = Paths.get(System.getProperty("co.app.sources"), "co.itest.app");
        app = Paths.get(System.getProperty("co.work"), "app");
        Files.createDirectories(app);
        List<String> args = new ArrayList<>(List.of("-d", app.toString(), "--module-path", modules.toString()));
        try (Stream<Path> s = Files.walk(sources)) {
            s.filter(p -> p.toString().endsWith(".java")).forEach(p -> args.add(p.toString()));
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertEquals(0, javac.run(null, null, null, args.toArray(String[]::new)), "the app must compile against co.api");
    }

    record Run(int exit, String out, String err) {
    }

    private static Run launch(String... jvmArgs) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(List.of(jvmArgs));
        cmd.add("--module-path");
        cmd.add(modules + File.pathSeparator + app);
        cmd.add("-m");
        cmd.add("co.itest.app/co.itest.app.Main");
        Process p = new ProcessBuilder(cmd).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return new Run(p.exitValue(), out, err);
    }

    @Test
    void withTheOpensFlagTheAffineSchedulerIsFoundThroughProvides() throws Exception {
        Run r = launch("--add-opens", "java.base/java.lang=co.scheduler");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("provider=affine ran=true bad=0"), r.out() + r.err());
        assertTrue(r.out().contains("module=co.api"), r.out());
        assertTrue(!r.err().contains("WARNING"), r.err());
    }

    @Test
    void withoutTheFlagTheVirtualFallbackRunsAndTheWarningNamesTheModuleFlag() throws Exception {
        Run r = launch();
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("provider=virtual ran=true bad=0"), r.out() + r.err());
        assertTrue(r.err().contains("--add-opens java.base/java.lang=co.scheduler"), r.err());
    }

    @Test
    void everyTransportOnTheModulePathIsBoundThroughProvidesAndUses() throws Exception {
        Run r = launch("--add-opens", "java.base/java.lang=co.scheduler");
        assertEquals(0, r.exit(), r.err());
        for (String name : List.of("nio", "tls", "mem")) {
            assertTrue(r.out().contains("transport " + name + "=found"), r.out() + r.err());
        }
        assertTrue(r.out().contains("echo nio=hello"), r.out() + r.err());
        assertTrue(r.out().contains("echo mem=hello"), r.out() + r.err());
    }

    @Test
    void aJlinkImageOfTheAppWithTheFlagBakedInRunsOnTheAffineScheduler() throws Exception {
        Path image = Paths.get(System.getProperty("co.work"), "image");
        if (Files.exists(image)) {
            try (Stream<Path> s = Files.walk(image)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        java.util.spi.ToolProvider jlink = java.util.spi.ToolProvider.findFirst("jlink").orElseThrow();
        StringWriter log = new StringWriter();
        int rc = jlink.run(new PrintWriter(log), new PrintWriter(log),
                "--module-path", modules + File.pathSeparator + app,
                "--add-modules", "co.itest.app,co.scheduler,co.net.nio,co.net.tls,co.net.mem",
                "--add-options=--add-opens=java.base/java.lang=co.scheduler",
                "--launcher", "coapp=co.itest.app/co.itest.app.Main",
                "--no-header-files", "--no-man-pages",
                "--output", image.toString());
        assertEquals(0, rc, log.toString());
        Process p = new ProcessBuilder(image.resolve("bin").resolve("coapp").toString()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), err);
        assertTrue(out.contains("provider=affine ran=true bad=0"), out + err);
        assertTrue(out.contains("transport mem=found") && out.contains("echo nio=hello"), out + err);
    }

    /**
     * Outside a framework co loads no OSGi class, not even with {@code osgi.core} at hand (resolved on
     * the module path, on the class path): not {@code org.osgi.*}, not the activators, not
     * {@code co.api.spi.osgi}. The JVM logs every class it loads; none of them may be OSGi's.
     */
    @Test
    void noOsgiClassIsLoadedOnTheModulePathOrTheClassPath() throws Exception {
        Path osgiCore = Paths.get(org.osgi.framework.Bundle.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> modulePath = new ArrayList<>(List.of(java(), "-Xlog:class+load=info",
                "--add-opens", "java.base/java.lang=co.scheduler",
                "--module-path", modules + File.pathSeparator + app + File.pathSeparator + osgiCore,
                "--add-modules", "osgi.core,co.scheduler,co.net.nio,co.net.tls,co.net.mem",
                "-m", "co.itest.app/co.itest.app.Main"));
        StringBuilder cp = new StringBuilder(app.toString()).append(File.pathSeparator).append(osgiCore);
        try (Stream<Path> jars = Files.list(modules)) {
            jars.filter(j -> j.toString().endsWith(".jar")).sorted()
                    .forEach(j -> cp.append(File.pathSeparator).append(j));
        }
        List<String> classPath = List.of(java(), "-Xlog:class+load=info", "--add-opens", "java.base/java.lang=ALL-UNNAMED",
                "-cp", cp.toString(), "co.itest.app.Main");
        for (List<String> cmd : List.of(modulePath, classPath)) {
            Run r = run(cmd);
            assertEquals(0, r.exit(), r.err());
            assertTrue(r.out().contains("provider=affine ran=true bad=0"), r.out() + r.err());
            assertTrue(r.out().contains("echo nio=hello") && r.out().contains("echo mem=hello"), r.err());
            assertTrue(r.out().contains(" co.api.Co source:"), "the class-load log is there");
            List<String> osgi = r.out().lines()
                    .filter(l -> l.contains(" org.osgi.") || l.contains(".osgi.ProviderActivator")
                            || l.contains(".internal.osgi.") || l.contains("co.api.internal.OsgiRegistry"))
                    .toList();
            assertEquals(List.of(), osgi, String.join(" ", cmd));
        }
    }

    private static String java() {
        return Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static Run run(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.PIPE).start();
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return e.toString();
            }
        });
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return new Run(p.exitValue(), out, err.get(60, TimeUnit.SECONDS));
    }

    @Test
    void internalPackagesAreNotReadableFromTheApp() throws Exception {
        Run r = launch("--add-opens", "java.base/java.lang=co.scheduler");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("internalScheduler=hidden"), r.out());
        assertTrue(r.out().contains("internalApi=hidden"), r.out());
    }
}
