package co.net.mem;

/**
 * Constants of the in-memory transport. The transport itself is reached through co.api, like any
 * other: {@code Co.transport(MemTransports.NAME)}.
 *
 * <pre>{@code
 * Transport mem = Co.transport("mem");
 * Sock server = mem.socket(StandardProtocolFamily.INET, Sock.Type.STREAM);
 * server.bind(MemAddress.of("echo"));
 * server.listen();
 * Co.go(() -> { Sock c = server.accept(); ... });
 * Sock client = mem.socket(StandardProtocolFamily.INET, Sock.Type.STREAM);
 * client.connect(MemAddress.of("echo"), 1000);
 * }</pre>
 */
public final class MemTransports {

    /** The name the transport is selected by: {@code "mem"}. */
    public static final String NAME = "mem";

    /**
     * The default size in bytes of each direction's buffer of a connection: what a sender can get
     * ahead of its receiver before {@code send} waits. Set per socket with {@code SO_RCVBUF} before
     * {@code connect} or {@code listen}.
     */
    public static final int DEFAULT_BUFFER_SIZE = 256 * 1024;

    private MemTransports() {
    }
}
