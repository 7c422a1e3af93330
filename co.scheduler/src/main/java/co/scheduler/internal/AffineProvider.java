package co.scheduler.internal;

import co.api.spi.CoRuntime;
import co.api.spi.SchedulerProvider;

/**
 * Provider {@value #NAME}: coroutines are virtual threads carried by co's own scheduling threads.
 * Available when {@code java.lang} is opened to this module.
 */
public final class AffineProvider implements SchedulerProvider {

    /** The provider's name. */
    public static final String NAME = "affine";

    /** Creates the provider; does no work. */
    public AffineProvider() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int priority() {
        return PRIORITY_DEFAULT;
    }

    @Override
    public boolean isAvailable() {
        return CarrierThreads.available();
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
}
