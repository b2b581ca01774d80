// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.transport;

import dev.fwdelta.runtime.transport.Frame;
import dev.fwdelta.runtime.transport.FrameType;

/**
 * The frames a device sent while the host waited for an answer to DATA or DONE. They put off no
 * lost link (else a device babbling them would keep the host sending until its bounds), so the
 * lost link's words say what came instead.
 */
final class OtherFrames {
    private int count;
    /** The type of the frames counted; null when of several types. */
    private FrameType type;

    /** A frame that answers nothing awaited: counted, with its type. */
    void note(Frame f) {
        type = count++ == 0 || type == f.type() ? f.type() : null;
    }

    /** An awaited answer came: frames are counted from here. */
    void answered() {
        count = 0;
    }

    boolean none() {
        return count == 0;
    }

    /** ", sending 12 INFO frames instead": what came since the last awaited answer, or nothing if none did. */
    String sentInstead() {
        if (count == 0) {
            return "";
        }
        return ", sending " + count + " " + (type != null ? type + " frames" : "frames of other types") + " instead";
    }
}
