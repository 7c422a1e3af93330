package co.scheduler.internal;

import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;
import java.lang.reflect.Constructor;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Makes virtual threads whose scheduler is a given {@link Executor}, through the JDK's
 * package-private {@code java.lang.ThreadBuilders$VirtualThreadBuilder(Executor)} constructor: the
 * one place in co that reaches into JDK internals for it (the affine scheduler uses it, and so do the
 * benchmarks that compare against bare virtual threads on a carrier of their choosing). Reaching it
 * needs {@code --add-opens java.base/java.lang=co.scheduler} (module path) or
 * {@code =ALL-UNNAMED} (class path); without it every method but {@link #available()} and
 * {@link #unavailabilityCause()} throws, always with the same message.
 *
 * <p>With the same access it also makes JDK thread containers of co's own ({@link #container}): the
 * class {@code java.lang.CoThreadContainer}, compiled against {@code java.base} and shipped as the
 * resource {@code CoThreadContainer.bin}, is defined in {@code java.lang} through the lookup the
 * opened package grants, where it may extend the JDK's internal {@code ThreadContainer}. A JDK
 * whose internals do not fit it makes {@link #containersAvailable()} false, and co uses a
 * thread-per-task executor instead.
 *
 * <p>Public only so that code on the class path (the benchmarks) can share it; the package is not
 * exported. Thread safety: stateless after class initialization; any thread.
 */
public final class CarrierThreads {

    private static final Constructor<?> BUILDER;
    private static final Throwable CAUSE;
    /** {@code Thread.inheritableThreadLocals}, or null if it cannot be read. */
    private static final VarHandle INHERITABLE;

    static {
        VarHandle h = null;
        try {
            h = MethodHandles.privateLookupIn(Thread.class, MethodHandles.lookup())
                    .findVarHandle(Thread.class, "inheritableThreadLocals",
                            Class.forName("java.lang.ThreadLocal$ThreadLocalMap"));
        } catch (ReflectiveOperationException | RuntimeException e) {
            // Not opened, or a JDK without the field: every thread is taken to have some.
        }
        INHERITABLE = h;
    }

    static {
        Constructor<?> ctor = null;
        Throwable cause = null;
        try {
            Class<?> c = Class.forName("java.lang.ThreadBuilders$VirtualThreadBuilder");
            Constructor<?> k = c.getDeclaredConstructor(Executor.class);
            k.setAccessible(true);
            // Prove it works end to end before claiming availability.
            Thread.Builder.OfVirtual b = (Thread.Builder.OfVirtual) k.newInstance((Executor) Runnable::run);
            b.unstarted(() -> { });
            ctor = k;
        } catch (Throwable t) {
            String who = CarrierThreads.class.getModule().isNamed() ? "co.scheduler" : "ALL-UNNAMED";
            // The recipes that need no hand-typed flag come first: see README, "Running the affine scheduler".
            cause = new IllegalStateException("the affine scheduler needs java.lang opened to " + who
                    + ": put 'Add-Opens: java.base/java.lang' in the application JAR's manifest (java -jar), or"
                    + " build a jlink image with --add-options, or add the JVM option --add-opens java.base/java.lang="
                    + who + " to the launcher's JVM options (see co's README, 'Running the affine scheduler'; "
                    + t + ")", t);
        }
        BUILDER = ctor;
        CAUSE = cause;
    }

    /** Makes a {@code CoThreadContainer}: (String, Supplier, LongSupplier) to AutoCloseable; or null. */
    private static final MethodHandle NEW_CONTAINER;
    /** {@code Thread.start(ThreadContainer)}, as (Thread, AutoCloseable) to void; or null. */
    private static final MethodHandle START_IN;
    private static final Throwable CONTAINER_CAUSE;

    static {
        MethodHandle make = null;
        MethodHandle start = null;
        Throwable cause = null;
        if (BUILDER == null) {
            cause = CAUSE;
        } else {
            try {
                MethodHandles.Lookup l = MethodHandles.privateLookupIn(Thread.class, MethodHandles.lookup());
                Class<?> c = containerClass(l);
                make = l.findConstructor(c, MethodType.methodType(void.class, String.class, Supplier.class, LongSupplier.class))
                        .asType(MethodType.methodType(AutoCloseable.class, String.class, Supplier.class, LongSupplier.class));
                // The JDK's ThreadContainer, reached as the container's superclass: a Class.forName of
                // its name would make bnd import its (unexported) package, and the bundle would not resolve.
                start = l.findVirtual(Thread.class, "start", MethodType.methodType(void.class, c.getSuperclass()))
                        .asType(MethodType.methodType(void.class, Thread.class, AutoCloseable.class));
                // Prove it end to end: one made, registered with the JDK, and deregistered.
                AutoCloseable probe = (AutoCloseable) make.invokeExact("co.scheduler/probe",
                        (Supplier<Stream<Thread>>) Stream::empty, (LongSupplier) () -> 0L);
                probe.close();
            } catch (Throwable t) {
                make = null;
                start = null;
                cause = t;
                System.getLogger("co").log(System.Logger.Level.DEBUG,
                        "co: no thread container of co's own on this JDK; schedulers use thread-per-task executors", t);
            }
        }
        NEW_CONTAINER = make;
        START_IN = start;
        CONTAINER_CAUSE = cause;
    }

    /**
     * The container class in java.lang: the one another copy of co.scheduler in this JVM (another
     * module layer, a refreshed bundle) defined already, else defined here from the resource.
     */
    private static Class<?> containerClass(MethodHandles.Lookup l) throws ReflectiveOperationException, IOException {
        try {
            return l.findClass("java.lang.CoThreadContainer");
        } catch (ClassNotFoundException notYet) {
            byte[] bytes;
            try (InputStream in = CarrierThreads.class.getResourceAsStream("CoThreadContainer.bin")) {
                if (in == null) {
                    throw new IOException("co.scheduler: resource CoThreadContainer.bin missing");
                }
                bytes = in.readAllBytes();
            }
            try {
                return l.defineClass(bytes);
            } catch (LinkageError e) {
                try {
                    return l.findClass("java.lang.CoThreadContainer"); // defined by another copy meanwhile
                } catch (ClassNotFoundException notRaced) {
                    throw e; // the JDK refused the class itself: that is the cause to report
                }
            }
        }
    }

    private CarrierThreads() {
    }

    /**
     * Tells whether a thread holds values of inheritable thread-locals, which a thread it creates
     * would inherit. True when that cannot be read (java.lang not opened, or a JDK that keeps them
     * elsewhere).
     *
     * @param t the thread, normally the caller
     * @return false only if {@code t} certainly has none
     */
    public static boolean hasInheritableThreadLocals(Thread t) {
        return INHERITABLE == null || INHERITABLE.get(t) != null;
    }

    /**
     * Tells whether virtual threads with a scheduler of co's choosing can be made in this JVM.
     *
     * @return true if {@link #builder(Executor)} works
     */
    public static boolean available() {
        return BUILDER != null;
    }

    /**
     * Says why {@link #available()} is false: names the missing JVM option.
     *
     * @return the cause, or null when available
     */
    public static Throwable unavailabilityCause() {
        return CAUSE;
    }

    /**
     * A builder of virtual threads scheduled by {@code scheduler}.
     *
     * @param scheduler runs the threads' continuations
     * @return a new builder (not thread-safe, as every {@link Thread.Builder})
     * @throws IllegalStateException if unavailable, with {@link #unavailabilityCause()}'s message
     */
    public static Thread.Builder.OfVirtual builder(Executor scheduler) {
        if (BUILDER == null) {
            throw new IllegalStateException(CAUSE.getMessage(), CAUSE);
        }
        try {
            return (Thread.Builder.OfVirtual) BUILDER.newInstance(scheduler);
        } catch (ReflectiveOperationException e) {
            // The constructor worked in the static check: only a JDK change between then and now.
            throw new IllegalStateException(CAUSE == null ? "co: the JDK refused a virtual thread builder" : CAUSE.getMessage(), e);
        }
    }

    /**
     * Tells whether {@link #container} works in this JVM: java.lang is opened to co and the JDK's
     * thread-container internals are the ones co was built against.
     *
     * @return true if containers can be made
     */
    public static boolean containersAvailable() {
        return NEW_CONTAINER != null;
    }

    /**
     * Says why {@link #containersAvailable()} is false.
     *
     * @return the cause, or null when available
     */
    public static Throwable containerUnavailabilityCause() {
        return CONTAINER_CAUSE;
    }

    /**
     * Makes a JDK thread container, registered with the JDK, that keeps no set of threads: a JDK
     * thread dump lists under {@code name} the threads {@code threads} supplies. Threads started in
     * it ({@link #start}) cost the container nothing to add and remove.
     *
     * @param name the container's name in thread dumps
     * @param threads supplies its live threads; called by whichever thread takes a dump
     * @param count supplies how many threads it holds
     * @return the container; {@code close()} deregisters it (idempotent, never throws)
     * @throws IllegalStateException if {@link #containersAvailable()} is false
     */
    public static AutoCloseable container(String name, Supplier<Stream<Thread>> threads, LongSupplier count) {
        if (NEW_CONTAINER == null) {
            throw new IllegalStateException("co: no JDK thread container: " + CONTAINER_CAUSE, CONTAINER_CAUSE);
        }
        try {
            return (AutoCloseable) NEW_CONTAINER.invokeExact(name, threads, count);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("co: the JDK refused a thread container", e);
        }
    }

    /**
     * Starts an unstarted thread in a container made by {@link #container}, as {@code Thread.start}
     * starts one in the JDK's root container.
     *
     * @param thread a new, unstarted thread
     * @param container the container
     * @throws IllegalThreadStateException if the thread was started before
     */
    public static void start(Thread thread, AutoCloseable container) {
        try {
            START_IN.invokeExact(thread, container);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("co: cannot start a thread in its container", e);
        }
    }

    /**
     * A thread factory for unnamed virtual threads scheduled by {@code scheduler}.
     *
     * @param scheduler runs the threads' continuations
     * @return a thread-safe factory
     * @throws IllegalStateException if unavailable, with {@link #unavailabilityCause()}'s message
     */
    public static ThreadFactory factory(Executor scheduler) {
        return builder(scheduler).factory();
    }
}
