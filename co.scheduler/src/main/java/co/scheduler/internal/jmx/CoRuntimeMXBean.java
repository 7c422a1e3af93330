package co.scheduler.internal.jmx;

/**
 * A co runtime over JMX: {@code co:type=Runtime}. Each read takes a fresh
 * {@link co.api.RuntimeMetrics} snapshot; see there (and {@code docs/observability.md}) for what
 * each number means. -1: the provider cannot know the number.
 */
public interface CoRuntimeMXBean {

    /** @return the scheduler provider's name */
    String getProvider();

    /** @return the number of schedulers */
    int getSchedulers();

    /** @return coroutines started since the runtime started */
    long getSpawned();

    /** @return coroutines that ended */
    long getFinished();

    /** @return coroutines alive now */
    long getAlive();

    /** @return coroutines that ended by an uncaught exception */
    long getUncaughtExceptions();

    /** @return stall episodes over all schedulers, -1 without a watchdog */
    long getStalls();

    /** @return the stall threshold ({@code co.stall_ms}), 0 when the watchdog is off */
    long getStallThresholdMillis();

    /**
     * Writes every live coroutine with its state, what it waits on and its stack (the text of
     * {@code co.api.Co.dumpCoroutines}). May take a few hundred milliseconds.
     *
     * @return the dump
     */
    String dumpCoroutines();
}
