package co.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Functional tests of {@link Chan} and {@link Chan#select}; the stress tests are in ChanStressTest. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ChanTest {

    @RegisterExtension
    static final Modes MODES = new Modes();

    static Stream<Modes.Mode> modes() {
        return MODES.all();
    }

    @Test
    void constructorAndNullChecks() {
        assertThrows(IllegalArgumentException.class, () -> new Chan<String>(-1));
        Chan<String> ch = new Chan<>(1);
        assertEquals(1, ch.capacity());
        assertEquals(0, new Chan<String>().capacity());
        assertThrows(NullPointerException.class, () -> ch.send(null));
        assertThrows(NullPointerException.class, () -> ch.trySend(null));
        assertThrows(NullPointerException.class, () -> ch.sendCase(null));
        assertThrows(NullPointerException.class, () -> Chan.select((Chan.Case<?>) null));
        assertThrows(IllegalArgumentException.class, () -> Chan.select());
        assertThrows(IllegalArgumentException.class, () -> Chan.select(-1));
    }

    @Test
    void bufferedChannelIsFifoAndBounded() {
        Chan<String> ch = new Chan<>(2);
        assertTrue(ch.trySend("a"));
        assertTrue(ch.send("b", 0));
        assertFalse(ch.trySend("c"), "full");
        assertFalse(ch.send("c", 10), "still full after the timeout");
        assertEquals(2, ch.size());
        assertEquals("a", ch.tryRecv());
        assertEquals("b", ch.recv(0));
        assertNull(ch.tryRecv());
        assertNull(ch.recv(10));
        assertFalse(ch.isClosed());
        for (int round = 0; round < 5; round++) { // wrap around the ring
            ch.send("x" + round);
            ch.send("y" + round);
            assertEquals("x" + round, ch.recv());
            assertEquals("y" + round, ch.recv());
        }
        assertEquals(0, ch.queued(true) + ch.queued(false));
    }

    @Test
    void unbufferedTryOperationsNeedACounterpart() {
        Chan<String> ch = new Chan<>();
        assertFalse(ch.trySend("a"));
        assertNull(ch.tryRecv());
        assertEquals(0, ch.size());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("modes")
    void unbufferedSendIsARendezvous(Modes.Mode mode) {
        Chan<String> ch = new Chan<>();
        AtomicInteger sent = new AtomicInteger();
        Modes.Tasks sender = mode.start(1, i -> {
            ch.send("hello");
            sent.incrementAndGet();
        });
        Modes.until(() -> ch.queued(true) == 1);
        assertEquals(0, sent.get(), "the sender waits for a receiver");
        assertEquals("hello", ch.recv());
        sender.join();
        assertEquals(1, sent.get());

        Modes.Tasks receiver = mode.start(1, i -> assertEquals("back", ch.recv()));
        Modes.until(() -> ch.queued(false) == 1);
        assertTrue(ch.trySend("back"), "a waiting receiver makes trySend succeed");
        receiver.join();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("modes")
    void blockedSenderOfAFullBufferIsMovedIntoTheBufferInOrder(Modes.Mode mode) {
        Chan<Integer> ch = new Chan<>(2);
        ch.send(1);
        ch.send(2);
        Modes.Tasks sender = mode.start(1, i -> ch.send(3));
        Modes.until(() -> ch.queued(true) == 1);
        assertEquals(1, ch.recv());
        sender.join();
        assertEquals(2, ch.size());
        assertEquals(2, ch.recv());
        assertEquals(3, ch.recv());
    }

    @Test
    void timedOperationsTimeOutAndLeaveNoWaiter() {
        Chan<String> ch = new Chan<>();
        long start = System.nanoTime();
        assertNull(ch.recv(30));
        assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(30));
        assertFalse(ch.isClosed(), "null from a timeout, not from close");
        assertFalse(ch.send("x", 20));
        assertEquals(0, ch.queued(true));
        assertEquals(0, ch.queued(false));
        assertFalse(ch.trySend("x"), "the timed-out value is not left behind");
    }

    @Test
    void closeDrainsTheBufferThenReportsClosed() {
        Chan<String> ch = new Chan<>(3);
        ch.send("a");
        ch.send("b");
        ch.close();
        ch.close(); // again: nothing
        assertTrue(ch.isClosed());
        assertThrows(IllegalStateException.class, () -> ch.send("c"));
        assertThrows(IllegalStateException.class, () -> ch.trySend("c"));
        assertThrows(IllegalStateException.class, () -> ch.send("c", 10));
        assertEquals("a", ch.recv());
        assertEquals("b", ch.recv(10));
        assertNull(ch.recv());
        assertNull(ch.recv(10));
        assertNull(ch.tryRecv());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("modes")
    void closeReleasesBlockedReceiversSendersAndSelects(Modes.Mode mode) {
        Chan<Integer> empty = new Chan<>();
        Chan<Integer> full = new Chan<>(1);
        full.send(0);
        int n = mode.manyTasks() ? 60 : 6;
        AtomicInteger nulls = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        AtomicInteger closedCases = new AtomicInteger();
        Modes.Tasks tasks = mode.start(n, i -> {
            switch (i % 3) {
                case 0 -> {
                    if ((i / 3) % 2 == 0 ? empty.recv() == null : empty.recv(60_000) == null) {
                        nulls.incrementAndGet();
                    }
                }
                case 1 -> {
                    try {
                        full.send(i);
                    } catch (IllegalStateException expected) {
                        refused.incrementAndGet();
                    }
                }
                default -> {
                    Chan.Case<Integer> c = empty.recvCase();
                    assertEquals(0, Chan.select(c));
                    if (!c.ok() && c.value() == null) {
                        closedCases.incrementAndGet();
                    }
                }
            }
        });
        int receivers = (n + 2) / 3 + n / 3; // plain receivers and selects queue on empty
        Modes.until(() -> empty.queued(false) == receivers && full.queued(true) == (n + 1) / 3);
        empty.close();
        full.close();
        tasks.join();
        assertEquals((n + 2) / 3, nulls.get());
        assertEquals((n + 1) / 3, refused.get());
        assertEquals(n / 3, closedCases.get());
        assertEquals(0, full.recv(), "the buffered value survives close");
        assertNull(full.recv());
    }

    // ---------------------------------------------------------------------------------- select

    @Test
    void selectPerformsAReadyReceive() {
        Chan<String> a = new Chan<>(1);
        Chan<String> b = new Chan<>(1);
        b.send("b1");
        Chan.Case<String> ca = a.recvCase();
        Chan.Case<String> cb = b.recvCase();
        assertEquals(1, Chan.select(ca, cb));
        assertEquals("b1", cb.value());
        assertTrue(cb.ok());
        assertFalse(cb.isSend());
        assertSame(b, cb.chan());
        assertEquals(-1, Chan.trySelect(ca, cb), "default case: nothing ready");
        assertEquals(-1, Chan.select(10, ca, cb), "timeout");
        assertEquals(0, a.queued(false) + b.queued(false), "a timed-out select leaves no node");
    }

    @Test
    void selectPerformsAReadySend() {
        Chan<String> full = new Chan<>(1);
        full.send("x");
        Chan<String> room = new Chan<>(1);
        Chan.Case<String> s1 = full.sendCase("no");
        Chan.Case<String> s2 = room.sendCase("yes");
        assertTrue(s2.isSend());
        assertEquals(1, Chan.select(s1, s2));
        assertEquals("yes", room.recv());
        assertEquals(-1, Chan.trySelect(s1, room.recvCase()));
        assertEquals("x", full.recv());
    }

    @Test
    void selectOnClosedChannels() {
        Chan<String> closed = new Chan<>(1);
        closed.send("last");
        closed.close();
        Chan.Case<String> c = closed.recvCase();
        assertEquals(0, Chan.select(c));
        assertEquals("last", c.value());
        assertTrue(c.ok());
        assertEquals(0, Chan.trySelect(c), "a closed channel is always ready to receive");
        assertFalse(c.ok());
        assertNull(c.value());
        assertThrows(IllegalStateException.class, () -> Chan.select(closed.sendCase("x")));
    }

    @Test
    void selectWithNoCaseAndATimeoutJustWaits() {
        long start = System.nanoTime();
        assertEquals(-1, Chan.select(20));
        assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(20));
        assertEquals(-1, Chan.trySelect());
    }

    @Test
    void selectMayNameTheSameChannelTwice() {
        Chan<Integer> ch = new Chan<>(4);
        ch.send(7);
        Chan.Case<Integer> r1 = ch.recvCase();
        Chan.Case<Integer> r2 = ch.recvCase();
        Chan.Case<Integer> s = ch.sendCase(8);
        int k = Chan.select(r1, r2, s);
        assertTrue(k >= 0 && k <= 2);
        assertEquals(-1, Chan.select(0, new Chan<Integer>().recvCase(), new Chan<Integer>().recvCase()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("modes")
    void blockedSelectIsWokenByASendOnAnyOfItsChannels(Modes.Mode mode) {
        Chan<String> a = new Chan<>();
        Chan<String> b = new Chan<>();
        AtomicReference<String> got = new AtomicReference<>();
        Modes.Tasks selector = mode.start(1, i -> {
            Chan.Case<String> ca = a.recvCase();
            Chan.Case<String> cb = b.recvCase();
            assertEquals(1, Chan.select(ca, cb));
            got.set(cb.value());
        });
        Modes.until(() -> a.queued(false) == 1 && b.queued(false) == 1);
        b.send("to b");
        selector.join();
        assertEquals("to b", got.get());
        assertEquals(0, a.queued(false), "the losing case's node is unlinked");
        assertFalse(a.trySend("nobody"), "nobody listens on a any more");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("modes")
    void blockedSelectIsWokenByAReceiveOnItsSendCase(Modes.Mode mode) {
        Chan<String> out = new Chan<>();
        Chan<String> in = new Chan<>();
        Modes.Tasks selector = mode.start(1, i -> assertEquals(0, Chan.select(out.sendCase("v"), in.recvCase())));
        Modes.until(() -> out.queued(true) == 1 && in.queued(false) == 1);
        assertEquals("v", out.recv());
        selector.join();
        assertEquals(0, in.queued(false));
    }

    @Test
    void selectIsFairAmongReadyCases() {
        Chan<Integer> a = new Chan<>(1);
        Chan<Integer> b = new Chan<>(1);
        Chan<Integer> c = new Chan<>(1);
        int rounds = 6_000;
        int[] hits = new int[3];
        Chan.Case<Integer> ca = a.recvCase();
        Chan.Case<Integer> cb = b.recvCase();
        Chan.Case<Integer> cc = c.recvCase();
        for (int r = 0; r < rounds; r++) {
            a.trySend(0);
            b.trySend(1);
            c.trySend(2);
            hits[Chan.select(ca, cb, cc)]++;
        }
        for (int k = 0; k < 3; k++) {
            // Expected 2000 each; 1700 is more than 8 standard deviations away.
            assertTrue(hits[k] > 1_700, "case " + k + " starved: " + Arrays.toString(hits));
        }
    }
}
