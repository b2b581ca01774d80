// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * Device code is what a port would compile for a part: it must not reach into the simulators
 * (NOR model, fault plans, device simulator, power-cut campaign), which only test it. Read from
 * the compiled classes, so an inline fully-qualified name is caught as well as an import.
 */
class DeviceCodeArchitectureTest {
    private static final JavaClasses RUNTIME = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.fwdelta.runtime");

    @Test
    void deviceCodeDoesNotDependOnSimulators() {
        noClasses().that().resideInAPackage("dev.fwdelta.runtime..")
                .and().resideOutsideOfPackage("dev.fwdelta.runtime.sim..")
                .should().dependOnClassesThat().resideInAPackage("dev.fwdelta.runtime.sim..")
                .because("the simulators test device code; a device build leaves them out")
                .check(RUNTIME);
    }

    @Test
    void runtimeDoesNotDependOnTheHostTool() {
        noClasses().that().resideInAPackage("dev.fwdelta.runtime..")
                .should().dependOnClassesThat().resideInAPackage("dev.fwdelta.tool..")
                .check(RUNTIME);
    }

    @Test
    void theRuleSeesTheSimulatorPackage() {
        // Guards the rule above against a renamed package that it would then pass vacuously.
        assertTrue(RUNTIME.containPackage("dev.fwdelta.runtime.sim"));
        assertTrue(RUNTIME.containPackage("dev.fwdelta.runtime.device"));
    }
}
