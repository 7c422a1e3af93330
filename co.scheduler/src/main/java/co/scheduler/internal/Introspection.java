package co.scheduler.internal;

import co.api.Co;
import co.api.CoroutineInfo;
import co.api.spi.IoWaiter;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.SocketAddress;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectableChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;

/**
 * Turns a live {@link Coroutine} into a {@link CoroutineInfo}: its state, what it waits on (read
 * from its park blocker: the affine scheduler's I/O waiter, sleeper or timed-park record, whose
 * fields say which socket, since when and until when; for {@code co.sync} primitives, from the
 * outermost {@code co.sync} frame of its stack), and its stack. Any thread; for diagnostics only.
 */
final class Introspection {

    /** The primitives whose frames name a wait ({@code Chan.recv}, {@code Mutex.lock}, ...). */
    private static final Set<String> PRIMITIVES = Set.of("Chan", "Mutex", "MutexGuard", "Event", "WaitGroup",
            "Pool", "PoolGuard");
    /** {@code java.lang.VirtualThread.carrierThread}, when {@code java.lang} is open to co; else null. */
    private static final VarHandle CARRIER = carrierHandle();

    private Introspection() {
    }

    private static VarHandle carrierHandle() {
        try {
            Class<?> vt = Class.forName("java.lang.VirtualThread");
            return MethodHandles.privateLookupIn(vt, MethodHandles.lookup()).findVarHandle(vt, "carrierThread", Thread.class);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null; // without the --add-opens: fall back on toString (see mountedOn)
        }
    }

    /**
     * Tells whether virtual thread {@code t} is mounted on {@code carrier} (on any carrier when
     * {@code carrier} is null).
     */
    static boolean mountedOn(Thread t, Thread carrier) {
        if (CARRIER != null && t.isVirtual()) {
            Thread c = (Thread) CARRIER.getVolatile(t);
            return carrier == null ? c != null : c == carrier;
        }
        // VirtualThread.toString ends with "@<carrier name>" while mounted.
        String s = t.toString();
        int at = s.lastIndexOf('@');
        return at >= 0 && (carrier == null || s.substring(at + 1).equals(carrier.getName()));
    }

    /**
     * Describes a coroutine, or returns null if it has ended.
     *
     * @param c the coroutine
     * @param schedulerId its scheduler's id
     */
    static CoroutineInfo describe(Coroutine c, int schedulerId) {
        Thread t = c.thread;
        if (t == null) {
            return null;
        }
        Thread.State st = t.getState();
        if (st == Thread.State.TERMINATED) {
            return null;
        }
        Object blocker = LockSupport.getBlocker(t);
        StackTraceElement[] stack = t.getStackTrace();
        long now = System.nanoTime();
        CoroutineInfo.State state;
        String on = null;
        long since = -1;
        if (t == Thread.currentThread() || mountedOn(t, null)) {
            state = CoroutineInfo.State.RUNNING;
        } else if (st == Thread.State.RUNNABLE || st == Thread.State.NEW) {
            state = CoroutineInfo.State.RUNNABLE;
        } else {
            state = CoroutineInfo.State.WAITING;
            if (st == Thread.State.BLOCKED) {
                on = "monitor (synchronized)";
            } else if (blocker instanceof IoWaiter w) {
                on = io(w, stack, now);
                since = w.since();
            } else if (blocker instanceof AffineScheduler.Sleeper s) {
                on = "sleep, wakes in " + millis(s.deadline() - now) + " ms";
                since = s.since;
            } else if (blocker instanceof AffineScheduler.Unparker u) {
                on = what(u.blocker, stack) + ", deadline in " + millis(u.deadline() - now) + " ms";
                since = u.since;
            } else {
                on = what(blocker, stack);
                if (blocker instanceof co.api.spi.WaitRecord r) {
                    since = r.waitingSince(); // co.sync waits without a deadline: Chan, Mutex, Event, WaitGroup
                }
            }
        }
        return new CoroutineInfo(c.context.id(), schedulerId, t.threadId(), state, on,
                since < 0 ? -1 : Math.max(0, now - since), Arrays.asList(stack));
    }

