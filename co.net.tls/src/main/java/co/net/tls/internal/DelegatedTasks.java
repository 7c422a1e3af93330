package co.net.tls.internal;

import co.api.spi.CoContext;
import co.api.spi.CoRuntime;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import javax.net.ssl.SSLEngine;

/**
 * Runs an {@link SSLEngine}'s delegated tasks: the key exchange, signatures and certificate checks
 * that make up nearly all of a handshake's CPU time (JFR: over 90%, about 1.5 ms per task on the
 * benchmark machine).
 *
 * <p>On an affine runtime with several schedulers, a coroutine hands each task to a JDK virtual
 * thread (the JDK's work-stealing scheduler) and parks until it is done; elsewhere the task runs
 * inline. Why: a coroutine never leaves its scheduling thread and no scheduler steals another's
 * coroutines, so a task run inline holds its scheduler for its whole length, and meanwhile (a) that
 * scheduler sees no readiness of its other connections, and (b) another scheduler may sit idle
 * with nothing of its own to run. Measured on the handshake benchmark (two cores, four concurrent
 * handshakes, client and server in one process), one scheduler was blocked in {@code select} about
 * a fifth of the time while the other ran tasks. Handed off, the tasks run wherever a core is free,
 * and the scheduling threads stay free for I/O. The hand-off costs a virtual thread and two
 * wake-ups per task, a few microseconds against milliseconds of work. The engine is made for this:
 * its delegated tasks may run on any thread, while the engine waits in {@code NEED_TASK}.
 *
 * <p>System property {@code co.tls.offloadTasks=false} runs every task inline.
 *
 * <p>Thread safety: {@link #run} is called by whoever holds the engine's read side (one thread at
 * a time per engine).
 */
final class DelegatedTasks {

    /** Read on each call, so that one process can compare both ways. */
    private static final String OFFLOAD_PROPERTY = "co.tls.offloadTasks";
    /** With one processor a hand-off only adds work. */
    private static final boolean MULTI_CORE = Runtime.getRuntime().availableProcessors() > 1;

    private DelegatedTasks() {
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

    /** One task handed to a JDK virtual thread; its owner parks until it is done. */
    private static final class Job {
        private static final int RUNNING = 0;
        private static final int DONE = 1;

        private final Runnable task;
        private final Thread owner = Thread.currentThread();
        private final AtomicInteger state = new AtomicInteger(RUNNING);
        private Throwable thrown;

        Job(Runnable task) {
            this.task = task;
        }

        /** Runs the task on a JDK virtual thread; the caller parks until it is done. */
        void runElsewhere() {
            try {
                Thread.ofVirtual().name("co-tls-task").start(this::runForOwner);
            } catch (RuntimeException cannotStart) {
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

        private void runForOwner() {
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
