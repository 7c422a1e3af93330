/**
 * Go-style coroutines and coroutine-based networking, after the C++ library co.
 *
 * <p>Start with {@link co.api.Co}: {@code Co.go(...)} starts a coroutine, {@code Co.sleep(ms)}
 * suspends it, {@code Co.tcpSocket()} makes a {@link co.api.Sock} whose blocking calls suspend only
 * the calling coroutine. Names and meanings follow co's documentation; where Java differs (for
 * example {@code wait} is spelled {@code await}) the type's javadoc says so.
 */
package co.api;
