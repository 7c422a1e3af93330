package co.net.testsuite;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.UnixOperatingSystemMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a process holds, for leak checks: its open file descriptors and its live virtual threads
 * (every coroutine is one, and so is every JDK virtual thread).
 */
public final class ProcessCensus {

    private static final Pattern VIRTUAL = Pattern.compile("\"virtual\"\\s*:\\s*true");

    private ProcessCensus() {
    }

    /**
     * Returns how many file descriptors the process has open.
     *
     * @return the count
     * @throws IllegalStateException where the JDK cannot tell (not a Unix-like system)
     */
    public static long openFileDescriptors() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof UnixOperatingSystemMXBean unix) {
            return unix.getOpenFileDescriptorCount();
        }
        throw new IllegalStateException("the open file count needs a Unix-like system");
    }

    /**
     * Returns how many virtual threads are alive, from a JSON thread dump of the whole process (the
     * JDK tracks every virtual thread for it unless {@code -Djdk.trackAllThreads=false}).
     *
     * @return the count
     * @throws IOException if the dump cannot be written or read
     */
    public static int liveVirtualThreads() throws IOException {
        Path dir = Files.createTempDirectory("co-census");
        Path file = dir.resolve("threads.json");
        try {
            ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                    .dumpThreads(file.toString(), HotSpotDiagnosticMXBean.ThreadDumpFormat.JSON);
            Matcher m = VIRTUAL.matcher(Files.readString(file));
            int n = 0;
            while (m.find()) {
                n++;
            }
            return n;
        } finally {
            Files.deleteIfExists(file);
            Files.deleteIfExists(dir);
        }
    }
}
