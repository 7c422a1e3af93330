package co.api.spi;

import java.nio.ByteBuffer;

/**
 * co's I/O loop for a stream call, written once for every transport: try the non-blocking
 * operation; only when it would block, make the call's {@link Deadline} (at the first wait, so a
 * call that never waits reads no clock), wait for readiness until it, and try again. A transport
 * supplies the three steps that differ ({@link Steps}); the loops here hold the rules that must not:
 *
 * <ul>
 *   <li>{@code ms} means what {@link Deadline} says: negative waits for ever, 0 does not wait (the
 *       call returns what can be had now, and fails with {@link co.api.Errno#ETIMEDOUT} only if it
 *       would have to wait), a positive value bounds the whole call, not each wait;
 *   <li>a step never sees a passed deadline: when the time is up the loop sets the timeout
 *       ({@link CoContext#setTimedOut()}) and returns -1 itself;
 *   <li>a call that waited calls {@link Steps#release} exactly once as it ends, whatever the result
 *       (co's {@code ~IoEvent}), and a call that did not wait never does.
 * </ul>
 *
 * <p><b>Cost.</b> No allocation of its own beyond the deadline of a call that waits (none when
 * {@code ms < 0}): the steps are a stateless object the transport keeps in a constant, and
 * everything a step needs is passed to it ({@code sock}, {@code handle}, {@code buf}), so no lambda
 * captures anything. A transport typically writes
 * <pre>{@code
 * private static final IoLoop.Steps<MySock, MyChannel, IOException> READ = new ReadSteps();
 *
 * public int recv(ByteBuffer buf, int ms) {
 *     CoContext.current().clearTimeout();
 *     ...                                  // checks: closed, listening, empty buffer
 *     try {
 *         return IoLoop.recv(READ, this, channel, buf, ms, false);
 *     } catch (IOException e) {
 *         return Errors.fail(e);
 *     }
 * }
 * }</pre>
 *
 * <p>The loops do not clear the calling thread's last timeout or error: the transport's call does
 * that, and its own checks (closed, listening, an empty buffer for {@code recv}), before it enters
 * a loop.
 *
 * <p>Thread safety: stateless; a loop runs on the calling thread, which is the one that waits.
 */
public final class IoLoop {

    /**
     * What {@link Steps#attempt} returns at the end of the stream (the peer closed its side). Any
     * other negative value than this and {@link Errors#FAILED} is not allowed.
     */
    public static final int END_OF_STREAM = -2;

    private IoLoop() {
    }

    /**
     * What one transport does at each point of the loop. An implementation is usually a stateless
     * singleton; {@code S} is the socket, {@code H} whatever else a step needs (the channel or
     * descriptor the call began with), and {@code X} the checked exception the steps may throw
     * ({@link RuntimeException} for none), which the loops pass on to the caller.
     *
     * <p>Thread rules: every method runs on the thread that called the loop.
     *
     * @param <S> the socket
     * @param <H> what the steps need besides the socket and the buffer
     * @param <X> the exception the steps may throw
     */
    public interface Steps<S, H, X extends Exception> {

        /**
         * Moves bytes between {@code buf} and the kernel (or whatever lies below) once, without
         * waiting, and advances {@code buf}'s position by what it moved.
         *
         * @param sock the socket
         * @param handle what the call began with
         * @param buf the caller's buffer; empty only in the one attempt of a {@link #send} or
         *     {@link #recvn} given an empty buffer
         * @return the bytes moved (more than 0); 0 if none could be moved now (would block);
         *     {@link #END_OF_STREAM}; or {@link Errors#FAILED} with the error set
         * @throws X as the operation below throws it
         */
        int attempt(S sock, H handle, ByteBuffer buf) throws X;

        /**
         * Waits once until {@code handle} may be ready for this direction, at most {@code ms}
         * milliseconds, or until the socket is closed or the thread interrupted. A true return is a
         * hint: the loop tries again, and waits again if it must.
         *
         * @param sock the socket
         * @param handle what the call began with
         * @param ms -1 to wait for ever, otherwise at least 1 (the loop handles a passed deadline)
         * @return true to try again; false with the error set (ETIMEDOUT and the timeout flag,
         *     EBADF after a close, EINTR, ...), which ends the call with -1
         */
        boolean await(S sock, H handle, int ms);

        /**
         * Drops the readiness interest the waits of one call registered; called once when a call
         * that waited ends. Never blocks and never throws. The default does nothing.
         *
         * @param sock the socket
         * @param handle what the call began with
         */
        default void release(S sock, H handle) {
        }
    }

