package co.api.internal;

/** Facts about the machine read once. Internal: not exported. */
public final class Processors {

    /** Whether the machine has more than one processor; on one, a busy-wait never pays. */
    public static final boolean MULTI_CORE = Runtime.getRuntime().availableProcessors() > 1;

    private Processors() {
    }
}
