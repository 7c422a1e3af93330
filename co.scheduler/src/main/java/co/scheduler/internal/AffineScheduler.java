package co.scheduler.internal;

import co.api.Scheduler;
import co.api.spi.CoContext;
import co.api.spi.IoBackend;
import co.api.spi.IoHost;
import co.api.spi.IoTimer;
import co.api.spi.UncaughtExceptions;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * One scheduling thread of the affine runtime: it is the carrier of all its coroutines (virtual
 * threads whose scheduler is this {@link Executor}), and it owns a run queue, a timer heap and an
 * {@link IoBackend} (the JDK selector by default, epoll or io_uring from {@code co.net.linux}). Its
 * loop drains the run queue, fires due timers, and polls the backend; readiness, timers and
 * resumption therefore happen on one thread with no hand-off. The loop knows I/O only through
 * the backend's four calls: poll now, poll with a timeout, has registrations, wake up.
 *
 * <p>Thread rules: {@link #execute} and {@link #go} may be called from any thread. The timer heap,
 * the local queue and the backend's registry are touched only on the scheduling thread: by the loop
 * itself or by one of its coroutines, which run on the same OS thread one at a time (a coroutine's
 * continuation is mounted and unmounted by this loop, so its writes are sequenced with the loop's
 * own).
 *
 * <p>Size note: about 500 lines in one class on purpose; the run queue, timers, backend polling
 * and spin are one loop's state, touched on one thread without locks.
 */
final class AffineScheduler implements Scheduler, Executor, IoHost, Runnable {

    private static final System.Logger LOG = System.getLogger("co");
    private static final VarHandle SLEEPING;

    static {
        try {
            SLEEPING = MethodHandles.lookup().findVarHandle(AffineScheduler.class, "sleeping", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** How many local tasks one loop turn runs before it looks at timers, other threads and I/O. */
    private static final int LOCAL_BUDGET = 64;
    /**
     * How long an idle scheduling thread busy-polls its run queue for work handed over by another
     * thread before it blocks in its backend; system property {@code co.spin_us}, 0 to never spin.
     * Waking a thread blocked in {@code epoll_wait} costs the waker a system call and the woken
     * thread several microseconds, far more than a hand-off between coroutines of two threads that
     * are both awake.
     */
    private static final long SPIN_NANOS = Long.getLong("co.spin_us", 20) * 1_000L;
    /**
     * After this many idle periods in a row in which no other thread handed work over within the
     * spin, a scheduler stops spinning (see {@link #spinMisses}).
     */
    private static final int SPIN_MISSES = 4;
    /**
     * A blocking wait that another thread's work ends within this long turns spinning back on. Four
     * spins long, not one: the wait includes the wake-up's own latency, and in a ping-pong between
     * two schedulers that both block, each waits for two wake-ups; a bound of one spin could leave
     * such a pair blocking for ever after a few slow rounds (a pause, a busy machine).
     */
    private static final long SPIN_WORTH_NANOS = 4 * SPIN_NANOS;
    /** How often a spin also polls the backend without waiting (a system call), in nanoseconds. */
    private static final long SPIN_POLL_NANOS = 4_000;
    /**
     * How long a spin stays in user space ({@link Thread#onSpinWait()}) before it yields the core
     * between passes, in nanoseconds. A hand-off from a thread running on another core arrives
     * within a microsecond or two and is caught without a system call; past that, the thread that
     * would hand us work may be waiting for this very core (a machine with fewer free cores than
     * runnable threads), and a busy spin would delay the work it waits for: measured on the 2-core
     * machine under load, a pure busy spin made cross-scheduler ping-pong slower.
     */
    private static final long SPIN_BUSY_NANOS = 2_000;
    /**
     * How many tasks may wait in the local queue before a coroutine that spawns onto its own
     * scheduler yields to them (see {@link #go}).
     */
    private static final int SPAWN_BACKLOG = 256;
    /**
     * How many coroutines of this scheduler may have an id and not have begun to run before a
     * spawner on another thread waits for them (see {@link #go}).
     */
    private static final int REMOTE_SPAWN_BOUND = 4096;
    /** How long a spawner waiting for the backlog parks between looks at it. */
    private static final long BACKLOG_PARK_NANOS = 50_000;
    /**
     * A scheduler that has started no coroutine for this long while spawners wait is stuck (a
     * coroutine holds its thread; the stall watchdog reports such a coroutine at 100 ms too).
     */
    private static final long STUCK_NANOS = 100_000_000;
    /** How many remote submissions one loop turn runs before it looks at timers and I/O again. */
    private static final int REMOTE_BUDGET = 1024;

    private final AffineRuntime runtime;
    private final int id;
    private final int count;
    private final Thread thread;
    /** Set by the runtime before {@link #start}; Thread.start publishes it to the loop. */
    private IoBackend backend;
    /**
     * Makes this scheduler's coroutine threads: virtual threads whose scheduler is this one, all
     * named {@code coroutine@<this thread's name>}. Thread-safe.
     */
    private final ThreadFactory threads;
    /**
     * The JDK thread container of this scheduler's coroutines (see {@link CarrierThreads#container}):
     * a JDK thread dump lists them under it, from {@link #live}, and it keeps no set of its own, so
     * starting and ending a coroutine cost it nothing. Null where the JDK's internals do not allow
     * it, or with system property {@code co.threadContainer=executor} (read when the runtime is
     * made); then {@link #starter} starts them. Closed (deregistered) when the loop ends.
     */
    private final AutoCloseable container;
    /**
     * Where {@link #container} is unavailable: a thread-per-task executor, their container instead.
     * It keeps a set of live threads, touched by this thread at every start and end; a plain
     * {@code Thread.start} would add every coroutine to the JDK's one process-wide set of virtual
     * threads, which all scheduling threads write to and which, measured, took over a third of a
     * scheduler's time in a spawn benchmark. Null when {@link #container} is set.
     */
    private final ExecutorService starter;
    final AtomicLong sequence = new AtomicLong();
    final ArrayDeque<Runnable> local = new ArrayDeque<>(256);
    final MpscQueue<Runnable> remote = new MpscQueue<>();
    final TimerHeap timers = new TimerHeap();

    /**
     * 1 while the loop is about to block in its backend, 0 otherwise. A submitter from another
     * thread that flips it 1 -> 0 owns the duty to call {@code backend.wakeup()}; see {@link #execute}.
     */
    @SuppressWarnings("unused") // accessed through SLEEPING
    volatile int sleeping;
    private volatile boolean stopping;
    /**
     * The count of started coroutines at which a spawner last found this scheduler stuck (see
     * {@link #awaitBacklog}), or -1. Written and read by spawners on other threads with no atomic
     * update: a lost write costs one more wait of at most {@link #STUCK_NANOS}.
     */
    private volatile long stuckAt = -1;
    /**
     * Idle periods in a row that a spin did not shorten: no other thread handed work over within
     * {@link #SPIN_NANOS} (a spin that timed out, or one that ended because the backend found a
     * socket ready: the kernel would have woken a blocked poll for that just as well, and the spin
     * was CPU burnt while waiting). From {@link #SPIN_MISSES} on the scheduler blocks at once; a
     * blocking wait that another thread's submission ends within {@link #SPIN_WORTH_NANOS} sets it
     * back to 0. A server whose work all comes from its sockets
     * therefore blocks in the backend like a plain event loop, while coroutines that hand work to
     * each other across scheduling threads keep the spin.
     */
    private int spinMisses;

    // Observability: written only by this thread with plain writes, read by AffineIntrospection and
    // StallWatchdog (other threads) with opaque reads.
    final Coroutines live;
    final long startNanos = System.nanoTime();
    /** Tasks run (coroutine resumes, mostly); the stall watchdog's sign of progress. */
    long resumes;
    /** Time spent blocked in select, and when the blocking select in progress began. */
    long idleNanos;
    long idleSince;
    /** This scheduler's coroutines parked in {@code IoWaiter.await} (see {@link #ioWaiters}). */
    int ioWaiting;

    AffineScheduler(AffineRuntime runtime, int id, int count, String threadName) {
        this.runtime = runtime;
        this.id = id;
        this.count = count;
        // Inheritable thread-locals of whoever made the runtime are not the coroutines' business:
        // the coroutines this thread creates for other threads' go would inherit them.
        this.thread = Thread.ofPlatform().name(threadName).inheritInheritableThreadLocals(false).unstarted(this);
        this.live = new Coroutines(false, "coroutine@" + threadName);
        this.threads = CarrierThreads.builder(this).name(live.threadName).factory();
        if (CarrierThreads.containersAvailable() && !"executor".equals(System.getProperty("co.threadContainer"))) {
            this.container = CarrierThreads.container("coroutines@" + threadName,
                    () -> AffineIntrospection.liveThreads(this), () -> live.started() - live.finished());
            this.starter = null;
        } else {
            this.container = null;
            this.starter = Executors.newThreadPerTaskExecutor(threads);
        }
        this.thread.setDaemon(true);
    }

    /** Gives this scheduler its backend; once, before {@link #start}. */
    void backend(IoBackend backend) {
        this.backend = backend;
    }

    /** Returns the backend: the poller of this scheduler's coroutines. */
    IoBackend backend() {
        return backend;
    }

    void start() {
        thread.start();
    }

    Thread thread() {
        return thread;
    }

    @Override
    public int id() {
        return id;
    }

    /**
     * Starts a coroutine. From this scheduling thread or one of its coroutines: creates and starts
     * it here (its first run queues locally), with the back-pressure the interface describes. From
     * any other thread (a plain thread, a coroutine of another scheduler): takes the coroutine's id
     * and hands the coroutine over; this scheduling thread creates its thread, starts and first runs
     * it (see {@link #startHandedOver}), so that creating a virtual thread and its first hand-off
     * happen on the thread that runs it, and the spawner only makes the coroutine's record and a
     * queue node. A spawner holding inheritable thread-local values creates the thread itself, so
     * that the coroutine inherits them. The coroutines one thread starts here begin to run in the
     * order of its calls.
     *
     * <p>Back-pressure on other threads: when more than {@link #REMOTE_SPAWN_BOUND} coroutines of
     * this scheduler have an id and have not begun to run, the spawner waits (parks in short steps)
     * until half of them have, as long as this scheduler keeps starting coroutines. Measured, an
     * unbounded backlog made every young collection copy hundreds of thousands of waiting threads
     * (1.1 s of GC in 8 collections against the JDK's 0.2 s in 6 for the same million spawns). A
     * scheduler that starts none for {@link #STUCK_NANOS} (a coroutine holding its thread) is
     * taken as stuck: the spawner queues without waiting from then until that scheduler moves
     * again, so {@code go} never waits on a stuck scheduler for more than that once.
     */
    @Override
    public void go(Runnable task) {
        if (onThisThread()) {
            startHere(Coroutine.id(Coroutine.nextSequence(runtime, sequence, task), count, id), task);
            if (local.size() >= SPAWN_BACKLOG && Thread.currentThread().isVirtual()) {
                // Back-pressure on a spawning loop: a coroutine that starts coroutines on its own
                // scheduler faster than they can run would otherwise queue them all before the
                // first one runs (a million spawns = a million live threads for the collector to
                // copy). It steps aside so the queue drains; measured, this makes spawn+join
                // several times faster.
                Thread.yield();
            }
            return;
        }
        long seq = Coroutine.nextSequence(runtime, sequence, task);
        // Every 16th spawn, not every one: live.started is written at every coroutine start on
        // this scheduling thread, and reading it would move its cache line at every spawn.
        if ((seq & 15) == 0 && seq - live.started() > REMOTE_SPAWN_BOUND) {
            awaitBacklog(seq);
        }
        if (stopping) {
            return; // as execute drops a continuation queued after stop
        }
        CoContext context = new CoContext(runtime, this, Coroutine.id(seq, count, id));
        Thread spawner = Thread.currentThread();
        if (CarrierThreads.hasInheritableThreadLocals(spawner)) {
            // Its coroutine must inherit them as a thread it starts would: made here, by the
            // spawner. Its first run queues behind the coroutines handed over before, so the
            // order holds.
            startThread(Coroutine.of(context, task, live, null));
            return;
        }
        // Made by this scheduling thread, which has no inheritable thread-locals either; the
        // context class loader is carried over.
        remote.offerNode(Coroutine.of(context, task, live, spawner.getContextClassLoader()));
        wakeIfSleeping();
    }

    /**
     * Parks the calling spawner (another thread) until at most half of {@link #REMOTE_SPAWN_BOUND}
     * coroutines of this scheduler up to {@code seq} wait to begin, or until this scheduler has
     * started none for {@link #STUCK_NANOS}, or it stops.
     */
    private void awaitBacklog(long seq) {
        long started = live.started();
        if (started == stuckAt) {
            return; // found stuck before, and has not moved since
        }
        long lastMove = System.nanoTime();
        while (seq - started > REMOTE_SPAWN_BOUND / 2 && !stopping) {
            LockSupport.parkNanos(this, BACKLOG_PARK_NANOS);
            long now = System.nanoTime();
            long s = live.started();
            if (s != started) {
                started = s;
                lastMove = now;
            } else if (now - lastMove > STUCK_NANOS) {
                stuckAt = s;
                return;
            }
        }
    }

    /** Creates and starts a coroutine; on this scheduling thread (the loop or a coroutine) only. */
    private void startHere(long coroutineId, Runnable task) {
        startThread(Coroutine.of(new CoContext(runtime, this, coroutineId), task, live, null));
    }

    /**
     * Creates a coroutine's thread and starts it in this scheduler's container (its first run
     * queues here). Any thread: a spawner with inheritable thread-locals calls it too.
     */
    private void startThread(Coroutine c) {
        if (container != null) {
            CarrierThreads.start(threads.newThread(c), container);
        } else {
            starter.execute(c);
        }
    }

    /**
     * Starts a coroutine another thread's {@link #go} handed over (made there, with its context, so
     * that the spawner rather than this thread pays for them), then runs its first continuation at
     * once: {@code Thread.start} called here queues exactly that continuation at the tail of the
     * local queue, and taking it back from there starts the coroutine in the order of its place in
     * the remote queue. After {@link #stop} it does nothing: the coroutine is dropped, as a
     * continuation queued at stop is, and no thread is made for it. On this scheduling thread only.
     */
    private void startHandedOver(Coroutine c) {
        if (stopping) {
            return;
        }
        int before = local.size();
        startThread(c);
        if (local.size() == before + 1) {
            local.pollLast().run();
        }
    }

    @Override
    public boolean isHostThread() {
        return onThisThread();
    }

    @Override
    public void addTimer(IoTimer timer) {
        timers.add(timer);
    }

    @Override
    public void removeTimer(IoTimer timer) {
        timers.remove(timer);
    }

    @Override
    public void ioWaiters(int delta) {
        ioWaiting += delta;
    }

    /** True when the caller runs on this scheduling thread, directly or as one of its coroutines. */
    private boolean onThisThread() {
        Thread t = Thread.currentThread();
        // The loop itself (timers, readiness, a yield) submits as the carrier: the first test. A
        // coroutine that unparks or starts another submits as itself (JDK 25 pins the continuation
        // and calls execute from the virtual thread): the second.
        return t == thread || (t.isVirtual() && CoContext.current().scheduler() == this);
    }

    /**
     * Queues a runnable (a coroutine's continuation, or an internal task) to run on this thread.
     * Any thread; never blocks. After {@link #stop} the runnable is dropped.
     */
    @Override
    public void execute(Runnable task) {
        if (stopping) {
            return;
        }
        if (onThisThread()) {
            local.addLast(task);
            return;
        }
        remote.offer(task);
        // Dekker-style hand-shake with the loop: the offer above happens before the volatile read
        // in wakeIfSleeping, and the loop's volatile write of sleeping=1 happens before its re-check
        // of the queue, so either the loop sees the task or we see sleeping == 1 and wake it.
        wakeIfSleeping();
    }

    /**
     * Wakes this scheduler if it is blocked (or about to block) in its backend. Any thread.
     *
     * @return true if this call woke it
     */
    boolean wakeIfSleeping() {
        // The same hand-shake as execute's: whoever flips sleeping 1 -> 0 owns the wake-up.
        if ((int) SLEEPING.getVolatile(this) == 1 && SLEEPING.compareAndSet(this, 1, 0)) {
            backend.wakeup();
            return true;
        }
        return false;
    }

    /**
     * True when no task waits in this scheduler's run queues. Called by one of its coroutines (the
     * local queue is touched only on this thread); the remote queue is read with a volatile read.
     */
    boolean nothingQueued() {
        return local.isEmpty() && remote.isEmpty();
    }

    void stop() {
        stopping = true;
        backend.wakeup();
    }

    // ------------------------------------------------------------------ the loop

    @Override
    public void run() {
        CoContext.enter(new CoContext(runtime, this, -1));
        try {
            while (!stopping) {
                turn();
            }
        } catch (Throwable t) {
            LOG.log(System.Logger.Level.ERROR, "co: scheduler " + id + " failed", t);
        } finally {
            try {
                backend.close();
            } finally {
                if (container != null) {
                    try {
                        container.close();
                    } catch (Exception e) {
                        LOG.log(System.Logger.Level.WARNING, "co: scheduler " + id + "'s thread container", e);
                    }
                }
            }
        }
    }

    private void turn() throws IOException {
        // A bounded batch: hand-offs between this thread's coroutines chain without a trip through
        // timers and the backend, yet a coroutine that keeps yielding cannot starve I/O.
        for (int n = 0; n < LOCAL_BUDGET; n++) {
            Runnable r = local.pollFirst();
            if (r == null) {
                break;
            }
            resumes++;
            runTask(r);
        }
        for (int n = 0; n < REMOTE_BUDGET; n++) {
            Runnable r = remote.poll();
            if (r == null) {
                break;
            }
            resumes++;
            if (r instanceof Coroutine c) {
                // A coroutine handed over by another thread's go, not a task to run here.
                startRemote(c);
            } else {
                runTask(r);
            }
        }
        long now = System.nanoTime();
        timers.fireDue(now);
        Computations computations = runtime.computations();
        boolean queued = !local.isEmpty() || !remote.isEmpty();
        if (queued && computations.overdue(now)) {
            // Busy for too long: the oldest queued computation goes to the back of this turn.
            takeComputation(computations);
        }
        // With nothing of its own to run, CPU work that coroutines (of any scheduler) queued is next.
        if (queued || takeComputation(computations)) {
            if (backend.hasRegistrations()) {
                pollNow();
            }
            return;
        }
        long waitMs = timers.millisUntilNext(System.nanoTime());
        if (waitMs == 0) {
            return;
        }
        if (SPIN_NANOS > 0 && spinMisses < SPIN_MISSES) {
            int found = spin();
            if (found == SPIN_HANDED_OVER) {
                spinMisses = 0;
                return;
            }
            spinMisses++;
            if (found == SPIN_IO) {
                return;
            }
        }
        idleSince = System.nanoTime();
        SLEEPING.setVolatile(this, 1);
        try {
            // Re-checked after sleeping=1 is written: a computation queued before it is taken now;
            // one queued after it finds sleeping == 1 and may wake this thread (Computations.run).
            if (remote.isEmpty() && computations.isEmpty() && !stopping) {
                backend.poll(waitMs);
            }
        } finally {
            SLEEPING.setVolatile(this, 0);
        }
        long idle = System.nanoTime() - idleSince;
        idleNanos += idle;
        if (idle < SPIN_WORTH_NANOS && !(remote.isEmpty() && computations.isEmpty())) {
            // Another thread ended this wait soon: spinning may catch the next hand-off.
            spinMisses = 0;
        }
    }

    /** What ended a {@link #spin}: nothing (it timed out), readiness, or another thread's work. */
    private static final int SPIN_NOTHING = 0;
    private static final int SPIN_IO = 1;
    private static final int SPIN_HANDED_OVER = 2;

    /**
     * Busy-polls for work for up to {@link #SPIN_NANOS}: the remote queue and the shared
     * computations on every pass (volatile reads; while this thread spins, submitters see
     * {@code sleeping == 0} and skip the wake-up system call), the backend every
     * {@link #SPIN_POLL_NANOS} (a non-blocking poll, when something is registered). Between passes
     * it uses {@link Thread#onSpinWait()}, which stays in user space, for the first
     * {@link #SPIN_BUSY_NANOS}, then {@code Thread.yield()}.
     *
     * @return {@link #SPIN_HANDED_OVER} if another thread queued work (or the scheduler is stopping),
     *     {@link #SPIN_IO} if the backend made coroutines of this thread ready, else
     *     {@link #SPIN_NOTHING}
     */
    private int spin() throws IOException {
        long start = System.nanoTime();
        long nextPoll = start;
        boolean io = backend.hasRegistrations();
        boolean busy = true;
        Computations computations = runtime.computations();
        for (int i = 0;; i++) {
            if (!remote.isEmpty() || stopping || !computations.isEmpty()) {
                return SPIN_HANDED_OVER;
            }
            if (!busy || (i & 15) == 0) {
                long now = System.nanoTime();
                if (io && now - nextPoll >= 0) {
                    // First thing, then every few microseconds: readiness that is already there
                    // is found at the cost of one non-blocking poll.
                    backend.pollNow();
                    if (!local.isEmpty()) {
                        return SPIN_IO;
                    }
                    nextPoll = now + SPIN_POLL_NANOS;
                }
                long spun = now - start;
                if (spun >= SPIN_NANOS) {
                    return SPIN_NOTHING;
                }
                busy = spun < SPIN_BUSY_NANOS;
            }
            if (busy) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
            }
        }
    }

    /** A non-blocking poll of the backend. */
    private void pollNow() throws IOException {
        backend.pollNow();
    }

    /**
     * Takes the oldest queued computation, if any: one of this scheduler's coroutines gets it back to
     * run itself; another scheduler's runs in a new coroutine here, which then wakes its owner.
     *
     * @return true if there was one (a coroutine is now queued here to run it)
     */
    private boolean takeComputation(Computations computations) {
        Computations.Job job = computations.take();
        if (job == null) {
            return false;
        }
        if (job.home == this) {
            // Release: the owner reads OWNER and runs the work on this very thread.
            job.state.set(Computations.Job.OWNER);
            LockSupport.unpark(job.owner);
            return true;
        }
        job.state.set(Computations.Job.TAKEN);
        try {
            go(job::runForOwner);
        } catch (RuntimeException | Error cannotStart) {
            // The runtime is stopping (or no coroutine can be made): hand the work back to its owner
            // rather than lose it.
            job.state.set(Computations.Job.OWNER);
            LockSupport.unpark(job.owner);
        }
        return true;
    }

    private void startRemote(Coroutine c) {
        try {
            startHandedOver(c);
        } catch (Throwable t) {
            // No thread could be made (out of memory): the spawn is lost and reported; the loop goes on.
            UncaughtExceptions.report(Thread.currentThread(), c.context.id(), t);
        }
    }

    private static void runTask(Runnable r) {
        try {
            r.run();
        } catch (Throwable t) {
            // A continuation never throws here; an internal task might. The thread goes on.
            UncaughtExceptions.report(Thread.currentThread(), -1, t);
        }
    }

    // ------------------------------------------------------------------ timers and sleep

    /** A coroutine sleeping until its deadline; its park blocker, for the coroutine dump. */
    static final class Sleeper extends IoTimer {
        final Thread thread;
        final long since;
        boolean fired;

        Sleeper(Thread thread, long since, long deadline) {
            this.thread = thread;
            this.since = since;
            deadline(deadline);
        }

        @Override
        public void fire() {
            fired = true;
            LockSupport.unpark(thread);
        }
    }

    /** Sleeps the calling coroutine of this scheduler on this scheduler's timer heap. */
    void sleep(long ms) {
        long now = System.nanoTime();
        Sleeper s = new Sleeper(Thread.currentThread(), now, now + ms * 1_000_000L);
        timers.add(s);
        while (!s.fired) {
            LockSupport.park(s);
            if (Thread.currentThread().isInterrupted()) {
                timers.remove(s);
                return;
            }
        }
    }

    /**
     * Unparks a coroutine when its timed park is up. It is also the park blocker, so that the
     * coroutine dump sees the deadline and the caller's own blocker.
     */
    static final class Unparker extends IoTimer {
        final Thread thread;
        final Object blocker;
        final long since;

        Unparker(Thread thread, Object blocker, long since, long deadline) {
            this.thread = thread;
            this.blocker = blocker;
            this.since = since;
            deadline(deadline);
        }

        @Override
        public void fire() {
            LockSupport.unpark(thread);
        }
    }

    /**
     * A timed park of the calling coroutine of this scheduler on this scheduler's timer heap; the
     * contract of {@link LockSupport#parkNanos(Object, long)} (spurious returns allowed).
     */
    void parkNanos(Object blocker, long nanos) {
        long now = System.nanoTime();
        Unparker u = new Unparker(Thread.currentThread(), blocker, now, now + nanos);
        timers.add(u);
        LockSupport.park(u);
        if (u.heapIndex() >= 0) {
            timers.remove(u);
        }
    }
}
