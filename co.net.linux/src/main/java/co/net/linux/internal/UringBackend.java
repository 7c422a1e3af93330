package co.net.linux.internal;

import co.api.Errno;
import co.api.spi.CoContext;
import co.api.spi.IoBackend;
import co.api.spi.IoHost;
import co.api.spi.IoTimer;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The io_uring backend of one scheduling thread: one {@link Ring}; coroutines queue operations
 * (a readiness poll, a receive or a send into the socket's own native buffer) and park; the loop
 * submits everything queued in a turn with one {@code io_uring_enter}, which also waits (up to the
 * next timer, {@code IORING_ENTER_EXT_ARG}) and whose completions resume the coroutines. Wake-ups
 * from other threads write an eventfd that a {@code READ} armed in the ring is always waiting on.
 *
 * <p><b>Timeouts and closes.</b> An operation is its own timer in the scheduler's heap: when it
 * fires, the backend queues {@code IORING_OP_ASYNC_CANCEL} for it and the coroutine keeps waiting
 * for the operation's own completion, so a receive that completes anyway keeps its bytes (the
 * caller gets them instead of a timeout). A close from another coroutine or thread unparks the
 * coroutine, which cancels the same way and then reports {@code EBADF}.
 *
 * <p><b>Lifetimes.</b> An operation holds a use of its socket's descriptor ({@link FdSock#acquire})
 * from the moment it is queued to its completion, so a closed descriptor number is never reused
 * under it; the memory it names is the socket's, which the operation keeps reachable. When the
 * scheduling thread ends with operations in flight, {@link #close()} cancels them all and waits
 * (boundedly) for their completions before it unmaps the ring.
 *
 * <p>JDK channels ({@link co.api.IoEvent}, the nio transport) wait on a {@link co.api.spi.SelectorBackend}
 * whose epoll descriptor this ring polls ({@link JdkSelectorFd}): one blocking wait for both.
 *
 * <p>Size note: about 470 lines in one class on purpose: the ring, its operation slots, the
 * wake-up read and the JDK-selector poll are one scheduling thread's state, submitted and completed
 * in one loop turn without locks.
 *
 * <p>Thread rules: as {@link IoBackend}; {@link #wakeup()} from any thread, the rest on the
 * scheduling thread (which is the ring's single issuer).
 */
final class UringBackend extends NativeBackend {

    private static final System.Logger LOG = System.getLogger("co");
    private static final long WAKE = -1L;
    private static final long CANCEL = -2L;
    private static final long JDK_SELECTOR = -3L;
    private static final int POLLIN = 0x001;
    private static final int POLLOUT = 0x004;
    private static final int POLLRDHUP = 0x2000;
    private static final long CLOSE_WAIT_NANOS = 2_000_000_000L;
    /**
     * When a ring receive arms its readiness poll before trying ({@code IORING_RECVSEND_POLL_FIRST}):
     * {@code auto} (the default) unless the socket's last receive said data was left
     * ({@code IORING_CQE_F_SOCK_NONEMPTY}), {@code always}, or {@code never}; system property
     * {@code co.uring.pollFirst}. A request-reply connection's next receive finds nothing right
     * after its reply went out, so a first attempt is a wasted {@code recvmsg} in the kernel.
     */
    static final String POLL_FIRST = System.getProperty("co.uring.pollFirst", "auto");
    private static final boolean POLL_FIRST_ALWAYS = POLL_FIRST.equals("always");
    private static final boolean POLL_FIRST_NEVER = POLL_FIRST.equals("never");
    private static final Pattern RELEASE = Pattern.compile("^(\\d+)\\.(\\d+)");
    /** Linux 5.19 added the flag; an older kernel refuses a receive that carries it (EINVAL). */
    private static final boolean POLL_FIRST_KERNEL = kernelAtLeast(System.getProperty("os.version", ""), 5, 19);
    private static final MemorySegment ONE = Arena.global().allocateFrom(ValueLayout.JAVA_LONG, 1L);
    private static final MemorySegment IGNORED = Arena.global().allocate(Sys.SCRATCH_SIZE, 8);
    /** Operations a closed ring never completed: their memory is never freed (see close). */
    private static final List<Op> ABANDONED = new ArrayList<>();
    /** Times a full submission queue was flushed to make room, and overflowed completions flushed (tests). */
    static final java.util.concurrent.atomic.LongAdder SQ_FULL = new java.util.concurrent.atomic.LongAdder();
    static final java.util.concurrent.atomic.LongAdder CQ_OVERFLOW = new java.util.concurrent.atomic.LongAdder();

    private final IoHost host;
    private final Ring ring;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment scratch;
    private final MemorySegment wakeBuf;
    private final int eventfd;
    private final AtomicInteger wakers = new AtomicInteger();
    /** In-flight socket operations by slot; the slot is the low half of the user data. */
    private Op[] ops = new Op[64];
    private int[] free = new int[64];
    private int freeCount;
    private int inflight;
    private long seq;
    private boolean wakeArmed;
    private boolean jdkArmed;
    private boolean closing;
    private boolean closed;
    private int jdkFd = -1;
    /** The JDK selector's epoll descriptor polled readable: select, then poll it again. */
    private boolean jdkReady;
    private int readyCount;
    /** Receives may carry {@code IORING_RECVSEND_POLL_FIRST}: the kernel has it and never refused it. */
    private boolean pollFirstOk = POLL_FIRST_KERNEL && !POLL_FIRST_NEVER;

    /** One queued operation: its own timeout timer, and what its completion resumes. */
    static final class Op extends IoTimer {
        final UringBackend backend;
        final Thread thread;
        /** The socket whose descriptor use the operation holds; released at completion. */
        final FdSock sock;
        /** The native memory the kernel may use until completion (kept reachable here). */
        final MemorySegment memory;
        long userData;
        int res;
        /** The completion's {@code IORING_CQE_F_*} flags. */
        int flags;
        boolean done;
        boolean cancelled;
        boolean timedOut;

        Op(UringBackend backend, FdSock sock, MemorySegment memory) {
            this.backend = backend;
            this.thread = Thread.currentThread();
            this.sock = sock;
            this.memory = memory;
        }

        @Override
        public void fire() {
            if (!done && !cancelled) {
                timedOut = true;
                backend.cancel(this);
            }
        }
    }

    UringBackend(IoHost host, Ring ring) throws IOException {
        super(host, "io_uring");
        this.host = host;
        this.ring = ring;
        this.scratch = arena.allocate(Sys.SCRATCH_SIZE, 8);
        this.wakeBuf = arena.allocate(8, 8);
        int ev = Sys.eventfd(scratch, 0, Sys.EFD_NONBLOCK | Sys.EFD_CLOEXEC);
        if (ev < 0) {
            int err = Sys.errno(scratch);
            ring.close();
            arena.close();
            throw SysErrors.io("eventfd", err);
        }
        this.eventfd = ev;
        for (int i = ops.length - 1; i >= 0; i--) {
            free[freeCount++] = i;
        }
        armWake();
    }

    @Override
    public String name() {
        return NativeTransport.URING;
    }

    /** The ring's setup flags, for diagnostics and the benchmarks' record. */
    int setupFlags() {
        return ring.setupFlags;
    }

    // ------------------------------------------------------------------ submission

    /** Takes an SQE, making room first if the submission queue is full. */
    private long sqe() {
        while (ring.full()) {
            SQ_FULL.increment();
            int r = ring.enter(0, Ring.ENTER_GETEVENTS, -1);   // submit; flushes overflowed completions
            reap();
            if (r < 0 && r != -Sys.EINTR && r != -Ring.EBUSY && r != -Sys.EAGAIN) {
                throw new IllegalStateException(SysErrors.io("io_uring_enter", -r).getMessage());
            }
        }
        return ring.next();
    }

    private void armWake() {
        long at = sqe();
        ring.prep(at, Ring.OP_READ, eventfd, wakeBuf.address(), 8, 0, WAKE);
        wakeArmed = true;
    }

    private Op enqueue(FdSock sock, MemorySegment memory) {
        if (freeCount == 0) {
            int n = ops.length;
            ops = Arrays.copyOf(ops, n * 2);
            free = Arrays.copyOf(free, n * 2);
            for (int i = n * 2 - 1; i >= n; i--) {
                free[freeCount++] = i;
            }
        }
        int slot = free[--freeCount];
        Op op = new Op(this, sock, memory);
        op.userData = (++seq << 32) | slot;
        ops[slot] = op;
        inflight++;
        return op;
    }

    /** Queues a cancel of {@code op}; its completion follows with {@code -ECANCELED} (or its result). */
    void cancel(Op op) {
        if (op.done || op.cancelled || closing) {
            return;
        }
        op.cancelled = true;
        long at = sqe();
        ring.prep(at, Ring.OP_ASYNC_CANCEL, -1, op.userData, 0, 0, CANCEL);
    }

    /**
     * Parks the calling coroutine until {@code op} completes. A timeout ({@code timeoutMs >= 0})
     * or a close of the socket or an interrupt cancels the operation; the coroutine still waits
     * for its completion, which says what happened. The thread's interrupt status is kept.
     *
     * @param op the queued operation
     * @param timeoutMs the longest wait before the cancel; negative for none
     * @return the completion's result ({@code -ECANCELED} after a cancel that won)
     */
    int run(Op op, long timeoutMs) {
        if (timeoutMs >= 0) {
            op.deadline(System.nanoTime() + timeoutMs * 1_000_000L);
            host.addTimer(op);
        }
        boolean interrupted = false;
        host.ioWaiters(1);
        while (!op.done) {
            LockSupport.park(op);
            if (Thread.interrupted()) {
                interrupted = true;             // parking again needs the status clear; given back below
            }
            if (!op.done && !op.cancelled && (interrupted || op.sock.isClosed())) {
                cancel(op);
            }
        }
        host.ioWaiters(-1);
        if (op.heapIndex() >= 0) {
            host.removeTimer(op);
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return op.res;
    }

    /**
     * Waits until the socket may be ready for reading or writing ({@code IORING_OP_POLL_ADD}),
     * the timeout, a close or an interrupt. Scheduling thread only.
     *
     * @return {@link co.api.spi.Poller#await}'s answer: true to retry the call (also when closed:
     *     the caller's check says so), false with {@code ETIMEDOUT}, {@code EINTR} or the error set
     */
    boolean awaitPoll(FdSock sock, boolean read, long timeoutMs) {
        if (!sock.acquire()) {
            return true;
        }
        Op op = enqueue(sock, null);
        long at = sqe();
        ring.prep(at, Ring.OP_POLL_ADD, sock.fd, 0, 0, 0, op.userData);
        ring.opFlags(at, read ? POLLIN | POLLRDHUP : POLLOUT);
        int res = run(op, timeoutMs);
        if (res >= 0) {
            return true;
        }
        if (res == -Ring.ECANCELED) {
            if (op.timedOut) {
                CoContext.current().setTimedOut();
                return false;
            }
            if (Thread.currentThread().isInterrupted() && !sock.isClosed()) {
                CoContext.current().setError(Errno.EINTR);
                return false;
            }
            return true;
        }
        CoContext.current().setError(-res, "io_uring poll");
        return false;
    }

    /**
     * Queues a receive into {@code buf} (the socket's own memory) and waits for it; see
     * {@link #run}. The caller holds no use: this takes one for the operation.
     *
     * @return the result, or {@code -EBADF} if the socket is closed
     */
    int recv(UringSock sock, MemorySegment buf, int len, long timeoutMs) {
        boolean pollFirst = pollFirstOk && (POLL_FIRST_ALWAYS || !sock.dataLeft);
        int res = transfer(Ring.OP_RECV, 0, pollFirst ? Ring.RECVSEND_POLL_FIRST : 0, sock, buf, len, timeoutMs);
        if (res == -Errno.EINVAL && pollFirst) {
            // A kernel that says 5.19+ but lacks the flag (or filters it): never again, and retry.
            pollFirstOk = false;
            res = transfer(Ring.OP_RECV, 0, (short) 0, sock, buf, len, timeoutMs);
        }
        return res;
    }

    /**
     * Whether a Linux release string ({@code os.version}, such as {@code 6.1.0-13-amd64}) is at
     * least {@code major.minor}; false if it cannot be read.
     */
    static boolean kernelAtLeast(String release, int major, int minor) {
        Matcher m = RELEASE.matcher(release);
        if (!m.find()) {
            return false;
        }
        int a = Integer.parseInt(m.group(1));
        int b = Integer.parseInt(m.group(2));
        return a > major || a == major && b >= minor;
    }

    /** Queues a send of {@code buf} (the socket's own memory) and waits for it; as {@link #recv}. */
    int send(UringSock sock, MemorySegment buf, int len, long timeoutMs) {
        return transfer(Ring.OP_SEND, Sys.MSG_NOSIGNAL, (short) 0, sock, buf, len, timeoutMs);
    }

    private int transfer(byte opcode, int flags, short ioprio, UringSock sock, MemorySegment buf, int len,
            long timeoutMs) {
        if (!sock.acquire()) {
            return -Errno.EBADF;
        }
        Op op = enqueue(sock, buf);
        long at = sqe();
        ring.prep(at, opcode, sock.fd, buf.address(), len, 0, op.userData);
        ring.opFlags(at, flags);
        if (ioprio != 0) {
            ring.ioprio(at, ioprio);
        }
        int res = run(op, timeoutMs);
        if (opcode == Ring.OP_RECV) {
            sock.dataLeft = res > 0 && (op.flags & Ring.CQE_F_SOCK_NONEMPTY) != 0;
        }
        if (res == -Ring.ECANCELED && op.timedOut) {
            return -Errno.ETIMEDOUT;
        }
        return res;
    }

    // ------------------------------------------------------------------ the loop's side

    @Override
    public int pollNow() throws IOException {
        readyCount = jdk.flush();
        if (ring.pending() > 0 || (ring.sqFlags() & (Ring.SQ_TASKRUN | Ring.SQ_CQ_OVERFLOW)) != 0) {
            check(ring.enter(0, Ring.ENTER_GETEVENTS, -1));
        }
        reap();
        jdkSelect();
        return readyCount;
    }

    @Override
    public int poll(long timeoutMs) throws IOException {
        readyCount = jdk.flush();
        if (readyCount > 0 || ring.cqTail() != ring.cqHead()) {
            timeoutMs = 0;                               // completions are waiting: do not block
        }
        int r;
        if (timeoutMs == 0) {
            r = ring.enter(0, Ring.ENTER_GETEVENTS, -1);
        } else {
            r = ring.enter(1, Ring.ENTER_GETEVENTS, timeoutMs < 0 ? -1 : timeoutMs * 1_000_000L);
        }
        check(r);
        reap();
        jdkSelect();
        return readyCount;
    }

    private void check(int r) throws IOException {
        if (r >= 0 || r == -Sys.EINTR || r == -Ring.ETIME || r == -Ring.EBUSY || r == -Sys.EAGAIN) {
            return;                                     // EBUSY/EAGAIN: reaping makes room
        }
        throw SysErrors.io("io_uring_enter", -r);
    }

    /** Reads every completion; flushes the kernel's overflow list while it has any. */
    private void reap() {
        for (;;) {
            int head = ring.cqHead();
            int tail = ring.cqTail();
            while (head != tail) {
                long ud = ring.cqeUserData(head);
                int res = ring.cqeRes(head);
                int flags = ring.cqeFlags(head);
                head++;
                ring.cqAdvance(head);                  // before dispatch: it may submit
                complete(ud, res, flags);
            }
            if ((ring.sqFlags() & Ring.SQ_CQ_OVERFLOW) == 0) {
                return;
            }
            CQ_OVERFLOW.increment();
            ring.enter(0, Ring.ENTER_GETEVENTS, -1);   // moves overflowed completions into the ring
        }
    }

    private void complete(long ud, int res, int flags) {
        if (ud == WAKE) {
            wakeArmed = false;
            if (!closing) {
                armWake();
            }
            return;
        }
        if (ud == CANCEL) {
            return;
        }
        if (ud == JDK_SELECTOR) {
            jdkArmed = false;
            jdkReady = jdk.opened() && !closing;
            return;
        }
        int slot = (int) ud;
        Op op = slot >= 0 && slot < ops.length ? ops[slot] : null;
        if (op == null || op.userData != ud) {
            return;
        }
        ops[slot] = null;
        free[freeCount++] = slot;
        inflight--;
        op.res = res;
        op.flags = flags;
        op.done = true;
        if (op.sock != null) {
            op.sock.release();
        }
        readyCount++;
        LockSupport.unpark(op.thread);
    }

    @Override
    public boolean hasRegistrations() {
        return inflight > 0 || ring.pending() > 0 || jdk.hasRegistrations();
    }

    @Override
    public void wakeup() {
        if (wakers.getAndIncrement() < 0) {
            wakers.decrementAndGet();
            return;
        }
        Sys.write(IGNORED, eventfd, ONE, 8);
        if (wakers.decrementAndGet() == Integer.MIN_VALUE) {
            Sys.close(IGNORED, eventfd);
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        jdk.close();
        // Cancel everything in flight (the wake-up read too) and wait for the completions: the
        // kernel may use an operation's memory until then.
        long at = sqe();
        ring.prep(at, Ring.OP_ASYNC_CANCEL, -1, 0, 0, 0, CANCEL);
        ring.opFlags(at, Ring.ASYNC_CANCEL_ANY);
        closing = true;
        long until = System.nanoTime() + CLOSE_WAIT_NANOS;
        while ((inflight > 0 || wakeArmed || jdkArmed) && System.nanoTime() - until < 0) {
            ring.enter(1, Ring.ENTER_GETEVENTS, 10_000_000L);
            reap();
        }
        closed = true;
        if (inflight > 0) {
            LOG.log(System.Logger.Level.WARNING, "co: io_uring scheduler " + host.id() + " closes with "
                    + inflight + " operations the kernel did not complete; their buffers are kept");
            synchronized (ABANDONED) {
                for (Op op : ops) {
                    if (op != null) {
                        ABANDONED.add(op);
                    }
                }
            }
        }
        ring.close();
        for (Op op : ops) {
            if (op != null && op.sock != null) {
                op.sock.release();                      // the ring is gone: its operations are over
            }
        }
        Arrays.fill(ops, null);
        if (wakers.getAndAdd(Integer.MIN_VALUE) == 0) {
            Sys.close(scratch, eventfd);
        }
        if (!wakeArmed && !jdkArmed) {                 // else the kernel may still write wakeBuf: keep it
            arena.close();
        }
    }

    // ------------------------------------------------------------------ JDK channels

    private void jdkSelect() throws IOException {
        if (jdkReady) {
            jdkReady = false;
            readyCount += jdk.select();
            armJdk();
        }
    }

    /** The ring polls the JDK selector's descriptor (re-armed after each completion). */
    @Override
    void watchJdk(int fd) {
        jdkFd = fd;
        armJdk();
    }

    private void armJdk() {
        long at = sqe();
        ring.prep(at, Ring.OP_POLL_ADD, jdkFd, 0, 0, 0, JDK_SELECTOR);
        ring.opFlags(at, POLLIN);
        jdkArmed = true;
    }
}
