package co.scheduler.internal;

import co.api.spi.CoRuntime;
import co.api.spi.NamedProvider;
import co.api.spi.Poller;
import co.api.spi.SchedulerProvider;

/**
 * Provider {@value #NAME}: coroutines are virtual threads carried by co's own scheduling threads.
 * Available when {@code java.lang} is opened to this module.
 */
public final class AffineProvider extends NamedProvider implements SchedulerProvider {

    /** The provider's name. */
    public static final String NAME = "affine";

    /** Creates the provider; cheap, the availability check runs on first ask. */
    public AffineProvider() {
        super(NAME, PRIORITY_DEFAULT);
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
