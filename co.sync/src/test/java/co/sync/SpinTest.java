package co.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import co.sync.internal.SyncWaiter;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The spin-then-park waits: a waiter spins for a few microseconds before it parks (Chan, select,
 * the first waiter of a Mutex) and a Mutex nudges its next waiter into spinning. These tests end
 * waits at the moments where the waiter is most likely still spinning (right after it queued) and
 * check that nothing is lost, repeated or handed out twice.
 */
@Timeout(value = 90, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SpinTest {

    @RegisterExtension
    static final Modes MODES = new Modes();

    static Stream<Modes.Mode> modes() {
        return MODES.all();
    }

    /** Busy-waits (no sleep) until {@code c} holds, so that the next step lands inside a spin. */
    private static void spinUntil(java.util.function.BooleanSupplier c) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!c.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("condition not reached in 30 s");
            }
            Thread.onSpinWait();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("modes")
    void closeEndsSpinningReceiversAndSenders(Modes.Mode mode) {
        int rounds = Stress.scale(300);
        for (int r = 0; r < rounds; r++) {
            Chan<Integer> ch = new Chan<>();
            boolean send = r % 2 == 0;
            AtomicReference<Object> outcome = new AtomicReference<>();
            // Task 1: on the second scheduler in coroutine modes, so it spins while we close.
            Modes.Tasks t = mode.start(2, i -> {
                if (i == 0) {
                    return;
                }
                if (send) {
                    try {
                        ch.send(7);
                        outcome.set("sent");
                    } catch (IllegalStateException e) {
                        outcome.set(e);
                    }
                } else {
                    Integer v = ch.recv();
                    outcome.set(v == null ? "null" : v);
                }
            });
            spinUntil(() -> ch.queued(send) == 1);
            ch.close();
            t.join();
            if (send) {
                assertTrue(outcome.get() instanceof IllegalStateException, "round " + r + ": " + outcome.get());
            } else {
                assertEquals("null", outcome.get(), "round " + r);
            }
            assertEquals(0, ch.queued(send));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("modes")
    void timedWaitsThatSpinStillTimeOutAndLeaveNoWaiter(Modes.Mode mode) {
        Chan<Integer> receiveOnly = new Chan<>();
        Chan<Integer> sendOnly = new Chan<>();
        mode.runAll(2, i -> {
            for (int k = 0; k < 20; k++) {
                long start = System.nanoTime();
                if (i == 0) {
                    assertNull(receiveOnly.recv(1));
                    assertEquals(-1, Chan.select(1, receiveOnly.recvCase()));
                } else {
                    assertFalse(sendOnly.send(k, 1));
                    assertEquals(-1, Chan.select(1, sendOnly.sendCase(k)));
                }
                assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(2), "gave up early");
            }
        });
        assertEquals(0, receiveOnly.queued(false));
        assertEquals(0, sendOnly.queued(true));
    }

    /** Values sent the moment a receiver queued reach it exactly once, in order. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("modes")
    void handOffsToSpinningWaitersLoseAndRepeatNothing(Modes.Mode mode) {
        int n = Stress.scale(100_000);
        Chan<Integer> ping = new Chan<>();
        Chan<Integer> pong = new Chan<>(1);
        mode.runAll(2, i -> {
            if (i == 0) {
                for (int k = 0; k < n; k++) {
                    ping.send(k);
                    assertEquals(-k, pong.recv());
                }
            } else {
                for (int k = 0; k < n; k++) {
                    int v = ping.recv();
                    assertEquals(k, v);
                    pong.send(-v);
                }
            }
        });
        assertEquals(0, ping.queued(false) + ping.queued(true) + pong.size());
    }

    /**
     * Two selects facing each other on two unbuffered channels: every select of one side pairs with
     * exactly one select of the other, whichever waits (and spins) and whichever arrives.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("modes")
    void selectsOnBothSidesPairUpExactly(Modes.Mode mode) {
        int n = Stress.scale(50_000);
        Chan<Integer> ab = new Chan<>();
        Chan<Integer> ba = new Chan<>();
        int[][] counts = new int[2][2];
        mode.runAll(2, i -> {
            Chan<Integer> out = i == 0 ? ab : ba;
            Chan<Integer> in = i == 0 ? ba : ab;
            int sent = 0;
            int received = 0;
            for (int k = 0; k < n; k++) {
                Chan.Case<Integer> s = out.sendCase(sent);
                Chan.Case<Integer> r = in.recvCase();
                int fired = Chan.select(s, r);
                if (fired == 0) {
                    sent++;
                } else {
                    assertEquals(1, fired);
                    assertTrue(r.ok());
                    assertEquals(received, r.value(), "out of order or repeated");
                    received++;
                }
            }
            counts[i][0] = sent;
            counts[i][1] = received;
        });
        assertEquals(counts[0][0], counts[1][1], "a -> b");
        assertEquals(counts[1][0], counts[0][1], "b -> a");
        assertEquals(0, ab.queued(true) + ab.queued(false) + ba.queued(true) + ba.queued(false));
    }

    /** A nudged waiter spins but must not take the lock before the waiter ahead of it is done. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("modes")
    void nudgedWaitersKeepOrderAndExclusion(Modes.Mode mode) {
        int rounds = Stress.scale(50);
        for (int r = 0; r < rounds; r++) {
            Mutex m = new Mutex();
            int n = 4;
            List<Integer> order = new CopyOnWriteArrayList<>();
            AtomicInteger inside = new AtomicInteger();
            AtomicBoolean overlap = new AtomicBoolean();
            m.lock();
            Modes.Tasks[] tasks = new Modes.Tasks[n];
            for (int k = 0; k < n; k++) {
                int id = k;
                tasks[k] = mode.start(1, i -> {
                    m.lock();
                    try {
                        if (inside.incrementAndGet() != 1) {
                            overlap.set(true);
                        }
                        order.add(id);
                        long until = System.nanoTime() + 20_000; // longer than a spin
                        while (System.nanoTime() < until) {
                            Thread.onSpinWait();
                        }
                        inside.decrementAndGet();
                    } finally {
                        m.unlock();
                    }
                });
                spinUntil(() -> m.queued() == id + 1);
            }
            m.unlock();
            for (Modes.Tasks t : tasks) {
                t.join();
            }
            assertFalse(overlap.get(), "two holders at once");
            assertEquals(List.of(0, 1, 2, 3), order);
            assertFalse(m.isLocked());
            assertEquals(0, m.queued());
        }
    }

    @Test
    void nudgeNeverFiresATimedWaiter() throws Exception {
        AtomicReference<Boolean> result = new AtomicReference<>();
        AtomicReference<SyncWaiter> waiter = new AtomicReference<>();
        Thread t = Thread.ofPlatform().start(() -> {
            SyncWaiter w = new SyncWaiter(Thread.currentThread());
            waiter.set(w);
            result.set(w.await(TimeUnit.MILLISECONDS.toNanos(50), true));
        });
        spinUntil(() -> waiter.get() != null);
        long start = System.nanoTime();
        while (t.isAlive() && System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5)) {
            waiter.get().nudge();
            Thread.sleep(1);
        }
        t.join();
        assertFalse(result.get(), "a nudge is not a fire");
        assertEquals(SyncWaiter.CANCELLED, waiter.get().state());
        assertFalse(waiter.get().tryFire(0), "a cancelled waiter cannot fire");
    }

    @Test
    void nudgedUntimedWaiterReturnsOnlyWhenFired() throws Exception {
        AtomicReference<SyncWaiter> waiter = new AtomicReference<>();
        AtomicBoolean returned = new AtomicBoolean();
        Thread t = Thread.ofVirtual().start(() -> {
            SyncWaiter w = new SyncWaiter(Thread.currentThread());
            waiter.set(w);
            w.await(-1, false);
            returned.set(true);
        });
        spinUntil(() -> waiter.get() != null);
        for (int k = 0; k < 50; k++) {
            waiter.get().nudge();
            Thread.sleep(1);
        }
        assertFalse(returned.get(), "returned without a fire");
        assertTrue(waiter.get().tryFire(0));
        waiter.get().wake();
        t.join(TimeUnit.SECONDS.toMillis(10));
        assertTrue(returned.get());
    }
}
