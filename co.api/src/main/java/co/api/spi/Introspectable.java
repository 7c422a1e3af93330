package co.api.spi;

import co.api.CoroutineInfo;
import co.api.RuntimeMetrics;
import java.util.List;

/**
 * Implemented by a {@link CoRuntime} that can report its numbers and its live coroutines: what
 * {@link co.api.Co#metrics()}, {@link co.api.Co#coroutines()} and
 * {@link co.api.Co#dumpCoroutines(Appendable)} read. Both of co's providers implement it.
 *
 * <p>Thread safety: both methods may be called from any thread, in or out of a coroutine, and must
 * not wait for a coroutine; a provider whose schedulers are busy may return slightly stale values
 * (the javadoc of {@link co.api.SchedulerMetrics} says how stale).
 */
public interface Introspectable {

    /**
     * Takes a snapshot of the runtime's numbers. Cheap: a few field reads per scheduler.
     *
     * @return the snapshot
     */
    RuntimeMetrics metrics();

    /**
     * Lists every live coroutine with its state, what it waits on and its stack. Costs a stack walk
     * per coroutine: meant for diagnostics, not for a hot path. May wait, bounded (a few hundred
     * milliseconds at most), for busy scheduling threads to hand over a consistent list.
     *
     * @return the coroutines, ordered by scheduler, then by id
     */
    List<CoroutineInfo> coroutines();
}
