package co.scheduler.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import co.api.spi.CoContext;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * The live coroutines of one scheduler, as an intrusive doubly linked list through the
 * {@link Coroutine}s themselves (no allocation to link or unlink), and its started / finished /
 * uncaught counters.
 *
 * <p>Threading. {@code affine} ({@code shared == false}): only the scheduling thread links,
 * unlinks and counts (its coroutines run on it one at a time), with plain writes; another thread
 * reads the counters with opaque reads (atomic, maybe a little stale) and must read the list on the
 * scheduling thread, or accept a racy read when that thread is stuck (see
 * {@link AffineIntrospection}). {@code virtual} ({@code shared == true}): coroutines of one logical
 * scheduler run on any carrier, so every access holds this object's lock.
 */
final class Coroutines {

    private static final VarHandle STARTED;
    private static final VarHandle FINISHED;
    private static final VarHandle UNCAUGHT;

    /**
     * Every list made and not yet collected, for {@link #locate}: a coroutine whose
     * uncaught-exception handler user code replaced is found by a search here, once.
     */
    private static final Set<Coroutines> ALL = Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));

    static {
        CoContext.addLocator(Coroutines::locate);
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            STARTED = l.findVarHandle(Coroutines.class, "started", long.class);
            FINISHED = l.findVarHandle(Coroutines.class, "finished", long.class);
            UNCAUGHT = l.findVarHandle(Coroutines.class, "uncaught", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final boolean shared;
    /**
     * The name of every coroutine thread of this scheduler, {@code "coroutine@<scheduling thread>"}:
     * one shared string, so that a JDK thread dump ({@code jcmd <pid> Thread.dump_to_file}) tells
     * which scheduler each coroutine belongs to at the cost of one field write per coroutine.
     */
    final String threadName;
    private Coroutine head;
    private long started;
    private long finished;
    private long uncaught;

    Coroutines(boolean shared, String threadName) {
        this.shared = shared;
        this.threadName = threadName;
        ALL.add(this);
    }

    /**
     * The {@link CoContext.Locator} of co.scheduler: finds the context of coroutine thread
     * {@code t} (the caller) whose handler is no longer its context. Searches the lists whose
     * coroutine-thread name is {@code t}'s (a coroutine that also renamed its thread is not found),
     * newest coroutine first. On an affine list the caller runs on the owning scheduling thread, so
     * its own list's read is exact; a same-named list of another runtime is read racily, bounded by
     * its live count, and cannot hold {@code t}.
     */
    static CoContext locate(Thread t) {
        String name = t.getName();
        Coroutines[] lists;
        synchronized (ALL) {
            lists = ALL.toArray(new Coroutines[0]);
        }
        for (Coroutines l : lists) {
            if (l != null && l.threadName.equals(name)) {
                Coroutine c = l.find(t);
                if (c != null) {
                    return c.context;
                }
            }
        }
        return null;
    }

    private Coroutine find(Thread t) {
        if (shared) {
            synchronized (this) {
                return findIn(t, Long.MAX_VALUE);
            }
        }
        return findIn(t, started() - finished() + 1);
    }

    private Coroutine findIn(Thread t, long limit) {
        for (Coroutine c = head; c != null && limit-- > 0; c = c.next) {
            if (c.thread == t) {
                return c;
            }
        }
        return null;
    }

    void enter(Coroutine c) {
        c.thread = Thread.currentThread();
        if (shared) {
            synchronized (this) {
                link(c);
            }
        } else {
            link(c);
        }
    }

    void exit(Coroutine c) {
        if (shared) {
            synchronized (this) {
                unlink(c);
            }
        } else {
            unlink(c);
        }
    }

    void uncaught() {
        if (shared) {
            synchronized (this) {
                uncaught++;
            }
        } else {
            uncaught++;
        }
    }

    private void link(Coroutine c) {
        Coroutine h = head;
        c.next = h;
        if (h != null) {
            h.prev = c;
        }
        head = c;
        started++;
    }

    private void unlink(Coroutine c) {
        Coroutine p = c.prev;
        Coroutine n = c.next;
        if (p == null) {
            head = n;
        } else {
            p.next = n;
        }
        if (n != null) {
            n.prev = p;
        }
        // Cleared so that an ended coroutine someone still holds keeps no others alive. A racy
        // reader standing on c then stops early: its copy is best-effort anyway.
        c.prev = null;
        c.next = null;
        finished++;
    }

    /** Coroutines that have begun to run. Any thread (opaque read, or under the lock). */
    long started() {
        if (shared) {
            synchronized (this) {
                return started;
            }
        }
        return (long) STARTED.getOpaque(this);
    }

    /** Coroutines that have ended. Any thread. */
    long finished() {
        if (shared) {
            synchronized (this) {
                return finished;
            }
        }
        return (long) FINISHED.getOpaque(this);
    }

    /** Coroutines that ended by an uncaught exception. Any thread. */
    long uncaughtCount() {
        if (shared) {
            synchronized (this) {
                return uncaught;
            }
        }
        return (long) UNCAUGHT.getOpaque(this);
    }

    /**
     * Copies the list. Exact on the owning scheduling thread (or, when shared, on any thread);
     * elsewhere a best-effort read that may miss a coroutine starting or ending meanwhile.
     *
     * @param limit the most entries to copy (a guard against a list torn by a racy read)
     */
    List<Coroutine> snapshot(int limit) {
        List<Coroutine> out = new ArrayList<>();
        if (shared) {
            synchronized (this) {
                copy(out, limit);
            }
        } else {
            copy(out, limit);
        }
        return out;
    }

    private void copy(List<Coroutine> out, int limit) {
        for (Coroutine c = head; c != null && out.size() < limit; c = c.next) {
            out.add(c);
        }
    }
}
