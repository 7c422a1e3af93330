package co.bench.sched;

import co.api.spi.CoRuntime;
import co.api.spi.SchedulerProvider;
import java.util.ServiceLoader;

/** Makes a co runtime of a named provider for a benchmark. */
final class Runtimes {

    private Runtimes() {
    }

    static CoRuntime create(String name, int schedulers) {
        for (SchedulerProvider p : ServiceLoader.load(SchedulerProvider.class)) {
            if (p.name().equals(name)) {
                if (!p.isAvailable()) {
                    throw new IllegalStateException(name + " unavailable", p.unavailabilityCause());
                }
                return p.create(schedulers);
            }
        }
        throw new IllegalStateException("no provider " + name);
    }
}
