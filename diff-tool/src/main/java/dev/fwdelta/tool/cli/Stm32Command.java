// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code fwdelta stm32 ...}: STM32 ROM bootloaders (AN3155 UART, DfuSe USB). */
@Command(name = "stm32", mixinStandardHelpOptions = true,
        description = "Update STM32 parts through their ROM bootloader (BOOT0 high): delta flash, simulator, DfuSe files.",
        subcommands = {Stm32FlashCommand.class, Stm32SimulateCommand.class, Stm32ExportDfuCommand.class})
final class Stm32Command implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand (flash, simulate, export-dfu)");
    }
}
