package co.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import co.api.Co;
import co.api.CoroutineInfo;
import co.api.Sock;
import co.api.spi.CoRuntime;
import co.api.spi.Introspectable;
import co.api.spi.SchedulerProvider;
import co.sync.Chan;
import co.sync.Mutex;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 14: the coroutine dump names a coroutine blocked in a socket {@code recv} (with the socket
 * and the deadline) and one blocked in {@code Chan.recv}, as Go's goroutine dump would; across
 * modules (scheduler, nio transport, co.sync), which is why it lives here.
 */
@Timeout(60)
class CoroutineDumpTest {

    private static CoRuntime affine(int n) {
        for (SchedulerProvider p : ServiceLoader.load(SchedulerProvider.class)) {
            if (p.name().equals("affine")) {
                return p.create(n);
            }
        }
        throw new AssertionError("no affine provider");
    }

    private static CoroutineInfo find(List<CoroutineInfo> all, long id) {
        return all.stream().filter(c -> c.id() == id).findFirst()
                .orElseThrow(() -> new AssertionError("coroutine " + id + " not in the dump: " + all));
    }

    @Test
    void theDumpNamesACoroutineBlockedInRecvAndOneInChanRecv() throws Exception {
        CoRuntime rt = affine(2);
        Chan<Integer> chan = new Chan<>();
        Mutex mutex = new Mutex();
        CompletableFuture<Sock> serverSide = new CompletableFuture<>();
        CompletableFuture<Sock> clientSide = new CompletableFuture<>();
        CompletableFuture<Long> reader = new CompletableFuture<>();
        CompletableFuture<Long> chanReader = new CompletableFuture<>();
        CompletableFuture<Long> locker = new CompletableFuture<>();
        CompletableFuture<Integer> received = new CompletableFuture<>();
        CompletableFuture<Integer> got = new CompletableFuture<>();
        try {
            rt.schedulers().get(0).go(() -> {
                Sock listener = Co.tcpSocket();
                listener.bind(new InetSocketAddress("127.0.0.1", 0));
                listener.listen();
                InetSocketAddress at = (InetSocketAddress) listener.localAddress();
                rt.schedulers().get(1).go(() -> {
                    Sock c = Co.tcpSocket();
                    if (c.connect(at, 5_000) == 0) {
                        clientSide.complete(c);
                    } else {
                        clientSide.completeExceptionally(new AssertionError("connect: " + Co.strerror()));
                    }
                });
                Sock s = listener.accept(5_000);
                listener.close();
                serverSide.complete(s);
                reader.complete(Co.coroutineId());
                received.complete(s.recv(ByteBuffer.allocate(16), 30_000)); // blocks: nobody sends yet
            });
            rt.schedulers().get(1).go(() -> {
                chanReader.complete(Co.coroutineId());
                got.complete(chan.recv()); // blocks: nobody sends yet
            });
            mutex.lock();
            rt.schedulers().get(1).go(() -> {
                locker.complete(Co.coroutineId());
                mutex.lock(); // blocks: the test holds it
                mutex.unlock();
            });
            long readerId = reader.get(20, TimeUnit.SECONDS);
            long chanReaderId = chanReader.get(20, TimeUnit.SECONDS);
            long lockerId = locker.get(20, TimeUnit.SECONDS);
            Sock server = serverSide.get(20, TimeUnit.SECONDS);
            Sock client = clientSide.get(20, TimeUnit.SECONDS);

            List<CoroutineInfo> all = ((Introspectable) rt).coroutines();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            // The three reach their parks a moment after announcing their ids.
            while (!(find(all, readerId).state() == CoroutineInfo.State.WAITING
                    && find(all, chanReaderId).state() == CoroutineInfo.State.WAITING
                    && find(all, lockerId).state() == CoroutineInfo.State.WAITING)) {
                assertTrue(System.nanoTime() - deadline < 0, "not all parked: " + all);
                Thread.sleep(10);
                all = ((Introspectable) rt).coroutines();
            }

            CoroutineInfo recv = find(all, readerId);
            assertEquals(0, recv.schedulerId());
            String local = Co.toString(server.localAddress());
            String peer = Co.toString(client.localAddress());
            assertTrue(recv.waitingOn().startsWith("recv on socket " + local + " (peer " + peer + "), deadline in "),
                    recv.waitingOn());
            assertTrue(recv.waitingNanos() >= 0, recv.toString());
            assertTrue(recv.stack().stream().anyMatch(f -> f.getMethodName().equals("recv")), recv.toString());

            CoroutineInfo chanRecv = find(all, chanReaderId);
            assertEquals(1, chanRecv.schedulerId());
            assertEquals("Chan.recv", chanRecv.waitingOn());
            // Untimed co.sync waits say how long too (their waiter records when it parked).
            assertTrue(chanRecv.waitingNanos() >= 0, chanRecv.toString());

            assertEquals("Mutex.lock", find(all, lockerId).waitingOn());
            assertTrue(find(all, lockerId).waitingNanos() >= 0, find(all, lockerId).toString());

            StringBuilder text = new StringBuilder();
            for (CoroutineInfo c : all) {
                c.appendTo(text);
            }
            String dump = text.toString();
            assertTrue(dump.contains("coroutine " + readerId + " [waiting: recv on socket " + local), dump);
            assertTrue(dump.matches("(?s).*coroutine " + chanReaderId + " \\[waiting: Chan.recv, \\d+ ms\\] scheduler 1.*"), dump);

            // Let them all finish: the dump changed nothing.
            mutex.unlock();
            chan.send(7);
            assertEquals(7, got.get(20, TimeUnit.SECONDS));
            CompletableFuture<Integer> sent = new CompletableFuture<>();
            rt.schedulers().get(1).go(() -> sent.complete(client.send(ByteBuffer.wrap(new byte[] {1, 2, 3}), 5_000)));
            assertEquals(3, sent.get(20, TimeUnit.SECONDS));
            assertEquals(3, received.get(20, TimeUnit.SECONDS));
            CompletableFuture<Void> closed = new CompletableFuture<>();
            rt.schedulers().get(0).go(() -> {
                server.close();
                client.close();
                closed.complete(null);
            });
            closed.get(20, TimeUnit.SECONDS);
        } finally {
            rt.stop();
        }
    }
}
