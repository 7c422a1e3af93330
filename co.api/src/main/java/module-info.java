/**
 * The public face of co for Java: {@link co.api.Co} (coroutines, scheduling, errors, sockets),
 * {@link co.api.Scheduler}, {@link co.api.Sock}, {@link co.api.IoEvent}, {@link co.api.Transport},
 * and in {@code co.api.spi} the interfaces that scheduler and transport providers implement.
 *
 * <p>User code needs only this module at compile time; providers ({@code co.scheduler},
 * {@code co.net.nio}, {@code co.net.tls}, or your own) are found at run time with
 * {@link java.util.ServiceLoader}.
 */
module co.api {
    requires static osgi.core;
    exports co.api;
    exports co.api.spi;
    // The provider bundles' Bundle-Activator base; loaded only inside an OSGi framework.
    exports co.api.spi.osgi;

    uses co.api.spi.SchedulerProvider;
    uses co.api.spi.TransportProvider;
}
