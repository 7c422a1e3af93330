package co.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import co.api.Co;
import co.api.CoroutineInfo;
import co.api.IoEvent;
import co.api.RuntimeMetrics;
import co.api.Scheduler;
import co.api.SchedulerMetrics;
import co.api.spi.CoRuntime;
import co.api.spi.Introspectable;
import java.lang.management.ManagementFactory;
import java.nio.channels.Pipe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 14: the MXBeans appear with a runtime, count what its coroutines do, and vanish at stop();
 * the stall watchdog reports a busy loop with that loop's frame in a JFR event; the coroutine dump
 * and the JDK's own thread dump name the coroutines and their schedulers.
 */
@Timeout(60)
class ObservabilityTest {

    private static final MBeanServer SERVER = ManagementFactory.getPlatformMBeanServer();

    private final List<CoRuntime> runtimes = new ArrayList<>();
    private final List<Runnable> cleanups = new ArrayList<>();

    @AfterEach
    void stop() {
        cleanups.forEach(Runnable::run);
        runtimes.forEach(CoRuntime::stop);
    }

    private CoRuntime runtime(String provider, int n) {
        CoRuntime rt = Runtimes.create(provider, n);
        runtimes.add(rt);
        return rt;
    }

    private static Set<ObjectName> coNames() throws Exception {
        return new HashSet<>(SERVER.queryNames(new ObjectName("co:*"), null));
    }

