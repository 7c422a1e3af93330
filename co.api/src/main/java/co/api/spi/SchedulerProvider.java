package co.api.spi;

/**
 * Makes {@link CoRuntime}s; found with {@link java.util.ServiceLoader}. {@link co.api.Co} picks the
 * provider named by the system property {@code co.scheduler}; without it, the available provider
 * with the highest {@link #priority()} (the rule is {@link Provider}'s).
 * {@link CoRuntime#create(String, int)} makes a runtime of a provider named in code.
 *
 * <p>Implementations must have a public no-argument constructor and be cheap to construct; all
 * work happens in {@link #create}. Thread safety: all methods may be called from any thread.
 */
public interface SchedulerProvider extends Provider {

    /**
     * Creates and starts a runtime with {@code schedulers} scheduling threads.
     *
     * @param schedulers the number of schedulers, at least 1
     * @return the running runtime
     * @throws IllegalStateException if the provider is unavailable
     * @throws IllegalArgumentException if {@code schedulers < 1}
     */
    CoRuntime create(int schedulers);

    /**
     * Returns the poller with which plain threads (threads that are no coroutine of any runtime)
     * wait for channel readiness. It must work without any runtime: before the first one is made
     * and after every one has stopped. The same poller a runtime of this provider gives its plain
     * threads from {@link CoRuntime#poller()}.
     *
     * <p>The default returns null, and co then asks the process-wide runtime (creating it if need
     * be), as before this method existed; a provider that has a runtime-independent poller should
     * return it.
     *
     * @return the poller, or null if this provider has none apart from its runtimes
     */
    default Poller plainThreadPoller() {
        return null;
    }
}
