package co.bench.sched;

import co.api.spi.CoRuntime;

/** Makes a co runtime of a named provider for a benchmark. */
final class Runtimes {

    private Runtimes() {
    }

    static CoRuntime create(String name, int schedulers) {
        return CoRuntime.create(name, schedulers);
    }
}
