package co.scheduler.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.reflect.Constructor;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;

/**
 * Makes virtual threads whose scheduler is a given {@link Executor}, through the JDK's
 * package-private {@code java.lang.ThreadBuilders$VirtualThreadBuilder(Executor)} constructor: the
 * one place in co that reaches into JDK internals for it (the affine scheduler uses it, and so do the
 * benchmarks that compare against bare virtual threads on a carrier of their choosing). Reaching it
 * needs {@code --add-opens java.base/java.lang=co.scheduler} (module path) or
 * {@code =ALL-UNNAMED} (class path); without it every method but {@link #available()} and
 * {@link #unavailabilityCause()} throws, always with the same message.
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
