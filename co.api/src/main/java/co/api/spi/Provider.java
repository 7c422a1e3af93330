package co.api.spi;

/**
 * What every co provider ({@link SchedulerProvider}, {@link TransportProvider}) says about itself:
 * its name, its preference, and whether it works in this JVM (and if not, why not, as Netty's
 * {@code Epoll.isAvailable()} / {@code unavailabilityCause()} do).
 *
 * <p><b>Selection, one rule for every kind of provider.</b>
 * <ul>
 *   <li>No name given: the available provider with the highest {@link #priority()} wins.
 *   <li>A name given in configuration (the system properties {@code co.scheduler},
 *       {@code co.transport}): that provider if it is available; if it is present but unavailable,
 *       the best available one, with one {@link System.Logger} warning that names the cause. A
 *       deployment that names a faster provider (a native transport, the affine scheduler) keeps
 *       running where that provider cannot work; the warning says what was lost. A name that no
 *       provider has is a mistake in the configuration, and an {@link IllegalStateException}.
 *   <li>A name given to an API call ({@link co.api.Co#transport(String)},
 *       {@link CoRuntime#create(String, int)}): that provider or an
 *       {@link IllegalArgumentException} with the cause; code that asks for one provider by name
 *       means that one.
 * </ul>
 *
 * <p>Implementations must have a public no-argument constructor and be cheap to construct.
 * Thread safety: every method may be called from any thread.
 */
public interface Provider {

    /**
     * The priority of the provider that should be the default wherever it works (the
     * {@code affine} scheduler, the {@code nio} transport). A provider that should win over the
     * default where it is available (a native transport) returns more.
     */
    int PRIORITY_DEFAULT = 100;

    /** The priority of a provider that should be chosen only when no default one is available. */
    int PRIORITY_FALLBACK = 10;

    /**
     * The priority of a provider that should never be chosen without its name (a transport that
     * needs configuration, such as {@code tls}, or one for tests, such as {@code mem}).
     */
    int PRIORITY_BY_NAME_ONLY = -100;

    /**
     * Returns the name users select this provider by, for example {@code "affine"} or
     * {@code "nio"}.
     *
     * @return a short lower-case name
     */
    String name();

    /**
     * Returns the preference among available providers when no name is given; the highest wins.
     * Use the named constants ({@link #PRIORITY_DEFAULT}, {@link #PRIORITY_FALLBACK},
     * {@link #PRIORITY_BY_NAME_ONLY}) or a value placed relative to them.
     *
     * @return the priority
     */
    int priority();

    /**
     * Names the provider a configuration that names this one should use when this one is
     * unavailable, before the best available provider by {@link #priority()} is taken: a chain
     * such as {@code uring → epoll}, after which the usual rule picks ({@code nio}). Followed only
     * for a name given in configuration ({@code -Dco.transport=}, {@code -Dco.scheduler=}), never
     * for an explicit lookup by name, and never in a cycle. The default: none.
     *
     * @return the fallback provider's name, or null for none
     */
    default String fallback() {
        return null;
    }

    /**
     * Tells whether this provider works in this JVM. The default: when
     * {@link #unavailabilityCause()} is null.
     *
     * @return true if it can be used
     */
    default boolean isAvailable() {
        return unavailabilityCause() == null;
    }

    /**
     * Says why this provider is unavailable. The default, for a provider that needs nothing but
     * the JDK: null, always available. A provider that may be unavailable overrides this one
     * method (and {@link #isAvailable()} only if it has a cheaper answer).
     *
     * @return the cause, or null when {@link #isAvailable()} is true
     */
    default Throwable unavailabilityCause() {
        return null;
    }

    /**
     * Throws the reason this provider cannot be used, if there is one: for the first line of the
     * method that makes what the provider provides.
     *
     * @throws IllegalStateException if {@link #isAvailable()} is false, with the cause attached
     */
    default void requireAvailable() {
        if (!isAvailable()) {
            Throwable why = unavailabilityCause();
            throw new IllegalStateException("co: provider '" + name() + "' is unavailable: "
                    + (why == null ? "no reason given" : why.getMessage()), why);
        }
    }
}
