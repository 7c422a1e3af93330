package co.scheduler.internal;

import co.api.spi.CoRuntime;
import co.api.spi.Poller;
import co.api.spi.SchedulerProvider;

/** Provider {@value #NAME}: JDK virtual threads on the default scheduler; always available. */
public final class VirtualProvider implements SchedulerProvider {

    /** The provider's name. */
    public static final String NAME = "virtual";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int priority() {
        return PRIORITY_FALLBACK;
    }

    @Override
    public CoRuntime create(int schedulers) {
        return new VirtualRuntime(schedulers);
    }

    /** The shared poller: one daemon thread, started on first use, independent of any runtime. */
    @Override
    public Poller plainThreadPoller() {
        return SharedPoller.instance();
    }
}
