// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server.device;

import dev.fwdelta.runtime.apply.UpdatePolicy;
import dev.fwdelta.runtime.checksum.ImageChecksums;
import dev.fwdelta.runtime.device.BootResult;
import dev.fwdelta.runtime.device.Bootloader;
import dev.fwdelta.runtime.device.DeviceLayout;
import dev.fwdelta.runtime.device.UpdateAgent;
import dev.fwdelta.runtime.format.Limits;
import dev.fwdelta.runtime.format.PatchException;
import dev.fwdelta.runtime.format.PatchHeader;
import dev.fwdelta.runtime.flash.Flash;
import dev.fwdelta.server.http.BodyDeadline;
import dev.fwdelta.tool.transport.DeviceText;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * The device model's update client: checks in, streams the offered patch with HTTP Range straight
 * into the {@link UpdateAgent}, has the bootloader install it, and reports each step. Everything it
 * must remember across a power cut is in flash (the agent's and the bootloader's logs), so a new
 * OtaDevice on the same flash continues where the last one stopped: a download from the agent's
 * resume offset, an install from the boot log.
 *
 * <p>RAM beyond the agent's: one 4 KiB receive buffer, the 256-byte header, one answer line, and
 * the SHA-256 state of the download, compared with the check-in answer's hash after the last byte.
 * That state is saved after every piece received ({@link DownloadCheckpoint}: in RAM unless the
 * device keeps it on disk, as {@link PersistentDevice} does), so that a download resumed by a new
 * OtaDevice is still hashed whole; without a saved state the bytes before the agent's resume offset
 * are fetched again, for the hash only.
 */
public final class OtaDevice {
    /** Receive buffer: what a small MCU HTTP client hands over at a time. */
    static final int CHUNK = 4096;
    private static final int MAX_BOOTS = 8;
    /** The longest a check-in or report answer (one short line) may take in all, headers to last byte. */
    public static final Duration ANSWER_TOTAL_LIMIT = Duration.ofSeconds(60);
    /** The longest a check-in or report waits for its answer's status line and headers, from when it is sent. */
    public static final Duration ANSWER_HEADER_LIMIT = Duration.ofSeconds(30);
    /** The longest a download request waits for its answer's status line and headers. */
    public static final Duration DOWNLOAD_HEADER_LIMIT = Duration.ofSeconds(60);
    /** The longest one download request may take in all: bounds a server that trickles a byte at a time. */
    public static final Duration DOWNLOAD_TOTAL_LIMIT = Duration.ofMinutes(10);

    /** What the device runs, as its check-in reports it: its version and its image's SHA-256 (hex). */
    public record Installed(long version, String sha256) {
        /** An image's version and hash, the image hashed here: the host side's (tests, a state file's first line). */
        public static Installed of(long version, byte[] image) {
            return new Installed(version, HexFormat.of().formatHex(ImageChecksums.of(image).sha256()));
        }
    }

    /** What a poll did. */
    public enum Outcome { NOTHING_TO_DO, INSTALLED }

    /**
     * Told which image an offered update installs (its version, size and SHA-256 from the patch
     * header) before anything of the update is written to flash, so that a device that keeps a record
     * of what it runs can tell, after a power cut, whether the bootloader has swapped the image in.
     */
    public interface Journal {
        void offered(long version, long newSize, String newSha256) throws IOException;
    }

    /** Cuts a download after some bytes, as a dropped connection would (tests); null: never. */
    public interface LinkFault {
        long bytesBeforeCut();
    }

    private final ServerRequests requests;
    private final long hardware;
    private final DeviceLayout layout;
    private final Flash flash;
    private final UpdatePolicy policy;
    private LinkFault fault;
    private Journal journal = (version, size, sha256) -> { };
    private DownloadCheckpoint.Store checkpoints = DownloadCheckpoint.inMemory();
    private long bytesDownloaded;

    public OtaDevice(URI server, String id, String secret, long hardware, DeviceLayout layout, Flash flash,
                     UpdatePolicy policy) {
        this.requests = new ServerRequests(server, id, secret);
        this.hardware = hardware;
        this.layout = layout;
        this.flash = flash;
        this.policy = policy;
    }

