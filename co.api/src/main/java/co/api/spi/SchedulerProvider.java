package co.api.spi;

/**
 * Makes {@link CoRuntime}s; found with {@link java.util.ServiceLoader}. {@link co.api.Co} picks the
 * provider named by the system property {@code co.scheduler}; without it, the available provider
 * with the highest {@link #priority()}.
 *
 * <p>Implementations must have a public no-argument constructor and be cheap to construct; all
 * work happens in {@link #create}. Thread safety: all methods may be called from any thread.
 */
public interface SchedulerProvider {

    /**
     * Returns the name users select this provider by, for example {@code "affine"}.
     *
     * @return a short lower-case name
     */
    String name();

    /**
     * Returns the preference among available providers; the highest wins.
     *
     * @return the priority
     */
    int priority();

    /**
     * Tells whether this provider can create a runtime in this JVM.
     *
     * @return true if {@link #create} will work
     */
    boolean isAvailable();

    /**
     * Says why this provider is unavailable.
     *
     * @return the cause, or null when {@link #isAvailable()} is true
     */
    Throwable unavailabilityCause();

    /**
     * Creates and starts a runtime with {@code schedulers} scheduling threads.
     *
     * @param schedulers the number of schedulers, at least 1
     * @return the running runtime
     * @throws IllegalStateException if the provider is unavailable
     * @throws IllegalArgumentException if {@code schedulers < 1}
     */
    CoRuntime create(int schedulers);
}
