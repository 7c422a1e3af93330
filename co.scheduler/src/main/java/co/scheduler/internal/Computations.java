package co.scheduler.internal;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The affine runtime's queue of CPU-heavy work handed over by its coroutines
 * ({@link co.api.spi.CoRuntime#compute}), shared by all its schedulers.
 *
 * <p>Why: an affine coroutine never leaves its scheduler and schedulers do not steal coroutines, so
 * work that a coroutine runs inline holds its scheduling thread for its whole length, while another
 * scheduler may sit idle. Queued here instead, the work is taken by the first scheduler that has
 * nothing else to run: its own scheduler after serving its other ready coroutines, or an idle one.
 * Its own scheduler hands it back to the waiting coroutine, which runs it (no other thread, no
 * hand-off); another scheduler runs it in a new coroutine of its own and then unparks the owner.
 * Queuing a job wakes one sleeping scheduler, if any, so that an idle core can take it.
 * No extra threads: the work runs on the runtime's N scheduling threads, one per core.
 *
 * <p>Thread safety: {@link #run} is called by a coroutine of the runtime; {@link #take} by a
 * scheduling thread; both may run on all schedulers at once.
 */
final class Computations {

    /**
     * A job waiting longer than this is taken by a scheduler even while it has coroutines to run, so
     * that no work starves behind busy schedulers; system property {@code co.compute_wait_us}, read
     * when a runtime starts.
     */
    private final long maxWaitNanos = Long.getLong("co.compute_wait_us", 1_000) * 1_000L;

    private final ConcurrentLinkedQueue<Job> queue = new ConcurrentLinkedQueue<>();
    private final AffineScheduler[] schedulers;

    Computations(AffineScheduler[] schedulers) {
        this.schedulers = schedulers;
    }

    /** One piece of work and the coroutine that waits for it. */
    static final class Job {
        static final int QUEUED = 0;
        /** Taken by the owner's own scheduler: the owner runs the work itself. */
        static final int OWNER = 1;
        /** Taken by another scheduler, which runs the work in a coroutine of its own. */
        static final int TAKEN = 2;
        static final int DONE = 3;

        final Runnable work;
        final Thread owner;
        final AffineScheduler home;
        final long queuedAt;
        /** Volatile transitions publish the work's effects and {@link #thrown} (see run and take). */
        final AtomicInteger state = new AtomicInteger(QUEUED);
        Throwable thrown;

        Job(Runnable work, Thread owner, AffineScheduler home, long queuedAt) {
            this.work = work;
            this.owner = owner;
            this.home = home;
            this.queuedAt = queuedAt;
        }

        /** Runs the work on a scheduler other than the owner's, then wakes the owner. */
        void runForOwner() {
            try {
                work.run();
            } catch (Throwable t) {
                // Whatever the work throws (a checked one too, thrown sneakily) goes to the owner.
                thrown = t;
            } finally {
                // Release: the work's effects and thrown are visible to the owner once it reads DONE.
                state.set(DONE);
                LockSupport.unpark(owner);
            }
        }
    }

    /**
     * Queues {@code work} for a scheduler and parks the calling coroutine of {@code home} until it
     * has run; rethrows what it threw.
     */
    void run(AffineScheduler home, Runnable work) {
        Job job = new Job(work, Thread.currentThread(), home, System.nanoTime());
        queue.offer(job);
        // Wake one sleeping scheduler, if there is one, to take the job should the caller's own
        // scheduler not get to it first. The bet that the caller's scheduler takes it at once is not
        // safe: a caller pinned to its thread (a wait inside a class initializer) holds that very
        // scheduler, and the job would wait for ever. Measured on the TLS handshake benchmark, a
        // timed park that woke someone only after 1 ms cost 2-3% (the JDK's timer thread is woken
        // for every job); this wake-up, a system call per job of milliseconds, cost nothing
        // measurable.
        wakeOneSleeper(home);
        boolean interrupted = false;
        int state;
        // Acquire: OWNER hands the work to this coroutine; DONE publishes the work's effects.
        while ((state = job.state.get()) != Job.OWNER && state != Job.DONE) {
            LockSupport.park(job);
            // An interrupt must not turn this wait into a spin, nor abandon work another thread runs.
            interrupted |= Thread.interrupted();
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (state == Job.OWNER) {
            work.run();
            return;
        }
        if (job.thrown instanceof RuntimeException e) {
            throw e;
        }
        if (job.thrown instanceof Error e) {
            throw e;
        }
        if (job.thrown != null) {
            throw new java.lang.reflect.UndeclaredThrowableException(job.thrown);
        }
    }

    private void wakeOneSleeper(AffineScheduler except) {
        for (AffineScheduler s : schedulers) {
            if (s != except && s.wakeIfSleeping()) {
                return;
            }
        }
    }

    /** Tells whether no job waits (a volatile read; a hint for a scheduler about to sleep). */
    boolean isEmpty() {
        return queue.isEmpty();
    }

    /** Tells whether the oldest waiting job has waited longer than {@link #maxWaitNanos}. */
    boolean overdue(long now) {
        Job head = queue.peek();
        return head != null && now - head.queuedAt > maxWaitNanos;
    }

    /** Removes the oldest waiting job, or returns null. Called by a scheduling thread. */
    Job take() {
        return queue.poll();
    }
}