    public void setLinkFault(LinkFault fault) {
        this.fault = fault;
    }

    public void setJournal(Journal journal) {
        this.journal = journal;
    }

    /** Where the download's hash state is saved: a device that keeps it across reboots (PersistentDevice). */
    void keepCheckpointsIn(DownloadCheckpoint.Store store) {
        this.checkpoints = store;
    }

    /** Other header limits than the named constants: tests, which cannot wait the real ones out. */
    void setHeaderLimits(Duration answers, Duration downloads) {
        requests.setHeaderLimits(answers, downloads);
    }

    /** Other body limits than the named constants: tests, which cannot wait the real ones out. */
    void setBodyLimits(BodyDeadline.Limits answers, BodyDeadline.Limits downloads) {
        requests.setBodyLimits(answers, downloads);
    }

    /** Patch bytes received over HTTP so far (headers of requests not counted). */
    public long bytesDownloaded() {
        return bytesDownloaded;
    }

    /**
     * One check-in and, if there is an update, its download, install and reports. An IOException
     * (link lost) leaves flash consistent: poll again to continue.
     */
    public Outcome poll(Installed now) throws IOException, InterruptedException {
        UpdateAgent agent = new UpdateAgent(layout, flash, floorAt(now.version()));
        String body = requests.post("/d/checkin", "hw=" + hardware + "&ver=" + now.version() + "&sha=" + now.sha256());
        CheckinAnswer offer = CheckinAnswer.parse(body, 2L * layout.staging().size() + Limits.HEADER_SIZE);
        if (offer == null) {
            return Outcome.NOTHING_TO_DO;
        }
        lastOffer = offer;
        byte[] header = fetchHeader(offer);
        DownloadCheckpoint saved = checkpoints.load();
        // Resumed only beside the header it hashed: the bytes it skips are the agent's, which begins
        // another header's patch afresh, so a state of another header would stand for bytes never hashed.
        String headerSha256 = HexFormat.of().formatHex(ImageChecksums.of(header).sha256());
        if (saved != null && !(saved.artifactSha256().equals(offer.sha256())
                && saved.headerSha256().equals(headerSha256))) {
            saved = null;
        }
        if (saved != null && saved.hashed() > offer.size()) {
            checkpoints.clear();
            throw new IOException("the download checkpoint has HASHED " + saved.hashed() + ", outside 0.."
                    + offer.size() + " (the offered SIZE): dropped, the next run downloads the update again");
        }
        DownloadDigest digest = saved != null ? DownloadDigest.resume(saved) : new DownloadDigest(offer.sha256());
        digest.update(0, header, 0, header.length);
        PatchHeader h;
        try {
            h = PatchHeader.parse(Arrays.copyOf(header, Limits.HEADER_SIZE));
        } catch (PatchException e) {
            reportFailure(offer.version(), e);
            throw e;
        }
        // The version the device records as installed is the patch header's (signed when the device
        // has release keys; the agent checks the signature and anti-rollback in begin), never the
        // unsigned answer's: an answer that disagrees with its patch is refused before anything is written.
        long version = h.firmwareVersion();
        if (offer.version() != version) {
            throw new IOException("the server's check-in answer offers version " + offer.version()
                    + " but its patch header's firmware_version is " + version + ": refused");
        }
        if (offer.size() != h.size() + h.payloadLength()) {
            throw new IOException("the server's check-in answer offers " + offer.size() + " bytes but its patch"
                    + " header declares " + (h.size() + h.payloadLength()) + ": refused");
        }
        try {
            journal.offered(version, h.newSize(), HexFormat.of().formatHex(h.newImage().sha256()));
            // begin compares the offered header with the patch in progress (whole headers, not
            // lengths): the same patch continues (or, staged, returns its length), another one is
            // checked and replaces it.
            long from = agent.begin(header);
            if (agent.state() != UpdateAgent.State.STAGED) {
                // From the lower of where the agent and the hash stopped: the bytes below the
                // agent's offset go to the hash only (a new process without a saved hash state).
                long start = Math.min(from, digest.hashed());
                if (start < offer.size()) {
                    report(version, "downloading", 0);
                    download(offer, start, from, agent, digest, headerSha256);
                }
                // Whatever the signature says (a device without --trust checks none), the artifact
                // must be the one the check-in named: compared before finish marks it bootable.
                digest.check(offer.url(), offer.size());
                agent.finish();
            }
            checkpoints.clear(); // staged (now or by an earlier run): the hash state has done its job
            report(version, "staged", 0);
        } catch (PatchException e) {
            // Discard the refused download before telling anyone: a report the server refuses must
            // not leave it in flash, where the next run would resume at its end with nothing left
            // to hash and stage it.
            agent.abort();
            try {
                checkpoints.clear(); // its hash state goes with it: the next run hashes afresh
            } catch (IOException notCleared) {
                e.addSuppressed(notCleared);
            }
            reportFailure(version, e);
            throw e;
        }
        install();
        report(version, "installed", 0);
        return Outcome.INSTALLED;
    }

