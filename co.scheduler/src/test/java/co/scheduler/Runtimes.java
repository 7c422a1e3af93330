package co.scheduler;

import co.api.Scheduler;
import co.api.spi.CoRuntime;
import co.api.spi.SchedulerProvider;
import co.scheduler.internal.AffineProvider;
import co.scheduler.internal.VirtualProvider;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** Test helpers: make a runtime of a named provider, and run code in a coroutine and wait for it. */
final class Runtimes {

    private Runtimes() {
    }

    /** This module's provider of that name, made directly (the lookup by name is CoRuntime.create's). */
    static SchedulerProvider provider(String name) {
        return switch (name) {
            case AffineProvider.NAME -> new AffineProvider();
            case VirtualProvider.NAME -> new VirtualProvider();
            default -> throw new AssertionError("no provider " + name);
        };
    }

    static CoRuntime create(String name, int n) {
        return CoRuntime.create(name, n);
    }

    /** Runs {@code body} in a coroutine of {@code rt} and returns its result (or rethrows). */
    static <T> T call(CoRuntime rt, Supplier<T> body) throws Exception {
        return on(rt.nextScheduler(), body::get);
    }

    /** Runs {@code body} in a new coroutine of {@code s} and returns its result (or rethrows). */
    static <T> T on(Scheduler s, Callable<T> body) throws Exception {
        CompletableFuture<T> f = new CompletableFuture<>();
        s.go(() -> {
            try {
                f.complete(body.call());
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        return f.get(30, TimeUnit.SECONDS);
    }

    /** The name of the carrier a virtual thread runs on, from its toString ("...@carrier"). */
    static String carrier() {
        String s = Thread.currentThread().toString();
        int at = s.lastIndexOf('@');
        return at < 0 ? "" : s.substring(at + 1);
    }
}
