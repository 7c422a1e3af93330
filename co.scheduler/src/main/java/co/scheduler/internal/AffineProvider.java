package co.scheduler.internal;

import co.api.spi.CoRuntime;
import co.api.spi.Poller;
import co.api.spi.SchedulerProvider;

/**
 * Provider {@value #NAME}: coroutines are virtual threads carried by co's own scheduling threads.
 * Available when {@code java.lang} is opened to this module.
 */
public final class AffineProvider implements SchedulerProvider {

    /** The provider's name. */
    public static final String NAME = "affine";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int priority() {
        return PRIORITY_DEFAULT;
    }

    @Override
    public Throwable unavailabilityCause() {
        return CarrierThreads.unavailabilityCause();
    }

    @Override
    public CoRuntime create(int schedulers) {
        requireAvailable();
        return new AffineRuntime(schedulers);
    }

    /** The shared poller: one daemon thread, started on first use, independent of any runtime. */
    @Override
    public Poller plainThreadPoller() {
        return SharedPoller.instance();
    }
}