    /**
     * The policy with its anti-rollback floor raised to the version the device runs now: the policy
     * was made before a power-on finished an install a power cut interrupted, so its floor may be
     * the version that install replaced. A policy that skips the check (-1) keeps skipping it.
     */
    private UpdatePolicy floorAt(long running) {
        if (policy.installedVersion() < 0 || policy.installedVersion() >= running) {
            return policy;
        }
        return new UpdatePolicy(policy.ramBudget(), policy.trust(), running, policy.allowDowngrade(),
                policy.hardwareId(), policy.slotAddress());
    }

    /**
     * The SHA-256 (hex) of the active slot's first {@code size} bytes, read from flash a piece at a
     * time as a device measures its image: no buffer of the image's size.
     */
    public String activeSha256(long size) {
        return HexFormat.of().formatHex(UpdateAgent.measureRunningImage(layout, flash, size).sha256());
    }

    /**
     * The image now in the active slot, {@code size} bytes long (after an install: the new one),
     * copied out whole: for the host running this model (its image file, tests), not for the device.
     */
    public byte[] activeImage(long size) {
        if (size < 0 || size > layout.active().size()) {
            throw new IllegalArgumentException("image size " + size + " is outside the active slot's 0.."
                    + layout.active().size() + " bytes");
        }
        byte[] b = new byte[Math.toIntExact(size)];
        flash.read(layout.active().offset(), b, 0, b.length);
        return b;
    }

    /** The new image size the patch of the last staged update declares. */
    public static long newSize(byte[] patchHeader) throws PatchException {
        return PatchHeader.parse(Arrays.copyOf(patchHeader, Limits.HEADER_SIZE)).newSize();
    }

    private byte[] fetchHeader(CheckinAnswer offer) throws IOException, InterruptedException {
        // An artifact shorter than the prefix that says how long its header is cannot be a patch:
        // the check-in answer's SIZE is wrong, not the patch nor the link, so nothing is reported failed.
        if (offer.size() < PatchHeader.PREFIX_SIZE) {
            throw new IOException("the server's check-in answer offers SIZE " + offer.size()
                    + " bytes, below the patch header's " + PatchHeader.PREFIX_SIZE
                    + "-byte prefix (magic, format_version, header_size): SIZE must be at least the header_size ("
                    + PatchHeader.PREFIX_SIZE + ".." + Limits.HEADER_SIZE + "): refused");
        }
        long last = Math.min(offer.size(), Limits.HEADER_SIZE) - 1;
        byte[] got = new byte[(int) last + 1];
        int n = 0;
        try (InputStream in = requests.get(offer, 0, last)) {
            int r;
            while (n < got.length && (r = requests.read(in, got, n, got.length - n, offer, n)) > 0) {
                n += r;
            }
        }
        got = Arrays.copyOf(got, n);
        bytesDownloaded += got.length;
        if (got.length < PatchHeader.PREFIX_SIZE) {
            throw new IOException("download ended inside the patch header");
        }
        int size = PatchHeader.sizeFromPrefix(got);
        // Checked before the short read below, which would otherwise blame the link for the answer's SIZE.
        if (offer.size() < size) {
            throw new IOException("the server's check-in answer offers SIZE " + offer.size()
                    + " bytes but its patch header's header_size is " + size + ": SIZE must be at least "
                    + size + " (the header, then the payload): refused");
        }
        if (got.length < size) {
            throw new IOException("download ended inside the patch header");
        }
        lastHeader = Arrays.copyOf(got, size);
        return lastHeader;
    }

