package co.net.linux.internal;

import co.api.Errno;
import co.api.spi.CoContext;
import co.api.spi.CoRuntime;
import co.api.spi.Deadline;
import co.api.spi.Errors;
import co.api.spi.IoBackend;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A socket of the {@code "uring"} transport. On an io_uring scheduling thread, {@code recv} and
 * {@code send} are ring operations ({@code IORING_OP_RECV}/{@code SEND}) on the socket's own
 * native buffers, submitted with the loop turn's batch; the bytes are copied between those buffers
 * and the caller's (the kernel may use them until the operation completes, which a caller's buffer
 * cannot promise once its coroutine is gone). Accept and connect wait with ring polls. Everywhere
 * else (another scheduler, a plain thread, {@code ms == 0}, a second concurrent reader or writer)
 * the socket behaves as the shared {@link FdSock}: a non-blocking system call, and readiness waits.
 *
 * <p>Thread rules as {@link FdSock}.
 */
final class UringSock extends FdSock {

    /** Bytes of each of the socket's native buffers (one for receiving, one for sending). */
    static final int BUFFER = Integer.getInteger("co.uring.buffer", 16 * 1024);
    private static final int READING = 1;
    private static final int WRITING = 2;

    /** Which native buffer a ring operation is using ({@link #READING}, {@link #WRITING}). */
    private final AtomicInteger busy = new AtomicInteger();
    private MemorySegment readBuf;
    /**
     * The last ring receive left data in the socket ({@code IORING_CQE_F_SOCK_NONEMPTY}), so the
     * next one tries at once instead of polling first (see {@link UringBackend#POLL_FIRST}). The
     * reading coroutine's only.
     */
    boolean dataLeft;
    private MemorySegment writeBuf;

    UringSock(NativeTransport transport, int af, int fd, boolean connected) {
        super(transport, af, fd, connected);
    }

    /** The calling coroutine's io_uring backend, or null. */
    private static UringBackend uring() {
        CoRuntime rt = CoContext.current().runtime();
        IoBackend b = rt == null ? null : rt.ioBackend();
        return b instanceof UringBackend u ? u : null;
    }

    private boolean take(int side) {
        for (;;) {
            int b = busy.get();
            if ((b & side) != 0) {
                return false;
            }
            if (busy.compareAndSet(b, b | side)) {
                return true;
            }
        }
    }

    private void give(int side) {
        busy.getAndAdd(-side);
    }

    private MemorySegment buffer(boolean read) {
        // Freed by the garbage collector with the socket; an operation in flight keeps it reachable.
        if (read) {
            if (readBuf == null) {
                readBuf = Arena.ofAuto().allocate(BUFFER, 64);
            }
            return readBuf;
        }
        if (writeBuf == null) {
            writeBuf = Arena.ofAuto().allocate(BUFFER, 64);
        }
        return writeBuf;
    }

    @Override
    public int recv(ByteBuffer buf, int ms) {
        UringBackend u = ms != 0 && !listening && buf.hasRemaining() ? uring() : null;
        if (u == null || !take(READING)) {
            return super.recv(buf, ms);
        }
        try {
            CoContext ctx = CoContext.current();
            ctx.clearTimeout();
            if (buf.isReadOnly()) {
                throw new java.nio.ReadOnlyBufferException();
            }
            boolean inSlot = publishWaiter(true);
            int res;
            MemorySegment rb;
            try {
                if (isClosed()) {
                    return closedError();
                }
                rb = buffer(true);
                res = u.recv(this, rb, (int) Math.min(buf.remaining(), rb.byteSize()), ms);
            } finally {
                unpublishWaiter(true, inSlot);
            }
            if (res > 0) {
                copyOut(rb, buf, res);
                return res;
            }
            return res == 0 ? 0 : failed(ctx, res, "recv");
        } finally {
            give(READING);
        }
    }

    private static void copyOut(MemorySegment from, ByteBuffer to, int n) {
        int pos = to.position();
        if (to.hasArray()) {
            MemorySegment.copy(from, ValueLayout.JAVA_BYTE, 0, to.array(), to.arrayOffset() + pos, n);
        } else {
            MemorySegment.copy(from, 0, MemorySegment.ofBuffer(to), 0, n);
        }
        to.position(pos + n);
    }

    private static void copyIn(ByteBuffer from, MemorySegment to, int n) {
        int pos = from.position();
        if (from.hasArray()) {
            MemorySegment.copy(from.array(), from.arrayOffset() + pos, to, ValueLayout.JAVA_BYTE, 0, n);
        } else {
            MemorySegment.copy(MemorySegment.ofBuffer(from), 0, to, 0, n);
        }
    }

    /** Reports a ring operation's negative result: a timeout, a close, an interrupt, or the errno. */
    private int failed(CoContext ctx, int res, String call) {
        if (res == -Errno.ETIMEDOUT) {
            ctx.setTimedOut();
            return -1;
        }
        if (isClosed() || res == -Errno.EBADF) {
            return closedError();
        }
        if (res == -Ring.ECANCELED) {
            return Errors.fail(Errno.EINTR, "interrupted");
        }
        return Errors.fail(-res, call);
    }

    @Override
    public int send(ByteBuffer buf, int ms) {
        UringBackend u = ms != 0 && !listening ? uring() : null;
        if (u == null || !take(WRITING)) {
            return super.send(buf, ms);
        }
        try {
            CoContext ctx = CoContext.current();
            ctx.clearTimeout();
            int total = buf.remaining();
            Deadline deadline = Deadline.after(ms);
            boolean inSlot = publishWaiter(false);
            try {
                while (buf.hasRemaining()) {
                    if (isClosed()) {
                        return closedError();
                    }
                    if (deadline.expired()) {
                        ctx.setTimedOut();
                        return -1;
                    }
                    MemorySegment wb = buffer(false);
                    int n = (int) Math.min(buf.remaining(), wb.byteSize());
                    copyIn(buf, wb, n);
                    int res = u.send(this, wb, n, deadline.isNone() ? -1 : deadline.remainingMillis());
                    if (res < 0) {
                        return failed(ctx, res, "send");
                    }
                    buf.position(buf.position() + res);
                }
                return total;
            } finally {
                unpublishWaiter(false, inSlot);
            }
        } finally {
            give(WRITING);
        }
    }
}
