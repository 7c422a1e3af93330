/**
 * The in-memory transport {@code "mem"}: {@link co.net.mem.MemAddress} and
 * {@link co.net.mem.MemTransports}. Sockets come from {@code Co.transport("mem")}.
 */
package co.net.mem;
