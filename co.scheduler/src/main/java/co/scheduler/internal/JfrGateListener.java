package co.scheduler.internal;

import jdk.jfr.FlightRecorder;
import jdk.jfr.FlightRecorderListener;
import jdk.jfr.Recording;
import jdk.jfr.RecordingState;

/**
 * Sets {@link JfrGate#recording} from JFR's recording-state changes. Loaded only when
 * {@code jdk.jfr} is present. Adding a listener does not start JFR.
 */
final class JfrGateListener implements FlightRecorderListener {

    private JfrGateListener() {
    }

    static void install() {
        FlightRecorder.addListener(new JfrGateListener());
    }

    @Override
    public void recorderInitialized(FlightRecorder recorder) {
        update(recorder);
    }

    @Override
    public void recordingStateChanged(Recording changed) {
        if (FlightRecorder.isInitialized()) {
            update(FlightRecorder.getFlightRecorder());
        }
    }

    private static void update(FlightRecorder recorder) {
        boolean any = false;
        for (Recording r : recorder.getRecordings()) {
            if (r.getState() == RecordingState.RUNNING) {
                any = true;
                break;
            }
        }
        JfrGate.recording = any;
    }
}
