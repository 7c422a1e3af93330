package co.scheduler.internal;

import co.api.CoroutineInfo;
import co.api.RuntimeMetrics;
import co.api.Scheduler;
import co.api.spi.CoContext;
import co.api.spi.CoRuntime;
import co.api.spi.Introspectable;
import co.api.spi.Poller;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The virtual runtime: coroutines are plain JDK virtual threads on the JDK's default scheduler.
 * Scheduler ids are logical: assigned round-robin at {@code go} and kept by each coroutine, so
 * {@code Co.schedulerId()} and coroutine ids keep their meaning, but two coroutines of one logical
 * scheduler may run in parallel. Thread-safe.
 */
final class VirtualRuntime implements CoRuntime, Introspectable {

    private final List<Scheduler> schedulers;
    private final AtomicInteger next = new AtomicInteger();
    private final ThreadFactory factory = Thread.ofVirtual().factory();
    private volatile boolean stopped;
    private final Observability observability;
    /** Per logical scheduler: its live coroutines (for metrics and the coroutine dump). */
    private final Coroutines[] live;

    VirtualRuntime(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("co: need at least one scheduler: " + n);
        }
        List<Scheduler> list = new ArrayList<>(n);
        live = new Coroutines[n];
        for (int i = 0; i < n; i++) {
            live[i] = new Coroutines(true, "coroutine@virtual-scheduler-" + i);
            list.add(new Logical(i, n));
        }
        schedulers = List.copyOf(list);
        observability = Observability.start(this, n, null, null);
    }

    @Override
    public RuntimeMetrics metrics() {
        return VirtualIntrospection.metrics(name(), live);
    }

    @Override
    public List<CoroutineInfo> coroutines() {
        return VirtualIntrospection.coroutines(live);
    }

    /** One logical scheduler: an id and a coroutine-id sequence. */
    private final class Logical implements Scheduler {
        private final int id;
        private final int count;
        private final AtomicLong sequence = new AtomicLong();

        Logical(int id, int count) {
            this.id = id;
            this.count = count;
        }

        @Override
        public int id() {
            return id;
        }

        @Override
        public void go(Runnable task) {
            Coroutine.go(factory, VirtualRuntime.this, this, sequence, count, task, live[id]);
        }
    }

    @Override
    public String name() {
        return VirtualProvider.NAME;
    }

    @Override
    public boolean affine() {
        return false;
    }

    @Override
    public List<Scheduler> schedulers() {
        return schedulers;
    }

    @Override
    public Scheduler nextScheduler() {
        int n = schedulers.size();
        return n == 1 ? schedulers.get(0) : schedulers.get((next.getAndIncrement() & Integer.MAX_VALUE) % n);
    }

    @Override
    public void sleep(long ms) {
        if (CoContext.current().runtime() != this) {
            throw new IllegalStateException("co: sleep on a runtime must be called in one of its coroutines");
        }
        try {
            if (ms <= 0) {
                Thread.yield();
            } else {
                Thread.sleep(ms);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public Poller poller() {
        return SharedPoller.instance();
    }

    /** Refuses new coroutines; running ones go on until they finish (virtual threads cannot be stopped). */
    @Override
    public void stop() {
        stopped = true;
        observability.stop();
    }

    @Override
    public boolean isStopped() {
        return stopped;
    }
}
