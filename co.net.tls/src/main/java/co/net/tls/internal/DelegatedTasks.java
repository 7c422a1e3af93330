package co.net.tls.internal;

import co.api.spi.CoContext;
import co.api.spi.CoRuntime;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import javax.net.ssl.SSLEngine;

/**
 * Runs an {@link SSLEngine}'s delegated tasks: the key exchange, signatures and certificate checks
 * that make up nearly all of a handshake's CPU time (JFR: over 90%, about 1.5 ms per task on the
 * benchmark machine).
 *
 * <p>On an affine runtime with several schedulers, a coroutine hands each task to a small pool of
 * platform threads (as many as processors, made on demand, gone after {@value #IDLE_SECONDS} s
 * idle) and parks until it is done; elsewhere the task runs inline. Why: a coroutine never leaves
 * its scheduling thread and no scheduler steals another's coroutines, so a task run inline holds
 * its scheduler for its whole length, and meanwhile (a) that scheduler serves none of its other
 * connections, and (b) another scheduler may sit idle with nothing of its own to run. Measured on
 * the handshake benchmark (two cores, four concurrent handshakes, client and server in one
 * process), one scheduler was blocked in {@code select} 17-28% of the time while the other ran
 * tasks. Handed to platform threads, the tasks run on whichever core the operating system finds
 * free, and the scheduling threads stay free for I/O. The hand-off costs two thread wake-ups per
 * task, microseconds against milliseconds of work. The engine is made for this: its delegated tasks
 * may run on any thread, while the engine waits in {@code NEED_TASK}.
 *
 * <p>Not JDK virtual threads: a virtual thread started by a coroutine takes the coroutine's own
 * scheduler (the JDK gives every new virtual thread its creator's), so the task would run on the
 * very scheduling thread it should leave.
 *
 * <p>System property {@code co.tls.offloadTasks=false} runs every task inline.
 *
 * <p>Thread safety: {@link #run} is called by whoever holds the engine's read side (one thread at
 * a time per engine).
 */
final class DelegatedTasks {

    /** Read on each call, so that one process can compare both ways. */
    private static final String OFFLOAD_PROPERTY = "co.tls.offloadTasks";
    private static final int PROCESSORS = Runtime.getRuntime().availableProcessors();
    /** With one processor a hand-off only adds work. */
    private static final boolean MULTI_CORE = PROCESSORS > 1;
    /** How long an idle task thread lives. */
    static final int IDLE_SECONDS = 30;
    private static final ThreadPoolExecutor POOL = pool();

    private DelegatedTasks() {
    }

    private static ThreadPoolExecutor pool() {
        AtomicInteger ids = new AtomicInteger();
        ThreadFactory factory = r -> {
            Thread t = new Thread(r, "co-tls-task-" + ids.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        ThreadPoolExecutor pool = new ThreadPoolExecutor(PROCESSORS, PROCESSORS, IDLE_SECONDS, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), factory);
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    /**
     * Runs all the tasks the engine has, and returns when they are done.
     *
     * @param engine the engine, whose status is {@code NEED_TASK}
     */
    static void run(SSLEngine engine) {
        Runnable task;
        boolean offload = offloads();
        while ((task = engine.getDelegatedTask()) != null) {
            if (offload) {
                new Job(task).runElsewhere();
            } else {
                task.run();
            }
        }
    }

    /** Tells whether the caller should hand tasks off (see the class comment). */
    private static boolean offloads() {
        if (!MULTI_CORE || "false".equals(System.getProperty(OFFLOAD_PROPERTY))) {
            return false;
        }
        CoContext ctx = CoContext.current();
        CoRuntime runtime = ctx.runtime();
        // A plain thread, or a runtime whose schedulers are only logical (the JDK's scheduler already
        // spreads those virtual threads over its carriers), or a single scheduler: inline.
        return runtime != null && ctx.scheduler() != null && runtime.affine() && runtime.schedulers().size() > 1;
    }

    /** One task handed to the pool; its owner parks until it is done. */
    private static final class Job implements Runnable {
        private static final int RUNNING = 0;
        private static final int DONE = 1;

        private final Runnable task;
        private final Thread owner = Thread.currentThread();
        private final AtomicInteger state = new AtomicInteger(RUNNING);
        private Throwable thrown;

        Job(Runnable task) {
            this.task = task;
        }

        /** Runs the task on a pool thread; the caller parks until it is done. */
        void runElsewhere() {
            try {
                POOL.execute(this);
            } catch (RejectedExecutionException | OutOfMemoryError cannotStart) {
                // No thread to be had (the process is out of them): the task is not queued, so the
                // caller runs it itself rather than fail the handshake.
                task.run();
                return;
            }
            boolean interrupted = false;
            // Acquire: the task's effects on the engine, and thrown, are visible once DONE is read.
            while (state.get() != DONE) {
                LockSupport.park(this);
                // An interrupt must not turn this wait into a spin: keep it for the caller.
                interrupted |= Thread.interrupted();
            }
            if (interrupted) {
                owner.interrupt();
            }
            if (thrown instanceof RuntimeException e) {
                throw e;
            }
            if (thrown instanceof Error e) {
                throw e;
            }
        }

        @Override
        public void run() {
            try {
                task.run();
            } catch (RuntimeException | Error t) {
                thrown = t;
            } finally {
                // Release: publishes the task's effects and thrown to the owner.
                state.set(DONE);
                LockSupport.unpark(owner);
            }
        }
    }
}
