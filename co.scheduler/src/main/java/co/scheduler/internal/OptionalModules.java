package co.scheduler.internal;

import java.util.Optional;

/**
 * Whether the optional modules co uses for observability are there: {@code java.management} (JMX)
 * and {@code jdk.jfr} (JFR events). co's module declares both {@code requires static}, so a jlink
 * image (or a module-path launch that does not resolve them) runs without them; no class that
 * touches their types is loaded unless the matching flag is true.
 */
final class OptionalModules {

    /** JMX is usable, and not turned off with {@code -Dco.jmx=false}. */
    static final boolean MANAGEMENT = !"false".equals(System.getProperty("co.jmx"))
            && usable("java.management", "javax.management.MBeanServer");
    /** JFR events can be committed. */
    static final boolean JFR = usable("jdk.jfr", "jdk.jfr.Event");

    private OptionalModules() {
    }

    private static boolean usable(String module, String probe) {
        Module self = OptionalModules.class.getModule();
        if (self.isNamed()) {
            // requires static: readable only if something else resolved the module.
            ModuleLayer layer = self.getLayer() != null ? self.getLayer() : ModuleLayer.boot();
            Optional<Module> m = layer.findModule(module);
            if (m.isEmpty() || !self.canRead(m.get())) {
                return false;
            }
        }
        try {
            Class.forName(probe, false, OptionalModules.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError | SecurityException e) {
            return false; // e.g. an OSGi framework that does not export the package
        }
    }
}
