package co.net.tls.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import co.api.Scheduler;
import co.api.spi.CoContext;
import co.api.spi.CoRuntime;
import co.api.spi.SchedulerProvider;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Where an engine's delegated tasks run: through {@code CoRuntime.compute} from a coroutine of an
 * affine runtime with several schedulers (an idle scheduler takes a busy one's), inline everywhere
 * else; and in every case done, in order, before {@code run} returns. (The platform-pool and
 * always-inline alternatives are measured in {@code co.bench.tls.TlsBench}.)
 */
@Timeout(30)
class DelegatedTasksTest {

    private final List<CoRuntime> runtimes = new ArrayList<>();

    @AfterEach
    void stopRuntimes() {
        runtimes.forEach(CoRuntime::stop);
    }

    private CoRuntime runtime(String provider, int schedulers) {
        for (SchedulerProvider p : ServiceLoader.load(SchedulerProvider.class)) {
            if (p.name().equals(provider)) {
                CoRuntime rt = p.create(schedulers);
                runtimes.add(rt);
                return rt;
            }
        }
        throw new AssertionError("no provider " + provider);
    }

    private static <T> T inCoroutine(CoRuntime rt, Callable<T> body) throws Exception {
        CompletableFuture<T> f = new CompletableFuture<>();
        rt.go(() -> {
            try {
                f.complete(body.call());
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        return f.get(20, TimeUnit.SECONDS);
    }

    /** What one task saw: its thread, and how many tasks had finished before it began. */
    record Seen(Thread thread, boolean coroutine, int finishedBefore) {
    }

    /** Runs two tasks through {@link DelegatedTasks#run} and reports what they saw. */
    private static List<Seen> runTwoTasks() {
        List<Seen> seen = new ArrayList<>();
        int[] finished = new int[1];
        Runnable task = () -> {
            synchronized (seen) {
                seen.add(new Seen(Thread.currentThread(), CoContext.current().isCoroutine(), finished[0]));
            }
            finished[0]++;
        };
        TaskEngine engine = new TaskEngine(task, task);
        DelegatedTasks.run(engine);
        assertEquals(2, finished[0], "every task is done when run returns");
        assertTrue(engine.tasks.isEmpty());
        synchronized (seen) {
            return List.copyOf(seen);
        }
    }

    @Test
    void byDefaultAffineTasksRunInCoroutinesOfTheRuntimeInOrder() throws Exception {
        assumeTrue(Runtime.getRuntime().availableProcessors() > 1, "with one processor tasks run inline");
        CoRuntime rt = runtime("affine", 2);
        List<Seen> seen = inCoroutine(rt, DelegatedTasksTest::runTwoTasks);
        assertEquals(2, seen.size());
        for (int i = 0; i < seen.size(); i++) {
            Seen s = seen.get(i);
            assertTrue(s.thread().isVirtual() && s.coroutine(), "run by a scheduler of the runtime: " + s.thread());
            assertFalse(s.thread().getName().startsWith("co-tls-task-"));
            assertEquals(i, s.finishedBefore(), "one task at a time, in the engine's order");
        }
    }

    /**
     * The default's point: a task of a busy scheduler is run by an idle one. Scheduler 0 is held by
     * a coroutine that spins until the client's beginHandshake has run, then by another until the
     * task has, so both must run on scheduler 1.
     */
    @Test
    void byDefaultAnIdleSchedulerRunsTheTasksOfABusyOne() throws Exception {
        assumeTrue(Runtime.getRuntime().availableProcessors() > 1, "with one processor tasks run inline");
        CoRuntime rt = runtime("affine", 2);
        Scheduler zero = rt.schedulers().get(0);
        AtomicBoolean ran = new AtomicBoolean();
        int[] taskOn = {-1};
        TaskEngine engine = new TaskEngine(() -> {
            taskOn[0] = CoContext.current().scheduler().id();
            ran.set(true);
        });
        engine.setUseClientMode(true);
        CompletableFuture<Void> result = new CompletableFuture<>();
        zero.go(() -> {
            try {
                zero.go(() -> {
                    while (engine.begunOn < 0) {
                        Thread.onSpinWait();
                    }
                });
                DelegatedTasks.begin(engine);
                zero.go(() -> {
                    while (!ran.get()) {
                        Thread.onSpinWait();
                    }
                });
                DelegatedTasks.run(engine);
                result.complete(null);
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        });
        result.get(20, TimeUnit.SECONDS);
        assertEquals(1, engine.begunOn, "a client's beginHandshake (its key shares) is handed over too");
        assertEquals(1, taskOn[0]);
    }

    @Test
    void aServerEngineBeginsOnTheCallersThread() throws Exception {
        CoRuntime rt = runtime("affine", 2);
        TaskEngine engine = new TaskEngine();
        int caller = inCoroutine(rt, () -> {
            DelegatedTasks.begin(engine);
            return CoContext.current().scheduler().id();
        });
        assertEquals(caller, engine.begunOn);
    }

    @Test
    void aTaskFailureReachesTheCaller() throws Exception {
        CoRuntime rt = runtime("affine", 2);
        String message = inCoroutine(rt, () -> {
            TaskEngine engine = new TaskEngine(() -> {
                throw new IllegalStateException("task failed");
            });
            return assertThrows(IllegalStateException.class, () -> DelegatedTasks.run(engine)).getMessage();
        });
        assertEquals("task failed", message);
    }

    @Test
    void inlineOnOneSchedulerAndOnPlainThreads() throws Exception {
        CoRuntime one = runtime("affine", 1);
        Thread[] caller = new Thread[1];
        List<Seen> seen = inCoroutine(one, () -> {
            caller[0] = Thread.currentThread();
            return runTwoTasks();
        });
        seen.forEach(s -> assertSame(caller[0], s.thread()));

        CoRuntime virtual = runtime("virtual", 2);
        seen = inCoroutine(virtual, () -> {
            caller[0] = Thread.currentThread();
            return runTwoTasks();
        });
        seen.forEach(s -> assertSame(caller[0], s.thread()));

        Thread self = Thread.currentThread();
        runTwoTasks().forEach(s -> assertSame(self, s.thread()));
    }

    /** An engine whose only behaviour is to hand out the given delegated tasks, once each. */
    static final class TaskEngine extends SSLEngine {
        final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
        boolean clientMode;
        /** The id of the scheduler whose coroutine ran beginHandshake; -1 outside coroutines. */
        volatile int begunOn = -2;

        TaskEngine(Runnable... tasks) {
            this.tasks.addAll(List.of(tasks));
        }

        @Override
        public Runnable getDelegatedTask() {
            return tasks.poll();
        }

        @Override
        public SSLEngineResult wrap(ByteBuffer[] srcs, int offset, int length, ByteBuffer dst) {
            throw new UnsupportedOperationException();
        }

        @Override
        public SSLEngineResult unwrap(ByteBuffer src, ByteBuffer[] dsts, int offset, int length) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void closeInbound() {
        }

        @Override
        public boolean isInboundDone() {
            return false;
        }

        @Override
        public void closeOutbound() {
        }

        @Override
        public boolean isOutboundDone() {
            return false;
        }

        @Override
        public String[] getSupportedCipherSuites() {
            return new String[0];
        }

        @Override
        public String[] getEnabledCipherSuites() {
            return new String[0];
        }

        @Override
        public void setEnabledCipherSuites(String[] suites) {
        }

        @Override
        public String[] getSupportedProtocols() {
            return new String[0];
        }

        @Override
        public String[] getEnabledProtocols() {
            return new String[0];
        }

        @Override
        public void setEnabledProtocols(String[] protocols) {
        }

        @Override
        public SSLSession getSession() {
            throw new UnsupportedOperationException();
        }

        @Override
        public void beginHandshake() {
            begunOn = CoContext.current().scheduler() == null ? -1 : CoContext.current().scheduler().id();
        }

        @Override
        public SSLEngineResult.HandshakeStatus getHandshakeStatus() {
            return tasks.isEmpty() ? SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING
                    : SSLEngineResult.HandshakeStatus.NEED_TASK;
        }

        @Override
        public void setUseClientMode(boolean mode) {
            clientMode = mode;
        }

        @Override
        public boolean getUseClientMode() {
            return clientMode;
        }

        @Override
        public void setNeedClientAuth(boolean need) {
        }

        @Override
        public boolean getNeedClientAuth() {
            return false;
        }

        @Override
        public void setWantClientAuth(boolean want) {
        }

        @Override
        public boolean getWantClientAuth() {
            return false;
        }

        @Override
        public void setEnableSessionCreation(boolean flag) {
        }

        @Override
        public boolean getEnableSessionCreation() {
            return false;
        }
    }
}
