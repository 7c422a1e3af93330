package co.api.spi;

import java.io.IOException;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The JDK {@link Selector} backend of one scheduling thread (co's default, {@code "nio"}): the
 * readiness registry of which coroutines wait on which channel, and the selection that wakes them.
 * A native backend keeps one of these for the JDK channels its scheduler's coroutines wait on, and
 * adds the selector to its own blocking wait.
 *
 * <p>Interest is registered on the first wait and kept (a connection loop that waits again soon
 * costs no {@code epoll_ctl}) until a readiness event finds nobody waiting.
 *
 * <p>Thread rules: as {@link IoBackend}: everything on the owning scheduling thread but
 * {@link #wakeup()}, {@link #closed} and {@link #cancelKey}, which any thread may call. Only this
 * thread ever cancels one of this selector's keys (see {@link Poller#cancelKey}).
 */
public final class SelectorBackend implements IoBackend {

    private static final int READ_OPS = SelectionKey.OP_READ | SelectionKey.OP_ACCEPT;
    private static final int WRITE_OPS = SelectionKey.OP_WRITE | SelectionKey.OP_CONNECT;

    private final IoHost host;
    private final Selector selector;
    /** Ready keys found by the selection in progress; counted by {@link #onReady}. */
    private int readyCount;
    /** Keys other threads asked this thread to cancel ({@link #cancelKey}), with what to run after. */
    private final ConcurrentLinkedQueue<Object[]> cancels = new ConcurrentLinkedQueue<>();
    /** Set by {@link #close()}: from then on a {@link #cancelKey} runs on its caller's thread. */
    private volatile boolean closing;
    /**
     * True from a wake-up of the selector by any thread until the host's next selection returns
     * (see {@link #wakeOnce}).
     */
    private final AtomicBoolean wakePending = new AtomicBoolean();

    /** The attachment of each selection key: who waits for which side. */
    private static final class Interest {
        IoWaiter readers;
        IoWaiter writers;
    }

    /**
     * Opens a selector for a scheduling thread.
     *
     * @param host the scheduling thread
     * @throws IOException if the JDK cannot open a selector
     */
    public SelectorBackend(IoHost host) throws IOException {
        this.host = host;
        this.selector = Selector.open();
    }

    /**
     * Returns the selector, for a native backend that adds it to its own wait. Do not select on it.
     *
     * @return the selector
     */
    public Selector selector() {
        return selector;
    }

    @Override
    public String name() {
        return "nio";
    }

    @Override
    public int pollNow() throws IOException {
        cancelRequested();
        readyCount = 0;
        try {
            selector.selectNow(this::onReady);
        } catch (ClosedSelectorException e) {
            throw new IOException("co: the selector was closed", e);
        }
        wakePending.set(false);   // before the queues are read: a later waker wakes again
        cancelRequested();
        return readyCount;
    }

    @Override
    public int poll(long timeoutMs) throws IOException {
        if (timeoutMs == 0) {
            return pollNow();
        }
        cancelRequested();
        readyCount = 0;
        try {
            selector.select(this::onReady, timeoutMs < 0 ? 0 : timeoutMs);
        } catch (ClosedSelectorException e) {
            throw new IOException("co: the selector was closed", e);
        }
        wakePending.set(false);
        cancelRequested();   // a cancelKey's wake-up ended this wait: its channel closes now
        return readyCount;
    }

    @Override
    public boolean hasRegistrations() {
        return !selector.keys().isEmpty();
    }

    @Override
    public void wakeup() {
        wakeOnce();
    }

    /**
     * Wakes the selector unless another thread has done so since its last selection. Any thread.
     *
     * <p>Why at most one: {@code Selector.wakeup()} takes a monitor of the selector, and on JDK 24+
     * a monitor released while several threads wait for it may be handed to a waiting virtual
     * thread. Were a scheduling thread and one of its own coroutines both waiting for it (both
     * waking another scheduler, say, one from its loop and one from a {@code close}), the hand-over
     * could go to the coroutine, which can only run on that very scheduling thread, blocked in the
     * wait: seen once in the 10,000-client TLS storm, with a scheduling thread blocked in
     * {@code EPollSelectorImpl.wakeup} for good. With one waker at a time the selector's own thread,
     * which clears the wake-up under the same monitor and never waits for a coroutine, is the only
     * other party.
     */
    private void wakeOnce() {
        if (!wakePending.get() && wakePending.compareAndSet(false, true)) {
            selector.wakeup();
        }
    }

    @Override
    public void close() {
        closing = true;
        try {
            selector.close();
        } catch (IOException ignored) {
            // nothing more to do with it
        }
        cancelRequested();  // the selector's keys are gone: what is queued only has its `done` left
    }

    /**
     * Cancels the key on this thread when called on it; otherwise queues the cancellation for this
     * thread's next selection and wakes it. See {@link Poller#cancelKey} for why.
     */
    @Override
    public void cancelKey(SelectableChannel channel, Runnable done) {
        if (host.isHostThread()) {
            cancelNow(channel, done);
            return;
        }
        cancels.add(new Object[] {channel, done});
        if (closing) {
            cancelRequested();   // the loop is gone or going: whoever gets an entry first runs it
        } else {
            wakeOnce();
        }
    }

    /** Runs the queued {@link #cancelKey} requests; each exactly once, on whichever thread polls it. */
    private void cancelRequested() {
        Object[] c;
        while ((c = cancels.poll()) != null) {
            cancelNow((SelectableChannel) c[0], (Runnable) c[1]);
        }
    }

    private void cancelNow(SelectableChannel channel, Runnable done) {
        try {
            SelectionKey key = channel.keyFor(selector);
            if (key != null) {
                key.cancel();
            }
        } finally {
            done.run();
        }
    }

    @Override
    public boolean await(SelectableChannel channel, int ops, long timeoutMs) {
        SelectionKey key;
        try {
            key = channel.keyFor(selector);
            if (key == null) {
                key = channel.register(selector, ops, new Interest());
            } else if ((key.interestOps() & ops) != ops) {
                key.interestOps(key.interestOps() | ops);
            }
        } catch (ClosedChannelException | CancelledKeyException e) {
            // Closed under us: the caller's retry reports it.
            return true;
        }
        Interest interest = (Interest) key.attachment();
        boolean readSide = (ops & READ_OPS) != 0;
        IoWaiter w = new IoWaiter();
        if (readSide) {
            interest.readers = IoWaiter.push(interest.readers, w);
        } else {
            interest.writers = IoWaiter.push(interest.writers, w);
        }
        int state = w.await(host, timeoutMs, channel); // the channel: the coroutine dump names it
        if (state != IoWaiter.READY) {
            if (readSide) {
                interest.readers = IoWaiter.unlink(interest.readers, w);
            } else {
                interest.writers = IoWaiter.unlink(interest.writers, w);
            }
        }
        return IoWaiter.answer(state);
    }

    @Override
    public void release(SelectableChannel channel, int ops) {
        // Interest is kept until a readiness event finds nobody waiting (see onReady). Not so for
        // OP_CONNECT, which nobody waits for twice and which the selector never reports once the
        // channel is connected: left set, it keeps EPOLLOUT armed, so that every select returns at
        // once without a key to hand over, and the scheduling thread spins.
        if ((ops & SelectionKey.OP_CONNECT) == 0) {
            return; // the hot path: a recv or send looks up nothing
        }
        SelectionKey key = channel.keyFor(selector);
        if (key != null) {
            try {
                key.interestOpsAnd(~SelectionKey.OP_CONNECT); // no system call if it was not set
            } catch (CancelledKeyException ignored) {
                // the channel was closed; the key goes away with it
            }
        }
    }

    @Override
    public void closed(SelectableChannel channel) {
        // On this thread the loop selects as soon as the caller yields; elsewhere a selector blocked
        // in select() would keep the descriptor open until something else woke it.
        // Without looking the key up: that takes the channel's key-set monitor, which only this
        // scheduling thread should take (see cancelKey). A needless wake-up costs one selection.
        if (!host.isHostThread()) {
            wakeOnce();
        }
    }

    private void onReady(SelectionKey key) {
        readyCount++;
        Interest in = (Interest) key.attachment();
        int ready;
        try {
            ready = key.readyOps();
        } catch (CancelledKeyException e) {
            ready = READ_OPS | WRITE_OPS;
        }
        int drop = 0;
        if ((ready & READ_OPS) != 0) {
            if (in.readers == null) {
                drop |= READ_OPS;
            } else {
                IoWaiter.readyAll(in.readers);
                in.readers = null;
            }
        }
        if ((ready & WRITE_OPS) != 0) {
            if (in.writers == null) {
                drop |= WRITE_OPS;
            } else {
                IoWaiter.readyAll(in.writers);
                in.writers = null;
            }
        }
        if ((ready & SelectionKey.OP_CONNECT) != 0) {
            // A connect completes (or fails) once: the interest is never wanted again (see release).
            drop |= SelectionKey.OP_CONNECT;
        }
        if (drop != 0) {
            try {
                key.interestOps(key.interestOps() & ~drop);
            } catch (CancelledKeyException ignored) {
                // the channel was closed; the key goes away with it
            }
        }
    }
}
