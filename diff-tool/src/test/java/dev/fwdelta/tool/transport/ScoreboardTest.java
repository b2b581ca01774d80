// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The host's selective-repeat bookkeeping: what is lost is decided by what arrived after it, not by a clock. */
class ScoreboardTest {
    private static final long[] NONE = {};

    private final FrameSizer sizer = new FrameSizer(1020, 15);
    private final Scoreboard board = new Scoreboard(sizer, new RoundTrip());

    /** Frames of 100 bytes from offset 0, written in order. */
    private void write(int frames) {
        for (int i = 0; i < frames; i++) {
            board.wrote(100L * i, 100L * i + 100, i);
        }
    }

    @Test
    void aFrameIsLostOnceALaterOneIsHeldAndOnlyItIsSentAgain() {
        write(4);
        board.answer(100, NONE, 10); // frame 0 acknowledged
        assertNull(board.firstLost(1020), "nothing known lost yet");
        board.answer(100, new long[] {200, 300}, 11); // frame 2 held: frame 1 was lost
        Scoreboard.Sent lost = board.firstLost(1020);
        assertEquals(100, lost.start);
        assertEquals(200, lost.end);
        board.wroteAgain(lost, 12);
        assertNull(board.firstLost(1020), "sent again: not lost until something written after it arrives");
        assertEquals(200, board.unaccountedBytes(), "frames 1 (again) and 3 are on the line; 2 is held");
        board.answer(300, NONE, 13); // frame 1 arrived: the device applied it and the held frame 2
        board.answer(400, NONE, 14); // then frame 3
        assertEquals(0, board.unaccountedBytes());
        assertNull(board.firstLost(1020));
    }

    @Test
    void aFrameSentAgainIsLostAgainOnlyAfterSomethingWrittenLaterArrived() {
        write(3);
        board.answer(0, new long[] {100, 200}, 5); // frame 0 lost, 1 held
        Scoreboard.Sent lost = board.firstLost(1020);
        board.wroteAgain(lost, 6); // written after frame 2
        board.answer(0, new long[] {200, 300}, 7); // frame 2 (written before the copy) arrived
        assertNull(board.firstLost(1020), "frame 2 was written before the copy: no news about the copy");
        board.wrote(300, 400, 8);
        board.answer(0, new long[] {100, 400}, 9); // frame 3, written after the copy, arrived
        assertEquals(0, board.firstLost(1020).start, "now the copy is known lost");
    }

    /**
     * A frame the device received whole but did not keep (SACK 0..0: its hold ring was full) is sent
     * again, but is no error of the line. Counted as one, every frame past a full ring (a window
     * larger than the ring: late answers on a busy machine) shrank the frames.
     */
    @Test
    void aFrameNotKeptIsSentAgainWithoutCountingALineError() {
        write(4);
        board.answer(0, new long[] {100, 200}, 10); // frame 0 lost on the line, frame 1 held
        board.notKept(); // frame 2 arrived whole, no room to keep it
        board.answer(0, new long[] {300, 400}, 11); // frame 3 held
        Scoreboard.Sent first = board.firstLost(1020);
        assertEquals(0, first.start, "frame 0 first");
        board.wroteAgain(first, 12);
        assertEquals(200, board.firstLost(1020).start, "then frame 2, not kept");
        FrameSizer oneLineError = new FrameSizer(1020, 15);
        oneLineError.delivered(100);
        oneLineError.delivered(100);
        oneLineError.delivered(100); // frame 2 crossed the line whole
        oneLineError.lost(100);
        assertEquals(oneLineError.payload(), sizer.payload(), "only frame 0 was the line's");
    }

    /**
     * A frame sent again on a timeout may have arrived all along, its answer only late (a device
     * starved of CPU): the answer that covers it may be the first copy's, so the frames written
     * between the two copies are not known lost. Taken as the copy's, every late window counted
     * all its other frames as errors of the line, and the frames shrank to the least.
     */
    @Test
    void aLateAnswerToAFrameSentAgainOnATimeoutLosesNoFrameWrittenBeforeTheCopy() {
        write(4);
        board.timedOut(); // no answer in time: frame 0 goes again
        board.wroteAgain(board.firstLost(1020), 10);
        board.answer(100, NONE, 11); // the late answer to frame 0's first copy
        assertNull(board.firstLost(1020), "frames 1..3 may be on their way: not lost");
        board.answer(400, NONE, 12); // their late answers
        assertEquals(0, board.unaccountedBytes());
        FrameSizer noLineError = new FrameSizer(1020, 15);
        for (int i = 0; i < 4; i++) {
            noLineError.delivered(100);
        }
        assertEquals(noLineError.payload(), sizer.payload(), "no error of the line");
    }

