package co.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import co.api.Co;
import co.api.CoroutineInfo;
import co.api.Sock;
import co.api.spi.CoRuntime;
import co.api.spi.Introspectable;
import co.sync.Chan;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 15 §4: a coroutine stays a coroutine for co after user code replaces its thread's
 * uncaught-exception handler (which is where the scheduler keeps the coroutine's context): its
 * scheduler and id, a sleep, a {@code Chan} wait and a socket wait behave as in any coroutine, and
 * the coroutine dump lists it; what escapes it reaches the user's handler and co still counts it.
 * On both scheduler providers.
 */
@Timeout(60)
class CoroutineIdentityTest {

    /** What the coroutine saw, checked on the test thread. */
    record Seen(long idBefore, long idAfter, int schedulerId, long slept, int chanValue, int recvd) {
    }

    @ParameterizedTest
    @ValueSource(strings = {"affine", "virtual"})
    void aCoroutineThatReplacesItsUncaughtExceptionHandlerStaysACoroutine(String provider) throws Exception {
        CoRuntime rt = CoRuntime.create(provider, 2);
        CompletableFuture<Seen> seen = new CompletableFuture<>();
        CompletableFuture<Throwable> handled = new CompletableFuture<>();
        CompletableFuture<Long> parkedId = new CompletableFuture<>();
        Chan<Integer> chan = new Chan<>();
        RuntimeException boom = new RuntimeException("boom from a coroutine with its own handler");
        try {
            long uncaughtBefore = ((Introspectable) rt).metrics().uncaught();
            rt.schedulers().get(1).go(() -> {
                try {
                    long before = Co.coroutineId();
                    Thread.currentThread().setUncaughtExceptionHandler((t, e) -> handled.complete(e));
                    long after = Co.coroutineId();
                    int sid = Co.schedulerId();
                    long t0 = System.nanoTime();
                    Co.sleep(20);
                    long slept = System.nanoTime() - t0;
                    // A Chan wait: the sender runs only once this coroutine parks (same scheduler on affine).
                    Co.scheduler().go(() -> chan.send(7));
                    int v = chan.recv();
                    // A socket wait with a deadline that expires: ETIMEDOUT through the coroutine's context.
                    Sock listener = Co.tcpSocket();
                    listener.bind(new InetSocketAddress("127.0.0.1", 0));
                    listener.listen();
                    InetSocketAddress at = (InetSocketAddress) listener.localAddress();
                    Sock client = Co.tcpSocket();
                    client.connect(at, 5_000);
                    Sock server = listener.accept(5_000);
                    parkedId.complete(after);
                    int r = server.recv(ByteBuffer.allocate(8), 200);
                    boolean timedOut = Co.timeout();
                    server.close();
                    client.close();
                    listener.close();
                    seen.complete(new Seen(before, after, sid, slept, v, timedOut ? r : Integer.MIN_VALUE));
                } catch (Throwable e) {
                    seen.completeExceptionally(e);
                    return;
                }
                throw boom;
            });
            long id = parkedId.get(20, TimeUnit.SECONDS);
            // While it waits in recv, the dump lists it as that coroutine, on scheduler 1.
            CoroutineInfo info = ((Introspectable) rt).coroutines().stream().filter(c -> c.id() == id).findFirst()
                    .orElseThrow(() -> new AssertionError("coroutine " + id + " not in the dump"));
            assertEquals(1, info.schedulerId());

            Seen s = seen.get(20, TimeUnit.SECONDS);
            assertEquals(s.idBefore(), s.idAfter(), "coroutine id changed with the handler");
            assertTrue(s.idAfter() >= 0);
            assertEquals(1, s.schedulerId());
            assertEquals(1, s.idAfter() % rt.schedulers().size());
            assertTrue(s.slept() >= TimeUnit.MILLISECONDS.toNanos(15), "sleep returned early: " + s.slept());
            assertEquals(7, s.chanValue());
            assertEquals(-1, s.recvd(), "recv did not time out as a coroutine's recv");

            assertSame(boom, handled.get(20, TimeUnit.SECONDS), "the user's handler did not get the exception");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (((Introspectable) rt).metrics().uncaught() == uncaughtBefore) {
                assertTrue(System.nanoTime() - deadline < 0, "co did not count the uncaught exception");
                Thread.sleep(5);
            }
            assertEquals(uncaughtBefore + 1, ((Introspectable) rt).metrics().uncaught());
        } finally {
            rt.stop();
        }
    }
}