    private static long millis(long nanos) {
        return Math.max(0, nanos / 1_000_000L);
    }

    /** The socket operations a coroutine may wait in; the innermost one on the stack names the wait. */
    private static final Set<String> SOCKET_OPS = Set.of("recv", "recvn", "recvfrom", "send", "sendto", "accept",
            "connect", "close", "reset", "read", "write");

    private static String io(IoWaiter w, StackTraceElement[] stack, long now) {
        String op = "I/O";
        for (StackTraceElement e : stack) {
            if (e.getClassName().equals("co.api.IoEvent")) {
                op = "IoEvent.await";
                break;
            }
            if (SOCKET_OPS.contains(e.getMethodName()) && !e.getClassName().startsWith("java.")
                    && !e.getClassName().startsWith("sun.")) {
                op = e.getMethodName();
                break;
            }
        }
        Object on = w.blocker();
        String text = op + " on " + (on instanceof SelectableChannel ch ? channel(ch) : String.valueOf(on));
        // heapIndex >= 0: the waiter is in the timer heap, so it has a deadline. A racy read: at worst
        // a deadline that has just been removed is shown.
        return w.heapIndex() >= 0 ? text + ", deadline in " + millis(w.deadline() - now) + " ms" : text;
    }

    /** A channel as text: its addresses where it has them. */
    static String channel(SelectableChannel ch) {
        try {
            if (!ch.isOpen()) {
                return "a closed channel";
            }
            if (ch instanceof SocketChannel s) {
                return "socket " + address(s.getLocalAddress()) + peer(s.getRemoteAddress());
            }
            if (ch instanceof ServerSocketChannel s) {
                return "listening socket " + address(s.getLocalAddress());
            }
            if (ch instanceof DatagramChannel s) {
                return "datagram socket " + address(s.getLocalAddress()) + peer(s.getRemoteAddress());
            }
        } catch (IOException | RuntimeException e) {
            return "a closed channel";
        }
        return ch.toString();
    }

    private static String peer(SocketAddress a) {
        return a == null ? "" : " (peer " + address(a) + ")";
    }

    private static String address(SocketAddress a) {
        if (a == null) {
            return "(unbound)";
        }
        try {
            return Co.toString(a);
        } catch (RuntimeException e) {
            return a.toString();
        }
    }

    /**
     * Names a wait that co does not record itself: the outermost frame of a {@code co.sync}
     * primitive on the stack ({@code "Chan.recv"}), else the park blocker's class, else the
     * blocking JDK call.
     */
    private static String what(Object blocker, StackTraceElement[] stack) {
        String named = null;
        for (StackTraceElement e : stack) {
            String cls = e.getClassName();
            if (cls.startsWith("co.sync.")) {
                String simple = cls.substring("co.sync.".length());
                int dollar = simple.indexOf('$');
                String outer = dollar < 0 ? simple : simple.substring(0, dollar);
                if (PRIMITIVES.contains(outer) && dollar < 0) {
                    named = outer + "." + e.getMethodName(); // keep going: the outermost one wins
                }
            } else if (named != null) {
                return named;
            } else if (cls.equals("java.lang.Thread") && e.getMethodName().equals("sleep")) {
                return "Thread.sleep";
            }
        }
        if (named != null) {
            return named;
        }
        return blocker == null ? "parked" : "parked on " + blocker.getClass().getName();
    }

    /** Formats a stack for a log line or a JFR field, innermost frame first. */
    static String stackText(List<StackTraceElement> stack) {
        StringBuilder b = new StringBuilder();
        for (StackTraceElement e : stack) {
            b.append("\tat ").append(e).append('\n');
        }
        return b.toString();
    }
}
