/**
 * Service provider interfaces: what a scheduler provider ({@link co.api.spi.SchedulerProvider},
 * {@link co.api.spi.CoRuntime}, {@link co.api.spi.Poller}) and a transport provider
 * ({@link co.api.spi.TransportProvider}) implement, and the per-thread state
 * ({@link co.api.spi.CoContext}) through which they report errors and timeouts to
 * {@link co.api.Co}.
 *
 * <p>User code does not normally touch this package; it exists so that schedulers and transports
 * can be swapped or written by third parties.
 */
package co.api.spi;
