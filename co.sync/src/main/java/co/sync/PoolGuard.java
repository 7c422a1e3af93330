package co.sync;

import java.util.Objects;
import java.util.function.Consumer;

/**
 * Borrows one object from a {@link Pool} for the extent of a try-with-resources block (co's
 * {@code co::PoolGuard}): the constructor {@linkplain Pool#pop() pops}, {@link #close()}
 * {@linkplain Pool#push pushes} the object back.
 *
 * <pre>{@code
 * try (PoolGuard<Connection> c = new PoolGuard<>(pool)) {
 *     if (!c.get().query(sql)) {
 *         c.reset(null);          // broken: do not return it to the pool
 *     }
 * }
 * }</pre>
 *
 * <p>Threading: a guard belongs to the coroutine or thread that made it, and must be closed there
 * (the object goes back to that scheduler's store). The constructor may block only inside the
 * pool's create callback, and {@link #close()} or {@link #reset} only inside its destroy callback.
 *
 * @param <T> the element type
 */
public final class PoolGuard<T> implements AutoCloseable {

    private final Pool<T> pool;
    private final Consumer<? super T> destroy;
    private T value;
    private boolean closed;

    /**
     * Pops an object from {@code pool}.
     *
     * @param pool the pool
     * @throws NullPointerException if {@code pool} is null
     */
    public PoolGuard(Pool<T> pool) {
        this.pool = Objects.requireNonNull(pool, "pool");
        this.destroy = pool.destroyCallback();
        this.value = pool.pop();
    }

    /**
     * Returns the borrowed object.
     *
     * @return the object, or null if the pool gave none
     */
    public T get() {
        return value;
    }

    /**
     * Tells whether an object is held (co's {@code operator bool}).
     *
     * @return true if {@link #get()} is not null
     */
    public boolean isPresent() {
        return value != null;
    }

    /**
     * Replaces the held object. The old one, if different, is passed to the pool's destroy callback
     * (or simply dropped without one); {@code reset(null)} discards a broken object so that it does
     * not go back to the pool.
     *
     * @param e the new object, or null
     */
    public void reset(T e) {
        T old = value;
        value = e;
        if (old != null && old != e && destroy != null) {
            destroy.accept(old);
        }
    }

    /** Pushes the held object back into the pool (nothing if none); calling it again does nothing. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            T e = value;
            value = null;
            pool.push(e);
        }
    }
}
