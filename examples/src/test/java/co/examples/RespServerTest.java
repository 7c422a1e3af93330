package co.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import co.examples.RespServer.Session;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The RESP example's request parser, driven the way its connection loop drives it. */
class RespServerTest {

    /** What a client got back, and whether the server closed the connection. */
    private record Outcome(String replies, boolean closed) {
    }

    /** Feeds {@code input} in pieces of {@code chunk} bytes, as recv would, with the server's buffer handling. */
    private static Outcome run(String input, int chunk) {
        byte[] bytes = input.getBytes(StandardCharsets.US_ASCII);
        Session session = new Session();
        ByteBuffer in = ByteBuffer.allocate(Session.BUFFER_SIZE);
        ByteBuffer out = ByteBuffer.allocate(Session.OUT_BUFFER_SIZE);
        ByteArrayOutputStream sent = new ByteArrayOutputStream();
        int offset = 0;
        while (offset < bytes.length) {
            int n = Math.min(Math.min(chunk, in.remaining()), bytes.length - offset);
            in.put(bytes, offset, n);
            offset += n;
            in.flip();
            int status;
            do {
                status = session.serve(in, out);
                sent.write(out.array(), 0, out.position());
                out.clear();
            } while (status == Session.FLUSH);
            if (status == Session.CLOSE) {
                return new Outcome(sent.toString(StandardCharsets.US_ASCII), true);
            }
            in.compact();
        }
        return new Outcome(sent.toString(StandardCharsets.US_ASCII), false);
    }

    @Test
    void pipelinedInlineAndArrayRequestsAreAnsweredInOrderHoweverTheyAreSplit() {
        String requests = "PING\r\nping hello\nECHO x\r\n\r\nFOO bar\r\n*1\r\n$4\r\nPING\r\n"
                + "*2\r\n$4\r\nECHO\r\n$5\r\na b\r\n\r\n*0\r\nCONFIG GET save\r\nPING a b\r\n";
        String replies = "+PONG\r\n$5\r\nhello\r\n$1\r\nx\r\n-ERR unknown command 'FOO'\r\n+PONG\r\n"
                + "$5\r\na b\r\n\r\n*0\r\n-ERR wrong number of arguments for 'ping' command\r\n";
        for (int chunk : new int[] {1, 2, 3, 7, requests.length()}) {
            assertEquals(new Outcome(replies, false), run(requests, chunk), "chunk " + chunk);
        }
    }

    @Test
    void quitAndBrokenFramingAnswerThenClose() {
        assertEquals(new Outcome("+PONG\r\n+OK\r\n", true), run("PING\r\nQUIT\r\nPING\r\n", 64));
        assertEquals(new Outcome("-ERR Protocol error: invalid bulk length\r\n", true), run("*1\r\n$x\r\n", 64));
        assertEquals(new Outcome("-ERR Protocol error: invalid bulk length\r\n", true), run("*1\r\n$-1\r\n", 64));
        assertEquals(new Outcome("-ERR Protocol error: expected '$'\r\n", true), run("*1\r\nPING\r\n", 64));
        assertEquals(new Outcome("-ERR Protocol error: invalid multibulk length\r\n", true), run("*z\r\n", 64));
        assertEquals(new Outcome("-ERR Protocol error: expected CRLF\r\n", true), run("*1\r\n$4\r\nPINGxx", 64));
    }

    @Test
    void aRequestLargerThanTheBufferIsRefused() {
        Outcome outcome = run("PING " + "a".repeat(Session.BUFFER_SIZE) + "\r\n", 4096);
        assertEquals(new Outcome("-ERR Protocol error: too big request\r\n", true), outcome);
    }

    @Test
    void repliesLargerThanTheReplyBufferGoOutInSeveralFlushes() {
        int count = 20_000;                      // 40 KB of requests, 520 KB of replies
        Outcome outcome = run("X\n".repeat(count), Session.BUFFER_SIZE);
        assertFalse(outcome.closed());
        assertEquals("-ERR unknown command 'X'\r\n".repeat(count), outcome.replies());
        assertTrue(outcome.replies().length() > 10 * Session.OUT_BUFFER_SIZE);
    }
}
