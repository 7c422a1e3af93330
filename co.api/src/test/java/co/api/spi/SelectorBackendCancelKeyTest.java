package co.api.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link SelectorBackend#cancelKey}: only the selector's own thread cancels its keys (see
 * {@link Poller#cancelKey} for the deadlock this prevents), a request from another thread waits for
 * that thread's next selection and wakes a blocked one, and a closed backend runs requests at once.
 */
@Timeout(20)
class SelectorBackendCancelKeyTest {

    /** A host whose scheduling thread is the thread that created it. */
    private static final class ThisThread implements IoHost {
        private final Thread thread = Thread.currentThread();

        @Override
        public int id() {
            return 0;
        }

        @Override
        public boolean isHostThread() {
            return Thread.currentThread() == thread;
        }

        @Override
        public void addTimer(IoTimer timer) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void removeTimer(IoTimer timer) {
            throw new UnsupportedOperationException();
        }
    }

    private static ServerSocketChannel listening() throws Exception {
        ServerSocketChannel ch = ServerSocketChannel.open();
        ch.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        ch.configureBlocking(false);
        return ch;
    }

    @Test
    void onItsOwnThreadTheKeyIsCancelledAtOnce() throws Exception {
        SelectorBackend b = new SelectorBackend(new ThisThread());
        try (ServerSocketChannel ch = listening()) {
            SelectionKey key = ch.register(b.selector(), SelectionKey.OP_ACCEPT);
            AtomicInteger done = new AtomicInteger();
            b.cancelKey(ch, done::incrementAndGet);
            assertFalse(key.isValid());
            assertEquals(1, done.get());
        } finally {
            b.close();
        }
    }

    @Test
    void fromAnotherThreadTheKeyIsCancelledByTheOwnersNextSelection() throws Exception {
        SelectorBackend b = new SelectorBackend(new ThisThread());
        try (ServerSocketChannel ch = listening()) {
            SelectionKey key = ch.register(b.selector(), SelectionKey.OP_ACCEPT);
            AtomicReference<Thread> ranOn = new AtomicReference<>();
            Thread other = Thread.ofVirtual().start(() -> b.cancelKey(ch, () -> ranOn.set(Thread.currentThread())));
            other.join();
            // The other thread only queued it: the key is still valid, nothing ran.
            assertTrue(key.isValid());
            assertEquals(null, ranOn.get());
            b.pollNow();
            assertFalse(key.isValid());
            assertSame(Thread.currentThread(), ranOn.get());
        } finally {
            b.close();
        }
    }

    @Test
    void aRequestWakesABlockedSelectionWhichThenCancels() throws Exception {
        SelectorBackend b = new SelectorBackend(new ThisThread());
        try (ServerSocketChannel ch = listening()) {
            SelectionKey key = ch.register(b.selector(), SelectionKey.OP_ACCEPT);
            CompletableFuture<Thread> ranOn = new CompletableFuture<>();
            Thread owner = Thread.currentThread();
            Thread other = Thread.ofPlatform().start(() -> {
                // Once the owner is inside its blocking selection (its stack says so), ask.
                while (!blockedInSelect(owner)) {
                    Thread.onSpinWait();
                }
                b.cancelKey(ch, () -> ranOn.complete(Thread.currentThread()));
            });
            b.poll(10_000);               // would block 10 s unless the request wakes it
            assertFalse(key.isValid());
            assertSame(Thread.currentThread(), ranOn.get(1, TimeUnit.SECONDS));
            other.join();
        } finally {
            b.close();
        }
    }

    private static boolean blockedInSelect(Thread t) {
        for (StackTraceElement e : t.getStackTrace()) {
            if (e.getMethodName().equals("doSelect")) {
                return true;
            }
        }
        return false;
    }

    @Test
    void aClosedBackendRunsQueuedAndLaterRequestsOnTheirCallersThread() throws Exception {
        SelectorBackend b = new SelectorBackend(new ThisThread());
        try (ServerSocketChannel ch = listening(); ServerSocketChannel ch2 = listening()) {
            ch.register(b.selector(), SelectionKey.OP_ACCEPT);
            AtomicInteger done = new AtomicInteger();
            Thread queued = Thread.ofPlatform().start(() -> b.cancelKey(ch, done::incrementAndGet));
            queued.join();
            assertEquals(0, done.get());
            b.close();                    // the owner goes away: what it queued still runs
            assertEquals(1, done.get());
            AtomicReference<Thread> ranOn = new AtomicReference<>();
            Thread later = Thread.ofPlatform().start(() -> b.cancelKey(ch2, () -> ranOn.set(Thread.currentThread())));
            later.join();
            assertNotNull(ranOn.get());
            assertSame(later, ranOn.get());
        }
    }
}
