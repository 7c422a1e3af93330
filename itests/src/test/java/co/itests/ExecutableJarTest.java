package co.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The affine scheduler with no hand-typed JVM option: the examples module's executable JAR, whose
 * manifest says {@code Add-Opens: java.base/java.lang}, started as plain {@code java -jar}, runs the
 * echo server on the {@code affine} provider and echoes over loopback. (The jlink recipe, an image
 * built with {@code --add-options}, is proved by {@link ModulePathTest}.)
 */
@Timeout(90)
class ExecutableJarTest {

    private static final Pattern LISTENING = Pattern.compile("echo server on 127\\.0\\.0\\.1:(\\d+) \\((\\w+) scheduler");

    private static Path jar() {
        Path dir = Paths.get(System.getProperty("co.examples.target"));
        Path jar = dir.resolve("examples-" + System.getProperty("co.version") + ".jar");
        assertTrue(Files.isRegularFile(jar), "the examples module must have built " + jar);
        return jar;
    }

    @Test
    void theManifestCarriesAddOpensAndAMainClass() throws Exception {
        try (JarFile j = new JarFile(jar().toFile())) {
            Manifest m = j.getManifest();
            assertEquals("java.base/java.lang", m.getMainAttributes().getValue("Add-Opens"));
            assertEquals("co.examples.EchoServer", m.getMainAttributes().getValue("Main-Class"));
            String cp = m.getMainAttributes().getValue("Class-Path");
            assertNotNull(cp);
            for (String entry : cp.split(" ")) {
                assertTrue(Files.isRegularFile(jar().resolveSibling(entry)), "Class-Path entry " + entry + " exists");
            }
        }
    }

    @Test
    void plainJavaDashJarRunsTheEchoServerOnTheAffineScheduler() throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Dco.sched_num=1");                  // a co setting, not a JVM option: no flag opens anything
        cmd.add("-jar");
        cmd.add(jar().toString());
        cmd.add("0");                                 // any free port
        Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            BufferedReader err = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8));
            StringBuilder seen = new StringBuilder();
            Matcher m = null;
            for (String line; (line = err.readLine()) != null; ) {
                seen.append(line).append('\n');
                Matcher at = LISTENING.matcher(line);
                if (at.find()) {
                    m = at;
                    break;
                }
            }
            assertNotNull(m, "the server never said where it listens: " + seen);
            assertEquals("affine", m.group(2), seen.toString());
            assertFalse(seen.toString().contains("WARNING"), seen.toString());
            int port = Integer.parseInt(m.group(1));
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
                s.setSoTimeout(10_000);
                byte[] hello = "hello over co".getBytes(StandardCharsets.UTF_8);
                OutputStream out = s.getOutputStream();
                out.write(hello);
                out.flush();
                InputStream in = s.getInputStream();
                byte[] back = in.readNBytes(hello.length);
                assertEquals("hello over co", new String(back, StandardCharsets.UTF_8));
            }
        } finally {
            p.destroy();
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}
