package co.scheduler.internal;

import co.api.spi.CoRuntime;
import co.api.spi.SchedulerProvider;

/** Provider {@value #NAME}: JDK virtual threads on the default scheduler; always available. */
public final class VirtualProvider implements SchedulerProvider {

    /** The provider's name. */
    public static final String NAME = "virtual";

    /** Creates the provider; does no work. */
    public VirtualProvider() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int priority() {
        return PRIORITY_FALLBACK;
    }

    @Override
    public boolean isAvailable() {
        return true;
    }

    @Override
    public Throwable unavailabilityCause() {
        return null;
    }

    @Override
    public CoRuntime create(int schedulers) {
        return new VirtualRuntime(schedulers);
    }
}
