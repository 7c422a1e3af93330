package co.itest.app;

import co.api.Co;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** A module-path application: runs coroutines and probes co's encapsulation; reports on stdout. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        int count = 1000;
        CountDownLatch done = new CountDownLatch(count);
        AtomicLong bad = new AtomicLong();
        for (int i = 0; i < count; i++) {
            Co.go(() -> {
                Co.sleep(1);
                if (Co.coroutineId() % Co.schedulerNum() != Co.schedulerId()) {
                    bad.incrementAndGet();
                }
                done.countDown();
            });
        }
        boolean ran = done.await(30, TimeUnit.SECONDS);
        System.out.println("provider=" + Co.runtime().name() + " ran=" + ran + " bad=" + bad.get());
        System.out.println("internalScheduler=" + probe("co.scheduler.internal.AffineProvider"));
        System.out.println("internalApi=" + probe("co.api.internal.Providers"));
        System.out.println("module=" + Co.class.getModule().getName());
        Co.stop();
    }

    /** "hidden" if the class exists but its package is not open to this module. */
    private static String probe(String name) {
        try {
            Class<?> c = Class.forName(name);
            c.getDeclaredConstructor().newInstance();
            return "accessible";
        } catch (IllegalAccessException e) {
            return "hidden";
        } catch (ClassNotFoundException e) {
            return "missing";
        } catch (ReflectiveOperationException e) {
            return "hidden";
        }
    }
}
