package co.scheduler.internal;

import java.lang.System.Logger.Level;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * Notices a coroutine that holds its scheduling thread too long (a CPU loop, a pinned native call,
 * a file read, a {@code synchronized} wait on JDK 21-23): every other coroutine of that scheduler
 * waits meanwhile. One daemon thread per affine runtime samples each scheduler every quarter of the
 * threshold: a scheduler that is not blocked waiting for work and has run no new task since the
 * last samples, for at least the threshold, is stalled. It then reports, with the stack of the
 * coroutine mounted on that thread as it stands during the stall:
 * <ul>
 *   <li>a JFR event {@code co.SchedulerStall} (when {@code jdk.jfr} is present), at once and again
 *       each time the stall doubles in length;</li>
 *   <li>a {@code System.Logger} ({@code "co"}) WARNING, at most one per {@link #LOG_INTERVAL_NANOS}
 *       per runtime, saying how many were held back.</li>
 * </ul>
 * System property {@code co.stall_ms} sets the threshold (default 100); 0 turns the watchdog off.
 *
 * <p>Cost to the schedulers: none beyond the {@code resumes} counter they keep anyway; the watchdog
 * reads it, and the {@code sleeping} flag, from its own thread.
 */
final class StallWatchdog implements Runnable {

    private static final System.Logger LOG = System.getLogger("co");
    /** The threshold in milliseconds; 0 = no watchdog. */
    static final long STALL_MS = Math.max(0, Long.getLong("co.stall_ms", 100));
    /** At most one log warning per runtime this often; JFR events are not limited. */
    static final long LOG_INTERVAL_NANOS = 10_000_000_000L;
    private static final VarHandle STALLS = MethodHandles.arrayElementVarHandle(long[].class);

    private final AffineScheduler[] schedulers;
    private final long thresholdNanos;
    private final long periodNanos;
    private final Thread thread;
    private volatile boolean stopped;

    // Watchdog thread only, except stalls (read by metrics with opaque reads).
    private final long[] lastResumes;
    private final long[] unchangedSince;
    private final long[] nextReport;
    private final boolean[] inStall;
    private final long[] stalls;
    private long lastLog;
    private int heldBack;

    private StallWatchdog(AffineScheduler[] schedulers, long thresholdMs, String threadName) {
        this.schedulers = schedulers;
        this.thresholdNanos = thresholdMs * 1_000_000L;
        this.periodNanos = Math.min(1_000_000_000L, Math.max(1_000_000L, thresholdNanos / 4));
        int n = schedulers.length;
        lastResumes = new long[n];
        unchangedSince = new long[n];
        nextReport = new long[n];
        inStall = new boolean[n];
        stalls = new long[n];
        long now = System.nanoTime();
        Arrays.fill(unchangedSince, now);
        Arrays.fill(nextReport, thresholdNanos);
        lastLog = now - LOG_INTERVAL_NANOS;
        thread = new Thread(this, threadName);
        thread.setDaemon(true);
    }

    /**
     * Starts a watchdog over {@code schedulers}, unless {@code co.stall_ms} is 0.
     *
     * @return the watchdog, or null when off
     */
    static StallWatchdog start(AffineScheduler[] schedulers, String threadName) {
        if (STALL_MS == 0) {
            return null;
        }
        StallWatchdog w = new StallWatchdog(schedulers, STALL_MS, threadName);
        w.thread.start();
        return w;
    }

    /** Ends the watchdog thread soon; does not wait. Any thread. */
    void stop() {
        stopped = true;
        LockSupport.unpark(thread);
    }

    /** The threshold in milliseconds. */
    long thresholdMillis() {
        return thresholdNanos / 1_000_000L;
    }

    /** Stall episodes seen on scheduler {@code id}. Any thread. */
    long stalls(int id) {
        return (long) STALLS.getOpaque(stalls, id);
    }

    @Override
    public void run() {
        while (!stopped) {
            LockSupport.parkNanos(this, periodNanos);
            if (stopped) {
                return;
            }
            long now = System.nanoTime();
            for (int i = 0; i < schedulers.length; i++) {
                try {
                    check(i, now);
                } catch (RuntimeException | LinkageError e) {
                    // A report that fails (a broken logger, a JFR error) must not end the watchdog.
                    LOG.log(Level.DEBUG, "co: stall watchdog could not report", e);
                }
            }
        }
    }

    private void check(int i, long now) {
        AffineScheduler s = schedulers[i];
        long resumes = AffineIntrospection.resumes(s);
        if (resumes != lastResumes[i] || AffineIntrospection.idle(s)) {
            // Progress, or blocked waiting for work: no stall (any stall in progress has ended).
            lastResumes[i] = resumes;
            unchangedSince[i] = now;
            nextReport[i] = thresholdNanos;
            inStall[i] = false;
            return;
        }
        long held = now - unchangedSince[i];
        if (held < nextReport[i]) {
            return;
        }
        boolean first = !inStall[i];
        inStall[i] = true;
        nextReport[i] = held * 2;
        report(s, held, first, now);
        if (first) {
            // Counted after the report, so that whoever reads stalls >= 1 knows the JFR event is
            // committed and the warning logged (a recording stopped on seeing the count keeps it).
            STALLS.setOpaque(stalls, i, stalls[i] + 1);
        }
    }

    private void report(AffineScheduler s, long heldNanos, boolean first, long now) {
        Coroutine c = AffineIntrospection.mounted(s);
        long coroutineId = c == null ? -1 : c.context.id();
        List<StackTraceElement> stack = Arrays.asList(c == null ? s.thread().getStackTrace() : c.thread.getStackTrace());
        String stackText = Introspection.stackText(stack);
        if (OptionalModules.JFR) {
            JfrStall.emit(s.id(), coroutineId, heldNanos, s.thread().getName(), stackText);
        }
        if (!first) {
            return; // one warning per episode at most; JFR has the updates
        }
        if (now - lastLog < LOG_INTERVAL_NANOS) {
            heldBack++;
            return;
        }
        lastLog = now;
        String who = c == null ? "the scheduling loop itself" : "coroutine " + coroutineId;
        String more = heldBack == 0 ? "" : " (" + heldBack + " more stalls were not logged in the last "
                + LOG_INTERVAL_NANOS / 1_000_000_000L + " s)";
        heldBack = 0;
        LOG.log(Level.WARNING, "co: " + who + " has held scheduler " + s.id() + " (thread " + s.thread().getName()
                + ") for " + heldNanos / 1_000_000L + " ms; the other coroutines of that scheduler cannot run until it"
                + " yields (a CPU loop, a blocking native call, file I/O?)" + more + ". Its stack:\n" + stackText);
    }
}
