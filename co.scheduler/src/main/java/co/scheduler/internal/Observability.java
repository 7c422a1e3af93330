package co.scheduler.internal;

import co.api.CoroutineInfo;
import co.api.RuntimeMetrics;
import co.api.spi.Introspectable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The observability a runtime starts and stops with it: the stall watchdog (affine only) and the
 * JMX MXBeans ({@code co:type=Runtime}, {@code co:type=Scheduler,id=N}) when {@code java.management}
 * is present. {@link #start} registers, {@link #stop} unregisters; both are called once.
 */
final class Observability {

    private static final System.Logger LOG = System.getLogger("co");
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private final StallWatchdog watchdog;
    private final Object mbeans;

    private Observability(StallWatchdog watchdog, Object mbeans) {
        this.watchdog = watchdog;
        this.mbeans = mbeans;
    }

    /**
     * Starts the watchdog over {@code schedulers} (none when null) and registers the runtime's MXBeans.
     *
     * @param runtime the runtime
     * @param schedulerCount how many schedulers it has
     * @param schedulers its affine schedulers, or null for a provider without a watchdog
     * @param watchdogName the watchdog thread's name
     */
    static Observability start(Introspectable runtime, int schedulerCount, AffineScheduler[] schedulers,
            String watchdogName) {
        JfrGate.install();
        StallWatchdog watchdog = schedulers == null ? null : StallWatchdog.start(schedulers, watchdogName);
        Object mbeans = null;
        if (OptionalModules.MANAGEMENT) {
            try {
                mbeans = co.scheduler.internal.jmx.Jmx.register(INSTANCES.incrementAndGet(), schedulerCount,
                        runtime::metrics, watchdog == null ? 0 : watchdog.thresholdMillis(), () -> dump(runtime));
            } catch (Exception | LinkageError e) {
                LOG.log(Level.WARNING, "co: cannot register the JMX MXBeans; metrics stay readable with Co.metrics()", e);
            }
        }
        return new Observability(watchdog, mbeans);
    }

    /** The watchdog, or null when off. */
    StallWatchdog watchdog() {
        return watchdog;
    }

    /** Stops the watchdog and unregisters the MXBeans. Any thread; never throws. */
    void stop() {
        if (watchdog != null) {
            watchdog.stop();
        }
        if (mbeans != null) {
            co.scheduler.internal.jmx.Jmx.unregister(mbeans);
        }
    }

    /** The coroutine dump as text. */
    static String dump(Introspectable runtime) {
        RuntimeMetrics m = runtime.metrics();
        List<CoroutineInfo> all = runtime.coroutines();
        StringBuilder b = new StringBuilder();
        b.append("co coroutine dump: provider ").append(m.provider()).append(", ").append(all.size())
                .append(" coroutines\n\n");
        try {
            for (CoroutineInfo c : all) {
                c.appendTo(b);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringBuilder does not fail
        }
        return b.toString();
    }
}
