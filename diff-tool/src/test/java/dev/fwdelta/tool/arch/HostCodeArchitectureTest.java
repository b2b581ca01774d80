// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * Host transports and the STM32 clients talk to real devices: they must not lean on the
 * simulators that stand in for those devices in tests (AN3155 simulator, ST ROM DfuSe model, device
 * server, fault spec, throttled link, in-process USB) nor on the runtime's NOR model. Only the CLI
 * commands that run a simulator (simulate, serve, stm32-simulate) wire them in.
 */
class HostCodeArchitectureTest {
    private static final JavaClasses TOOL = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.fwdelta");

    @Test
    void hostCodeDoesNotDependOnSimulators() {
        noClasses().that().resideInAPackage("dev.fwdelta.tool..")
                .and().resideOutsideOfPackages("dev.fwdelta.tool.sim..", "dev.fwdelta.tool.cli..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.fwdelta.tool.sim..", "dev.fwdelta.runtime.sim..")
                .because("a host talks to real devices; simulators only stand in for them")
                .check(TOOL);
    }

    @Test
    void deviceCodeDoesNotDependOnHostSimulators() {
        noClasses().that().resideInAPackage("dev.fwdelta.runtime..")
                .should().dependOnClassesThat().resideInAPackage("dev.fwdelta.tool..")
                .check(TOOL);
    }

    @Test
    void theRuleSeesBothSides() {
        // Guards the rules above against a renamed package that they would then pass vacuously.
        assertTrue(TOOL.containPackage("dev.fwdelta.tool.sim"));
        assertTrue(TOOL.containPackage("dev.fwdelta.tool.transport"));
    }
}
