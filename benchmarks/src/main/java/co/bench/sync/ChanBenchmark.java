package co.bench.sync;

import co.sync.Chan;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.SynchronousQueue;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OperationsPerInvocation;

/**
 * {@link Chan} against {@link SynchronousQueue} and {@link ArrayBlockingQueue}.
 *
 * <ul>
 *   <li>ping-pong: two parties bounce a token over two unbuffered channels (ns per round trip,
 *       that is two hand-offs);</li>
 *   <li>throughput: one producer streams values through a 1024-slot buffer to one consumer (ns per
 *       value).</li>
 * </ul>
 * co cases run on the affine runtime, both parties on one scheduler ("SameScheduler") or on two;
 * the j.u.c. cases (and Chan, for reference) on JDK virtual threads.
 */
public class ChanBenchmark extends SyncBenchmarkBase {

    static final int ROUNDS = 20_000;
    static final int VALUES = 200_000;
    static final int BUFFER = 1024;
    private static final Integer TOKEN = 42;


    private Harness.Starter sameScheduler() {
        return Harness.sameScheduler(affine);
    }

    // ------------------------------------------------------------------ ping-pong

    static void pingPongChan(Harness.Starter starter, int rounds) throws Exception {
        Chan<Integer> ping = new Chan<>();
        Chan<Integer> pong = new Chan<>();
        Harness.run(starter, () -> {
            for (int i = 0; i < rounds; i++) {
                ping.send(TOKEN);
                pong.recv();
            }
        }, () -> {
            for (int i = 0; i < rounds; i++) {
                pong.send(ping.recv());
            }
        });
    }

    static void pingPongQueue(Harness.Starter starter, int rounds) throws Exception {
        BlockingQueue<Integer> ping = new SynchronousQueue<>();
        BlockingQueue<Integer> pong = new SynchronousQueue<>();
        Harness.run(starter, () -> {
            try {
                for (int i = 0; i < rounds; i++) {
                    ping.put(TOKEN);
                    pong.take();
                }
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }, () -> {
            try {
                for (int i = 0; i < rounds; i++) {
                    pong.put(ping.take());
                }
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @Benchmark
    @OperationsPerInvocation(ROUNDS)
    public void pingPongChanCoAffineSameScheduler() throws Exception {
        pingPongChan(sameScheduler(), ROUNDS);
    }

    @Benchmark
    @OperationsPerInvocation(ROUNDS)
    public void pingPongChanCoAffine() throws Exception {
        pingPongChan(Harness.on(affine), ROUNDS);
    }

    @Benchmark
    @OperationsPerInvocation(ROUNDS)
    public void pingPongChanJdkVirtual() throws Exception {
        pingPongChan(Harness.jdkVirtualThreads(), ROUNDS);
    }

    @Benchmark
    @OperationsPerInvocation(ROUNDS)
    public void pingPongSynchronousQueueJdkVirtual() throws Exception {
        pingPongQueue(Harness.jdkVirtualThreads(), ROUNDS);
    }

    // ------------------------------------------------------------------ throughput

    static void streamChan(Harness.Starter starter, int values) throws Exception {
        Chan<Integer> ch = new Chan<>(BUFFER);
        Harness.run(starter, () -> {
            for (int i = 0; i < values; i++) {
                ch.send(TOKEN);
            }
        }, () -> {
            for (int i = 0; i < values; i++) {
                ch.recv();
            }
        });
    }

    static void streamQueue(Harness.Starter starter, int values) throws Exception {
        BlockingQueue<Integer> queue = new ArrayBlockingQueue<>(BUFFER);
        Harness.run(starter, () -> {
            try {
                for (int i = 0; i < values; i++) {
                    queue.put(TOKEN);
                }
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }, () -> {
            try {
                for (int i = 0; i < values; i++) {
                    queue.take();
                }
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @Benchmark
    @OperationsPerInvocation(VALUES)
    public void throughputChanCoAffineSameScheduler() throws Exception {
        streamChan(sameScheduler(), VALUES);
    }

    @Benchmark
    @OperationsPerInvocation(VALUES)
    public void throughputChanCoAffine() throws Exception {
        streamChan(Harness.on(affine), VALUES);
    }

    @Benchmark
    @OperationsPerInvocation(VALUES)
    public void throughputChanJdkVirtual() throws Exception {
        streamChan(Harness.jdkVirtualThreads(), VALUES);
    }

    @Benchmark
    @OperationsPerInvocation(VALUES)
    public void throughputArrayBlockingQueueJdkVirtual() throws Exception {
        streamQueue(Harness.jdkVirtualThreads(), VALUES);
    }
}
