package co.net.nio;

import co.api.Co;
import co.api.Sock;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * A child-JVM main for {@link TransportSelectionTest}: reports, on its standard output (the
 * parent's pipe), which transport {@link Co#transport()} picked and what {@link Co#tcpSocket()}
 * made, or the exception's type and message.
 */
public final class TransportProbe {

    private TransportProbe() {
    }

    /**
     * Probes.
     *
     * @param args none
     */
    public static void main(String[] args) {
        PrintStream pipe = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        try (Sock s = Co.tcpSocket()) {
            pipe.println(Co.transport().name() + " " + s.transport().name());
        } catch (RuntimeException e) {
            pipe.println(e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }
}
