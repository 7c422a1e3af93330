package co.api;

import java.util.List;

/**
 * A snapshot of the numbers of one co runtime and each of its schedulers, from {@link Co#metrics()}.
 * The same numbers are published over JMX (MXBeans {@code co:type=Runtime} and
 * {@code co:type=Scheduler,id=N}); see {@code docs/observability.md}.
 *
 * <p>Counters count from the moment the runtime started. How fresh each number is: see
 * {@link SchedulerMetrics}. {@code -1} means the provider cannot know the number.
 *
 * @param provider the scheduler provider's name ({@code "affine"}, {@code "virtual"}, ...)
 * @param spawned coroutines started with {@code go} (on {@code virtual}: coroutines that have begun
 *     to run)
 * @param finished coroutines that ran to their end, normally or by an uncaught exception
 * @param uncaught coroutines that ended by an exception escaping their body (reported to the
 *     uncaught-exception handler)
 * @param stalls stall episodes seen by the watchdog over all schedulers; -1 when no watchdog runs
 *     ({@code co.stall_ms=0}, or a provider without one)
 * @param schedulers one entry per scheduler, indexed by id; unmodifiable
 */
public record RuntimeMetrics(String provider, long spawned, long finished, long uncaught, long stalls,
        List<SchedulerMetrics> schedulers) {

    /**
     * Copies the scheduler list.
     *
     * @param provider the provider's name
     * @param spawned coroutines started
     * @param finished coroutines ended
     * @param uncaught coroutines ended by an uncaught exception
     * @param stalls stall episodes, or -1
     * @param schedulers per-scheduler numbers
     */
    public RuntimeMetrics {
        schedulers = List.copyOf(schedulers);
    }

    /**
     * Coroutines that exist now: {@link #spawned()} minus {@link #finished()}.
     *
     * @return the number of live coroutines, or -1 if unknown
     */
    public long alive() {
        return spawned < 0 || finished < 0 ? -1 : spawned - finished;
    }
}
