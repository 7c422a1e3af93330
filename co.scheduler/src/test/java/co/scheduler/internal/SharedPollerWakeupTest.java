package co.scheduler.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import co.api.spi.Poller;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.channels.SelectionKey;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A waiter whose channel the shared poller already watches for its operations does not wake the
 * poller's selector (a system call, and a selection, per wait); readiness that comes while it
 * waits still reaches it.
 */
class SharedPollerWakeupTest {

    private static final int ROUNDS = 200;

    /**
     * Ping-pong over two pipes: a virtual thread waits on the shared poller for each ping and
     * answers it with a pong that this (plain) thread waits for in a blocking read. The returned
     * future completes when the virtual thread has answered {@code rounds} pings. With
     * {@code untilIdle} the virtual thread starts each wait only once the poller is idle, when a
     * wait that needs the selector's attention has to wake it.
     */
    private static CompletableFuture<Void> answerPings(Poller poller, Pipe ping, Pipe pong, int rounds,
            boolean untilIdle) {
        return answerPings(poller, ping, pong, rounds, untilIdle, new Thread[1]);
    }

    /** As above; {@code thread[0]} is set to the virtual thread. */
    private static CompletableFuture<Void> answerPings(Poller poller, Pipe ping, Pipe pong, int rounds,
            boolean untilIdle, Thread[] thread) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        thread[0] = Thread.ofVirtual().unstarted(() -> {
            try {
                ByteBuffer in = ByteBuffer.allocate(1);
                SharedPoller self = SharedPoller.forCaller();
                for (int i = 0; i < rounds; i++) {
                    in.clear();
                    while (ping.source().read(in) == 0) {
                        if (untilIdle) {
                            // Wait as a busy server's reader does: with the poller selecting.
                            while (!self.isIdle()) {
                                Thread.yield();
                            }
                        }
                        if (!poller.await(ping.source(), SelectionKey.OP_READ, 20_000)) {
                            throw new AssertionError("ping " + i + " not seen in 20 s");
                        }
                    }
                    pong.sink().write(ByteBuffer.wrap(new byte[] {(byte) i}));
                }
                done.complete(null);
            } catch (Throwable t) {
                done.completeExceptionally(t);
            }
        });
        thread[0].start();
        return done;
    }

    private static void ping(Pipe ping, Pipe pong, int i) throws Exception {
        assertEquals(1, ping.sink().write(ByteBuffer.wrap(new byte[] {(byte) i})));
        ByteBuffer back = ByteBuffer.allocate(1);
        assertEquals(1, pong.source().read(back));
        assertEquals((byte) i, back.get(0));
    }

    private static Pipe[] pipes() throws Exception {
        Pipe ping = Pipe.open();
        ping.source().configureBlocking(false);
        return new Pipe[] {ping, Pipe.open()};
    }

    private static void close(Pipe... pipes) throws Exception {
        for (Pipe p : pipes) {
            p.source().close();
            p.sink().close();
        }
    }

    @Test
    @Timeout(60)
    void aWaiterOnAWatchedChannelDoesNotWakeTheSelector() throws Exception {
        Poller poller = SharedPoller.instance();
        Pipe[] p = pipes();
        try {
            Thread[] reader = new Thread[1];
            CompletableFuture<Void> done = answerPings(poller, p[0], p[1], ROUNDS + 1, true, reader);
            ping(p[0], p[1], 0);          // the first wait registers the channel: one wake-up
            long before = SharedPoller.WAKEUPS.sum();
            for (int i = 1; i <= ROUNDS; i++) {
                // Ping only once the reader waits (parked in await, which it entered with the
                // poller idle): so every one of these waits had the choice to wake the selector.
                while (reader[0].getState() != Thread.State.TIMED_WAITING) {
                    assertTrue(!done.isDone(), "the reader ended early");
                    Thread.onSpinWait();
                }
                ping(p[0], p[1], i);
            }
            done.get(20, TimeUnit.SECONDS);
            long wakeups = SharedPoller.WAKEUPS.sum() - before;
            // Each round's wait finds the read interest kept from the last one. A wait may still
            // wake the selector when the poller dropped the interest (a ping read before the wait
            // left the channel readable and unwatched twice), which a busy machine makes rare, not
            // impossible; waking on every wait would count about ROUNDS.
            assertTrue(wakeups <= ROUNDS / 4, wakeups + " selector wake-ups for " + ROUNDS + " waits");
        } finally {
            close(p);
        }
    }

    @Test
    @Timeout(120)
    void manyWaitersOnWatchedChannelsAreAllWoken() throws Exception {
        // Several ping-pongs at once: a lost readiness (a waiter that skipped the wake-up while
        // the poller dropped its interest) would leave one waiting, and its await fail after 20 s.
        Poller poller = SharedPoller.instance();
        int pairs = 8;
        int rounds = 300;
        List<Pipe[]> all = new ArrayList<>();
        try {
            List<CompletableFuture<Void>> answers = new ArrayList<>();
            List<CompletableFuture<Void>> askers = new ArrayList<>();
            for (int k = 0; k < pairs; k++) {
                Pipe[] p = pipes();
                all.add(p);
                answers.add(answerPings(poller, p[0], p[1], rounds, false));
                askers.add(CompletableFuture.runAsync(() -> {
                    try {
                        for (int i = 0; i < rounds; i++) {
                            ping(p[0], p[1], i);
                        }
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                }, r -> Thread.ofPlatform().daemon().start(r)));
            }
            for (int k = 0; k < pairs; k++) {
                answers.get(k).get(100, TimeUnit.SECONDS);
                askers.get(k).get(100, TimeUnit.SECONDS);
            }
        } finally {
            for (Pipe[] p : all) {
                close(p);
            }
        }
    }
}
