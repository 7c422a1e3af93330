package co.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Many producers and consumers on channels, plain and through select, with timeouts racing
 * hand-offs and close racing blocked callers. Every value must arrive exactly once.
 */
@Timeout(value = 90, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ChanStressTest {

    @RegisterExtension
    static final Modes MODES = new Modes();

    static Stream<Modes.Mode> modes() {
        return MODES.all();
    }

    static Stream<Arguments> modesAndCapacities() {
        return MODES.all().flatMap(m -> Stream.of(0, 1, 64).map(c -> Arguments.of(m, c)));
    }

    /** A value carries its producer and sequence number: producer * 2^20 + sequence. */
    private static int value(int producer, int sequence) {
        return (producer << 20) | sequence;
    }

    /**
     * Producers send with plain {@code send}, consumers receive with plain {@code recv} until the
     * channel is closed by the last producer. Checks exactly-once delivery and per-producer FIFO
     * order as seen by each consumer.
     */
    @ParameterizedTest(name = "{0}, capacity {1}")
    @MethodSource("modesAndCapacities")
    void manyProducersAndConsumers(Modes.Mode mode, int capacity) {
        int producers = mode.manyTasks() ? 16 : 4;
        int consumers = mode.manyTasks() ? 16 : 4;
        int perProducer = Stress.scale(40_000) / producers;
        Chan<Integer> ch = new Chan<>(capacity);
        AtomicIntegerArray seen = new AtomicIntegerArray(producers * perProducer);
        AtomicInteger producing = new AtomicInteger(producers);
        AtomicInteger received = new AtomicInteger();
        mode.runAll(producers + consumers, i -> {
            if (i % 2 == 0 && i / 2 < producers) {
                int p = i / 2;
                for (int s = 0; s < perProducer; s++) {
                    ch.send(value(p, s));
                }
                if (producing.decrementAndGet() == 0) {
                    ch.close();
                }
            } else {
                int[] last = new int[producers];
                Arrays.fill(last, -1);
                for (Integer v; (v = ch.recv()) != null; ) {
                    int p = v >>> 20;
                    int s = v & 0xFFFFF;
                    if (s <= last[p]) {
                        fail("producer " + p + " out of order: " + s + " after " + last[p]);
                    }
                    last[p] = s;
                    if (seen.getAndIncrement(p * perProducer + s) != 0) {
                        fail("duplicate " + p + "/" + s);
                    }
                    received.incrementAndGet();
                }
            }
        });
        assertEquals(producers * perProducer, received.get());
        assertEquals(0, ch.queued(true) + ch.queued(false));
    }

    /**
     * Both sides use select with random tiny timeouts over two channels (one unbuffered, one
     * buffered), so timeouts race with hand-offs on both sides. A timed-out select must not have
     * sent; a receive must never be dropped.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("modes")
    void selectOnBothSidesWithRacingTimeouts(Modes.Mode mode) {
        int producers = 4;
        int consumers = 4;
        int perProducer = Stress.scale(40_000) / producers;
        Chan<Integer> a = new Chan<>();
        Chan<Integer> b = new Chan<>(8);
        AtomicIntegerArray seen = new AtomicIntegerArray(producers * perProducer);
        AtomicInteger producing = new AtomicInteger(producers);
        AtomicInteger received = new AtomicInteger();
        AtomicLong timeouts = new AtomicLong();
        mode.runAll(producers + consumers, i -> {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            if (i % 2 == 0) {
                int p = i / 2;
                for (int s = 0; s < perProducer; s++) {
                    Integer v = value(p, s);
                    Chan.Case<?>[] cases = {a.sendCase(v), b.sendCase(v)};
                    while (Select.select(cases, random.nextLong(30_000)) < 0) {
                        timeouts.incrementAndGet();
                    }
                }
                if (producing.decrementAndGet() == 0) {
                    a.close();
                    b.close();
                }
            } else {
                List<Chan.Case<Integer>> open = new ArrayList<>(List.of(a.recvCase(), b.recvCase()));
                while (!open.isEmpty()) {
                    Chan.Case<?>[] cases = open.toArray(new Chan.Case<?>[0]);
                    int k = Select.select(cases, random.nextInt(4) == 0 ? -1 : random.nextLong(30_000));
                    if (k < 0) {
                        timeouts.incrementAndGet();
                        continue;
                    }
                    Chan.Case<Integer> c = open.get(k);
                    if (!c.ok()) {
                        open.remove(k); // closed and drained: Go's "set the channel to nil"
                        continue;
                    }
                    int v = c.value();
                    if (seen.getAndIncrement((v >>> 20) * perProducer + (v & 0xFFFFF)) != 0) {
                        fail("duplicate " + v);
                    }
                    received.incrementAndGet();
                }
            }
        });
        assertEquals(producers * perProducer, received.get(), "lost values");
        assertTrue(timeouts.get() > 0, "the test must exercise timeouts");
        assertEquals(0, a.queued(true) + a.queued(false) + b.queued(true) + b.queued(false));
    }

    /**
     * One producer and one consumer per pair, both with tiny random timeouts on plain send/recv:
     * the consumer must see exactly 0, 1, 2, ... (a value handed to a timing-out receiver would
     * leave a gap; a timed-out send that still delivered would repeat a number).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("modes")
    void timedSendAndRecvRacingNeverLoseOrRepeat(Modes.Mode mode) {
        int pairs = mode.manyTasks() ? 8 : 4;
        int rounds = Stress.scale(4_000);
        List<Chan<Integer>> chans = new ArrayList<>();
        for (int p = 0; p < pairs; p++) {
            chans.add(new Chan<>(p % 2)); // unbuffered and one-slot channels
        }
        mode.runAll(2 * pairs, i -> {
            Chan<Integer> ch = chans.get(Stress.pairOf(i, pairs));
            ThreadLocalRandom random = ThreadLocalRandom.current();
            if (Stress.isFirstOfPair(i, pairs)) {
                for (int r = 0; r < rounds; r++) {
                    while (!ch.send0(r, random.nextLong(20_000))) {
                        Thread.yield();
                    }
                }
            } else {
                for (int r = 0; r < rounds; r++) {
                    Integer v;
                    while ((v = ch.recv0(random.nextLong(20_000))) == null) {
                        Thread.yield();
                    }
                    assertEquals(r, v.intValue());
                }
            }
        });
        for (Chan<Integer> ch : chans) {
            assertEquals(null, ch.tryRecv(), "nothing left over");
            assertEquals(0, ch.queued(true) + ch.queued(false));
        }
    }

    /**
     * Close races with senders and receivers that are blocked or about to block (plain, timed and
     * select). Everyone must come back; every value accepted by a send is received exactly once.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("modes")
    void closeRacingBlockedCallers(Modes.Mode mode) {
        int rounds = Stress.scale(mode.manyTasks() ? 300 : 60);
        int tasks = mode.manyTasks() ? 12 : 6;
        for (int round = 0; round < rounds; round++) {
            Chan<Integer> ch = new Chan<>(round % 3);
            AtomicInteger accepted = new AtomicInteger();
            AtomicInteger received = new AtomicInteger();
            int closer = ThreadLocalRandom.current().nextInt(tasks);
            mode.runAll(tasks, i -> {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                if (i == closer) {
                    Stress.spin(random.nextLong(50_000));
                    ch.close();
                } else if (i % 2 == 0) {
                    try {
                        for (int k = 0; ; k++) {
                            boolean ok = switch (k % 3) {
                                case 0 -> {
                                    ch.send(k);
                                    yield true;
                                }
                                case 1 -> ch.send0(k, random.nextLong(10_000));
                                default -> Chan.select(-1, ch.sendCase(k)) == 0;
                            };
                            if (ok) {
                                accepted.incrementAndGet();
                            }
                        }
                    } catch (IllegalStateException closed) {
                        // expected: the only way out
                    }
                } else {
                    for (int k = 0; ; k++) {
                        Integer v;
                        if (k % 2 == 0) {
                            v = ch.recv();
                            if (v == null) {
                                break;
                            }
                        } else {
                            Chan.Case<Integer> c = ch.recvCase();
                            if (Select.select(new Chan.Case<?>[] {c}, random.nextLong(10_000)) < 0) {
                                continue;
                            }
                            if (!c.ok()) {
                                break;
                            }
                            v = c.value();
                        }
                        received.incrementAndGet();
                    }
                }
            });
            assertEquals(accepted.get(), received.get(), "round " + round);
            assertEquals(0, ch.queued(true) + ch.queued(false));
        }
    }
}
