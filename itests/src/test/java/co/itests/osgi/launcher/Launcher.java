package co.itests.osgi.launcher;

import java.io.File;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleException;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;
import org.osgi.framework.wiring.FrameworkWiring;

/**
 * The main class of a forked framework JVM: boots whichever OSGi framework is on its class path
 * (Felix or Equinox, found through the standard {@link FrameworkFactory} service), then carries out
 * its arguments in order and reports each result as a line {@code co-itest ...} on stdout, which
 * the test reads:
 *
 * <ul>
 * <li>{@code start=JAR}: install and start a bundle from a file;
 * <li>{@code states}: one line per installed bundle with its state;
 * <li>{@code probe=STEP}: call {@code co.itests.osgi.probe.Probe.run(STEP)} inside the probe
 *     bundle;
 * <li>{@code uninstall=BSN}: uninstall a bundle and refresh the framework's wiring.
 * </ul>
 *
 * <p>The first argument is the framework's storage directory. The JVM exits 0 when every step ran
 * (whatever the steps answered), 1 if a step could not run.
 */
public final class Launcher {

    private static final PrintStream OUT = new PrintStream(System.out, true, StandardCharsets.UTF_8);

    private Launcher() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> config = new HashMap<>();
        config.put("org.osgi.framework.storage", args[0]);
        config.put("org.osgi.framework.storage.clean", "onFirstInit");
        FrameworkFactory factory = ServiceLoader.load(FrameworkFactory.class).findFirst()
                .orElseThrow(() -> new IllegalStateException("no OSGi framework on the class path"));
        Framework framework = factory.newFramework(config);
        framework.start();
        report("framework " + framework.getSymbolicName() + " " + framework.getVersion());
        int exit = 0;
        try {
            for (int i = 1; i < args.length; i++) {
                String a = args[i];
                int eq = a.indexOf('=');
                String command = eq < 0 ? a : a.substring(0, eq);
                String value = eq < 0 ? "" : a.substring(eq + 1);
                switch (command) {
                    case "start" -> start(framework, value);
                    case "states" -> states(framework);
                    case "probe" -> probe(framework, value);
                    case "uninstall" -> uninstall(framework, value);
                    default -> throw new IllegalArgumentException("unknown command " + a);
                }
            }
        } catch (Exception | Error e) {
            report("error " + e);
            e.printStackTrace();
            exit = 1;
        } finally {
            framework.stop();
            FrameworkEvent stopped = framework.waitForStop(TimeUnit.SECONDS.toMillis(30));
            report("framework stopped " + (stopped.getType() == FrameworkEvent.STOPPED ? "cleanly" : stopped));
        }
        System.exit(exit);
    }

    private static void report(String line) {
        OUT.println("co-itest " + line);
    }

    private static void start(Framework framework, String jar) throws BundleException {
        Bundle b = framework.getBundleContext().installBundle(new File(jar).toURI().toString());
        try {
            b.start();
            report("started " + b.getSymbolicName());
        } catch (BundleException e) {
            report("failed " + b.getSymbolicName() + " " + e.getMessage().replace('\n', ' '));
        }
    }

    private static void states(Framework framework) {
        for (Bundle b : framework.getBundleContext().getBundles()) {
            if (b.getBundleId() != 0) {
                report("bundle " + b.getSymbolicName() + " " + state(b.getState()));
            }
        }
    }

    private static String state(int state) {
        return switch (state) {
            case Bundle.INSTALLED -> "INSTALLED";
            case Bundle.RESOLVED -> "RESOLVED";
            case Bundle.STARTING -> "STARTING";
            case Bundle.STOPPING -> "STOPPING";
            case Bundle.ACTIVE -> "ACTIVE";
            default -> "UNINSTALLED";
        };
    }

    private static Bundle find(Framework framework, String symbolicName) {
        for (Bundle b : framework.getBundleContext().getBundles()) {
            if (symbolicName.equals(b.getSymbolicName())) {
                return b;
            }
        }
        throw new IllegalStateException("no bundle " + symbolicName);
    }

    private static void probe(Framework framework, String step) throws Exception {
        Method run = find(framework, "co.itests.probe").loadClass("co.itests.osgi.probe.Probe").getMethod("run", String.class);
        String result;
        try {
            result = (String) run.invoke(null, step);
        } catch (InvocationTargetException e) {
            e.getCause().printStackTrace();
            result = "threw " + e.getCause();
        }
        report("probe " + step + " " + result.replace('\n', ' '));
    }

    private static void uninstall(Framework framework, String symbolicName) throws Exception {
        Bundle b = find(framework, symbolicName);
        b.uninstall();
        CountDownLatch refreshed = new CountDownLatch(1);
        framework.adapt(FrameworkWiring.class).refreshBundles(List.of(b), event -> refreshed.countDown());
        if (!refreshed.await(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the framework did not finish refreshing after uninstalling " + symbolicName);
        }
        report("uninstalled " + symbolicName);
    }
}
