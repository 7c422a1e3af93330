package co.itests.osgi;

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
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * co as OSGi bundles, in real Felix and Equinox frameworks: each framework boots in a forked JVM
 * (through the standard {@code FrameworkFactory}), with nothing installed but the co bundles as
 * built, Apache Aries SPI Fly (the Service Loader Mediator) and the ASM bundles it needs, and the
 * test bundle {@code co.itests.probe} that imports {@code co.api} and {@code co.sync} only. One JVM runs with
 * {@code --add-opens java.base/java.lang=ALL-UNNAMED} (inside OSGi bundles are not named modules),
 * one without; each JVM is launched once per framework and its report is checked by several tests.
 */
@Timeout(180)
class OsgiTest {

    private static final String[] CO_BUNDLES = {"co.api", "co.scheduler", "co.sync", "co.net.nio", "co.net.tls"};
    private static final Map<String, Run> RUNS = new ConcurrentHashMap<>();

    private static Path osgi;
    private static Path modules;
    private static Path work;
    private static Path probe;
    private static Path tls;

    /** What a framework JVM reported: its {@code co-itest} lines in order, and its stderr. */
    record Run(int exit, List<String> lines, String out, String err) {

        /** The results of every {@code probe STEP} line for one step, in order. */
        List<String> probe(String step) {
            String prefix = "probe " + step + " ";
            return lines.stream().filter(l -> l.startsWith(prefix)).map(l -> l.substring(prefix.length())).toList();
        }

        String all() {
            return String.join("\n", lines) + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
        }
    }

    @BeforeAll
    static void buildTheProbeBundleAndTheTlsKeys() throws Exception {
        osgi = Paths.get(System.getProperty("co.osgi"));
        modules = Paths.get(System.getProperty("co.modules"));
        work = Paths.get(System.getProperty("co.osgi.work"));
        Files.createDirectories(work);
        probe = work.resolve("co.itests.probe.jar");
        Manifest m = new Manifest();
        Attributes a = m.getMainAttributes();
        a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        a.putValue("Bundle-ManifestVersion", "2");
        a.putValue("Bundle-SymbolicName", "co.itests.probe");
        a.putValue("Bundle-Version", "1.0.0");
        a.putValue("Import-Package", "co.api, co.api.spi, co.sync");
        Path classes = Paths.get(OsgiTest.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path probeClasses = classes.resolve("co/itests/osgi/probe");
        try (JarOutputStream jar = new JarOutputStream(Files.newOutputStream(probe), m);
                Stream<Path> files = Files.list(probeClasses)) {
            for (Path p : files.sorted().toList()) {
                jar.putNextEntry(new JarEntry("co/itests/osgi/probe/" + p.getFileName()));
                jar.write(Files.readAllBytes(p));
                jar.closeEntry();
            }
        }
        // A self-signed key for localhost / 127.0.0.1, for the "tls" transport's system properties.
        tls = work.resolve("tls");
        Files.createDirectories(tls);
        Files.deleteIfExists(tls.resolve("server.p12"));
        Files.deleteIfExists(tls.resolve("server.pem"));
        String keytool = Paths.get(System.getProperty("java.home"), "bin", "keytool").toString();
        exec(keytool, "-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2",
                "-storetype", "PKCS12", "-keystore", tls.resolve("server.p12").toString(), "-storepass", "secret");
        exec(keytool, "-exportcert", "-rfc", "-alias", "server", "-keystore", tls.resolve("server.p12").toString(),
                "-storepass", "secret", "-file", tls.resolve("server.pem").toString());
    }

    private static void exec(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "keytool hung");
        assertEquals(0, p.exitValue(), out);
    }

