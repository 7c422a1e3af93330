package co.net.tls.internal;

import co.api.spi.CoRuntime;
import co.api.spi.CoContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;

/**
 * Runs an {@link SSLEngine}'s delegated tasks: the key exchange, signatures and certificate checks
 * that make up most of a handshake's CPU time (JFR: about 70%, about 1.5 ms per task on the
 * benchmark machine), and the client's key-share generation in {@code beginHandshake} (about 17%).
 *
 * <p>They go through {@link CoRuntime#compute}: on an affine runtime with several schedulers the
 * task waits in the runtime's shared queue until a scheduler has nothing else to run, so the
 * caller's own scheduler first serves its other ready coroutines and an idle scheduler runs a busy
 * one's tasks (an affine coroutine never leaves its scheduling thread, so a task run inline would
 * hold its scheduler, while another may sit idle). No thread besides the schedulers. On a plain
 * thread, and on runtimes that run compute work inline (one scheduler, {@code virtual}), the task
 * runs on the caller. The engine is made for this: its delegated tasks may run on any thread while
 * it waits in {@code NEED_TASK}. The alternatives measured against this one (a platform thread pool,
 * always inline) live in the TLS benchmark ({@code co.bench.tls.TlsBench}, docs/benchmarks.md).
 *
 * <p>Thread safety: {@link #run} and {@link #begin} are called by whoever holds the engine's read
 * side (one thread at a time per engine).
 */
final class DelegatedTasks {

    private DelegatedTasks() {
    }

    /**
     * Runs all the tasks the engine has, and returns when they are done.
     *
     * @param engine the engine, whose status is {@code NEED_TASK}
     */
    static void run(SSLEngine engine) {
        CoRuntime runtime = CoContext.current().runtime();
        Runnable task;
        while ((task = engine.getDelegatedTask()) != null) {
            if (runtime != null) {
                runtime.compute(task);
            } else {
                task.run();
            }
        }
    }

    /**
     * Begins the engine's handshake. A client engine makes its key shares here (the JDK makes two:
     * one X25519, one P-256), about a sixth of a client's handshake CPU (JFR), so that is handed over
     * like a delegated task; a server engine only changes state.
     *
     * @param engine the engine
     * @throws SSLException as {@link SSLEngine#beginHandshake()}
     */
    static void begin(SSLEngine engine) throws SSLException {
        CoRuntime runtime = CoContext.current().runtime();
        if (runtime == null || !engine.getUseClientMode()) {
            engine.beginHandshake();
            return;
        }
        SSLException[] thrown = new SSLException[1];
        runtime.compute(() -> {
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
}
