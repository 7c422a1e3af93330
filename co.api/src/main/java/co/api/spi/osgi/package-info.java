/**
 * OSGi glue for provider bundles: {@link co.api.spi.osgi.ProviderActivator}, the
 * {@code Bundle-Activator} base that registers a bundle's providers as OSGi services and, when the
 * bundle stops, withdraws them and closes the sockets its transports left open.
 *
 * <p>Only for code running in an OSGi framework: it needs {@code org.osgi.framework}, which
 * {@code co.api} imports optionally ({@code requires static osgi.core} in its module). Outside a
 * framework nothing loads this package.
 */
package co.api.spi.osgi;
