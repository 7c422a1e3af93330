package co.net.testsuite;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts a child JVM running a main class from the test class path, with the same {@code java} as
 * the test: for tests that need a second process (more file descriptors, a starved fd table).
 */
public final class ChildJvm {

    private ChildJvm() {
    }

    /**
     * Returns the test class path: surefire's full list when present, else this JVM's.
     *
     * @return the class path
     */
    public static String classPath() {
        String cp = System.getProperty("surefire.test.class.path");
        return cp != null && !cp.isBlank() ? cp : System.getProperty("java.class.path");
    }

    /**
     * Builds the command that runs {@code main} with {@code args} in a JVM that starts quickly
     * (C1 only, serial GC): for a short-lived child.
     *
     * @param main the main class
     * @param jvmArgs extra JVM options
     * @param args program arguments
     * @return the command
     */
    public static List<String> command(Class<?> main, List<String> jvmArgs, List<String> args) {
        return command(main, jvmArgs, args, true);
    }

    /**
     * Builds the command for a child that generates load for tens of seconds, such as the clients
     * of a many-connections test: the same as {@link #command} but with the JVM's full JIT. The
     * C1-only child of {@link #command} starts sooner, but the JDK's TLS code (EC arithmetic,
     * AES-GCM) runs several times slower without C2, so that the load generator, not the server
     * under test, would set how long such a test takes.
     *
     * @param main the main class
     * @param jvmArgs extra JVM options
     * @param args program arguments
     * @return the command
     */
    public static List<String> loadCommand(Class<?> main, List<String> jvmArgs, List<String> args) {
        return command(main, jvmArgs, args, false);
    }

    private static List<String> command(Class<?> main, List<String> jvmArgs, List<String> args, boolean quickStart) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("--add-opens");
        cmd.add("java.base/java.lang=ALL-UNNAMED");
        cmd.add("-XX:+UseSerialGC");
        if (quickStart) {
            // C1 only: a short-lived child spends less CPU compiling than it would save.
            cmd.add("-XX:TieredStopAtLevel=1");
        }
        cmd.addAll(jvmArgs);
        cmd.add("-cp");
        cmd.add(classPath());
        cmd.add(main.getName());
        cmd.addAll(args);
        return cmd;
    }

    /**
     * Starts the child, its standard error going to {@code stderr} (for the failure message).
     *
     * @param cmd from {@link #command}
     * @param stderr where the child's standard error goes
     * @return the process
     * @throws IOException if it cannot start
     */
    public static Process start(List<String> cmd, Path stderr) throws IOException {
        return new ProcessBuilder(cmd)
                .redirectError(stderr.toFile())
                .redirectInput(ProcessBuilder.Redirect.PIPE)
                .start();
    }
}
