package co.api;

import co.api.internal.Addresses;
import co.api.internal.Providers;
import co.api.spi.CoContext;
import co.api.spi.CoRuntime;
import co.api.spi.UncaughtExceptions;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.util.List;
import java.util.Objects;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * The co API: start coroutines, ask where you run, sleep, read the last error, make sockets.
 * Names and meanings follow C++ co ({@code go}, {@code coroutine_id}, {@code sleep},
 * {@code error}, ...) in Java case.
 *
 * <pre>{@code
 * Co.go(() -> {
 *     Sock server = Co.tcpSocket();
 *     server.bind(Co.initIpAddr("127.0.0.1", 7788));
 *     server.listen();
 *     for (;;) {
 *         Sock conn = server.accept();
 *         if (conn != null) Co.go(Echo::serve, conn);   // one coroutine per connection
 *     }
 * });
 * }</pre>
 *
 * <p><b>The runtime.</b> The first call that needs coroutines creates the process-wide runtime:
 * the scheduler provider named by the system property {@code co.scheduler} ({@code affine} or
 * {@code virtual}), else the best available one; {@code co.sched_num} sets the number of scheduling
 * threads (default: the number of processors). Inside a coroutine every call refers to the runtime
 * that runs that coroutine.
 *
 * <p>Size: about 490 lines, more than half of them javadoc: the one static facade of the API (co's
 * free functions), each method a few lines that hand over to the runtime, the calling thread's
 * context or a transport.
 *
 * <p><b>Threads.</b> Every method may be called from any thread. Outside a coroutine the ids are
 * -1, {@link #scheduler()} is null and {@link #sleep} is {@link Thread#sleep}. The error state
 * ({@link #error()}, {@link #timeout()}) is per coroutine, or per thread outside coroutines.
 */
public final class Co {

    private static final Object LOCK = new Object();
    private static volatile CoRuntime global;
    private static volatile boolean stopped;
    private static volatile Transport defaultTransport;

    private Co() {
    }

    /**
     * Returns the runtime the caller belongs to: the current coroutine's, else the process-wide one
     * (created on first use).
     *
     * @return the runtime
     * @throws IllegalStateException if no scheduler provider is available, or after {@link #stop()}
     */
    public static CoRuntime runtime() {
        CoRuntime r = CoContext.current().runtime();
        if (r != null) {
            return r;
        }
        r = global;
        if (r != null) {
            return r;
        }
        synchronized (LOCK) {
            if (stopped) {
                throw new IllegalStateException("co: the runtime has been stopped (Co.stop())");
            }
            if (global == null) {
                global = Providers.createRuntime();
            }
            return global;
        }
    }

    // ---------------------------------------------------------------- coroutines

    /**
     * Starts a coroutine that runs {@code f} (co's {@code go(f)}), on {@link #nextScheduler()}.
     * Does not wait for the coroutine; a spawner far ahead of the scheduler may yield or park here
     * briefly (back-pressure, see {@link Scheduler#go(Runnable)}).
     *
     * @param f the coroutine body; an exception escaping it goes to the uncaught-exception handler
     * @throws NullPointerException if {@code f} is null
     * @throws IllegalStateException after {@link #stop()}
     */
    public static void go(Runnable f) {
        Objects.requireNonNull(f, "f");
        runtime().go(f);
    }

    /**
     * Starts a coroutine that calls {@code f.accept(p)} (co's {@code go(f, p)}).
     *
     * @param f the coroutine function
     * @param p its argument
     * @param <P> the argument type
     * @throws NullPointerException if {@code f} is null
     * @throws IllegalStateException after {@link #stop()}
     */
    public static <P> void go(Consumer<? super P> f, P p) {
        Objects.requireNonNull(f, "f");
        runtime().go(() -> f.accept(p));
    }

    /**
     * Starts a coroutine that calls {@code f.accept(t, p)}: co's {@code go(&T::g, &o, p)}, written
     * {@code Co.go(T::g, o, p)}.
     *
     * @param f the method or function
     * @param t the object
     * @param p the argument
     * @param <T> the object type
     * @param <P> the argument type
     * @throws NullPointerException if {@code f} is null
     * @throws IllegalStateException after {@link #stop()}
     */
    public static <T, P> void go(BiConsumer<? super T, ? super P> f, T t, P p) {
        Objects.requireNonNull(f, "f");
        runtime().go(() -> f.accept(t, p));
    }

    /**
     * Returns all schedulers, indexed by id (co's {@code all_schedulers()}).
     *
     * @return an unmodifiable list
     */
    public static List<Scheduler> allSchedulers() {
        return runtime().schedulers();
    }

    /**
     * Returns the scheduler the next {@link #go} would use (co's {@code next_scheduler()}); start
     * several coroutines on one scheduler with {@code Co.nextScheduler().go(...)}.
     *
     * @return a scheduler
     */
    public static Scheduler nextScheduler() {
        return runtime().nextScheduler();
    }

    /**
     * Returns the scheduler running the current coroutine (co's {@code scheduler()}).
     *
     * @return the scheduler, or null outside a coroutine
     */
    public static Scheduler scheduler() {
        return CoContext.current().scheduler();
    }

    /**
     * Returns the current coroutine's id (co's {@code coroutine_id()}). Ids follow
     * {@code k * schedulerNum() + schedulerId()}, so {@code coroutineId() % schedulerNum() ==
     * schedulerId()}; no two coroutines of a runtime share an id.
     *
     * @return the id, or -1 outside a coroutine
     */
    public static long coroutineId() {
        return CoContext.current().id();
    }

    /**
     * Returns the current coroutine's scheduler id (co's {@code scheduler_id()}).
     *
     * <p><b>One at a time, or not.</b> On the {@code affine} scheduler a scheduler is one thread:
     * its coroutines never run at the same time, so C++ co's per-scheduler data pattern (an array of
     * {@code schedulerNum()} slots, each touched without a lock by the coroutines of the scheduler
     * with that id) is safe. On the {@code virtual} fallback (no {@code --add-opens}; see README,
     * "Running the affine scheduler") the ids are only logical: two coroutines with the same
     * scheduler id may run at the same time on different carrier threads, and such data needs a
     * lock or an atomic. {@link #serialSchedulers()} tells which case the caller is in.
     *
     * @return from 0 to {@code schedulerNum() - 1}, or -1 outside a coroutine
     */
    public static int schedulerId() {
        Scheduler s = CoContext.current().scheduler();
        return s == null ? -1 : s.id();
    }

    /**
     * Tells whether the coroutines of one scheduler run one at a time (never in parallel), so that
     * data kept per {@link #schedulerId()} and touched only by that scheduler's coroutines needs no
     * lock. True on the {@code affine} scheduler; false on the {@code virtual} fallback, whose
     * scheduler ids are logical. Refers to the caller's runtime, as {@link #runtime()} does (and so
     * may create the process-wide runtime). Never blocks; any thread.
     *
     * @return true if coroutines sharing a scheduler id never run at the same time
     * @throws IllegalStateException if no scheduler provider is available, or after {@link #stop()}
     */
    public static boolean serialSchedulers() {
        return runtime().affine();
    }

    /**
     * Returns the number of schedulers (co's {@code scheduler_num()}).
     *
     * @return at least 1
     */
    public static int schedulerNum() {
        return runtime().schedulers().size();
    }

    /**
     * Suspends the current coroutine for at least {@code ms} milliseconds (co's {@code sleep});
     * {@code ms <= 0} lets other coroutines run first. Outside a coroutine it is
     * {@link Thread#sleep}; if the thread is interrupted it returns early with the interrupt flag
     * set.
     *
     * @param ms the time in milliseconds
     */
    public static void sleep(long ms) {
        CoContext ctx = CoContext.current();
        if (ctx.runtime() != null) {
            ctx.runtime().sleep(ms);
            return;
        }
        try {
            if (ms > 0) {
                Thread.sleep(ms);
            } else {
                Thread.yield();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Stops all scheduling threads of the process-wide runtime (co's {@code stop()}); later
     * {@link #go} calls throw {@link IllegalStateException}. On the {@code affine} scheduler,
     * coroutines that exist at that moment are abandoned: they never resume and their
     * {@code finally} blocks do not run, as in C++ co. On {@code virtual}, they run to their end.
     * From a plain thread it waits at most 5 s for the scheduling threads to end; from a coroutine
     * it returns at once. Calling it again does nothing.
     */
    public static void stop() {
        CoRuntime r;
        synchronized (LOCK) {
            stopped = true;
            r = global;
        }
        if (r != null) {
            r.stop();
        }
    }

    /**
     * Tells whether the last I/O wait of the current coroutine (or thread) timed out (co's
     * {@code timeout()}).
     *
     * @return true if it timed out
     */
    public static boolean timeout() {
        return CoContext.current().timeout();
    }

    /**
     * Returns the current error code (co's {@code error()}), set when a co call returned -1.
     *
     * @return an {@link Errno} value
     */
    public static int error() {
        return CoContext.current().error();
    }

    /**
     * Describes the current error (co's {@code strerror()}): the code's text, then a detail message
     * when the failing call gave one (for example a TLS alert).
     *
     * @return the description
     */
    public static String strerror() {
        CoContext ctx = CoContext.current();
        String base = Errno.describe(ctx.error());
        return ctx.detail() == null ? base : base + ": " + ctx.detail();
    }

    /**
     * Describes an error code (co's {@code strerror(err)}).
     *
     * @param err the code
     * @return the description
     */
    public static String strerror(int err) {
        return Errno.describe(err);
    }

    /**
     * Sets the current error code (co's {@code set_last_error}); {@link Errno#ETIMEDOUT} also makes
     * {@link #timeout()} true.
     *
     * @param err the code
     */
    public static void setLastError(int err) {
        CoContext.current().setError(err);
    }

    /**
     * Sets who hears of exceptions that escape coroutines; null (the default) logs them through
     * {@link System.Logger} {@code "co"} at ERROR. The scheduling thread goes on either way. The
     * handler runs on the failing coroutine's thread and must not block for long.
     *
     * @param handler the handler, or null
     */
    public static void setUncaughtExceptionHandler(Thread.UncaughtExceptionHandler handler) {
        UncaughtExceptions.setHandler(handler);
    }

    // ---------------------------------------------------------------- observability

    /**
     * Takes a snapshot of the numbers of the caller's runtime (the current coroutine's, else the
     * process-wide one, created if needed): coroutines spawned, finished and alive, uncaught
     * exceptions, stalls, and per scheduler its coroutines, run queue, resumes, I/O waiters, timers
     * and busy/idle time. Never blocks; cheap enough to poll. What each number means and how fresh
     * it is: {@link SchedulerMetrics}, {@link RuntimeMetrics}. The same numbers are published over
     * JMX as {@code co:type=Runtime} and {@code co:type=Scheduler,id=N}.
     *
     * @return the snapshot; numbers the provider cannot know are -1
     * @throws IllegalStateException if no runtime can be created, or after {@link #stop()}
     */
    public static RuntimeMetrics metrics() {
        CoRuntime r = runtime();
        if (r instanceof co.api.spi.Introspectable i) {
            return i.metrics();
        }
        List<SchedulerMetrics> unknown = new java.util.ArrayList<>();
        for (Scheduler s : r.schedulers()) {
            unknown.add(new SchedulerMetrics(s.id(), -1, -1, -1, -1, -1, -1, -1, -1));
        }
        return new RuntimeMetrics(r.name(), -1, -1, -1, -1, unknown);
    }

    /**
     * Lists every live coroutine of the caller's runtime: id, scheduler, state (running, runnable,
     * waiting), what it waits on where co knows it (a sleep; {@code recv}, {@code send},
     * {@code accept}, {@code connect} on which socket with which deadline; {@code Chan},
     * {@code Mutex}, {@code Event}, {@code WaitGroup}, {@code Pool}), how long, and its stack: Go's
     * goroutine dump. Any thread; it may wait a few hundred milliseconds at most for busy scheduling
     * threads (a stalled one is read without its help). Costs a stack walk per coroutine: for
     * diagnostics, not for a hot path.
     *
     * @return the coroutines, by scheduler then id; empty for a provider that cannot list them
     * @throws IllegalStateException if no runtime can be created, or after {@link #stop()}
     */
    public static List<CoroutineInfo> coroutines() {
        return runtime() instanceof co.api.spi.Introspectable i ? i.coroutines() : List.of();
    }

    /**
     * Writes {@link #coroutines()} as text, one {@link CoroutineInfo#appendTo entry} per coroutine
     * after a header line naming the provider and the count. See {@code docs/observability.md}.
     *
     * @param out where to write (a {@link StringBuilder}, a {@link java.io.Writer}, ...)
     * @throws java.io.IOException if {@code out} fails
     * @throws IllegalStateException if no runtime can be created, or after {@link #stop()}
     */
    public static void dumpCoroutines(Appendable out) throws java.io.IOException {
        Objects.requireNonNull(out, "out");
        CoRuntime r = runtime();
        List<CoroutineInfo> all = coroutines();
        out.append("co coroutine dump: provider ").append(r.name()).append(", ")
                .append(Integer.toString(all.size())).append(" coroutines\n\n");
        for (CoroutineInfo c : all) {
            c.appendTo(out);
        }
    }

    // ---------------------------------------------------------------- sockets

    /**
     * Returns the default transport: the one named by the system property {@code co.transport},
     * else the available one with the highest priority ({@code "nio"}).
     *
     * @return the transport
     * @throws IllegalStateException if no transport is available
     */
    public static Transport transport() {
        Transport t = defaultTransport;
        if (t == null) {
            t = Providers.transport(null);
            defaultTransport = t;
        }
        return t;
    }

    /**
     * Returns the transport named {@code name} ({@code "nio"}, {@code "tls"}, or a custom one),
     * looked up anew each call.
     *
     * @param name the name
     * @return the transport
     * @throws IllegalArgumentException if there is no available transport of that name
     */
    public static Transport transport(String name) {
        return Providers.transport(Objects.requireNonNull(name, "name"));
    }

    /**
     * Creates a socket with the default transport (co's {@code socket()}).
     *
     * @param family {@code INET}, {@code INET6} or {@code UNIX}
     * @param type stream or datagram
     * @return the socket, or null on error ({@link #error()} says why)
     */
    public static Sock socket(ProtocolFamily family, Sock.Type type) {
        return transport().socket(family, type);
    }

    /**
     * Creates an IPv4 TCP socket (co's {@code tcp_socket()}).
     *
     * @return the socket, or null on error
     */
    public static Sock tcpSocket() {
        return socket(StandardProtocolFamily.INET, Sock.Type.STREAM);
    }

    /**
     * Creates a TCP socket of the given family (co's {@code tcp_socket(domain)}); {@code UNIX} gives a
     * Unix-domain stream socket.
     *
     * @param family {@code INET}, {@code INET6} or {@code UNIX}
     * @return the socket, or null on error
     */
    public static Sock tcpSocket(ProtocolFamily family) {
        return socket(family, Sock.Type.STREAM);
    }

    /**
     * Creates an IPv4 UDP socket (co's {@code udp_socket()}).
     *
     * @return the socket, or null on error
     */
    public static Sock udpSocket() {
        return socket(StandardProtocolFamily.INET, Sock.Type.DATAGRAM);
    }

    /**
     * Creates a UDP socket of the given family (co's {@code udp_socket(domain)}).
     *
     * @param family {@code INET} or {@code INET6}
     * @return the socket, or null on error
     */
    public static Sock udpSocket(ProtocolFamily family) {
        return socket(family, Sock.Type.DATAGRAM);
    }

    /**
     * Makes an address from an IP literal and a port (co's {@code init_ip_addr}); never asks DNS.
     *
     * @param ip an IPv4 or IPv6 literal ({@code "127.0.0.1"}, {@code "::"}, {@code "[::1]"})
     * @param port the port, 0 to 65535
     * @return the address, or null if {@code ip} is not a literal or the port is out of range
     */
    public static InetSocketAddress initIpAddr(String ip, int port) {
        return Addresses.parse(ip, port);
    }

    /**
     * Returns the IP of an address as text (co's {@code ip_str}): {@code "127.0.0.1"}, {@code "::1"}.
     *
     * @param address the address
     * @return the text
     */
    public static String ipStr(InetSocketAddress address) {
        return Addresses.ip(Objects.requireNonNull(address, "address"));
    }

    /**
     * Returns an address as {@code "ip:port"}, {@code "[v6]:port"}, or a Unix socket's path (co's
     * {@code to_string}).
     *
     * @param address the address
     * @return the text
     */
    public static String toString(SocketAddress address) {
        return Addresses.text(Objects.requireNonNull(address, "address"));
    }
}
