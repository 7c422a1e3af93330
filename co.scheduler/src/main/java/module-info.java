/**
 * co's scheduler providers. {@code affine}: each coroutine is a JDK virtual thread whose carrier is
 * one of co's own scheduling threads, each with its own run queue, timer heap and selector (needs
 * {@code --add-opens java.base/java.lang=co.scheduler}). {@code virtual}: plain JDK virtual threads
 * on the default scheduler, used when the flag is missing.
 *
 * <p>Exports nothing: use {@link co.api.Co}. Select a provider with {@code -Dco.scheduler=NAME}.
 */
module co.scheduler {
    requires static osgi.core;
    requires co.api;
    // Optional: JMX MXBeans and JFR events are used only when these are resolved (see OptionalModules);
    // a jlink image without them runs co.
    requires static java.management;
    requires static jdk.jfr;

    // The MXBean interfaces, for the platform MBean server's reflection.
    exports co.scheduler.internal.jmx to java.management;

    uses co.api.spi.IoBackendProvider;

    provides co.api.spi.SchedulerProvider with
            co.scheduler.internal.AffineProvider,
            co.scheduler.internal.VirtualProvider;
}
