package co.scheduler;

import co.api.Co;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Run in a forked JVM by {@link ProviderSelectionTest}: reports which runtime Co picked. */
public final class ProbeMain {

    private ProbeMain() {
    }

    public static void main(String[] args) throws Exception {
        CountDownLatch done = new CountDownLatch(1);
        AtomicInteger sid = new AtomicInteger(-2);
        Co.go(() -> {
            sid.set(Co.schedulerId());
            done.countDown();
        });
        boolean ran = done.await(20, TimeUnit.SECONDS);
        // The forked JVM's only output channel to the test is its standard output.
        System.out.println("provider=" + Co.runtime().name() + " n=" + Co.schedulerNum() + " ran=" + ran
                + " sid=" + sid.get());
        Co.stop();
        try {
            Co.go(() -> { });
            System.out.println("afterStop=accepted");
        } catch (IllegalStateException e) {
            System.out.println("afterStop=refused");
        }
    }
}
