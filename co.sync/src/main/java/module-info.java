/**
 * Coroutine synchronization for co: {@link co.sync.Event}, {@link co.sync.WaitGroup},
 * {@link co.sync.Mutex} and {@link co.sync.MutexGuard}, {@link co.sync.Pool} and
 * {@link co.sync.PoolGuard}, and Go-style channels {@link co.sync.Chan} with
 * {@link co.sync.Chan#select select}.
 *
 * <p>Every primitive works from coroutines of any scheduler provider and from plain threads, and
 * blocks only its caller: a coroutine is parked, never its scheduling thread.
 */
module co.sync {
    requires co.api;

    exports co.sync;
}
