package co.bench.sync;

import co.scheduler.internal.CarrierThreads;
import co.api.Scheduler;
import co.api.spi.CoRuntime;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Where the parties of a sync benchmark run: coroutines of co's {@code affine} runtime (party
 * {@code i} on scheduler {@code i % n}), or JDK virtual threads on the default scheduler.
 */
final class Harness {

    private Harness() {
    }

    /** Starts one party. */
    interface Starter {
        void start(int party, Runnable body);
    }

    static CoRuntime affine(int schedulers) {
        return CoRuntime.create("affine", schedulers);
    }

    static Starter on(CoRuntime rt) {
        return (party, body) -> {
            Scheduler s = rt.schedulers().get(party % rt.schedulers().size());
            s.go(body);
        };
    }

    /** Every party on the runtime's first scheduler. */
    static Starter sameScheduler(CoRuntime rt) {
        return (party, body) -> rt.schedulers().get(0).go(body);
    }

    static Starter jdkVirtualThreads() {
        return (party, body) -> Thread.ofVirtual().start(body);
    }

    /**
     * JDK virtual threads whose scheduler is one platform thread: j.u.c. with the placement of co's
     * "same scheduler" cases, where every hand-off is a switch between two virtual threads on one
     * thread. Needs {@code --add-opens java.base/java.lang=ALL-UNNAMED} (the JDK offers no public
     * way to give virtual threads a scheduler).
     *
     * @param carrier the one thread that runs them
     */
    static Starter jdkVirtualThreadsOn(Executor carrier) {
        Thread.Builder.OfVirtual builder = CarrierThreads.builder(carrier);
        return (party, body) -> builder.start(body);
    }

    /**
     * Runs the parties to completion and rethrows a failure. The parties start together: each
     * parks on a gate that opens once all of them exist, so none runs alone before the others are
     * started.
     *
     * @param starter where they run
     * @param parties the bodies
     */
    static void run(Starter starter, Runnable... parties) throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(parties.length);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        for (int i = 0; i < parties.length; i++) {
            Runnable body = parties[i];
            starter.start(i, () -> {
                try {
                    gate.await();
                    body.run();
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                } finally {
                    done.countDown();
                }
            });
        }
        gate.countDown();
        if (!done.await(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("benchmark parties did not finish");
        }
        if (failure.get() != null) {
            throw new IllegalStateException(failure.get());
        }
    }
}
