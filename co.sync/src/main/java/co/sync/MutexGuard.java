package co.sync;

import java.util.Objects;

/**
 * Holds a {@link Mutex} for the extent of a try-with-resources block (co's {@code co::MutexGuard}):
 * the constructor locks, {@link #close()} unlocks.
 *
 * <pre>{@code
 * try (MutexGuard g = new MutexGuard(mutex)) {
 *     balance += amount;
 * }
 * }</pre>
 *
 * <p>Threading: a guard belongs to the coroutine or thread that made it; the constructor blocks
 * (parking only the caller) as {@link Mutex#lock()} does.
 */
public final class MutexGuard implements AutoCloseable {

    private final Mutex mutex;
    private boolean held;

    /**
     * Locks {@code mutex}, waiting as long as it takes.
     *
     * @param mutex the mutex
     * @throws NullPointerException if {@code mutex} is null
     */
    public MutexGuard(Mutex mutex) {
        this.mutex = Objects.requireNonNull(mutex, "mutex");
        mutex.lock();
        held = true;
    }

    /**
     * Returns the guarded mutex.
     *
     * @return the mutex
     */
    public Mutex mutex() {
        return mutex;
    }

    /** Unlocks the mutex; calling it again does nothing. */
    @Override
    public void close() {
        if (held) {
            held = false;
            mutex.unlock();
        }
    }
}