    private static Path jar(Path dir, String prefix) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> found = s.filter(p -> p.getFileName().toString().matches(Pattern.quote(prefix) + "-\\d.*\\.jar"))
                    .toList();
            assertEquals(1, found.size(), () -> "one " + prefix + " jar in " + dir + ": " + found);
            return found.get(0);
        }
    }

    /** The report of {@code framework} ("felix" or "equinox") with or without the add-opens flag; launched once. */
    private static Run run(String framework, boolean opens) {
        return RUNS.computeIfAbsent(framework + "/" + opens, k -> {
            try {
                return launch(framework, opens);
            } catch (Exception | AssertionError e) {
                // Kept, so that the other tests of this JVM fail at once with the reason instead of relaunching.
                StringWriter trace = new StringWriter();
                e.printStackTrace(new PrintWriter(trace));
                return new Run(-1, List.of(), "", "launching " + k + " failed: " + trace);
            }
        });
    }

    private static Run launch(String framework, boolean opens) throws Exception {
        Path dir = work.resolve(framework + (opens ? "-affine" : "-virtual"));
        Files.createDirectories(dir);
        Path bundles = osgi.resolve("bundles");
        Path mem = jar(modules, "co.net.mem");
        Path classes = Paths.get(OsgiTest.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> cmd = new ArrayList<>();
        cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        if (opens) {
            cmd.add("--add-opens");
            cmd.add("java.base/java.lang=ALL-UNNAMED");
        }
        cmd.addAll(List.of("-Xss1m", "-Dco.sched_num=2",
                "-Dco.tls.keyStore=" + tls.resolve("server.p12"), "-Dco.tls.keyStorePassword=secret",
                "-Dco.tls.trustPem=" + tls.resolve("server.pem"),
                "-Djava.io.tmpdir=" + dir,
                "-cp", classes + File.pathSeparator + jar(osgi.resolve(framework), framework.equals("felix")
                        ? "org.apache.felix.framework" : "org.eclipse.osgi"),
                "co.itests.osgi.launcher.Launcher", dir.resolve("storage").toString()));
        // First without a mediator: co.api must refuse to resolve (and say why) rather than start blind.
        cmd.add("start=" + jar(modules, "co.api"));
        for (String asm : List.of("asm", "asm-tree", "asm-analysis", "asm-commons", "asm-util")) {
            cmd.add("start=" + jar(bundles, asm));
        }
        cmd.add("start=" + jar(bundles, "org.apache.aries.spifly.dynamic.bundle"));
        for (String b : CO_BUNDLES) {
            cmd.add("start=" + jar(modules, b));
        }
        cmd.add("start=" + probe);
        cmd.addAll(List.of("states", "probe=scheduler", "probe=sync", "probe=echo:nio", "probe=echo:tls", "probe=lookup:mem",
                "start=" + mem, "probe=lookup:mem", "probe=echo:mem",
                "uninstall=co.net.mem", "probe=lookup:mem",
                "start=" + mem, "probe=lookup:mem", "probe=stop"));
        Path out = dir.resolve("stdout.txt");
        Path err = dir.resolve("stderr.txt");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        p.getOutputStream().close();                            // the launcher reads nothing
        try {
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), () -> framework + " JVM did not finish; stdout so far:\n" + read(out));
        } finally {
            p.destroyForcibly();
        }
        String stdout = read(out);
        List<String> lines = stdout.lines().filter(l -> l.startsWith("co-itest ")).map(l -> l.substring(9)).toList();
        return new Run(p.exitValue(), lines, stdout, read(err));
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    /** Whether a bundle declares a {@code co.api.spi.TransportProvider} for the Service Loader Mediator. */
    private static boolean declaresItsTransportProvider(Path bundle) throws IOException {
        try (JarFile jar = new JarFile(bundle.toFile())) {
            String provides = jar.getManifest().getMainAttributes().getValue("Provide-Capability");
            return provides != null
                    && provides.replace("\"", "").replace(" ", "").contains("osgi.serviceloader=co.api.spi.TransportProvider");
        }
    }

    // ---------------------------------------------------------------- the tests

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"felix", "equinox"})
    void everyCoBundleResolvesAndStartsWithNothingButSpiFlyAndAsm(String framework) {
        Run r = run(framework, true);
        assertEquals(0, r.exit(), r::all);
        Set<String> active = new TreeSet<>();
        Set<String> installed = new TreeSet<>();
        for (String l : r.lines()) {
            if (l.startsWith("bundle ")) {
                String[] f = l.split(" ");
                installed.add(f[1]);
                if (f[2].equals("ACTIVE")) {
                    active.add(f[1]);
                }
            }
        }
        Set<String> expected = new TreeSet<>(List.of(CO_BUNDLES));
        expected.addAll(List.of("co.itests.probe", "org.apache.aries.spifly.dynamic.bundle", "org.objectweb.asm",
                "org.objectweb.asm.tree", "org.objectweb.asm.tree.analysis", "org.objectweb.asm.commons",
                "org.objectweb.asm.util"));
        assertEquals(expected, installed, r::all);
        assertEquals(expected, active, r::all);
        assertTrue(r.lines().contains("framework stopped cleanly"), r::all);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"felix", "equinox"})
    void withoutTheServiceLoaderMediatorCoApiDoesNotResolveAndNamesTheMissingExtender(String framework) {
        Run r = run(framework, true);
        String first = r.lines().stream().filter(l -> l.endsWith(" co.api") || l.startsWith("failed co.api ")).findFirst()
                .orElse("none");
        assertTrue(first.startsWith("failed co.api ") && first.contains("osgi.serviceloader.processor"), r::all);
        assertTrue(r.lines().contains("started co.api"), r::all);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"felix", "equinox"})
    void withTheOpensFlagCoroutinesRunOnTheAffineScheduler(String framework) {
        Run r = run(framework, true);
        assertEquals(List.of("provider=affine ran=true bad=0"), r.probe("scheduler"), r::all);
        assertTrue(!r.err().contains("is unavailable"), r::all);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"felix", "equinox"})
    void withoutTheFlagCoroutinesRunOnTheVirtualFallbackAndTheWarningNamesTheFlag(String framework) {
        Run r = run(framework, false);
        assertEquals(0, r.exit(), r::all);
        assertEquals(List.of("provider=virtual ran=true bad=0"), r.probe("scheduler"), r::all);
        assertTrue(r.err().contains("--add-opens java.base/java.lang=ALL-UNNAMED"), r::all);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"felix", "equinox"})
    void coSyncWorksBetweenCoroutinesOnBothSchedulers(String framework) {
        for (boolean opens : new boolean[] {true, false}) {
            Run r = run(framework, opens);
            assertEquals(List.of("waited=true sum=5050"), r.probe("sync"), r::all);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"felix", "equinox"})
    void echoOverNioOnBothSchedulers(String framework) {
        for (boolean opens : new boolean[] {true, false}) {
            Run r = run(framework, opens);
            assertEquals(List.of("ok 1400 bytes via nio"), r.probe("echo:nio"), r::all);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"felix", "equinox"})
    void echoOverTlsOnBothSchedulers(String framework) throws IOException {
        assertTrue(declaresItsTransportProvider(jar(modules, "co.net.tls")),
                "co.net.tls must declare its osgi.serviceloader capability, or no mediator registers it");
        for (boolean opens : new boolean[] {true, false}) {
            Run r = run(framework, opens);
            assertEquals(List.of("ok 1400 bytes via tls"), r.probe("echo:tls"), r::all);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"felix", "equinox"})
    void aTransportBundleInstalledAtRunTimeIsFoundByNameAndWorks(String framework) {
        for (boolean opens : new boolean[] {true, false}) {
            Run r = run(framework, opens);
            List<String> lookups = r.probe("lookup:mem");
            assertEquals(4, lookups.size(), r::all);
            assertTrue(lookups.get(0).startsWith("missing co: no such transport 'mem'"), r::all);
            assertEquals("found mem", lookups.get(1), r::all);
            assertEquals(List.of("ok 1400 bytes via mem"), r.probe("echo:mem"), r::all);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"felix", "equinox"})
    void afterUninstallTheTransportIsANoSuchTransportErrorAndAReinstallIsFoundAgain(String framework) {
        for (boolean opens : new boolean[] {true, false}) {
            Run r = run(framework, opens);
            assertTrue(r.lines().contains("uninstalled co.net.mem"), r::all);
            List<String> lookups = r.probe("lookup:mem");
            assertEquals(4, lookups.size(), r::all);
            assertTrue(lookups.get(2).startsWith("missing co: no such transport 'mem' (found: ["), r::all);
            assertTrue(lookups.get(2).contains("nio") && !lookups.get(2).contains("mem]") && !lookups.get(2).contains("mem,"),
                    r::all);
            assertEquals("found mem", lookups.get(3), r::all);
        }
    }
}
