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
import javax.net.ssl.SSLException;

/**
 * Runs an {@link SSLEngine}'s delegated tasks: the key exchange, signatures and certificate checks
 * that make up most of a handshake's CPU time (JFR: about 70%, about 1.5 ms per task on the
 * benchmark machine), and the client's key-share generation in {@code beginHandshake} (about 17%).
 *
 * <p>Why they are not simply run inline: an affine coroutine never leaves its scheduling thread and
 * no scheduler steals another's coroutines, so a task run inline holds its scheduler for its whole
 * length, while (a) that scheduler serves none of its other connections, and (b) another scheduler
 * may sit idle. Measured on the handshake benchmark (two cores, four concurrent handshakes, client
 * and server in one process), one scheduler was blocked in {@code select} 17-28% of the time while
 * the other ran tasks. Three ways, chosen by system property {@code co.tls.offloadTasks} (read on
 * each call):
 * <ul>
 *   <li>unset (the default): {@link CoRuntime#compute}. On an affine runtime with several
 *       schedulers the task waits in the runtime's shared queue until a scheduler has nothing else
 *       to run: the caller's own scheduler first serves its other ready coroutines, and an idle
 *       scheduler runs a busy one's tasks. No thread besides the schedulers, and no hand-off between
 *       threads when the caller's own scheduler runs it. Elsewhere: inline.</li>
 *   <li>{@code pool}: a small pool of platform threads (as many as processors, made on demand,
 *       gone after {@value #IDLE_SECONDS} s idle). The scheduling threads stay free for I/O while
 *       tasks run, at the price of two thread wake-ups per task and more threads than cores:
 *       measured, 5-10% fewer handshakes per second than the default (docs/benchmarks.md).</li>
 *   <li>{@code false}: inline, on the calling coroutine.</li>
 * </ul>
 * The engine is made for this: its delegated tasks may run on any thread, while the engine waits
 * in {@code NEED_TASK}. Not JDK virtual threads: a virtual thread started by a coroutine takes the
 * coroutine's own scheduler (the JDK gives every new virtual thread its creator's), so the task
 * would run on the very scheduling thread it should leave.
 *
 * <p>Thread safety: {@link #run} and {@link #begin} are called by whoever holds the engine's read
 * side (one thread at a time per engine).
 */
final class DelegatedTasks {

    /** Read on each call, so that one process can compare the ways. */
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
        Mode mode = mode();
        while ((task = engine.getDelegatedTask()) != null) {
            switch (mode) {
                case COMPUTE -> CoContext.current().runtime().compute(task);
                case POOL -> new Job(task).runElsewhere();
                default -> task.run();
            }
        }
    }

    /**
     * Begins the engine's handshake. A client engine makes its key shares here (the JDK makes two:
     * one X25519, one P-256), about a sixth of a client's handshake CPU (JFR), so in the default
     * mode that is handed over like a delegated task; a server engine only changes state.
     *
     * @param engine the engine
     * @throws SSLException as {@link SSLEngine#beginHandshake()}
     */
    static void begin(SSLEngine engine) throws SSLException {
        if (!engine.getUseClientMode() || mode() != Mode.COMPUTE) {
            engine.beginHandshake();
            return;
        }
        SSLException[] thrown = new SSLException[1];
        CoContext.current().runtime().compute(() -> {
            try {
                engine.beginHandshake();
            } catch (SSLException e) {
                thrown[0] = e;
            }
        });
        // compute returns once the work has run, and publishes what it wrote.
        if (thrown[0] != null) {
            throw thrown[0];
        }
    }

    /** Where a task runs (see the class comment). */
    private enum Mode {
        COMPUTE, POOL, INLINE
    }

    /** The mode for the calling thread. */
    private static Mode mode() {
        String property = System.getProperty(OFFLOAD_PROPERTY);
        if (!MULTI_CORE || "false".equals(property)) {
            return Mode.INLINE;
        }
        CoContext ctx = CoContext.current();
        CoRuntime runtime = ctx.runtime();
        // A plain thread, or a runtime whose schedulers are only logical (the JDK's scheduler already
        // spreads those virtual threads over its carriers), or a single scheduler: inline.
        if (runtime == null || ctx.scheduler() == null || !runtime.affine() || runtime.schedulers().size() < 2) {
            return Mode.INLINE;
        }
        return "pool".equals(property) ? Mode.POOL : Mode.COMPUTE;
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
