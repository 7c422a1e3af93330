package co.bench.sched;

import co.api.spi.CoRuntime;
import co.scheduler.internal.CarrierThreads;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Round trip of a hand-off between two coroutines that park and unpark each other, on one scheduling
 * thread: co affine vs JDK virtual threads on the default scheduler vs two raw
 * {@code jdk.internal.vm.Continuation}s resumed in turn by one thread (the floor: no scheduler).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-opens=java.base/java.lang=ALL-UNNAMED",
    "--add-exports=java.base/jdk.internal.vm=ALL-UNNAMED"})
public class HandoffBenchmark {

    static final int ROUNDS = 10_000;

    private CoRuntime affine;

    @Setup(Level.Trial)
    public void setUp() {
        affine = Runtimes.create("affine", 1);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        affine.stop();
    }

    /**
     * Two parties alternate on {@code turn}; each round trip is two hand-offs. The game starts only
     * once both have registered, so neither ever spins waiting for the other to exist (which would
     * hold a single scheduling thread).
     */
    static final class PingPong {
        final AtomicInteger turn = new AtomicInteger(-1);
        final AtomicInteger registered = new AtomicInteger();
        volatile Thread a;
        volatile Thread b;
        final CompletableFuture<Void> done = new CompletableFuture<>();

        private void register() {
            if (registered.incrementAndGet() == 2) {
                turn.set(0);
                LockSupport.unpark(a);
            }
        }

        void runA() {
            a = Thread.currentThread();
            register();
            for (int i = 0; i < ROUNDS; i++) {
                while (turn.get() != 2 * i) {
                    LockSupport.park();
                }
                turn.set(2 * i + 1);
                LockSupport.unpark(b);
            }
        }

        void runB() {
            b = Thread.currentThread();
            register();
            for (int i = 0; i < ROUNDS; i++) {
                while (turn.get() != 2 * i + 1) {
                    LockSupport.park();
                }
                turn.set(2 * i + 2);
                LockSupport.unpark(a);
            }
            done.complete(null);
        }

        void start(Consumer<Runnable> go) throws Exception {
            go.accept(this::runA);
            go.accept(this::runB);
            done.get(60, TimeUnit.SECONDS);
        }
    }

    @Benchmark
    @OperationsPerInvocation(ROUNDS)
    public void coAffine() throws Exception {
        co.api.Scheduler s = affine.schedulers().get(0);
        new PingPong().start(s::go);
    }

    @Benchmark
    @OperationsPerInvocation(ROUNDS)
    public void jdkVirtualThreads() throws Exception {
        new PingPong().start(r -> Thread.ofVirtual().start(r));
    }

    // ---------------------------------------------------------------- the virtual-thread floor

    /**
     * The same game on two virtual threads whose scheduler is the simplest possible one: this
     * benchmark thread runs their continuations from a plain {@link ArrayDeque}, nothing else (no
     * timers, no selector, no cross-thread queue). What it costs above {@link #rawContinuation} is
     * what {@code java.lang.VirtualThread} itself adds to a switch; whatever {@link #coAffine} costs
     * above it is co's scheduler.
     */
    @Benchmark
    @OperationsPerInvocation(ROUNDS)
    public void virtualThreadFloor() throws Exception {
        ArrayDeque<Runnable> queue = new ArrayDeque<>();
        Thread.Builder.OfVirtual builder = CarrierThreads.builder(queue::add);
        PingPong game = new PingPong();
        Thread a = builder.unstarted(game::runA);
        Thread b = builder.unstarted(game::runB);
        a.start();
        b.start();
        for (Runnable r; (r = queue.poll()) != null;) {
            r.run();
        }
        if (!game.done.isDone()) {
            throw new IllegalStateException("the floor game did not finish");
        }
    }

    // ---------------------------------------------------------------- raw continuations
    // The one JDK internal that stays here: jdk.internal.vm.Continuation is what this case measures
    // (the JVM floor), and nothing in co's runtime uses it.

    private static final Object SCOPE;
    private static final MethodHandle NEW_CONTINUATION;
    private static final MethodHandle RUN;
    private static final MethodHandle YIELD;

    static {
        Object scope = null;
        MethodHandle ctor = null;
        MethodHandle run = null;
        MethodHandle yield = null;
        try {
            Class<?> scopeClass = Class.forName("jdk.internal.vm.ContinuationScope");
            Class<?> contClass = Class.forName("jdk.internal.vm.Continuation");
            MethodHandles.Lookup l = MethodHandles.lookup();
            scope = l.findConstructor(scopeClass, MethodType.methodType(void.class, String.class)).invoke("bench");
            ctor = l.findConstructor(contClass, MethodType.methodType(void.class, scopeClass, Runnable.class))
                    .asType(MethodType.methodType(Object.class, Object.class, Runnable.class));
            run = l.findVirtual(contClass, "run", MethodType.methodType(void.class))
                    .asType(MethodType.methodType(void.class, Object.class));
            yield = l.findStatic(contClass, "yield", MethodType.methodType(boolean.class, scopeClass))
                    .asType(MethodType.methodType(boolean.class, Object.class));
        } catch (Throwable t) {
            // Without --add-exports java.base/jdk.internal.vm the raw case cannot run; the others can.
        }
        SCOPE = scope;
        NEW_CONTINUATION = ctor;
        RUN = run;
        YIELD = yield;
    }

    private static void yieldNow() {
        try {
            boolean ignored = (boolean) YIELD.invokeExact(SCOPE);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** Two continuations, each yielding once per round; one thread resumes them in turn. */
    @Benchmark
    @OperationsPerInvocation(ROUNDS)
    public void rawContinuation() throws Throwable {
        Runnable body = () -> {
            for (int i = 0; i < ROUNDS; i++) {
                yieldNow();
            }
        };
        Object a = (Object) NEW_CONTINUATION.invokeExact(SCOPE, body);
        Object b = (Object) NEW_CONTINUATION.invokeExact(SCOPE, body);
        for (int i = 0; i < ROUNDS; i++) {
            RUN.invokeExact(a);
            RUN.invokeExact(b);
        }
    }
}
