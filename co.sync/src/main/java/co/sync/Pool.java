package co.sync;

import co.api.Scheduler;
import co.api.spi.CoContext;
import co.api.spi.CoRuntime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A pool of reusable objects kept per scheduler (co's {@code co::Pool}): connections, buffers,
 * caches. Each scheduler has its own store, so a coroutine only ever sees the objects that
 * coroutines of its own scheduler pushed, and on the {@code affine} provider (one thread per
 * scheduler) {@link #pop()} and {@link #push} take no lock at all.
 *
 * <pre>{@code
 * Pool<Redis> pool = new Pool<>(Redis::connect, Redis::close, 64);
 * Co.go(() -> {
 *     try (PoolGuard<Redis> redis = new PoolGuard<>(pool)) {
 *         redis.get().set("k", "v");
 *     }
 * });
 * }</pre>
 *
 * <p><b>Stores.</b> Inside a coroutine, the store is the one of the current scheduler
 * ({@link co.api.Co#schedulerId()}) of the coroutine's runtime; the stores of a runtime are made on
 * first use, one per scheduler. On the {@code virtual} provider, whose schedulers are only logical,
 * each store is guarded by a short lock. Outside a coroutine every thread shares one locked store.
 * Push an object back from the scheduler (or plain-thread side) that popped it, as in co.
 *
 * <p><b>Callbacks.</b> When the store is empty, {@link #pop()} calls the create callback (or returns
 * null without one). When the store already holds {@code capPerScheduler} objects, {@link #push}
 * calls the destroy callback on the pushed object; without a destroy callback the capacity is
 * ignored, as in co. Callbacks run on the caller's coroutine or thread, never under a lock, and may
 * block.
 *
 * <p>Threading: every method may be called from any coroutine or thread. Only the callbacks and
 * {@link #clear()} may block.
 *
 * @param <T> the element type
 */
public final class Pool<T> {

    private static final RuntimeStores[] NO_RUNTIMES = new RuntimeStores[0];
    private static final long STOP_CHECK_MILLIS = 100;

    private final Supplier<? extends T> create;
    private final Consumer<? super T> destroy;
    private final int capacity;
    private final Store shared = new Store(true);
    private final ReentrantLock runtimesLock = new ReentrantLock();

    // Copy-on-write list of the runtimes seen so far; replaced under runtimesLock, read lock-free
    // (volatile read of an effectively immutable array).
    private volatile RuntimeStores[] runtimes = NO_RUNTIMES;

    // The most recently used runtime's stores: one volatile read on the fast path. Racy updates are
    // harmless, any value is a valid entry of runtimes.
    private volatile RuntimeStores last;

    /** Creates a pool with no callbacks and no capacity limit. */
    public Pool() {
        this(null, null, -1);
    }

    /**
     * Creates a pool.
     *
     * @param create makes an object when {@link #pop()} finds the store empty; null: pop returns
     *     null then
     * @param destroy disposes of an object pushed into a full store and of objects removed by
     *     {@link #clear()}; null: the capacity is ignored
     * @param capPerScheduler the most objects kept per scheduler (not in total); negative for no
     *     limit
     */
    public Pool(Supplier<? extends T> create, Consumer<? super T> destroy, int capPerScheduler) {
        this.create = create;
        this.destroy = destroy;
        this.capacity = destroy == null || capPerScheduler < 0 ? Integer.MAX_VALUE : capPerScheduler;
    }

    /**
     * Takes an object from the current scheduler's store; if it is empty, makes one with the create
     * callback.
     *
     * @return an object, or null if the store is empty and there is no create callback
     */
    @SuppressWarnings("unchecked")
    public T pop() {
        T e = (T) store().pop();
        if (e == null && create != null) {
            e = create.get();
        }
        return e;
    }

    /**
     * Puts an object into the current scheduler's store; if the store is full, destroys it with the
     * destroy callback instead. A null object is ignored.
     *
     * @param e the object, or null
     */
    public void push(T e) {
        if (e == null) {
            return;
        }
        if (!store().push(e, capacity)) {
            destroy.accept(e);
        }
    }

    /**
     * Returns the destroy callback, for {@link PoolGuard#reset}.
     *
     * @return the callback, or null
     */
    Consumer<? super T> destroyCallback() {
        return destroy;
    }

    /**
     * Returns the number of objects in the current scheduler's store (the shared store outside a
     * coroutine).
     *
     * @return the size
     */
    public int size() {
        return store().size();
    }

    /**
     * Empties every store of this pool, on every scheduler and the shared one, passing each object to
     * the destroy callback if there is one. On the {@code affine} provider each scheduler's store is
     * emptied by a coroutine on that scheduler (stores there have no lock), and this call waits for
     * them; it parks only the caller.
     */
    public void clear() {
        destroyAll(shared.drain());
        CoContext ctx = CoContext.current();
        for (RuntimeStores rs : runtimes) {
            clear(rs, ctx);
        }
    }

    @SuppressWarnings("unchecked")
    private void destroyAll(List<Object> objects) {
        if (destroy != null) {
            for (Object e : objects) {
                destroy.accept((T) e);
            }
        }
    }

    private void clear(RuntimeStores rs, CoContext ctx) {
        CoRuntime rt = rs.runtime;
        if (!rt.affine() || rt.isStopped()) {
            // Locked stores, or no scheduler thread left to race with.
            for (Store s : rs.stores) {
                destroyAll(s.drain());
            }
            return;
        }
        int self = ctx.runtime() == rt ? ctx.scheduler().id() : -1;
        WaitGroup wg = new WaitGroup();
        List<Scheduler> schedulers = rt.schedulers();
        for (int i = 0; i < rs.stores.length; i++) {
            Store s = rs.stores[i];
            if (i == self) {
                destroyAll(s.drain());
                continue;
            }
            wg.add();
            try {
                schedulers.get(i).go(() -> {
                    try {
                        destroyAll(s.drain());
                    } finally {
                        wg.done();
                    }
                });
            } catch (IllegalStateException stopped) {
                wg.done();
                destroyAll(s.drain());
            }
        }
        while (!wg.await(STOP_CHECK_MILLIS)) {
            if (rt.isStopped()) {
                // A stopped scheduler drops queued coroutines: empty what is left from here.
                for (Store s : rs.stores) {
                    destroyAll(s.drain());
                }
                return;
            }
        }
    }

    private Store store() {
        CoContext ctx = CoContext.current();
        Scheduler scheduler = ctx.scheduler();
        if (scheduler == null) {
            return shared;
        }
        CoRuntime rt = ctx.runtime();
        RuntimeStores rs = last;
        if (rs == null || rs.runtime != rt) {
            rs = storesOf(rt);
            last = rs;
        }
        return rs.stores[scheduler.id()];
    }

    private RuntimeStores storesOf(CoRuntime rt) {
        for (RuntimeStores rs : runtimes) {
            if (rs.runtime == rt) {
                return rs;
            }
        }
        List<Object> orphans = new ArrayList<>();
        RuntimeStores made;
        // Short critical section that never blocks, taken once per runtime.
        runtimesLock.lock();
        try {
            RuntimeStores[] current = runtimes;
            for (RuntimeStores rs : current) {
                if (rs.runtime == rt) {
                    return rs;
                }
            }
            made = new RuntimeStores(rt);
            List<RuntimeStores> kept = new ArrayList<>(current.length + 1);
            for (RuntimeStores rs : current) {
                if (rs.runtime.isStopped()) {
                    // A stopped runtime's schedulers are gone: forget its stores.
                    for (Store s : rs.stores) {
                        orphans.addAll(s.drain());
                    }
                } else {
                    kept.add(rs);
                }
            }
            kept.add(made);
            runtimes = kept.toArray(NO_RUNTIMES);
        } finally {
            runtimesLock.unlock();
        }
        destroyAll(orphans);
        return made;
    }

    /** The stores of one runtime, indexed by scheduler id. */
    private static final class RuntimeStores {
        final CoRuntime runtime;
        final Store[] stores;

        RuntimeStores(CoRuntime runtime) {
            this.runtime = runtime;
            int n = runtime.schedulers().size();
            this.stores = new Store[n];
            for (int i = 0; i < n; i++) {
                // On an affine runtime a store is touched only by its scheduler's single thread
                // (clear() runs there too), so it needs no lock.
                stores[i] = new Store(!runtime.affine());
            }
        }
    }

    /** A stack of objects; locked unless only one thread ever touches it. */
    private static final class Store {
        private final ReentrantLock lock;
        private Object[] items = new Object[8];
        private int size;

        Store(boolean locked) {
            this.lock = locked ? new ReentrantLock() : null;
        }

        Object pop() {
            if (lock == null) {
                return pop0();
            }
            lock.lock();
            try {
                return pop0();
            } finally {
                lock.unlock();
            }
        }

        private Object pop0() {
            if (size == 0) {
                return null;
            }
            Object e = items[--size];
            items[size] = null;
            return e;
        }

        boolean push(Object e, int capacity) {
            if (lock == null) {
                return push0(e, capacity);
            }
            lock.lock();
            try {
                return push0(e, capacity);
            } finally {
                lock.unlock();
            }
        }

        private boolean push0(Object e, int capacity) {
            if (size >= capacity) {
                return false;
            }
            if (size == items.length) {
                items = Arrays.copyOf(items, size * 2);
            }
            items[size++] = e;
            return true;
        }

        int size() {
            if (lock == null) {
                return size;
            }
            lock.lock();
            try {
                return size;
            } finally {
                lock.unlock();
            }
        }

        List<Object> drain() {
            if (lock != null) {
                lock.lock();
            }
            try {
                List<Object> out = new ArrayList<>(size);
                for (int i = 0; i < size; i++) {
                    out.add(items[i]);
                    items[i] = null;
                }
                size = 0;
                return out;
            } finally {
                if (lock != null) {
                    lock.unlock();
                }
            }
        }
    }
}
