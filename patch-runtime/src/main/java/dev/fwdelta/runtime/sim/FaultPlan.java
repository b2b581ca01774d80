// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.sim;

/** Decides, before each erase or program, whether power fails there (and whether the operation tears). */
public interface FaultPlan {
    enum Outcome { PROCEED, CUT, TEAR }

    Outcome before(long operation);

    FaultPlan NONE = op -> Outcome.PROCEED;

    /** Power fails before operation {@code n} (0-based, counted from when the plan is installed). */
    static FaultPlan cutBefore(long n, boolean tear) {
        return new FaultPlan() {
            private long seen;

            @Override
            public Outcome before(long operation) {
                long i = seen++;
                return i == n ? (tear ? Outcome.TEAR : Outcome.CUT) : Outcome.PROCEED;
            }
        };
    }
}
