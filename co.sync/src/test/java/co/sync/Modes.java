package co.sync;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import co.api.spi.CoRuntime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.IntConsumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The places a test body can run: coroutines of the {@code affine} or {@code virtual} provider
 * (two schedulers each), plain platform threads, or a mix of affine coroutines and platform threads.
 * One instance per test class, registered with {@code @RegisterExtension}: runtimes are made on
 * first use and stopped after the class's last test (or by {@link #close()}).
 */
final class Modes implements AutoCloseable, AfterAllCallback {

    /** How tasks are started. */
    abstract static class Mode {
        private final String name;

        Mode(String name) {
            this.name = name;
        }

        /**
         * Starts task number {@code i}.
         *
         * @param i the task index; coroutines go to scheduler {@code i % schedulers}
         * @param task the task
         */
        abstract void go(int i, Runnable task);

        /**
         * Tells whether this mode is cheap enough for tens of thousands of tasks.
         *
         * @return false for platform threads
         */
        abstract boolean manyTasks();

        /**
         * Runs {@code n} tasks concurrently and waits for all, rethrowing the first failure.
         *
         * @param n the number of tasks
         * @param body the body, given the task index
         */
        void runAll(int n, IntConsumer body) {
            start(n, body).join();
        }

        /**
         * Starts {@code n} tasks.
         *
         * @param n the number of tasks
         * @param body the body, given the task index
         * @return a handle to wait for them
         */
        Tasks start(int n, IntConsumer body) {
            Tasks tasks = new Tasks(name, n);
            for (int i = 0; i < n; i++) {
                int index = i;
                go(i, () -> {
                    try {
                        body.accept(index);
                    } catch (Throwable t) {
                        tasks.failures.add(t);
                    } finally {
                        tasks.finished.countDown();
                    }
                });
            }
            return tasks;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** Started tasks. */
    static final class Tasks {
        final String name;
        final CountDownLatch finished;
        final ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();

        Tasks(String name, int n) {
            this.name = name;
            this.finished = new CountDownLatch(n);
        }

        /** Waits for every task and rethrows the first failure. */
        void join() {
            try {
                assertTrue(finished.await(100, TimeUnit.SECONDS), name + ": tasks did not finish");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail(e);
            }
            Throwable first = failures.peek();
            if (first != null) {
                throw new AssertionError(name + ": " + failures.size() + " task(s) failed", first);
            }
        }
    }

    private final List<CoRuntime> runtimes = new ArrayList<>();
    private CoRuntime affine;
    private CoRuntime virtual;

    /** Every mode. */
    Stream<Mode> all() {
        return Stream.of(affine(), virtual(), threads(), mixed());
    }

    /** The coroutine modes. */
    Stream<Mode> coroutines() {
        return Stream.of(affine(), virtual());
    }

    Mode affine() {
        return runtimeMode("affine");
    }

    Mode virtual() {
        return runtimeMode("virtual");
    }

    Mode threads() {
        return new Mode("threads") {
            @Override
            void go(int i, Runnable task) {
                Thread t = new Thread(task, "co.sync-test-" + i);
                t.setDaemon(true);
                t.start();
            }

            @Override
            boolean manyTasks() {
                return false;
            }
        };
    }

    Mode mixed() {
        Modes self = this;
        return new Mode("affine+threads") {
            @Override
            void go(int i, Runnable task) {
                if (i % 2 == 0) {
                    self.runtime("affine").schedulers().get((i / 2) % 2).go(task);
                } else {
                    Thread t = new Thread(task, "co.sync-test-" + i);
                    t.setDaemon(true);
                    t.start();
                }
            }

            @Override
            boolean manyTasks() {
                return false;
            }
        };
    }

    private Mode runtimeMode(String provider) {
        Modes self = this;
        return new Mode(provider) {
            @Override
            void go(int i, Runnable task) {
                CoRuntime rt = self.runtime(provider);
                rt.schedulers().get(i % rt.schedulers().size()).go(task);
            }

            @Override
            boolean manyTasks() {
                return true;
            }
        };
    }

    /**
     * Returns the runtime of a provider, made on first use with two schedulers.
     *
     * @param provider "affine" or "virtual"
     * @return the runtime
     */
    synchronized CoRuntime runtime(String provider) {
        if (provider.equals("affine")) {
            if (affine == null) {
                affine = create(provider);
            }
            return affine;
        }
        if (virtual == null) {
            virtual = create(provider);
        }
        return virtual;
    }

    private CoRuntime create(String provider) {
        CoRuntime rt = CoRuntime.create(provider, 2);
        runtimes.add(rt);
        return rt;
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    @Override
    public synchronized void close() {
        for (CoRuntime rt : runtimes) {
            rt.stop();
        }
        runtimes.clear();
        affine = null;
        virtual = null;
    }

    /**
     * Waits (yielding, never sleeping on a guess) until {@code condition} holds; the test's
     * {@code @Timeout} bounds it.
     *
     * @param condition the condition
     */
    static void until(BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("condition not reached in 30 s");
            }
            Thread.yield();
        }
    }
}
