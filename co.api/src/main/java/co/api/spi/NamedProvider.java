package co.api.spi;

import java.util.Objects;

/**
 * A base for providers whose name and priority never change, which is most of them: a subclass
 * passes both to the constructor and implements only what it provides (and
 * {@link #unavailabilityCause()} if it may be unavailable).
 *
 * <pre>{@code
 * public final class MyTransportProvider extends NamedProvider implements TransportProvider {
 *     public MyTransportProvider() {
 *         super("mine", PRIORITY_BY_NAME_ONLY);
 *     }
 *
 *     public Transport transport() { ... }
 * }
 * }</pre>
 *
 * <p>Thread safety: immutable; any thread.
 */
public abstract class NamedProvider implements Provider {

    private final String name;
    private final int priority;

    /**
     * Sets the name and the priority.
     *
     * @param name the name users select the provider by, short and lower-case
     * @param priority one of {@link #PRIORITY_DEFAULT}, {@link #PRIORITY_FALLBACK},
     *     {@link #PRIORITY_BY_NAME_ONLY}, or a value placed relative to them
     */
    protected NamedProvider(String name, int priority) {
        this.name = Objects.requireNonNull(name, "name");
        this.priority = priority;
    }

    /**
     * Returns the name given to the constructor.
     *
     * @return the name
     */
    @Override
    public final String name() {
        return name;
    }

    /**
     * Returns the priority given to the constructor.
     *
     * @return the priority
     */
    @Override
    public final int priority() {
        return priority;
    }

    /**
     * Describes the provider for diagnostics.
     *
     * @return the class's simple name and the provider's name
     */
    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + name + "]";
    }
}
