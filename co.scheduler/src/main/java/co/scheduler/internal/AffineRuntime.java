package co.scheduler.internal;

import co.api.CoroutineInfo;
import co.api.RuntimeMetrics;
import co.api.Scheduler;
import co.api.spi.CoContext;
import co.api.spi.CoRuntime;
import co.api.spi.Introspectable;
import co.api.spi.IoBackend;
import co.api.spi.Poller;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The affine runtime: N {@link AffineScheduler}s, coroutines spread over them round-robin, and a
 * coroutine never leaves the scheduler it started on. Thread-safe.
 */
final class AffineRuntime implements CoRuntime, Introspectable {

    private static final long STOP_JOIN_MILLIS = 5_000;
    private static final AtomicInteger CREATED = new AtomicInteger();

    private final AffineScheduler[] schedulers;
    private final List<Scheduler> view;
    private final Computations computations;
    private final AtomicInteger next = new AtomicInteger();
    private volatile boolean stopped;
    private final Observability observability;

    AffineRuntime(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("co: need at least one scheduler: " + n);
        }
        JdkPollers.startOnDefaultScheduler();
        schedulers = new AffineScheduler[n];
        // The first runtime's threads are co-scheduler-0..N-1; later ones (tests make several)
        // get a number so that thread dumps tell them apart.
        int k = CREATED.incrementAndGet();
        String prefix = k == 1 ? "co-scheduler-" : "co" + k + "-scheduler-";
        for (int i = 0; i < n; i++) {
            schedulers[i] = new AffineScheduler(this, i, n, prefix + i);
        }
        IoBackends.open(schedulers);
        view = List.of(schedulers);
        // Before the threads start: Thread.start publishes it to them.
        computations = new Computations(schedulers);
        for (AffineScheduler s : schedulers) {
            s.start();
        }
        observability = Observability.start(this, n, schedulers, prefix + "watchdog");
    }

    @Override
    public RuntimeMetrics metrics() {
        return AffineIntrospection.metrics(name(), schedulers, observability.watchdog());
    }

    @Override
    public List<CoroutineInfo> coroutines() {
        return AffineIntrospection.coroutines(schedulers, stopped);
    }

    @Override
    public String name() {
        return AffineProvider.NAME;
    }

    @Override
    public boolean affine() {
        return true;
    }

    @Override
    public List<Scheduler> schedulers() {
        return view;
    }

    @Override
    public Scheduler nextScheduler() {
        int n = schedulers.length;
        return n == 1 ? schedulers[0] : schedulers[(next.getAndIncrement() & Integer.MAX_VALUE) % n];
    }

    /** The calling coroutine's scheduler if it is one of this runtime's coroutines, else null. */
    private AffineScheduler own() {
        if (!Thread.currentThread().isVirtual()) {
            return null;
        }
        CoContext ctx = CoContext.current();
        return ctx.runtime() == this ? (AffineScheduler) ctx.scheduler() : null;
    }

    @Override
    public void sleep(long ms) {
        AffineScheduler s = own();
        if (s == null) {
            throw new IllegalStateException("co: sleep on an affine runtime must be called in one of its coroutines");
        }
        if (ms <= 0) {
            Thread.yield();
            return;
        }
        s.sleep(ms);
    }

    @Override
    public void parkNanos(Object blocker, long nanos) {
        AffineScheduler s = own();
        if (s == null) {
            java.util.concurrent.locks.LockSupport.parkNanos(blocker, nanos);
        } else if (nanos > 0) {
            s.parkNanos(blocker, nanos);
        }
    }

    @Override
    public boolean maySpin() {
        AffineScheduler s = own();
        // The default answers for the machine (one processor: a spin never pays); a coroutine must
        // also leave nothing queued behind it on its scheduling thread.
        return CoRuntime.super.maySpin() && (s == null || s.nothingQueued());
    }

    @Override
    public void compute(Runnable work) {
        AffineScheduler s = own();
        if (s == null || schedulers.length == 1) {
            // A plain thread, or nowhere else to run it: inline.
            work.run();
            return;
        }
        computations.run(s, work);
    }

    /** The queue of work handed over through {@link #compute}. */
    Computations computations() {
        return computations;
    }

    @Override
    public Poller poller() {
        AffineScheduler s = own();
        return s != null ? s.backend() : SharedPoller.instance();
    }

    @Override
    public IoBackend ioBackend() {
        AffineScheduler s = own();
        return s != null ? s.backend() : null;
    }

    @Override
    public void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        observability.stop();
        for (AffineScheduler s : schedulers) {
            s.stop();
        }
        if (own() != null || isSchedulingThread()) {
            return; // cannot wait for our own thread
        }
        long deadline = System.nanoTime() + STOP_JOIN_MILLIS * 1_000_000L;
        for (AffineScheduler s : schedulers) {
            long left = (deadline - System.nanoTime()) / 1_000_000L;
            if (left <= 0) {
                break;
            }
            try {
                s.thread().join(left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private boolean isSchedulingThread() {
        Thread t = Thread.currentThread();
        for (AffineScheduler s : schedulers) {
            if (s.thread() == t) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean isStopped() {
        return stopped;
    }
}