    /** Waits (bounded) until {@code condition} holds; the counters are updated by other threads. */
    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(5);
        }
    }

    private static ObjectName only(Set<ObjectName> names, String type) {
        List<ObjectName> match = names.stream().filter(n -> type.equals(n.getKeyProperty("type"))).toList();
        assertEquals(1, match.size(), type + " in " + names);
        return match.get(0);
    }

    private static ObjectName scheduler(Set<ObjectName> names, int id) {
        return names.stream()
                .filter(n -> "Scheduler".equals(n.getKeyProperty("type")) && String.valueOf(id).equals(n.getKeyProperty("id")))
                .findFirst().orElseThrow(() -> new AssertionError("no scheduler " + id + " in " + names));
    }

    private static long attribute(ObjectName name, String attribute) throws Exception {
        return ((Number) SERVER.getAttribute(name, attribute)).longValue();
    }

    @Test
    void affineMxBeansAppearCountAndVanishAtStop() throws Exception {
        Set<ObjectName> before = coNames();
        CoRuntime rt = runtime("affine", 2);
        Set<ObjectName> mine = coNames();
        mine.removeAll(before);
        assertEquals(3, mine.size(), "one runtime and two scheduler MXBeans: " + mine);
        ObjectName runtimeBean = only(mine, "Runtime");
        ObjectName s0 = scheduler(mine, 0);
        ObjectName s1 = scheduler(mine, 1);
        assertEquals("affine", SERVER.getAttribute(runtimeBean, "Provider"));

        Scheduler first = rt.schedulers().get(0);
        Scheduler second = rt.schedulers().get(1);
        // Scheduler 0: 10 coroutines parked on a latch, 1 sleeping, 1 waiting for I/O on a pipe.
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch parked = new CountDownLatch(10);
        for (int i = 0; i < 10; i++) {
            first.go(() -> {
                parked.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        first.go(() -> Co.sleep(60_000));
        Pipe pipe = Pipe.open();
        pipe.source().configureBlocking(false);
        cleanups.add(() -> {
            try {
                pipe.sink().close();
                pipe.source().close();
            } catch (Exception ignored) {
                // closing only
            }
        });
        first.go(() -> {
            try (IoEvent ev = new IoEvent(pipe.source(), IoEvent.READ)) {
                ev.await(60_000);
            }
        });
        // Scheduler 1: 5 coroutines that end, one of them by an exception.
        Thread.UncaughtExceptionHandler quiet = (t, e) -> { };
        Co.setUncaughtExceptionHandler(quiet);
        cleanups.add(() -> Co.setUncaughtExceptionHandler(null));
        CountDownLatch ran = new CountDownLatch(5);
        for (int i = 0; i < 5; i++) {
            boolean fail = i == 0;
            second.go(() -> {
                ran.countDown();
                if (fail) {
                    throw new IllegalStateException("expected by the test");
                }
            });
        }
        assertTrue(parked.await(20, TimeUnit.SECONDS));
        assertTrue(ran.await(20, TimeUnit.SECONDS));
        await("5 finished", () -> ((Introspectable) rt).metrics().finished() == 5);
        await("the sleeper's timer and the I/O waiter", () -> {
            SchedulerMetrics m = ((Introspectable) rt).metrics().schedulers().get(0);
            return m.ioWaiting() == 1 && m.timers() >= 1;
        });

        RuntimeMetrics m = ((Introspectable) rt).metrics();
        assertEquals("affine", m.provider());
        assertEquals(17, m.spawned());
        assertEquals(5, m.finished());
        assertEquals(12, m.alive());
        assertEquals(1, m.uncaught());
        SchedulerMetrics m0 = m.schedulers().get(0);
        assertEquals(12, m0.coroutines());
        assertEquals(1, m0.ioWaiting());
        assertEquals(2, m0.timers(), "the sleep and the I/O wait's timeout");
        assertTrue(m0.resumes() >= 12, "each coroutine ran at least once: " + m0.resumes());
        assertEquals(0, m.schedulers().get(1).coroutines());
        assertTrue(m0.idleNanos() >= 0 && m0.busyNanos() >= 0 && m0.busyNanos() + m0.idleNanos() > 0, m0.toString());

        // The same numbers over JMX.
        assertEquals(17, attribute(runtimeBean, "Spawned"));
        assertEquals(5, attribute(runtimeBean, "Finished"));
        assertEquals(12, attribute(runtimeBean, "Alive"));
        assertEquals(1, attribute(runtimeBean, "UncaughtExceptions"));
        assertEquals(2, attribute(runtimeBean, "Schedulers"));
        assertEquals(12, attribute(s0, "Coroutines"));
        assertEquals(1, attribute(s0, "IoWaiting"));
        assertEquals(0, attribute(s1, "Coroutines"));
        assertTrue(attribute(s1, "Resumes") >= 5);
        assertEquals(1, attribute(s1, "Id"));
        String dump = (String) SERVER.invoke(runtimeBean, "dumpCoroutines", null, null);
        assertTrue(dump.contains("12 coroutines"), dump);

        release.countDown();
        await("the latch waiters end", () -> ((Introspectable) rt).metrics().finished() == 15);
        rt.stop();
        Set<ObjectName> after = coNames();
        after.retainAll(mine);
        assertEquals(Set.of(), after, "stop() unregisters every MXBean of the runtime");
    }

    @Test
    void virtualMxBeansCountCoroutinesAndVanishAtStop() throws Exception {
        Set<ObjectName> before = coNames();
        CoRuntime rt = runtime("virtual", 3);
        Set<ObjectName> mine = coNames();
        mine.removeAll(before);
        assertEquals(4, mine.size(), mine.toString());
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(4);
        for (int i = 0; i < 4; i++) {
            rt.schedulers().get(2).go(() -> {
                started.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        assertTrue(started.await(20, TimeUnit.SECONDS));
        assertEquals(4, attribute(scheduler(mine, 2), "Coroutines"));
        assertEquals(-1, attribute(scheduler(mine, 2), "Resumes"), "not known on virtual");
        assertEquals(4, attribute(only(mine, "Runtime"), "Alive"));
        List<CoroutineInfo> all = ((Introspectable) rt).coroutines();
        assertEquals(4, all.size());
        for (CoroutineInfo c : all) {
            assertEquals(2, c.schedulerId());
            assertEquals(CoroutineInfo.State.WAITING, c.state());
        }
        release.countDown();
        await("all end", () -> ((Introspectable) rt).metrics().finished() == 4);
        rt.stop();
        Set<ObjectName> after = coNames();
        after.retainAll(mine);
        assertEquals(Set.of(), after);
    }

    /** The frame the stall event must carry. */
    private static void busyLoop(CompletableFuture<RecordedEvent> seen) {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!seen.isDone() && System.nanoTime() - end < 0) {
            Thread.onSpinWait(); // holds the scheduling thread: never parks
        }
    }

    @Test
    void aBusyLoopInACoroutineYieldsAStallEventCarryingTheLoopsFrame() throws Exception {
        CompletableFuture<RecordedEvent> seen = new CompletableFuture<>();
        try (RecordingStream rs = new RecordingStream()) {
            rs.enable("co.SchedulerStall");
            rs.setMaxAge(java.time.Duration.ofSeconds(30));
            rs.onEvent("co.SchedulerStall", e -> {
                if (e.getString("coroutineStack").contains("ObservabilityTest.busyLoop")) {
                    seen.complete(e);
                }
            });
            rs.startAsync();
            CoRuntime rt = runtime("affine", 1);
            CompletableFuture<Long> id = new CompletableFuture<>();
            rt.schedulers().get(0).go(() -> {
                id.complete(Co.coroutineId());
                busyLoop(seen);
            });
            RecordedEvent e = seen.get(40, TimeUnit.SECONDS);
            assertEquals(0, e.getInt("schedulerId"));
            assertEquals(id.get(), e.getLong("coroutineId"));
            assertTrue(e.getDuration("stalledFor").toMillis() >= 100, e.toString());
            assertTrue(e.getString("schedulerThread").endsWith("scheduler-0"), e.toString());
            // The loop ends once the event is seen; the runtime counts the episode.
            await("the stall counted", () -> ((Introspectable) rt).metrics().stalls() >= 1);
            assertEquals(((Introspectable) rt).metrics().stalls(), ((Introspectable) rt).metrics().schedulers().get(0).stalls());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"affine", "virtual"})
    void aRecordingThatEnablesCoroutineLifetimeGetsOneEventPerCoroutine(String provider) throws Exception {
        CompletableFuture<RecordedEvent> ok = new CompletableFuture<>();
        CompletableFuture<RecordedEvent> failed = new CompletableFuture<>();
        CompletableFuture<Long> okId = new CompletableFuture<>();
        CompletableFuture<Long> failedId = new CompletableFuture<>();
        try (RecordingStream rs = new RecordingStream()) {
            rs.enable("co.CoroutineLifetime");
            rs.setMaxAge(java.time.Duration.ofSeconds(30));
            rs.onEvent("co.CoroutineLifetime", e -> {
                long id = e.getLong("coroutineId");
                if (okId.isDone() && id == okId.join()) {
                    ok.complete(e);
                } else if (failedId.isDone() && id == failedId.join()) {
                    failed.complete(e);
                }
            });
            rs.startAsync();
            CoRuntime rt = runtime(provider, 2);
            // Spawned only once the stream runs (the gate follows JFR's recording state).
            rt.schedulers().get(1).go(() -> {
                okId.complete(Co.coroutineId());
                Co.sleep(30);
            });
            Co.setUncaughtExceptionHandler((t, e) -> { });
            try {
                rt.schedulers().get(0).go(() -> {
                    failedId.complete(Co.coroutineId());
                    throw new IllegalStateException("ends by an uncaught exception");
                });
                RecordedEvent e = ok.get(40, TimeUnit.SECONDS);
                assertEquals(1, e.getInt("schedulerId"));
                assertTrue(e.getDuration().toMillis() >= 25, e.toString());
                assertTrue(!e.getBoolean("uncaught"), e.toString());
                RecordedEvent f = failed.get(40, TimeUnit.SECONDS);
                assertEquals(0, f.getInt("schedulerId"));
                assertTrue(f.getBoolean("uncaught"), f.toString());
            } finally {
                Co.setUncaughtExceptionHandler(null);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"affine", "virtual"})
    void theDumpNamesSleepersAndRunningCoroutines(String provider) throws Exception {
        CoRuntime rt = runtime(provider, 2);
        CompletableFuture<Long> sleeper = new CompletableFuture<>();
        rt.schedulers().get(1).go(() -> {
            sleeper.complete(Co.coroutineId());
            Co.sleep(60_000);
        });
        long sleeperId = sleeper.get(20, TimeUnit.SECONDS);
        CompletableFuture<List<CoroutineInfo>> fromInside = new CompletableFuture<>();
        CompletableFuture<Long> self = new CompletableFuture<>();
        await("the sleeper parks", () -> ((Introspectable) rt).coroutines().stream()
                .anyMatch(c -> c.id() == sleeperId && c.state() == CoroutineInfo.State.WAITING));
        rt.schedulers().get(0).go(() -> {
            self.complete(Co.coroutineId());
            fromInside.complete(((Introspectable) rt).coroutines());
        });
        List<CoroutineInfo> all = fromInside.get(20, TimeUnit.SECONDS);
        CoroutineInfo me = all.stream().filter(c -> c.id() == self.join()).findFirst().orElseThrow();
        assertEquals(CoroutineInfo.State.RUNNING, me.state());
        assertEquals(0, me.schedulerId());
        CoroutineInfo sleeping = all.stream().filter(c -> c.id() == sleeperId).findFirst().orElseThrow();
        assertEquals(1, sleeping.schedulerId());
        assertEquals(CoroutineInfo.State.WAITING, sleeping.state());
        assertNotNull(sleeping.waitingOn());
        assertTrue(sleeping.stack().stream().anyMatch(f -> f.getMethodName().contains("lambda")), sleeping.toString());
        if (provider.equals("affine")) {
            assertTrue(sleeping.waitingOn().startsWith("sleep, wakes in "), sleeping.waitingOn());
            assertTrue(sleeping.waitingNanos() >= 0, sleeping.toString());
        } else {
            assertEquals("Thread.sleep", sleeping.waitingOn());
        }
    }

    @Test
    void theJdkThreadDumpNamesEachCoroutinesScheduler(@TempDir Path dir) throws Exception {
        CoRuntime rt = runtime("affine", 2);
        String expected = parkedCoroutine(rt.schedulers().get(1), new CountDownLatch(1));
        assertTrue(expected.startsWith("coroutine@") && expected.endsWith("-scheduler-1"), expected);
        // What jcmd <pid> Thread.dump_to_file writes.
        Path file = dir.resolve("threads.txt");
        // HotSpotDiagnosticMXBean.dumpThreads, through JMX (the test module does not read jdk.management).
        SERVER.invoke(new ObjectName("com.sun.management:type=HotSpotDiagnostic"), "dumpThreads",
                new Object[] {file.toString(), "TEXT_PLAIN"}, new String[] {String.class.getName(), String.class.getName()});
        String text = Files.readString(file);
        assertTrue(text.contains("\"" + expected + "\""), "the JDK thread dump names the coroutine's scheduler");
    }

    /**
     * The affine scheduler's own JDK thread container (the one java.lang opened to co makes
     * possible): a JSON thread dump lists a parked coroutine inside the container named after its
     * scheduling thread, and no longer shows that container once the runtime has stopped.
     */
    @Test
    void theJdkThreadDumpListsCoroutinesUnderTheirSchedulersContainer(@TempDir Path dir) throws Exception {
        assertTrue(co.scheduler.internal.CarrierThreads.containersAvailable(),
                () -> "java.lang is opened to co here: " + co.scheduler.internal.CarrierThreads.containerUnavailabilityCause());
        CoRuntime rt = runtime("affine", 2);
        CountDownLatch release = new CountDownLatch(1);
        String threadName = parkedCoroutine(rt.schedulers().get(1), release);
        String container = "\"container\": \"coroutines@" + threadName.substring("coroutine@".length()) + "\"";
        String json = jsonDump(dir.resolve("before.json"));
        int at = json.indexOf(container);
        assertTrue(at >= 0, () -> "the dump has the scheduler's container " + container + ": " + json.lines().filter(l -> l.contains("\"container\"")).toList());
        int next = json.indexOf("\"container\":", at + container.length());
        String inside = json.substring(at, next < 0 ? json.length() : next);
        assertTrue(inside.contains("\"name\": \"" + threadName + "\""), "the coroutine is listed in its scheduler's container");
        release.countDown();
        rt.stop();
        assertTrue(!jsonDump(dir.resolve("after.json")).contains(container), "a stopped scheduler's container is gone");
    }

    /**
     * With {@code co.threadContainer=executor} (the fallback where the JDK's internals do not fit
     * co's own container) each scheduler's coroutines are in a thread-per-task executor instead, and
     * the dump still lists them there.
     */
    @Test
    void theExecutorFallbackStillListsCoroutinesInTheJdkThreadDump(@TempDir Path dir) throws Exception {
        CoRuntime rt;
        System.setProperty("co.threadContainer", "executor");
        try {
            rt = runtime("affine", 1);
        } finally {
            System.clearProperty("co.threadContainer");
        }
        String threadName = parkedCoroutine(rt.schedulers().get(0), new CountDownLatch(1));
        String json = jsonDump(dir.resolve("dump.json"));
        assertTrue(!json.contains("\"container\": \"coroutines@" + threadName.substring("coroutine@".length()) + "\""),
                "no container of co's own");
        int thread = json.indexOf("\"name\": \"" + threadName + "\"");
        assertTrue(thread >= 0, "the coroutine is in the dump");
        int container = json.lastIndexOf("\"container\":", thread);
        assertTrue(json.startsWith("\"container\": \"java.util.concurrent.ThreadPerTaskExecutor@", container),
                () -> "listed in an executor: " + json.substring(container, json.indexOf('\n', container)));
    }

    /**
     * Starts on {@code s} a coroutine that parks until {@code release} is counted down (also done
     * after the test), and returns its thread's name once it runs.
     */
    private String parkedCoroutine(Scheduler s, CountDownLatch release) throws Exception {
        cleanups.add(release::countDown);
        CompletableFuture<String> name = new CompletableFuture<>();
        s.go(() -> {
            name.complete(Thread.currentThread().getName());
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        return name.get(20, TimeUnit.SECONDS);
    }

    private static String jsonDump(Path file) throws Exception {
        SERVER.invoke(new ObjectName("com.sun.management:type=HotSpotDiagnostic"), "dumpThreads",
                new Object[] {file.toString(), "JSON"}, new String[] {String.class.getName(), String.class.getName()});
        return Files.readString(file);
    }
}
