package co.scheduler.internal;

import co.api.CoroutineInfo;
import co.api.RuntimeMetrics;
import co.api.SchedulerMetrics;
import co.api.spi.CoContext;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * Reads the affine schedulers' numbers and live coroutines from any thread. The counters are
 * fields each scheduling thread writes with plain writes; they are read here with opaque reads
 * (atomic, and never cached by the compiler), so a reader sees values at most a few microseconds
 * old and the hot paths pay no fence. The live-coroutine list is copied on its own scheduling
 * thread (a task queued there), or, when that thread does not answer within
 * {@link #LIST_WAIT_MILLIS} (it is stalled, or stopped), read racily: a stalled thread does not
 * change its list.
 */
final class AffineIntrospection {

    /** How long {@link #coroutines} waits for a scheduling thread to copy its list. */
    static final long LIST_WAIT_MILLIS = 250;
    /** The most coroutines listed per scheduler. */
    static final int LIST_LIMIT = 10_000_000;

    private static final VarHandle RESUMES;
    private static final VarHandle IDLE_NANOS;
    private static final VarHandle IDLE_SINCE;
    private static final VarHandle IO_WAITING;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            RESUMES = l.findVarHandle(AffineScheduler.class, "resumes", long.class);
            IDLE_NANOS = l.findVarHandle(AffineScheduler.class, "idleNanos", long.class);
            IDLE_SINCE = l.findVarHandle(AffineScheduler.class, "idleSince", long.class);
            IO_WAITING = l.findVarHandle(AffineScheduler.class, "ioWaiting", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private AffineIntrospection() {
    }

    /** The scheduler's count of tasks run: the watchdog's sign of progress. Any thread. */
    static long resumes(AffineScheduler s) {
        return (long) RESUMES.getOpaque(s);
    }

    /**
     * The threads of one scheduler's live coroutines, for its JDK thread container (a JDK thread
     * dump, taken on any thread): copied on the scheduling thread as {@link #coroutines} does, or
     * read racily when that thread does not answer within {@link #LIST_WAIT_MILLIS}.
     */
    static Stream<Thread> liveThreads(AffineScheduler s) {
        CompletableFuture<List<Coroutine>> copy = requestCopy(s, CoContext.current().scheduler() == s);
        return awaitCopy(s, copy, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(LIST_WAIT_MILLIS)).stream()
                .map(c -> c.thread).filter(t -> t != null && t.isAlive());
    }

    /**
     * Asks {@code s} to copy its live-coroutine list on its own thread; copies it at once when
     * {@code readHere} (the caller runs on that thread, or the scheduler is stopped and runs no task).
     */
    private static CompletableFuture<List<Coroutine>> requestCopy(AffineScheduler s, boolean readHere) {
        CompletableFuture<List<Coroutine>> f = new CompletableFuture<>();
        if (readHere) {
            f.complete(s.live.snapshot(LIST_LIMIT));
        } else {
            s.execute(() -> f.complete(s.live.snapshot(LIST_LIMIT)));
        }
        return f;
    }

    /**
     * The copy {@link #requestCopy} asked for, or, when {@code s} has not made it by
     * {@code deadline} ({@link System#nanoTime()}), a racy read: a stalled thread does not change
     * its list.
     */
    private static List<Coroutine> awaitCopy(AffineScheduler s, CompletableFuture<List<Coroutine>> copy, long deadline) {
        try {
            return copy.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException | ExecutionException e) {
            return s.live.snapshot(LIST_LIMIT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return s.live.snapshot(LIST_LIMIT);
        }
    }

    /** True while the scheduler is blocked waiting for work (see {@code AffineScheduler.sleeping}). */
    static boolean idle(AffineScheduler s) {
        return s.sleeping == 1;
    }

    static SchedulerMetrics metrics(AffineScheduler s, long stalls) {
        long now = System.nanoTime();
        boolean idle = idle(s);
        long idleNanos = (long) IDLE_NANOS.getOpaque(s);
        if (idle) {
            // The blocking wait in progress counts too: an idle server's scheduler must not look busy.
            idleNanos += Math.max(0, now - (long) IDLE_SINCE.getOpaque(s));
        }
        long alive = Math.max(0, s.sequence.get() - s.live.finished());
        int local;
        try {
            local = Math.max(0, s.local.size()); // a racy read of an ArrayDeque: an estimate
        } catch (RuntimeException e) {
            local = 0;
        }
        long runQueue = local + s.remote.sizeEstimate(1_000_000);
        long elapsed = Math.max(0, now - s.startNanos);
        idleNanos = Math.min(idleNanos, elapsed);
        return new SchedulerMetrics(s.id(), alive, runQueue, resumes(s), Math.max(0, (int) IO_WAITING.getOpaque(s)),
                Math.max(0, s.timers.size()), elapsed - idleNanos, idleNanos, stalls);
    }

    static RuntimeMetrics metrics(String provider, AffineScheduler[] schedulers, StallWatchdog watchdog) {
        List<SchedulerMetrics> list = new ArrayList<>(schedulers.length);
        long spawned = 0;
        long finished = 0;
        long uncaught = 0;
        long stalls = 0;
        for (AffineScheduler s : schedulers) {
            // finished before spawned: a coroutine ending in between is then never counted as
            // finished without having been spawned.
            long f = s.live.finished();
            finished += f;
            spawned += s.sequence.get();
            uncaught += s.live.uncaughtCount();
            long st = watchdog == null ? -1 : watchdog.stalls(s.id());
            stalls += st;
            list.add(metrics(s, st));
        }
        return new RuntimeMetrics(provider, spawned, finished, uncaught, watchdog == null ? -1 : stalls, list);
    }

    static List<CoroutineInfo> coroutines(AffineScheduler[] schedulers, boolean stopped) {
        List<CompletableFuture<List<Coroutine>>> copies = new ArrayList<>(schedulers.length);
        CoContext self = CoContext.current();
        for (AffineScheduler s : schedulers) {
            copies.add(requestCopy(s, self.scheduler() == s || stopped));
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(LIST_WAIT_MILLIS);
        List<CoroutineInfo> out = new ArrayList<>();
        for (int i = 0; i < schedulers.length; i++) {
            AffineScheduler s = schedulers[i];
            List<Coroutine> list = awaitCopy(s, copies.get(i), deadline);
            List<CoroutineInfo> part = new ArrayList<>(list.size());
            for (Coroutine c : list) {
                CoroutineInfo info = Introspection.describe(c, s.id());
                if (info != null) {
                    part.add(info);
                }
            }
            part.sort(Comparator.comparingLong(CoroutineInfo::id));
            out.addAll(part);
        }
        return out;
    }

    /**
     * Finds the coroutine mounted on {@code s}'s thread now, by a racy walk of its list (called when
     * the scheduler is stalled, so the list is not changing).
     *
     * @return the coroutine, or null if none is mounted (the loop itself holds the thread)
     */
    static Coroutine mounted(AffineScheduler s) {
        Thread carrier = s.thread();
        for (Coroutine c : s.live.snapshot(LIST_LIMIT)) {
            Thread t = c.thread;
            if (t != null && Introspection.mountedOn(t, carrier)) {
                return c;
            }
        }
        return null;
    }
}
