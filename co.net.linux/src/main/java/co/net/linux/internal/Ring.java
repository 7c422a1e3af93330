package co.net.linux.internal;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * One io_uring instance through raw system calls: {@code io_uring_setup}, the submission and
 * completion rings and the SQE array mapped with {@code mmap}, {@code io_uring_enter} and
 * {@code io_uring_register}. Knows the kernel's structures, not co's: {@link UringBackend} decides
 * what to submit and what a completion means.
 *
 * <p>The ring is made disabled ({@code IORING_SETUP_R_DISABLED}) on the thread that creates the
 * runtime and enabled by the first {@link #enter} on the scheduling thread, which becomes its one
 * issuer ({@code IORING_SETUP_SINGLE_ISSUER}, and {@code DEFER_TASKRUN}'s waiting task).
 *
 * <p>Thread rules: one thread (the scheduling thread) after construction; not thread-safe.
 */
final class Ring {

    static final int SYS_IO_URING_SETUP = 425;
    static final int SYS_IO_URING_ENTER = 426;
    static final int SYS_IO_URING_REGISTER = 427;

    static final int SETUP_CQSIZE = 1 << 3;
    static final int SETUP_CLAMP = 1 << 4;
    static final int SETUP_R_DISABLED = 1 << 6;
    static final int SETUP_SUBMIT_ALL = 1 << 7;
    static final int SETUP_COOP_TASKRUN = 1 << 8;
    static final int SETUP_TASKRUN_FLAG = 1 << 9;
    static final int SETUP_SINGLE_ISSUER = 1 << 12;
    static final int SETUP_DEFER_TASKRUN = 1 << 13;

    static final int FEAT_SINGLE_MMAP = 1;
    static final int FEAT_NODROP = 1 << 1;
    static final int FEAT_EXT_ARG = 1 << 8;

    static final int ENTER_GETEVENTS = 1;
    static final int ENTER_EXT_ARG = 1 << 3;
    static final int REGISTER_ENABLE_RINGS = 12;

    static final int SQ_NEED_WAKEUP = 1;
    static final int SQ_CQ_OVERFLOW = 1 << 1;
    static final int SQ_TASKRUN = 1 << 2;

    static final byte OP_POLL_ADD = 6;
    static final byte OP_ASYNC_CANCEL = 14;
    static final byte OP_READ = 22;
    static final byte OP_SEND = 26;
    static final byte OP_RECV = 27;
    static final int ASYNC_CANCEL_ANY = 1 << 2;
    /** SQE {@code ioprio} of a send or receive: arm the poll first, skip the first attempt (5.19+). */
    static final short RECVSEND_POLL_FIRST = 1;
    /** CQE flag of a receive: the socket still had data queued after it (5.19+). */
    static final int CQE_F_SOCK_NONEMPTY = 1 << 2;

    static final int ETIME = 62;
    static final int EBUSY = 16;
    static final int ECANCELED = 125;

    private static final long OFF_SQ_RING = 0L;
    private static final long OFF_CQ_RING = 0x8000000L;
    private static final long OFF_SQES = 0x10000000L;
    private static final int PROT_RW = 0x1 | 0x2;
    private static final int MAP_SHARED_POPULATE = 0x01 | 0x8000;
    private static final int SQE_SIZE = 64;
    private static final int CQE_SIZE = 16;
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

    final int fd;
    /** The flags the ring was made with (a fallback may have dropped some), for diagnostics. */
    final int setupFlags;
    final int features;
    final int sqEntries;
    final int cqEntries;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment scratch;
    /** struct io_uring_getevents_arg followed by a __kernel_timespec. */
    private final MemorySegment waitArg;
    private final long sqRingAddr;
    private final long sqRingLen;
    private final long cqRingAddr;
    private final long cqRingLen;
    private final long sqesAddr;
    private final long sqesLen;
    private final MemorySegment sq;
    private final MemorySegment cq;
    private final MemorySegment sqes;
    private final long sqHead;
    private final long sqTail;
    private final int sqMask;
    private final long sqFlags;
    private final long cqHead;
    private final long cqTail;
    private final int cqMask;
    private final long cqes;
    /** The next SQE's index (not yet published to the kernel). */
    private int tail;
    private boolean enabled;
    private boolean closed;

    /**
     * Makes a ring, trying the given flag sets in order (the first the kernel accepts wins).
     *
     * @param entries submission queue entries
     * @param cqEntries completion queue entries, 0 for the kernel's default (twice the SQ)
     * @param flagSets the {@code IORING_SETUP_*} sets to try
     * @throws IOException if the kernel refuses every set, or lacks a feature co needs
     */
    @SuppressWarnings("restricted")
    Ring(int entries, int cqEntries, int... flagSets) throws IOException {
        scratch = arena.allocate(Sys.SCRATCH_SIZE, 8);
        waitArg = arena.allocate(40, 8);
        MemorySegment p = arena.allocate(120, 8);
        int ringFd = -1;
        int err = 0;
        int used = 0;
        for (int flags : flagSets) {
            p.fill((byte) 0);
            int f = flags | SETUP_CLAMP;
            if (cqEntries > 0) {
                f |= SETUP_CQSIZE;
                p.set(ValueLayout.JAVA_INT, 4, cqEntries);
            }
            p.set(ValueLayout.JAVA_INT, 8, f);
            ringFd = (int) Sys.syscall(scratch, SYS_IO_URING_SETUP, entries, p.address(), 0, 0, 0, 0);
            if (ringFd >= 0) {
                used = f;
                break;
            }
            err = Sys.errno(scratch);
            if (err != co.api.Errno.EINVAL) {
                break;                                  // EPERM, ENOSYS, ENOMEM: no other set helps
            }
        }
        if (ringFd < 0) {
            arena.close();
            throw SysErrors.io("io_uring_setup", err);
        }
        this.fd = ringFd;
        this.setupFlags = used;
        this.sqEntries = p.get(ValueLayout.JAVA_INT, 0);
        this.cqEntries = p.get(ValueLayout.JAVA_INT, 4);
        this.features = p.get(ValueLayout.JAVA_INT, 20);
        if ((features & FEAT_EXT_ARG) == 0 || (features & FEAT_NODROP) == 0) {
            Sys.close(scratch, ringFd);
            arena.close();
            throw new IOException("co: this kernel's io_uring lacks IORING_FEAT_EXT_ARG or IORING_FEAT_NODROP"
                    + " (Linux 5.11 or later is needed)");
        }
        long so = 40;                                    // struct io_sqring_offsets
        long co = 80;                                    // struct io_cqring_offsets
        int sqArrayOff = p.get(ValueLayout.JAVA_INT, so + 24);
        sqRingLen = sqArrayOff + 4L * sqEntries;
        cqRingLen = p.get(ValueLayout.JAVA_INT, co + 20) + (long) CQE_SIZE * this.cqEntries;
        boolean single = (features & FEAT_SINGLE_MMAP) != 0;
        long sqLen = single ? Math.max(sqRingLen, cqRingLen) : sqRingLen;
        long a = Sys.mmap(scratch, sqLen, PROT_RW, MAP_SHARED_POPULATE, ringFd, OFF_SQ_RING);
        long c = single ? a : Sys.mmap(scratch, cqRingLen, PROT_RW, MAP_SHARED_POPULATE, ringFd, OFF_CQ_RING);
        long e = Sys.mmap(scratch, (long) SQE_SIZE * sqEntries, PROT_RW, MAP_SHARED_POPULATE, ringFd, OFF_SQES);
        if (a == -1 || c == -1 || e == -1) {
            int mmapErr = Sys.errno(scratch);
            if (a != -1) {
                Sys.munmap(scratch, a, sqLen);
            }
            if (c != -1 && !single) {
                Sys.munmap(scratch, c, cqRingLen);
            }
            if (e != -1) {
                Sys.munmap(scratch, e, (long) SQE_SIZE * sqEntries);
            }
            Sys.close(scratch, ringFd);
            arena.close();
            throw SysErrors.io("mmap of the io_uring rings", mmapErr);
        }
        this.sqRingAddr = a;
        this.cqRingAddr = single ? 0 : c;               // 0: shares the SQ ring's mapping
        this.sqesAddr = e;
        this.sqesLen = (long) SQE_SIZE * sqEntries;
        long sqMapped = sqLen;
        this.sq = MemorySegment.ofAddress(a).reinterpret(sqMapped);
        this.cq = MemorySegment.ofAddress(c).reinterpret(cqRingLen);
        this.sqes = MemorySegment.ofAddress(e).reinterpret(sqesLen);
        this.sqHead = p.get(ValueLayout.JAVA_INT, so);
        this.sqTail = p.get(ValueLayout.JAVA_INT, so + 4);
        this.sqMask = sq.get(ValueLayout.JAVA_INT, p.get(ValueLayout.JAVA_INT, so + 8));
        this.sqFlags = p.get(ValueLayout.JAVA_INT, so + 16);
        this.cqHead = p.get(ValueLayout.JAVA_INT, co);
        this.cqTail = p.get(ValueLayout.JAVA_INT, co + 4);
        this.cqMask = cq.get(ValueLayout.JAVA_INT, p.get(ValueLayout.JAVA_INT, co + 8));
        this.cqes = p.get(ValueLayout.JAVA_INT, co + 20);
        for (int i = 0; i < sqEntries; i++) {
            sq.set(ValueLayout.JAVA_INT, sqArrayOff + 4L * i, i);     // SQ array: slot i holds SQE i
        }
        this.tail = (int) INT.getAcquire(sq, sqTail);
        this.enabled = (used & SETUP_R_DISABLED) == 0;
    }

    /** SQEs written but not yet taken by the kernel. */
    int pending() {
        return tail - (int) INT.getAcquire(sq, sqHead);
    }

    /** True when no SQE is free until the kernel takes some ({@link #enter}). */
    boolean full() {
        return pending() >= sqEntries;
    }

    /**
     * Takes the next SQE, zeroed; the caller must have checked {@link #full()}.
     *
     * @return its offset in {@link #sqes()}
     */
    long next() {
        long at = (long) (tail & sqMask) * SQE_SIZE;
        for (long o = 0; o < SQE_SIZE; o += 8) {
            sqes.set(ValueLayout.JAVA_LONG, at + o, 0L);
        }
        tail++;
        return at;
    }

    MemorySegment sqes() {
        return sqes;
    }

    /** Writes the common SQE fields. */
    void prep(long at, byte op, int fd, long addr, int len, long off, long userData) {
        sqes.set(ValueLayout.JAVA_BYTE, at, op);
        sqes.set(ValueLayout.JAVA_INT, at + 4, fd);
        sqes.set(ValueLayout.JAVA_LONG, at + 8, off);
        sqes.set(ValueLayout.JAVA_LONG, at + 16, addr);
        sqes.set(ValueLayout.JAVA_INT, at + 24, len);
        sqes.set(ValueLayout.JAVA_LONG, at + 32, userData);
    }

    /** Sets the SQE's {@code ioprio} field (for a send or receive: {@link #RECVSEND_POLL_FIRST}). */
    void ioprio(long at, short ioprio) {
        sqes.set(ValueLayout.JAVA_SHORT, at + 2, ioprio);
    }

    /** Sets the op-specific 32-bit flags (msg_flags, poll32_events, cancel_flags). */
    void opFlags(long at, int flags) {
        sqes.set(ValueLayout.JAVA_INT, at + 28, flags);
    }

    /** The SQ ring's flags word ({@link #SQ_CQ_OVERFLOW}, {@link #SQ_TASKRUN}). */
    int sqFlags() {
        return (int) INT.getAcquire(sq, sqFlags);
    }

    /**
     * Publishes the written SQEs and enters the kernel: submits them and, with
     * {@link #ENTER_GETEVENTS}, runs completions and waits for {@code minComplete} of them, at
     * most {@code timeoutNanos} (negative: no limit).
     *
     * @return the SQEs submitted, or -errno ({@code -ETIME} when the wait timed out, {@code -EINTR},
     *     {@code -EBUSY} while completions overflowed)
     */
    int enter(int minComplete, int flags, long timeoutNanos) {
        if (!enabled) {
            if (Sys.syscall(scratch, SYS_IO_URING_REGISTER, fd, REGISTER_ENABLE_RINGS, 0, 0, 0, 0) < 0) {
                return -Sys.errno(scratch);
            }
            enabled = true;
        }
        INT.setRelease(sq, sqTail, tail);
        int toSubmit = pending();
        long arg = 0;
        long argSize = 0;
        if (minComplete > 0 && timeoutNanos >= 0) {
            waitArg.set(ValueLayout.JAVA_LONG, 0, 0L);                  // sigmask
            waitArg.set(ValueLayout.JAVA_LONG, 8, 0L);                  // sigmask_sz, pad
            waitArg.set(ValueLayout.JAVA_LONG, 16, waitArg.address() + 24);
            waitArg.set(ValueLayout.JAVA_LONG, 24, timeoutNanos / 1_000_000_000L);
            waitArg.set(ValueLayout.JAVA_LONG, 32, timeoutNanos % 1_000_000_000L);
            arg = waitArg.address();
            argSize = 24;
            flags |= ENTER_EXT_ARG;
        }
        long r = Sys.syscall(scratch, SYS_IO_URING_ENTER, fd, toSubmit, minComplete, flags, arg, argSize);
        return r < 0 ? -Sys.errno(scratch) : (int) r;
    }

    /** Completions ready to read: from {@link #cqHead()} (inclusive) to this (exclusive). */
    int cqTail() {
        return (int) INT.getAcquire(cq, cqTail);
    }

    int cqHead() {
        return cq.get(ValueLayout.JAVA_INT, cqHead);
    }

    long cqeUserData(int index) {
        return cq.get(ValueLayout.JAVA_LONG, cqes + (long) (index & cqMask) * CQE_SIZE);
    }

    int cqeRes(int index) {
        return cq.get(ValueLayout.JAVA_INT, cqes + (long) (index & cqMask) * CQE_SIZE + 8);
    }

    int cqeFlags(int index) {
        return cq.get(ValueLayout.JAVA_INT, cqes + (long) (index & cqMask) * CQE_SIZE + 12);
    }

    /** Hands completions up to {@code head} back to the kernel. */
    void cqAdvance(int head) {
        INT.setRelease(cq, cqHead, head);
    }

    /** Unmaps the rings and closes the ring; the kernel cancels what is still in flight. */
    void close() {
        if (closed) {
            return;
        }
        closed = true;
        long sqLen = cqRingAddr == 0 ? Math.max(sqRingLen, cqRingLen) : sqRingLen;
        Sys.munmap(scratch, sqesAddr, sqesLen);
        Sys.munmap(scratch, sqRingAddr, sqLen);
        if (cqRingAddr != 0) {
            Sys.munmap(scratch, cqRingAddr, cqRingLen);
        }
        Sys.close(scratch, fd);
        arena.close();
    }
}