    /**
     * Receives what is there, waiting for the first bytes until {@code ms} (co's {@code recv}).
     *
     * @param steps the transport's steps
     * @param sock the socket
     * @param handle what the steps need besides the socket
     * @param buf the buffer to fill, not empty
     * @param ms the longest wait: negative for ever, 0 for none
     * @param waitFirst true to wait for readiness before the first attempt, when the transport
     *     knows an attempt now would almost surely find nothing (the last read drained the socket)
     *     and a wait is cheaper than a failed read; ignored when {@code ms == 0}
     * @param <S> the socket
     * @param <H> what the steps need besides the socket
     * @param <X> the exception the steps may throw
     * @return the bytes received (more than 0); 0 at the end of the stream; -1 on timeout or error
     * @throws X as {@link Steps#attempt} throws it
     */
    public static <S, H, X extends Exception> int recv(Steps<S, H, X> steps, S sock, H handle,
            ByteBuffer buf, int ms, boolean waitFirst) throws X {
        return loop(steps, sock, handle, buf, ms, waitFirst, false);
    }

    /**
     * Receives exactly {@code buf.remaining()} bytes (co's {@code recvn}); {@code ms} bounds the
     * whole call. With {@code ms == 0} it takes what is there and succeeds only if that is all.
     *
     * @param steps the transport's steps
     * @param sock the socket
     * @param handle what the steps need besides the socket
     * @param buf the buffer to fill; if empty, one attempt is made (it may fail) and 0 returned
     * @param ms the longest wait in all: negative for ever, 0 for none
     * @param <S> the socket
     * @param <H> what the steps need besides the socket
     * @param <X> the exception the steps may throw
     * @return the bytes asked for; 0 if the stream ended first (or none were asked for); -1 on
     *     timeout or error (bytes already received stay in {@code buf})
     * @throws X as {@link Steps#attempt} throws it
     */
    public static <S, H, X extends Exception> int recvn(Steps<S, H, X> steps, S sock, H handle,
            ByteBuffer buf, int ms) throws X {
        return loop(steps, sock, handle, buf, ms, false, true);
    }

    /**
     * Sends all of {@code buf} (co's {@code send}); {@code ms} bounds the whole call. A partial
     * write is retried at once; only a write that moves nothing waits.
     *
     * @param steps the transport's steps
     * @param sock the socket
     * @param handle what the steps need besides the socket
     * @param buf the bytes to send; if empty, one attempt is made (so a send on a socket that
     *     cannot send still fails) and 0 returned
     * @param ms the longest wait in all: negative for ever, 0 for none
     * @param <S> the socket
     * @param <H> what the steps need besides the socket
     * @param <X> the exception the steps may throw
     * @return the bytes sent, all of them; -1 on timeout or error (bytes already sent are consumed
     *     from {@code buf})
     * @throws X as {@link Steps#attempt} throws it
     */
    public static <S, H, X extends Exception> int send(Steps<S, H, X> steps, S sock, H handle,
            ByteBuffer buf, int ms) throws X {
        return loop(steps, sock, handle, buf, ms, false, true);
    }

    /**
     * The loop of every call: {@code all} false returns after the first attempt that moves bytes
     * ({@code recv}), true goes on until {@code buf} is full or empty ({@code recvn}, {@code send}).
     */
    private static <S, H, X extends Exception> int loop(Steps<S, H, X> steps, S sock, H handle,
            ByteBuffer buf, int ms, boolean waitFirst, boolean all) throws X {
        int total = buf.remaining();
        Deadline deadline = null;
        try {
            if (waitFirst && ms != 0) {
                deadline = Deadline.after(ms);
                if (!await(steps, sock, handle, deadline)) {
                    return Errors.FAILED;
                }
            }
            for (;;) {
                int n = steps.attempt(sock, handle, buf);
                if (n < 0) {
                    return n == END_OF_STREAM ? 0 : n;
                }
                if (!all && n > 0) {
                    return n;
                }
                if (all && !buf.hasRemaining()) {
                    return total;
                }
                if (n > 0) {
                    continue;                   // partial: the next attempt tells whether it blocks
                }
                if (deadline == null) {
                    deadline = Deadline.after(ms);
                }
                if (!await(steps, sock, handle, deadline)) {
                    return Errors.FAILED;
                }
            }
        } finally {
            if (deadline != null) {
                steps.release(sock, handle);
            }
        }
    }

    /** One wait: the timeout when the deadline has passed, else the transport's wait. */
    private static <S, H, X extends Exception> boolean await(Steps<S, H, X> steps, S sock, H handle,
            Deadline deadline) {
        int ms = deadline.remainingMillis();
        if (ms == 0) {
            CoContext.current().setTimedOut();
            return false;
        }
        return steps.await(sock, handle, ms);
    }
}
