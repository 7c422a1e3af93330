package co.net.tls;

import co.api.Co;

/**
 * The result of a co call together with the error state it left on its own thread, so a test can
 * assert on another thread.
 *
 * @param value the call's return value
 * @param error {@link Co#error()} right after the call
 * @param timeout {@link Co#timeout()} right after the call
 * @param message {@link Co#strerror()} right after the call
 */
record Outcome(long value, int error, boolean timeout, String message) {

    static Outcome of(long value) {
        return new Outcome(value, Co.error(), Co.timeout(), Co.strerror());
    }
}
