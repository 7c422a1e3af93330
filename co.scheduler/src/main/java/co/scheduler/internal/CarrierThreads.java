package co.scheduler.internal;

import java.lang.reflect.Constructor;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;

/**
 * Makes virtual threads whose scheduler is a given {@link Executor}, through the JDK's
 * package-private {@code java.lang.ThreadBuilders$VirtualThreadBuilder(Executor)} constructor.
 * Reaching it needs {@code --add-opens java.base/java.lang=co.scheduler} (module path) or
 * {@code =ALL-UNNAMED} (class path).
 */
final class CarrierThreads {

    private static final Constructor<?> BUILDER;
    private static final Throwable CAUSE;

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

    static boolean available() {
        return BUILDER != null;
    }

    static Throwable cause() {
        return CAUSE;
    }

    /**
     * A thread factory for unnamed virtual threads scheduled by {@code scheduler}.
     *
     * @param scheduler runs the threads' continuations
     * @return a thread-safe factory
     */
    static ThreadFactory factory(Executor scheduler) {
        if (BUILDER == null) {
            throw new IllegalStateException(CAUSE.getMessage(), CAUSE);
        }
        try {
            Thread.Builder.OfVirtual b = (Thread.Builder.OfVirtual) BUILDER.newInstance(scheduler);
            return b.factory();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("co: cannot create the affine scheduler's thread builder", e);
        }
    }
}
