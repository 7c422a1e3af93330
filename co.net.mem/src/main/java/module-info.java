/**
 * The in-memory transport of co ({@code "mem"}): stream sockets between coroutines (or threads) of
 * one JVM, with the full {@link co.api.Sock} contract and no operating-system sockets. Use it to
 * test servers and protocols written against {@code Sock} without ports, and as the worked example
 * of a custom transport (see {@code docs/custom-transport.md}).
 *
 * <p>Exports {@code co.net.mem} for {@link co.net.mem.MemAddress}; get the transport with
 * {@link co.api.Co#transport(String) Co.transport("mem")}.
 */
module co.net.mem {
    requires static osgi.core;
    requires transitive co.api;

    exports co.net.mem;

    provides co.api.spi.TransportProvider with co.net.mem.internal.MemTransportProvider;
}
