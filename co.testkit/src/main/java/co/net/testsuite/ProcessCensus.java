package co.net.testsuite;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * What a process holds, for leak checks: its open file descriptors and its live virtual threads
 * (every coroutine is one, and so is every JDK virtual thread). Read through the platform MBean
 * server (HotSpot's {@code OperatingSystem} and {@code HotSpotDiagnostic} beans), so that the kit
 * needs only {@code java.management}.
 */
public final class ProcessCensus {

    private static final Pattern VIRTUAL = Pattern.compile("\"virtual\"\\s*:\\s*true");

    private ProcessCensus() {
    }

    /**
     * Returns how many file descriptors the process has open.
     *
     * @return the count
     * @throws IllegalStateException where the JVM cannot tell (not a Unix-like system)
     */
    public static long openFileDescriptors() {
        try {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            Object n = server.getAttribute(new ObjectName("java.lang:type=OperatingSystem"), "OpenFileDescriptorCount");
            return ((Number) n).longValue();
        } catch (JMException e) {
            throw new IllegalStateException("the open file count needs a Unix-like HotSpot JVM: " + e, e);
        }
    }

    /**
     * Describes the open file descriptors, for a failure message: what {@code /proc/self/fd} links to
     * (Linux), else only their count.
     *
     * @return one line per descriptor
     */
    public static String describeFileDescriptors() {
        Path fds = Path.of("/proc/self/fd");
        if (!Files.isDirectory(fds)) {
            return openFileDescriptors() + " open";
        }
        StringBuilder b = new StringBuilder();
        try (var list = Files.list(fds)) {
            for (Path fd : list.sorted().toList()) {
                String target;
                try {
                    target = Files.readSymbolicLink(fd).toString();
                } catch (IOException gone) {
                    target = "(closed while listed)";
                }
                b.append('\n').append(fd.getFileName()).append(" -> ").append(target);
            }
        } catch (IOException e) {
            b.append(" (cannot list: ").append(e).append(')');
        }
        return b.toString();
    }

    /**
     * Returns how many virtual threads are alive, from a JSON thread dump of the whole process (the
     * JDK tracks every virtual thread for it unless {@code -Djdk.trackAllThreads=false}).
     *
     * <p>It first asks for a full garbage collection ({@link System#gc()}). The dump lists the
     * threads of every thread container still reachable, and co's affine schedulers start their
     * coroutines in a container of their own that the JDK's registry holds weakly. A coroutine left
     * parked by a runtime stopped earlier (an earlier test's) is therefore listed until a
     * collection drops that runtime, and a count taken before such a collection would not match
     * one taken after it.
     *
     * @return the count
     * @throws IOException if the dump cannot be written or read
     * @throws IllegalStateException where the JVM has no thread dump bean
     */
    public static int liveVirtualThreads() throws IOException {
        System.gc();
        Path dir = Files.createTempDirectory("co-census");
        Path file = dir.resolve("threads.json");
        try {
            ManagementFactory.getPlatformMBeanServer().invoke(new ObjectName("com.sun.management:type=HotSpotDiagnostic"),
                    "dumpThreads", new Object[] {file.toString(), "JSON"},
                    new String[] {String.class.getName(), String.class.getName()});
            Matcher m = VIRTUAL.matcher(Files.readString(file));
            int n = 0;
            while (m.find()) {
                n++;
            }
            return n;
        } catch (JMException e) {
            throw new IllegalStateException("no thread dump bean: " + e, e);
        } finally {
            Files.deleteIfExists(file);
            Files.deleteIfExists(dir);
        }
    }
}
