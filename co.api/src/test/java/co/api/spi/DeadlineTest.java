package co.api.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The one meaning of a timeout: negative for ever, 0 do not wait, positive from now, rounded up. */
@Timeout(10)
class DeadlineTest {

    @Test
    void aNegativeTimeoutIsNoDeadline() {
        assertSame(Deadline.NONE, Deadline.after(-1));
        assertSame(Deadline.NONE, Deadline.afterNanos(-5));
        assertSame(Deadline.NONE, Deadline.after(Long.MAX_VALUE), "too far away to matter");
        assertTrue(Deadline.NONE.isNone());
        assertFalse(Deadline.NONE.expired());
        assertEquals(-1, Deadline.NONE.remainingMillis(), "handed down as the -1 of every co call");
        assertEquals(Long.MAX_VALUE, Deadline.NONE.remainingNanos());
        assertEquals("Deadline[none]", Deadline.NONE.toString());
    }

    @Test
    void zeroMeansDoNotWait() {
        Deadline now = Deadline.after(0);
        assertFalse(now.isNone());
        assertTrue(now.expired());
        assertEquals(0, now.remainingMillis(), "handed down as the 0 of every co call");
        assertEquals(0, now.remainingNanos());
    }

    @Test
    void millisecondsRoundUpSoAWaitNeverEndsEarly() {
        Deadline d = Deadline.afterNanos(TimeUnit.MICROSECONDS.toNanos(1500));
        int ms = d.remainingMillis();
        assertTrue(ms == 1 || ms == 2, "1.5 ms or a little less rounds up, got " + ms);
        Deadline far = Deadline.after(60_000);
        assertFalse(far.expired());
        assertTrue(far.remainingMillis() > 59_000 && far.remainingMillis() <= 60_000, far.toString());
        assertTrue(far.remainingNanos() <= TimeUnit.SECONDS.toNanos(60));
        assertEquals(Integer.MAX_VALUE, Deadline.after(Integer.MAX_VALUE + 10L).remainingMillis(), "saturates");
    }

    @Test
    void aDeadlinePasses() throws InterruptedException {
        Deadline d = Deadline.after(5);
        while (!d.expired()) {
            Thread.sleep(1);
        }
        assertEquals(0, d.remainingMillis());
        assertEquals(0, d.remainingNanos());
        assertEquals("Deadline[in 0 ms]", d.toString());
    }

    @Test
    void theEarlierOfTwoWins() {
        Deadline soon = Deadline.after(1_000);
        Deadline late = Deadline.after(60_000);
        assertSame(soon, soon.earlier(late));
        assertSame(soon, late.earlier(soon));
        assertSame(soon, soon.earlier(Deadline.NONE));
        assertSame(soon, Deadline.NONE.earlier(soon));
        assertSame(Deadline.NONE, Deadline.NONE.earlier(Deadline.NONE));
    }
}
