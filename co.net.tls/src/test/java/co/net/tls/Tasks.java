package co.net.tls;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;

/** Runs test code on a new thread (a plain JDK virtual thread: not a co coroutine). */
final class Tasks {

    private Tasks() {
    }

    static <T> Future<T> fork(Callable<T> body) {
        CompletableFuture<T> f = new CompletableFuture<>();
        Thread.ofVirtual().name("tls-test").start(() -> {
            try {
                f.complete(body.call());
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        return f;
    }
}
