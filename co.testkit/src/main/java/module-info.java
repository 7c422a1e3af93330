/**
 * The test kit of co for authors of custom transports and schedulers: the suites co runs against its
 * own providers, as JUnit 5 classes that a provider's tests extend with a small factory.
 *
 * <p>{@code co.net.testsuite}: {@link co.net.testsuite.SockSuite}, the transport-agnostic stream
 * socket suite, and {@link co.net.testsuite.SockFactory}, what a transport supplies to it.
 * {@code co.testkit}: {@link co.testkit.SchedulerContract}, what every scheduler provider must do.
 * See {@code docs/custom-transport.md}.
 */
open module co.testkit {
    requires transitive co.api;
    requires transitive org.junit.jupiter.api;
    requires transitive org.junit.jupiter.params;
    // ProcessCensus (the fault soak's leak check) reads the platform MBeans.
    requires java.management;

    exports co.net.testsuite;
    exports co.testkit;

    uses co.api.spi.SchedulerProvider;
}