    /**
     * A NAK 2 for the first copy of a frame sent again on a timeout is about that copy: the device
     * answers the first copy written after the last that arrived. Taken for the frame after it,
     * that frame went again too, and its first copy's answer, taken for the second's, counted
     * every frame written between them as lost on the line.
     */
    @Test
    void aNakForTheFirstCopyOfAFrameSentAgainOnATimeoutIsAboutThatCopy() {
        write(4);
        board.timedOut(); // frame 0 goes again...
        board.wroteAgain(board.firstLost(1020), 10);
        assertTrue(board.brokeNextAfterArrived(true)); // ...and its first copy broke
        assertNull(board.firstLost(1020), "frame 0's second copy and frames 1..3 are on their way");
        board.answer(0, new long[] {100, 200}, 12); // frame 1 held
        board.answer(0, new long[] {100, 400}, 13); // frames 2 and 3 held
        assertNull(board.firstLost(1020), "frame 0's second copy, written after frame 3, is on its way");
        board.answer(400, NONE, 14); // frame 0's second copy
        assertEquals(0, board.unaccountedBytes());
        FrameSizer oneLineError = new FrameSizer(1020, 15);
        oneLineError.lost(100);
        for (int i = 0; i < 4; i++) {
            oneLineError.delivered(100);
        }
        assertEquals(oneLineError.payload(), sizer.payload(), "one frame broke on the line");
    }

    @Test
    void aFrameSentAgainOnATimeoutIsStillFoundLostByAFrameWrittenAfterTheCopy() {
        write(3);
        board.timedOut();
        board.wroteAgain(board.firstLost(1020), 10); // frame 0 again, after frame 2
        board.answer(0, new long[] {100, 300}, 11); // frames 1 and 2 held: frame 0's first copy was lost
        assertNull(board.firstLost(1020), "its copy, written after frame 2, may still arrive");
        board.wrote(300, 400, 12);
        board.answer(0, new long[] {100, 400}, 13); // frame 3, written after the copy, arrived
        assertEquals(0, board.firstLost(1020).start, "now the copy is known lost too");
    }

    /**
     * Past a full ring the device keeps nothing, but the line carries those frames as any other:
     * those it broke draw NAK 2 and count, so those it carried whole count too. Left out, the
     * error rate was that of the frames past the ring that broke alone, and a window larger than
     * the ring (late answers on a busy machine) shrank the frames.
     */
    @Test
    void theBytesOfAFrameNotKeptCountAsCarriedWhole() {
        write(10);
        assertTrue(board.brokeNextAfterArrived(true)); // frame 0 broke on the line
        for (int i = 1; i <= 3; i++) {
            board.answer(0, new long[] {100, 100L * i + 100}, 10 + i); // frames 1..3 held
        }
        for (int i = 4; i < 10; i++) {
            board.notKept(); // the ring full: frames 4..9 arrived whole, not kept
        }
        FrameSizer oneInTen = new FrameSizer(1020, 15);
        oneInTen.lost(100);
        for (int i = 1; i < 10; i++) {
            oneInTen.delivered(100);
        }
        assertEquals(oneInTen.payload(), sizer.payload(), "one frame in ten broke on the line");
    }

    @Test
    void aLostFrameIsCutToTheCurrentFrameSize() {
        board.wrote(0, 1000, 1);
        board.wrote(1000, 1100, 2);
        board.answer(0, new long[] {1000, 1100}, 3);
        Scoreboard.Sent head = board.firstLost(300);
        assertEquals(0, head.start);
        assertEquals(300, head.end);
        board.wroteAgain(head, 4);
        Scoreboard.Sent rest = board.firstLost(300);
        assertEquals(300, rest.start, "the rest stays lost, a frame of its own");
        assertEquals(600, rest.end);
    }

    /**
     * A lost frame is not cut where its rest would be below FrameSizer.MIN_PAYLOAD: such a piece
     * costs more in framing and an answer than its bytes risk in the longer frame (runs of the
     * noisy-line reset test sent about 70 pieces of 16-31 bytes, and more under load).
     */
    @Test
    void aLostFrameIsNotCutIntoAPieceBelowTheLeastPayload() {
        board.wrote(0, 310, 1);
        board.wrote(310, 626, 2);
        board.wrote(626, 700, 3);
        board.answer(0, new long[] {626, 700}, 4); // frames 0 and 1 lost
        Scoreboard.Sent whole = board.firstLost(300);
        assertEquals(310, whole.end, "a rest of 10 bytes stays with its frame");
        board.wroteAgain(whole, 5);
        Scoreboard.Sent cut = board.firstLost(300);
        assertEquals(610, cut.end, "a rest of 16 bytes is a frame of its own");
    }

    @Test
    void aBrokenFrameIsTheFirstWrittenAfterTheLastThatArrived() {
        write(3);
        board.answer(100, NONE, 5); // frame 0 arrived
        assertTrue(board.brokeNextAfterArrived(true));
        assertEquals(100, board.firstLost(1020).start, "frame 1, the next one the device read");
        board.wroteAgain(board.firstLost(1020), 6);
        board.answer(300, NONE, 7); // frames 1 (again) and 2 arrived
        assertFalse(board.brokeNextAfterArrived(true), "nothing left in flight");
    }

    @Test
    void aCutFrameIsSentAgainWithoutShrinkingTheFrames() {
        write(3);
        board.answer(100, NONE, 5);
        int before = sizer.payload();
        assertTrue(board.brokeNextAfterArrived(false));
        assertEquals(100, board.firstLost(1020).start);
        assertEquals(before, sizer.payload(), "a cut frame (NAK 4) is no line error");
        assertTrue(board.brokeNextAfterArrived(true)); // frame 2, broken on the line
        assertTrue(sizer.payload() < before, "a broken one is: " + before + " -> " + sizer.payload());
    }
}
