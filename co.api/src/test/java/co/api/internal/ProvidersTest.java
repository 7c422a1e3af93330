package co.api.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import co.api.spi.Provider;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The one selection rule of {@link Provider}, with stand-in providers. */
@Timeout(10)
class ProvidersTest {

    private static final String PROPERTY = "co.test.provider";

    private record Fake(String name, int priority, Throwable unavailabilityCause) implements Provider {
        @Override
        public boolean isAvailable() {
            return unavailabilityCause == null;
        }
    }

    private final Fake fast = new Fake("fast", Provider.PRIORITY_DEFAULT + 100, new IllegalStateException("no kernel support"));
    private final Fake plain = new Fake("plain", Provider.PRIORITY_DEFAULT, null);
    private final Fake slow = new Fake("slow", Provider.PRIORITY_FALLBACK, null);
    private final Fake special = new Fake("special", Provider.PRIORITY_BY_NAME_ONLY, null);
    private final List<Fake> all = List.of(fast, plain, slow, special);

    @AfterEach
    void clearProperty() {
        System.clearProperty(PROPERTY);
    }

    @Test
    void withoutANameTheBestAvailableWins() {
        assertSame(plain, Providers.configured(all, "thing", PROPERTY));
        assertSame(slow, Providers.configured(List.of(slow, special), "thing", PROPERTY));
    }

    @Test
    void aConfiguredNameIsUsedWhenAvailable() {
        System.setProperty(PROPERTY, " special ");
        assertSame(special, Providers.configured(all, "thing", PROPERTY));
    }

    @Test
    void aConfiguredProviderThatIsUnavailableFallsBack() {
        System.setProperty(PROPERTY, "fast");
        assertSame(plain, Providers.configured(all, "thing", PROPERTY));
    }

    private record Chained(String name, int priority, Throwable unavailabilityCause, String fallback)
            implements Provider {
        @Override
        public boolean isAvailable() {
            return unavailabilityCause == null;
        }
    }

    @Test
    void aConfiguredProviderFallsBackAlongItsChainFirst() {
        Chained ring = new Chained("ring", Provider.PRIORITY_BY_NAME_ONLY, new IllegalStateException("disabled"), "poll");
        Chained poll = new Chained("poll", Provider.PRIORITY_BY_NAME_ONLY, null, null);
        Chained base = new Chained("base", Provider.PRIORITY_DEFAULT, null, null);
        System.setProperty(PROPERTY, "ring");
        assertSame(poll, Providers.configured(List.of(base, ring, poll), "thing", PROPERTY));
        Chained pollDown = new Chained("poll", Provider.PRIORITY_BY_NAME_ONLY, new IllegalStateException("old kernel"), "ring");
        assertSame(base, Providers.configured(List.of(base, ring, pollDown), "thing", PROPERTY),
                "a chain that ends (or loops) unavailable gives the best available provider");
        Chained nowhere = new Chained("ring", Provider.PRIORITY_BY_NAME_ONLY, new IllegalStateException("disabled"), "nosuch");
        assertSame(base, Providers.configured(List.of(base, nowhere), "thing", PROPERTY));
    }

    @Test
    void aConfiguredNameNobodyHasIsAConfigurationError() {
        System.setProperty(PROPERTY, "nosuch");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Providers.configured(all, "thing", PROPERTY));
        assertTrue(e.getMessage().contains("no thing provider named 'nosuch'")
                && e.getMessage().contains("[fast, plain, slow, special]"), e.getMessage());
    }

    @Test
    void noAvailableProviderCarriesEveryCause() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Providers.configured(List.of(fast), "thing", PROPERTY));
        assertEquals("no kernel support", e.getSuppressed()[0].getMessage());
    }

    @Test
    void anExplicitLookupNeverFallsBack() {
        assertSame(special, Providers.named(all, "thing", "special"));
        IllegalArgumentException unavailable = assertThrows(IllegalArgumentException.class,
                () -> Providers.named(all, "thing", "fast"));
        assertSame(fast.unavailabilityCause(), unavailable.getCause());
        assertTrue(unavailable.getMessage().contains("'fast' is unavailable: no kernel support"), unavailable.getMessage());
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> Providers.named(all, "thing", "nosuch"));
        assertTrue(unknown.getMessage().contains("no such thing 'nosuch'"), unknown.getMessage());
    }

    @Test
    void requireAvailableNamesTheCause() {
        IllegalStateException e = assertThrows(IllegalStateException.class, fast::requireAvailable);
        assertSame(fast.unavailabilityCause(), e.getCause());
        plain.requireAvailable();
    }
}
