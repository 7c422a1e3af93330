package co.api;

import java.io.IOException;
import java.util.List;

/**
 * What one live coroutine is doing, as seen by {@link Co#coroutines()} and printed by
 * {@link Co#dumpCoroutines(Appendable)}: its identity, its state, what it waits on (where co knows
 * it), for how long, and its stack.
 *
 * <p>A snapshot taken while the coroutine runs on: by the time the caller reads it, the coroutine may
 * have moved on.
 *
 * @param id the coroutine id ({@link Co#coroutineId()})
 * @param schedulerId the id of its scheduler
 * @param threadId the {@link Thread#threadId()} of its (virtual) thread, as thread dumps and JFR
 *     show it
 * @param state running, runnable or waiting
 * @param waitingOn what a waiting coroutine waits for, where co knows it: {@code "sleep"},
 *     {@code "recv on 127.0.0.1:41234 <- 127.0.0.1:7788, deadline in 250 ms"},
 *     {@code "Chan.recv"}, {@code "Mutex.lock"}, {@code "Event.await"}, {@code "WaitGroup.await"},
 *     {@code "monitor"} ({@code synchronized}), ...; null when it is not waiting
 * @param waitingNanos how long it has waited so far, in nanoseconds; -1 when not waiting or not
 *     known (co knows it for sleeps, I/O waits and timed waits)
 * @param stack its stack, innermost frame first; empty if the JDK could not take it
 */
public record CoroutineInfo(long id, int schedulerId, long threadId, State state, String waitingOn,
        long waitingNanos, List<StackTraceElement> stack) {

    /** The state of a coroutine. */
    public enum State {
        /** It holds its scheduling thread now. */
        RUNNING,
        /** It is ready to run and waits for its scheduling thread (or has not started yet). */
        RUNNABLE,
        /** It is suspended until something happens: I/O readiness, a timer, a signal. */
        WAITING
    }

    /**
     * Copies the stack.
     *
     * @param id the coroutine id
     * @param schedulerId its scheduler's id
     * @param threadId its thread's id
     * @param state its state
     * @param waitingOn what it waits on, or null
     * @param waitingNanos how long it has waited, or -1
     * @param stack its stack, innermost first
     */
    public CoroutineInfo {
        stack = List.copyOf(stack);
    }

    /**
     * Writes this coroutine as a Go-style dump entry: a header line, then one {@code "\tat ..."}
     * line per frame, then an empty line.
     *
     * <pre>
     * coroutine 7 [waiting: Chan.recv, 1520 ms] scheduler 1, thread #41
     *     at co.sync.internal.Waiter.await(Waiter.java:212)
     *     at co.sync.Chan.recv(Chan.java:180)
     *     ...
     * </pre>
     *
     * @param out where to write
     * @throws IOException if {@code out} fails
     */
    public void appendTo(Appendable out) throws IOException {
        out.append("coroutine ").append(Long.toString(id)).append(" [").append(state.name().toLowerCase(java.util.Locale.ROOT));
        if (waitingOn != null) {
            out.append(": ").append(waitingOn);
        }
        if (waitingNanos >= 0) {
            out.append(", ").append(Long.toString(waitingNanos / 1_000_000L)).append(" ms");
        }
        out.append("] scheduler ").append(Integer.toString(schedulerId))
                .append(", thread #").append(Long.toString(threadId)).append('\n');
        for (StackTraceElement e : stack) {
            out.append("\tat ").append(e.toString()).append('\n');
        }
        out.append('\n');
    }
}
