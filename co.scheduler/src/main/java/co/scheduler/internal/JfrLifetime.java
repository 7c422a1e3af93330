package co.scheduler.internal;

import co.api.spi.CoContext;
import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * The JFR event {@code co.CoroutineLifetime}: one coroutine from its first run to its end (the
 * event's start time and duration), with its ids and whether it ended by an uncaught exception.
 * Committed on the coroutine's own thread when it ends. Created only while a recording runs
 * ({@link JfrGate#recording}); loaded only when {@code jdk.jfr} is present. Callers use
 * {@link #begin} and {@link #end}, whose parameter and return types are not JFR's. Off unless a
 * recording enables it (one per coroutine can be millions a second).
 */
@Name("co.CoroutineLifetime")
@Label("Coroutine Lifetime")
@Category("co")
@Description("A coroutine, from its first run to its end")
@StackTrace(false)
@Enabled(false)
final class JfrLifetime extends Event {

    @Label("Scheduler Id")
    int schedulerId;

    @Label("Coroutine Id")
    long coroutineId;

    @Label("Uncaught Exception")
    @Description("The coroutine ended by an uncaught exception")
    boolean uncaught;

    /** Begins the event for a coroutine that starts now; null if the event is not enabled. */
    static Object begin(CoContext context) {
        JfrLifetime e = new JfrLifetime();
        if (!e.isEnabled()) {
            return null;
        }
        e.schedulerId = context.scheduler() == null ? -1 : context.scheduler().id();
        e.coroutineId = context.id();
        e.begin();
        return e;
    }

    /** Ends and commits (if the recording's threshold allows) an event from {@link #begin}. */
    static void end(Object event, boolean uncaught) {
        JfrLifetime e = (JfrLifetime) event;
        e.end();
        if (e.shouldCommit()) {
            e.uncaught = uncaught;
            e.commit();
        }
    }
}
