package co.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import co.api.Co;
import co.api.spi.CoRuntime;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PoolTest {

    @RegisterExtension
    static final Modes MODES = new Modes();

    static Stream<Modes.Mode> modes() {
        return MODES.all();
    }

    /** Runs {@code body} in a coroutine on scheduler {@code id} of {@code provider} and returns its result. */
    private static <R> R on(String provider, int id, Supplier<R> body) {
        CompletableFuture<R> result = new CompletableFuture<>();
        MODES.runtime(provider).schedulers().get(id).go(() -> {
            try {
                result.complete(body.get());
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        });
        try {
            return result.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError(e.getCause());
        } catch (InterruptedException | TimeoutException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void outsideCoroutinesOneSharedStackIsUsed() {
        Pool<String> pool = new Pool<>();
        assertNull(pool.pop());
        pool.push("a");
        pool.push("b");
        pool.push(null); // ignored
        assertEquals(2, pool.size());
        assertEquals("b", pool.pop());
        assertEquals("a", pool.pop());
        assertNull(pool.pop());
        assertEquals(0, pool.size());
    }

    @Test
    void createCallbackFillsAnEmptyStoreAndDestroyEnforcesTheCapacity() {
        AtomicInteger created = new AtomicInteger();
        List<String> destroyed = new CopyOnWriteArrayList<>();
        Pool<String> pool = new Pool<>(() -> "new" + created.incrementAndGet(), destroyed::add, 2);
        assertEquals("new1", pool.pop());
        pool.push("a");
        pool.push("b");
        pool.push("c");
        assertEquals(List.of("c"), destroyed);
        assertEquals(2, pool.size());
        assertEquals("b", pool.pop());
        pool.clear();
        assertEquals(List.of("c", "a"), destroyed);
        assertEquals(0, pool.size());
        assertEquals("new2", pool.pop());
    }

    @Test
    void withoutADestroyCallbackTheCapacityIsIgnored() {
        Pool<String> pool = new Pool<>(null, null, 1);
        pool.push("a");
        pool.push("b");
        pool.push("c");
        assertEquals(3, pool.size());
        assertNull(new Pool<String>(null, null, 0).pop());
        Pool<String> zero = new Pool<>(null, e -> { }, 0);
        zero.push("x");
        assertEquals(0, zero.size(), "capacity 0 with a destroy callback keeps nothing");
    }

    @ParameterizedTest
    @ValueSource(strings = {"affine", "virtual"})
    void eachSchedulerHasItsOwnStore(String provider) {
        Pool<String> pool = new Pool<>();
        on(provider, 0, () -> {
            assertEquals(0, Co.schedulerId());
            pool.push("zero");
            return null;
        });
        assertEquals(0, pool.size(), "the shared store is separate");
        assertEquals(0, (int) on(provider, 1, pool::size));
        assertNull(on(provider, 1, pool::pop));
        on(provider, 1, () -> {
            pool.push("one");
            return null;
        });
        assertEquals(1, (int) on(provider, 0, pool::size));
        assertEquals("zero", on(provider, 0, pool::pop));
        assertEquals("one", on(provider, 1, pool::pop));
    }

    @ParameterizedTest
    @ValueSource(strings = {"affine", "virtual"})
    void capacityCountsPerScheduler(String provider) {
        AtomicInteger destroyed = new AtomicInteger();
        Pool<Object> pool = new Pool<>(Object::new, e -> destroyed.incrementAndGet(), 1);
        for (int id = 0; id < 2; id++) {
            on(provider, id, () -> {
                pool.push(new Object());
                pool.push(new Object());
                return null;
            });
        }
        assertEquals(2, destroyed.get(), "one kept per scheduler, one destroyed per scheduler");
    }

    @ParameterizedTest
    @ValueSource(strings = {"affine", "virtual"})
    void clearEmptiesEveryStore(String provider) {
        List<String> destroyed = new CopyOnWriteArrayList<>();
        Pool<String> pool = new Pool<>(null, destroyed::add, -1);
        pool.push("shared");
        on(provider, 0, () -> {
            pool.push("s0");
            return null;
        });
        on(provider, 1, () -> {
            pool.push("s1");
            return null;
        });
        pool.clear();
        assertEquals(3, destroyed.size());
        assertTrue(destroyed.containsAll(List.of("shared", "s0", "s1")));
        assertEquals(0, (int) on(provider, 0, pool::size));
        assertEquals(0, (int) on(provider, 1, pool::size));

        on(provider, 1, () -> {
            pool.push("again1");
            return null;
        });
        on(provider, 0, () -> {
            pool.push("again0");
            pool.clear(); // from inside a coroutine: its own store inline, the other by a coroutine there
            return null;
        });
        assertEquals(5, destroyed.size());
        assertEquals(0, (int) on(provider, 1, pool::size));
    }

    @Test
    void aPoolServesSeveralRuntimesSeparately() {
        Pool<String> pool = new Pool<>();
        on("affine", 0, () -> {
            pool.push("affine");
            return null;
        });
        assertNull(on("virtual", 0, pool::pop));
        assertEquals("affine", on("affine", 0, pool::pop));
    }

    @Test
    void clearAfterTheRuntimeStoppedEmptiesItsStoresFromTheCaller() {
        CoRuntime rt = CoRuntime.create("affine", 2);
        AtomicInteger destroyed = new AtomicInteger();
        Pool<Object> pool = new Pool<>(null, e -> destroyed.incrementAndGet(), -1);
        CountDownLatchHolder pushed = new CountDownLatchHolder(2);
        for (int id = 0; id < 2; id++) {
            rt.schedulers().get(id).go(() -> {
                pool.push(new Object());
                pushed.latch.countDown();
            });
        }
        pushed.await();
        rt.stop();
        pool.clear();
        assertEquals(2, destroyed.get());
    }

    /** A latch with a bounded await for the test. */
    private static final class CountDownLatchHolder {
        final CountDownLatch latch;

        CountDownLatchHolder(int n) {
            latch = new CountDownLatch(n);
        }

        void await() {
            try {
                assertTrue(latch.await(30, TimeUnit.SECONDS));
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }

    @Test
    void guardPopsAndPushesBack() {
        AtomicInteger created = new AtomicInteger();
        List<StringBuilder> destroyed = new CopyOnWriteArrayList<>();
        Pool<StringBuilder> pool = new Pool<>(() -> new StringBuilder("#" + created.incrementAndGet()), destroyed::add, 4);
        StringBuilder first;
        try (PoolGuard<StringBuilder> g = new PoolGuard<>(pool)) {
            assertTrue(g.isPresent());
            first = g.get();
            assertEquals("#1", first.toString());
        }
        assertEquals(1, pool.size());
        try (PoolGuard<StringBuilder> g = new PoolGuard<>(pool)) {
            assertSame(first, g.get(), "the pushed-back object is reused");
            g.reset(null); // broken: destroy, do not push back
            assertFalse(g.isPresent());
            g.close();
            g.close();
        }
        assertEquals(List.of(first), destroyed);
        assertEquals(0, pool.size());
        StringBuilder replacement = new StringBuilder("r");
        try (PoolGuard<StringBuilder> g = new PoolGuard<>(pool)) {
            g.reset(replacement);
            g.reset(replacement); // same object: nothing destroyed
            assertSame(replacement, g.get());
        }
        assertEquals(2, destroyed.size());
        assertSame(replacement, pool.pop());
        assertThrows(NullPointerException.class, () -> new PoolGuard<String>(null));
    }

    @Test
    void guardOnAnEmptyPoolWithoutCreateHoldsNothing() {
        Pool<String> pool = new Pool<>();
        try (PoolGuard<String> g = new PoolGuard<>(pool)) {
            assertFalse(g.isPresent());
            assertNull(g.get());
        }
        assertEquals(0, pool.size());
    }

    /** An object is never lent to two borrowers at once, on any provider, from coroutines and threads. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("modes")
    void neverLendsOneObjectTwice(Modes.Mode mode) {
        AtomicInteger created = new AtomicInteger();
        AtomicInteger destroyed = new AtomicInteger();
        Pool<AtomicBoolean> pool = new Pool<>(() -> {
            created.incrementAndGet();
            return new AtomicBoolean();
        }, e -> destroyed.incrementAndGet(), 8);
        int tasks = mode.manyTasks() ? 64 : 8;
        int rounds = Stress.scale(2_000);
        mode.runAll(tasks, i -> {
            for (int r = 0; r < rounds; r++) {
                try (PoolGuard<AtomicBoolean> g = new PoolGuard<>(pool)) {
                    if (!g.get().compareAndSet(false, true)) {
                        fail("lent twice");
                    }
                    if (r % 8 == 0) {
                        Thread.yield(); // let others borrow meanwhile
                    }
                    g.get().set(false);
                }
            }
        });
        assertTrue(created.get() >= 1);
        assertTrue(destroyed.get() <= created.get());
    }
}