    private byte[] lastHeader;
    private CheckinAnswer lastOffer;

    /** The update the last check-in offered (null before one). */
    public CheckinAnswer lastOffer() {
        return lastOffer;
    }

    /** The header of the patch this device last fetched (tests read the new image's size from it). */
    public byte[] lastHeader() {
        return lastHeader;
    }

    /**
     * The artifact from {@code start} to its end: every byte to the digest, those from the agent's
     * offset {@code from} on (start &lt;= from) to the agent too; the digest's state saved after each piece.
     */
    private void download(CheckinAnswer offer, long start, long from, UpdateAgent agent, DownloadDigest digest,
                          String headerSha256) throws IOException, InterruptedException {
        long cutAfter = fault == null ? Long.MAX_VALUE : fault.bytesBeforeCut();
        byte[] buf = new byte[CHUNK];
        long at = start;
        try (InputStream in = requests.get(offer, start, offer.size() - 1)) {
            while (at < offer.size()) {
                int want = (int) Math.min(buf.length, Math.min(offer.size() - at, cutAfter));
                if (want == 0) {
                    throw new IOException("connection cut after " + (at - from) + " bytes (link fault)");
                }
                int r = requests.read(in, buf, 0, want, offer, at);
                if (r < 0) {
                    throw new IOException("download of " + DeviceText.printable(offer.url()) + ": the answer ended at byte "
                            + at + " of " + offer.size());
                }
                digest.update(at, buf, 0, r);
                if (at + r > from) {
                    int skip = (int) Math.max(0, from - at);
                    agent.receive(buf, skip, r - skip);
                }
                bytesDownloaded += r;
                cutAfter -= r;
                at += r;
                checkpoints.save(digest.checkpoint(headerSha256));
            }
        }
    }

    /**
     * What the device does when power comes (back): the bootloader runs first and finishes an
     * install a power cut interrupted; a new image on its trial boot confirms itself.
     */
    public void powerOn() throws IOException {
        Bootloader bootloader = new Bootloader(layout, flash);
        BootResult r = bootloader.boot();
        if (r.image() == BootResult.Image.UNKNOWN) {
            throw new IOException("bootloader found no valid image");
        }
        if (r.trial()) {
            bootloader.confirm();
        }
    }

    /** Reboots until the bootloader has installed the staged image and it confirmed itself. */
    private void install() throws IOException {
        for (int boot = 0; boot < MAX_BOOTS; boot++) {
            Bootloader bootloader = new Bootloader(layout, flash);
            BootResult r = bootloader.boot();
            if (r.trial()) {
                bootloader.confirm(); // the new image comes up and confirms itself
                return;
            }
            if (r.image() == BootResult.Image.UNKNOWN) {
                throw new IOException("bootloader found no valid image");
            }
        }
        throw new IOException("the staged update did not install in " + MAX_BOOTS + " boots");
    }

    /** Tells the server the device runs {@code version} (after an install a power cut interrupted). */
    public void reportInstalled(long version) throws IOException, InterruptedException {
        report(version, "installed", 0);
    }

    /** Reports a refused update as best effort: a failing report is kept with the refusal, not in its place. */
    private void reportFailure(long version, PatchException refusal) throws InterruptedException {
        try {
            report(version, "failed", refusal.code().number());
        } catch (IOException e) {
            refusal.addSuppressed(e);
        }
    }

    private void report(long version, String status, int error) throws IOException, InterruptedException {
        requests.post("/d/report", "ver=" + version + "&status=" + status + "&err=" + error);
    }

}
