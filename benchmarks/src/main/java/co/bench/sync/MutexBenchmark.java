package co.bench.sync;

import co.sync.Mutex;
import java.util.Arrays;
import java.util.concurrent.locks.ReentrantLock;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OperationsPerInvocation;

/**
 * {@link Mutex} against {@link ReentrantLock}, uncontended (one caller) and contended (four
 * coroutines or virtual threads incrementing one counter). Contended cases report ns per
 * lock/unlock pair across all parties. {@code Mutex} hands the lock to the longest waiter (no
 * barging), so the like-for-like j.u.c. lock under contention is {@code new ReentrantLock(true)};
 * the default, barging {@code ReentrantLock} is measured too.
 */
public class MutexBenchmark extends SyncBenchmarkBase {

    static final int PARTIES = 4;
    static final int PER_PARTY = 100_000;

    private final Mutex mutex = new Mutex();
    private final ReentrantLock reentrantLock = new ReentrantLock();
    private final ReentrantLock fairLock = new ReentrantLock(true);
    private long counter;

    @Benchmark
    public long uncontendedMutex() {
        mutex.lock();
        try {
            return ++counter;
        } finally {
            mutex.unlock();
        }
    }

    @Benchmark
    public long uncontendedReentrantLock() {
        reentrantLock.lock();
        try {
            return ++counter;
        } finally {
            reentrantLock.unlock();
        }
    }

    /**
     * Runs {@link #PARTIES} parties that each take the lock {@code perParty} times to increment one
     * shared counter, and checks the count: a lock that let two parties in at once would lose
     * increments.
     */
    static void contended(Harness.Starter starter, Runnable lock, Runnable unlock, int perParty)
            throws Exception {
        long[] counter = new long[1];
        Runnable party = () -> {
            for (int i = 0; i < perParty; i++) {
                lock.run();
                try {
                    counter[0]++;
                } finally {
                    unlock.run();
                }
            }
        };
        Runnable[] parties = new Runnable[PARTIES];
        Arrays.fill(parties, party);
        Harness.run(starter, parties);
        lock.run();
        try {
            if (counter[0] != (long) PARTIES * perParty) {
                throw new IllegalStateException("lost increments: " + counter[0]);
            }
        } finally {
            unlock.run();
        }
    }

    @Benchmark
    @OperationsPerInvocation(PARTIES * PER_PARTY)
    public void contendedMutexCoAffine() throws Exception {
        contended(Harness.on(affine), mutex::lock, mutex::unlock, PER_PARTY);
    }

    @Benchmark
    @OperationsPerInvocation(PARTIES * PER_PARTY)
    public void contendedMutexJdkVirtual() throws Exception {
        contended(Harness.jdkVirtualThreads(), mutex::lock, mutex::unlock, PER_PARTY);
    }

    @Benchmark
    @OperationsPerInvocation(PARTIES * PER_PARTY)
    public void contendedReentrantLockJdkVirtual() throws Exception {
        contended(Harness.jdkVirtualThreads(), reentrantLock::lock, reentrantLock::unlock, PER_PARTY);
    }

    @Benchmark
    @OperationsPerInvocation(PARTIES * PER_PARTY)
    public void contendedFairReentrantLockJdkVirtual() throws Exception {
        contended(Harness.jdkVirtualThreads(), fairLock::lock, fairLock::unlock, PER_PARTY);
    }
}
