package co.itest.obs;

import java.lang.management.ManagementFactory;
import java.util.Set;
import java.util.TreeSet;
import javax.management.ObjectName;

/** Loaded only when java.management is resolved. */
final class Jmx {

    private Jmx() {
    }

    static Set<String> names() throws Exception {
        Set<String> out = new TreeSet<>();
        for (ObjectName n : ManagementFactory.getPlatformMBeanServer().queryNames(new ObjectName("co:*"), null)) {
            out.add(n.getCanonicalName());
        }
        return out;
    }
}
