package co.scheduler.internal;

/**
 * Whether a JFR recording is running, for the per-coroutine JFR events ({@link JfrLifetime}): one
 * volatile read per coroutine start is all they cost while no recording runs. Has no {@code jdk.jfr}
 * types, so every class may read it; {@link JfrGateListener} (loaded only when
 * {@link OptionalModules#JFR}) keeps it current.
 */
final class JfrGate {

    /** True while at least one JFR recording is running. Written by JFR's listener thread. */
    static volatile boolean recording;

    private static boolean installed;

    private JfrGate() {
    }

    /** Starts following JFR's recordings, once per process, when {@code jdk.jfr} is usable. */
    static synchronized void install() {
        if (!installed && OptionalModules.JFR) {
            installed = true;
            JfrGateListener.install();
        }
    }
}
