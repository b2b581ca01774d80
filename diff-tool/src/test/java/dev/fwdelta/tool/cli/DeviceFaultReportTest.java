// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.gson.JsonParser;
import dev.fwdelta.runtime.sim.NorFlash;
import dev.fwdelta.tool.sim.An3155Simulator;
import dev.fwdelta.tool.sim.DfuseDevice;
import dev.fwdelta.tool.sim.InProcessControl;
import dev.fwdelta.tool.stm32.DeltaFlasher;
import dev.fwdelta.tool.stm32.DfuseClient;
import dev.fwdelta.tool.stm32.Stm32Part;
import dev.fwdelta.tool.transport.DeviceRefusedException;
import dev.fwdelta.tool.transport.HostSession;
import dev.fwdelta.tool.transport.Link;
import dev.fwdelta.tool.transport.UartChannel;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * What the user sees when the device, not the user, is at fault: an exit code that does not blame
 * the command line, and device text that cannot forge lines or drive the terminal.
 */
class DeviceFaultReportTest {
    /** Text a hostile device sends: a forged fwdelta line, then "clear the screen". */
    private static final String FORGED = "bad\nfwdelta: staged OK\u001b[2J";

    private final StringWriter err = new StringWriter();
    private final StringWriter out = new StringWriter();

    /** {@code e} reported by ErrorMapper as the command that {@code args} name (parsed first) would report it. */
    private int report(Exception e, String... args) {
        CommandLine cl = Main.commandLine();
        cl.parseArgs(args);
        CommandLine sub = cl;
        while (sub.getParseResult().subcommand() != null) {
            sub = sub.getParseResult().subcommand().commandSpec().commandLine();
        }
        sub.setErr(new PrintWriter(err, true));
        sub.setOut(new PrintWriter(out, true));
        return new ErrorMapper().handleExecutionException(e, sub, sub.getParseResult());
    }

    @Test
    void aMalformedMemoryMapFromTheDeviceIsAnIoErrorWithoutTheHelpHint() {
        Stm32Part g071 = Stm32Part.byName("g071");
        DfuseDevice rom = new DfuseDevice(NorFlash.erased(An3155Simulator.geometry(g071)), g071);
        IOException e = assertThrows(IOException.class, () -> new DfuseClient(new InProcessControl(rom),
                "@Internal Flash/0x08000000/99999*128Kg", DfuseDevice.TRANSFER_SIZE));
        // it was exit 2 (USAGE) with "(see 'fwdelta stm32 flash --help')": the user typed nothing wrong
        assertEquals(ExitCodes.IO_ERROR, report(e, "stm32", "flash", "--patch", "p.fwd", "--usb", "0483:df11"));
        assertEquals(List.of("fwdelta: error: the DFU device's interface string is not a valid memory map: DfuSe"
                + " memory map '@Internal Flash/0x08000000/99999*128Kg': bad value for sector count: 99999 (valid"
                + " range 1..65536)"), err.toString().lines().toList());
    }

    @Test
    void aDfuseSectorTheDeviceWillNotEraseIsOneLineExit5AndNothingErased() throws Exception {
        Stm32Part f405 = Stm32Part.byName("f405");
        NorFlash flash = NorFlash.erased(An3155Simulator.geometry(f405));
        DfuseDevice rom = new DfuseDevice(flash, f405, Set.of(4));
        DfuseClient client = new DfuseClient(new InProcessControl(rom), rom.interfaceString(), DfuseDevice.TRANSFER_SIZE);
        IOException e = assertThrows(IOException.class, () -> DeltaFlasher.flashImage(client, new byte[64 * 1024 + 1],
                true, (phase, done, total) -> { }));
        assertEquals(ExitCodes.IO_ERROR, report(e, "stm32", "flash", "--image", "new.bin", "--usb", "0483:df11"));
        assertEquals(List.of("fwdelta: error: the flash did not start, nothing written: sector 4 at 0x08010000 cannot"
                + " be erased with the commands this bootloader offers: the DFU device's memory map marks sector 4 at"
                + " 0x08010000 as not erasable (access 'a'); nothing erased"), err.toString().lines().toList());
        assertEquals(0, flash.counters().totalErases());
    }

    @Test
    void aRefusalsDeviceTextIsOneLineWithoutControlCharacters() {
        report(new DeviceRefusedException(9, FORGED), "send", "p.fwd", "--port", "/dev/null", "--json");
        List<String> lines = err.toString().lines().toList();
        assertEquals(List.of("fwdelta: error: device refused the update: BAD_DECODER_RAM (9): bad\\x0Afwdelta: staged"
                + " OK\\x1B[2J"), lines, err.toString());

        List<String> json = out.toString().lines().toList();
        assertEquals(1, json.size(), out.toString());
        String message = JsonParser.parseString(json.get(0)).getAsJsonObject().get("message").getAsString();
        assertEquals(lines.get(0).substring("fwdelta: error: ".length()), message);
    }

    @Test
    void theSummarysDeviceMessageIsOneLineWithoutControlCharacters() {
        HostSession.Result r = new HostSession.Result(1000, 1.0, 0, 0, 0, FORGED);
        StringWriter text = new StringWriter();
        var summary = SendCommand.uartSummary(r, new UartChannel(new SilentLink(), 115200), 115200);
        SendCommand.printText(new PrintWriter(text, true), summary);
        List<String> lines = text.toString().lines().toList();
        assertEquals(summary.size(), lines.size(), text.toString());
        assertEquals("device                     bad\\x0Afwdelta: staged OK\\x1B[2J", lines.get(lines.size() - 1));
        // every value starts in one column, the longest key's (line_rate_bytes_per_second) included
        assertEquals(1, lines.stream().mapToInt(l -> l.length() - l.substring(l.indexOf(' ')).stripLeading().length())
                .distinct().count(), text.toString());
    }

    /** A link that is never used: the summary only reads the channel's counters. */
    private static final class SilentLink implements Link {
        @Override
        public int read(byte[] b, int off, int len, int timeoutMs) {
            return 0;
        }

        @Override
        public void write(byte[] b, int off, int len) {
        }

        @Override
        public String name() {
            return "silent";
        }

        @Override
        public void close() {
        }
    }
}
