// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server;

import java.nio.charset.StandardCharsets;

/**
 * Who a release goes to: {@code all} devices of its hardware id, a named {@code group:NAME}, or
 * {@code percent:N} of them. The percentage is a stable hash of device and release, so a device
 * stays in or out of a release on every check-in and on every server.
 */
record Rollout(String kind, String group, int percent) {
    static Rollout parse(String s) {
        if ("all".equals(s)) {
            return new Rollout("all", null, 100);
        }
        if (s != null && s.startsWith("group:")) {
            return new Rollout("group", Fields.name("rollout group", s.substring(6)), 100);
        }
        if (s != null && s.startsWith("percent:")) {
            return new Rollout("percent", null, (int) Fields.number("rollout percent", s.substring(8), 0, 100));
        }
        throw HttpError.badRequest("rollout must be all, group:NAME or percent:N (0 to 100)");
    }

    @Override
    public String toString() {
        return switch (kind) {
            case "group" -> "group:" + group;
            case "percent" -> "percent:" + percent;
            default -> "all";
        };
    }

    boolean includes(String deviceId, String deviceGroup, long hardware, long version) {
        return switch (kind) {
            case "group" -> group.equals(deviceGroup);
            case "percent" -> bucket(deviceId, hardware, version) < percent;
            default -> true;
        };
    }

    /** 0..99 from the SHA-256 of device and release. */
    static int bucket(String deviceId, long hardware, long version) {
        byte[] d = ArtifactStore.sha256().digest((deviceId + "/" + hardware + "/" + version)
                .getBytes(StandardCharsets.UTF_8));
        return (((d[0] & 0xFF) << 8) | (d[1] & 0xFF)) % 100;
    }
}
