package co.net.testsuite;

import co.api.spi.CoRuntime;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A runtime made for one test, and ways to run test code in its coroutines and wait for the result
 * from the test thread.
 */
public final class Coroutines implements AutoCloseable {

    /** How long {@link #await} waits by default. */
    public static final Duration DEFAULT_WAIT = Duration.ofSeconds(30);

    private final CoRuntime runtime;

    private Coroutines(CoRuntime runtime) {
        this.runtime = runtime;
    }

    /**
     * Creates a runtime with the scheduler provider {@code provider}.
     *
     * @param provider {@code "affine"} or {@code "virtual"}
     * @param schedulers the number of schedulers
     * @return the running coroutines
     */
    public static Coroutines start(String provider, int schedulers) {
        return new Coroutines(CoRuntime.create(provider, schedulers));
    }

    /**
     * Returns the runtime.
     *
     * @return the runtime
     */
    public CoRuntime runtime() {
        return runtime;
    }

    /**
     * Runs {@code body} in a new coroutine.
     *
     * @param body the code
     * @param <T> its result type
     * @return completes with the result, or exceptionally with what the body threw
     */
    public <T> CompletableFuture<T> go(Callable<T> body) {
        CompletableFuture<T> f = new CompletableFuture<>();
        runtime.go(() -> {
            try {
                f.complete(body.call());
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        return f;
    }

    /**
     * Runs {@code body} in a new coroutine.
     *
     * @param body the code
     * @return completes when the body returns, or exceptionally with what it threw
     */
    public CompletableFuture<Void> go(Body body) {
        return go(() -> {
            body.run();
            return null;
        });
    }

    /**
     * Runs {@code body} in a coroutine and waits for it.
     *
     * @param body the code
     * @throws Exception what the body threw
     */
    public void run(Body body) throws Exception {
        await(go(body));
    }

    /**
     * Waits for a coroutine's result up to {@link #DEFAULT_WAIT}, rethrowing what it threw.
     *
     * @param f the future from {@link #go}
     * @param <T> the result type
     * @return the result
     * @throws Exception what the coroutine threw, or a {@link TimeoutException}
     */
    public static <T> T await(CompletableFuture<T> f) throws Exception {
        return await(f, DEFAULT_WAIT);
    }

    /**
     * Waits for a coroutine's result, rethrowing what it threw.
     *
     * @param f the future from {@link #go}
     * @param wait how long
     * @param <T> the result type
     * @return the result
     * @throws Exception what the coroutine threw, or a {@link TimeoutException}
     */
    public static <T> T await(CompletableFuture<T> f, Duration wait) throws Exception {
        try {
            return f.get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Exception ex) {
                throw ex;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw e;
        }
    }

    /** Stops the runtime. */
    @Override
    public void close() {
        runtime.stop();
    }

    /** Test code that may throw. */
    @FunctionalInterface
    public interface Body {
        /**
         * Runs.
         *
         * @throws Exception anything
         */
        void run() throws Exception;
    }
}
