/**
 * Service provider interfaces: what a scheduler provider ({@link co.api.spi.SchedulerProvider},
 * {@link co.api.spi.CoRuntime}, {@link co.api.spi.Poller}) and a transport provider
 * ({@link co.api.spi.TransportProvider}) implement, and the per-thread state
 * ({@link co.api.spi.CoContext}) through which they report errors and timeouts to
 * {@link co.api.Co}.
 *
 * <p>The small toolkit every provider shares, so that none writes its own copy:
 * {@link co.api.spi.Deadline} (what an {@code int ms} timeout means once a call waits),
 * {@link co.api.spi.Errors} (fail with an errno and a detail; JDK exceptions to errno codes),
 * {@link co.api.spi.Provider} (name, priority, availability, and the one rule by which providers
 * are selected), and {@link co.api.spi.CoRuntime#create(String, int)} (a runtime of a provider
 * named in code).
 *
 * <p>User code does not normally touch this package; it exists so that schedulers and transports
 * can be swapped or written by third parties.
 */
package co.api.spi;
