package co.itest.obs;

import java.nio.file.Path;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;

/** Loaded only when jdk.jfr is resolved. */
final class Jfr {

    private Jfr() {
    }

    static Object start() {
        Recording r = new Recording();
        r.enable("co.SchedulerStall");
        r.start();
        return r;
    }

    /** Stops the recording and counts its co.SchedulerStall events whose coroutine stack shows the spinning coroutine. */
    static int stop(Object recording, Path file) throws Exception {
        Recording r = (Recording) recording;
        r.stop();
        r.dump(file);
        r.close();
        int n = 0;
        for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
            if (e.getEventType().getName().equals("co.SchedulerStall")
                    && e.getString("coroutineStack").contains("co.itest.obs.Main")) {
                n++;
            }
        }
        return n;
    }
}
