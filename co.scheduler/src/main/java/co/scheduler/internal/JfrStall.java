package co.scheduler.internal;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/**
 * The JFR event {@code co.SchedulerStall}: a coroutine holds its scheduling thread longer than
 * {@code co.stall_ms}. Loaded only when {@code jdk.jfr} is present ({@link OptionalModules#JFR});
 * callers reach it through {@link #emit} alone, whose parameters are JDK types, so that a class
 * that calls it loads and verifies without {@code jdk.jfr}.
 *
 * <p>The event is committed by the watchdog thread, so its own stack trace would be the watchdog's:
 * it is turned off, and the stalled coroutine's stack travels in {@code coroutineStack}.
 */
@Name("co.SchedulerStall")
@Label("Scheduler Stall")
@Category("co")
@Description("A coroutine has held its scheduling thread longer than co.stall_ms; the other coroutines of that scheduler wait")
@StackTrace(false)
final class JfrStall extends Event {

    @Label("Scheduler Id")
    int schedulerId;

    @Label("Coroutine Id")
    @Description("The stalled coroutine's id; -1 if no coroutine was mounted (the scheduling loop itself)")
    long coroutineId;

    @Label("Stalled For")
    @Description("How long the scheduling thread has been held so far")
    @Timespan(Timespan.NANOSECONDS)
    long stalledFor;

    @Label("Scheduling Thread")
    String schedulerThread;

    @Label("Coroutine Stack")
    @Description("The stalled coroutine's stack during the stall, innermost frame first")
    String coroutineStack;

    static void emit(int schedulerId, long coroutineId, long stalledNanos, String schedulerThread, String stack) {
        JfrStall e = new JfrStall();
        if (!e.isEnabled()) {
            return;
        }
        e.schedulerId = schedulerId;
        e.coroutineId = coroutineId;
        e.stalledFor = stalledNanos;
        e.schedulerThread = schedulerThread;
        e.coroutineStack = stack;
        e.commit();
    }
}
