package co.net.tls.internal;

/**
 * What the engine driver needs before it can make progress: the typed, directional "would block"
 * signal of the TLS layer. It never leaves this package; users see only co's return codes.
 */
enum Want {
    /** Progress was made (or the state changed); look again. */
    NOTHING,
    /** More bytes must be read from the underlying socket before the engine can go on. */
    READ,
    /** Records the engine produced are queued and must be written to the underlying socket. */
    WRITE,
    /** The engine has delegated tasks to run. */
    TASK
}
