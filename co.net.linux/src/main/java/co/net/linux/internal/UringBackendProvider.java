package co.net.linux.internal;

import java.io.IOException;

/**
 * Provides the {@code "uring"} I/O backend: an affine runtime asked for it ({@code -Dco.io=uring},
 * or {@code -Dco.transport=uring}) gives each scheduling thread an {@link UringBackend}, one ring
 * each. Unavailable where io_uring cannot run ({@link Availability#uringCause()}); the runtime then
 * falls back to epoll, then the JDK selector, with one warning.
 *
 * <p>Ring settings, read each time a runtime opens its backends (for experiments and tests):
 * {@code co.uring.entries} (submission queue, default 256), {@code co.uring.cqEntries} (completion
 * queue, default twice that), {@code co.uring.setup}: {@code defer} (the default:
 * {@code SINGLE_ISSUER|DEFER_TASKRUN}), {@code coop} ({@code SINGLE_ISSUER|COOP_TASKRUN}) or
 * {@code plain} (no flags); a set the kernel refuses falls back to the next.
 */
public final class UringBackendProvider extends LinuxBackendProvider {

    /** Creates the provider; does no work. */
    public UringBackendProvider() {
        super(NativeTransport.URING, Availability::uringCause, host -> new UringBackend(host, ring()));
    }

    private static final int DEFER = Ring.SETUP_SINGLE_ISSUER | Ring.SETUP_DEFER_TASKRUN | Ring.SETUP_TASKRUN_FLAG
            | Ring.SETUP_R_DISABLED | Ring.SETUP_SUBMIT_ALL;
    private static final int COOP = Ring.SETUP_SINGLE_ISSUER | Ring.SETUP_COOP_TASKRUN | Ring.SETUP_TASKRUN_FLAG
            | Ring.SETUP_R_DISABLED | Ring.SETUP_SUBMIT_ALL;

    /**
     * Makes a ring as the {@code co.uring.*} properties say.
     *
     * @return the ring
     * @throws IOException if the kernel refuses
     */
    static Ring ring() throws IOException {
        int entries = Integer.getInteger("co.uring.entries", 256);
        int cq = Integer.getInteger("co.uring.cqEntries", 0);
        String setup = System.getProperty("co.uring.setup", "defer");
        return switch (setup) {
            case "plain" -> new Ring(entries, cq, 0);
            case "coop" -> new Ring(entries, cq, COOP, 0);
            default -> new Ring(entries, cq, DEFER, COOP, 0);
        };
    }
}
