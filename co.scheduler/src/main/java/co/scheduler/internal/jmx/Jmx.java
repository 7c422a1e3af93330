package co.scheduler.internal.jmx;

import co.api.RuntimeMetrics;
import co.api.SchedulerMetrics;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import javax.management.InstanceAlreadyExistsException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.StandardMBean;

/**
 * Registers a runtime's MXBeans in the platform MBean server and removes them again. Loaded only
 * when {@code java.management} is present (the caller checks first); its methods take and return
 * JDK-base types only, so that callers load without {@code java.management}.
 *
 * <p>Names: {@code co:type=Runtime} and {@code co:type=Scheduler,id=N} for the first runtime that
 * registers; a second runtime alive at the same time (tests make several) adds
 * {@code ,runtime=K} to its names.
 */
public final class Jmx {

    private Jmx() {
    }

    /**
     * Registers the MXBeans of one runtime.
     *
     * @param instance a number that tells this runtime apart from others in the process
     * @param schedulers how many schedulers it has
     * @param metrics takes a snapshot
     * @param stallThresholdMillis the watchdog threshold, 0 when off
     * @param dump writes the coroutine dump
     * @return a handle for {@link #unregister}
     * @throws JMException if registration fails
     */
    public static Object register(int instance, int schedulers, Supplier<RuntimeMetrics> metrics,
            long stallThresholdMillis, Supplier<String> dump) throws JMException {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        List<ObjectName> names = new ArrayList<>();
        try {
            try {
                register(server, names, "", schedulers, metrics, stallThresholdMillis, dump);
            } catch (InstanceAlreadyExistsException taken) {
                unregister(names);
                names.clear();
                register(server, names, ",runtime=" + instance, schedulers, metrics, stallThresholdMillis, dump);
            }
        } catch (JMException | RuntimeException e) {
            unregister(names);
            throw e;
        }
        return names;
    }

    private static void register(MBeanServer server, List<ObjectName> names, String suffix, int schedulers,
            Supplier<RuntimeMetrics> metrics, long stallThresholdMillis, Supplier<String> dump) throws JMException {
        ObjectName name = new ObjectName("co:type=Runtime" + suffix);
        server.registerMBean(new StandardMBean(new RuntimeBean(metrics, stallThresholdMillis, dump),
                CoRuntimeMXBean.class, true), name);
        names.add(name);
        for (int i = 0; i < schedulers; i++) {
            ObjectName n = new ObjectName("co:type=Scheduler" + suffix + ",id=" + i);
            server.registerMBean(new StandardMBean(new SchedulerBean(metrics, i), CoSchedulerMXBean.class, true), n);
            names.add(n);
        }
    }

    /**
     * Removes what {@link #register} registered; never throws.
     *
     * @param handle what {@link #register} returned
     */
    public static void unregister(Object handle) {
        if (!(handle instanceof List<?> names)) {
            return;
        }
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        for (Object n : names) {
            try {
                server.unregisterMBean((ObjectName) n);
            } catch (JMException | RuntimeException ignored) {
                // already gone
            }
        }
    }

    private record RuntimeBean(Supplier<RuntimeMetrics> metrics, long stallThresholdMillis, Supplier<String> dump)
            implements CoRuntimeMXBean {

        @Override
        public String getProvider() {
            return metrics.get().provider();
        }

        @Override
        public int getSchedulers() {
            return metrics.get().schedulers().size();
        }

        @Override
        public long getSpawned() {
            return metrics.get().spawned();
        }

        @Override
        public long getFinished() {
            return metrics.get().finished();
        }

        @Override
        public long getAlive() {
            return metrics.get().alive();
        }

        @Override
        public long getUncaughtExceptions() {
            return metrics.get().uncaught();
        }

        @Override
        public long getStalls() {
            return metrics.get().stalls();
        }

        @Override
        public long getStallThresholdMillis() {
            return stallThresholdMillis;
        }

        @Override
        public String dumpCoroutines() {
            return dump.get();
        }
    }

    private record SchedulerBean(Supplier<RuntimeMetrics> metrics, int id) implements CoSchedulerMXBean {

        private SchedulerMetrics now() {
            return metrics.get().schedulers().get(id);
        }

        @Override
        public int getId() {
            return id;
        }

        @Override
        public String getProvider() {
            return metrics.get().provider();
        }

        @Override
        public long getCoroutines() {
            return now().coroutines();
        }

        @Override
        public long getRunQueue() {
            return now().runQueue();
        }

        @Override
        public long getResumes() {
            return now().resumes();
        }

        @Override
        public long getIoWaiting() {
            return now().ioWaiting();
        }

        @Override
        public long getTimers() {
            return now().timers();
        }

        @Override
        public long getBusyMillis() {
            long n = now().busyNanos();
            return n < 0 ? -1 : n / 1_000_000L;
        }

        @Override
        public long getIdleMillis() {
            long n = now().idleNanos();
            return n < 0 ? -1 : n / 1_000_000L;
        }

        @Override
        public long getStalls() {
            return now().stalls();
        }
    }
}
