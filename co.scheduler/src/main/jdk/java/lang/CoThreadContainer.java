/*
 * Not a class of co.scheduler's own packages: compiled against java.base with --patch-module and
 * shipped as the resource co/scheduler/internal/CoThreadContainer.bin, which
 * co.scheduler.internal.CarrierThreads defines in java.lang at run time through the lookup that
 * "--add-opens java.base/java.lang" (the affine scheduler's one requirement) grants. Being in
 * java.base, it may extend the JDK's internal thread-container class. When the JDK's internals
 * differ from what it was compiled against, defining or making it fails and co falls back to a
 * thread-per-task executor.
 */
package java.lang;

import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.stream.Stream;
import jdk.internal.vm.ThreadContainer;
import jdk.internal.vm.ThreadContainers;

/**
 * A JDK thread container whose threads are the live coroutines of one co scheduler, as co lists
 * them: it keeps no set of its own, so starting and ending a thread in it costs nothing but the
 * JDK's pin and unpin, while a JDK thread dump ({@code jcmd <pid> Thread.dump_to_file}) still lists
 * every coroutine under it. Registered with the JDK on creation; {@link #close} deregisters it.
 * Thread-safe: the suppliers it is given must be.
 */
final class CoThreadContainer extends ThreadContainer implements AutoCloseable {

    private final String name;
    private final Supplier<Stream<Thread>> threads;
    private final LongSupplier count;
    private final Object key;

    CoThreadContainer(String name, Supplier<Stream<Thread>> threads, LongSupplier count) {
        super(true);
        this.name = name;
        this.threads = threads;
        this.count = count;
        this.key = ThreadContainers.registerContainer(this);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long threadCount() {
        return count.getAsLong();
    }

    @Override
    public Stream<Thread> threads() {
        return threads.get();
    }

    @Override
    public void close() {
        ThreadContainers.deregisterContainer(key);
    }

    @Override
    public String toString() {
        return name;
    }
}
