// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.image;

import static org.junit.jupiter.api.Assertions.fail;

import dev.fwdelta.tool.Tools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Builds a small Cortex-M4 program with arm-none-eabi-gcc (Debian gcc-arm-none-eabi, which .ci/run
 * installs), linked at {@link #FLASH}: a vector table, code, constants and initialised data whose
 * load address (in flash, after the code) differs from its run address (RAM), so that an ELF
 * reader must use the physical addresses. Also its Intel HEX and raw binary, by objcopy.
 */
public final class ArmBuild {
    public static final long FLASH = 0x0801_0000L;
    static final String GCC = "arm-none-eabi-gcc";
    static final String OBJCOPY = "arm-none-eabi-objcopy";

    private static final String LINKER_SCRIPT = """
            MEMORY {
              FLASH (rx) : ORIGIN = 0x08010000, LENGTH = 64K
              RAM (rwx)  : ORIGIN = 0x20000000, LENGTH = 16K
            }
            SECTIONS {
              .text : { KEEP(*(.vectors)) *(.text*) *(.rodata*) } > FLASH
              .data : { *(.data*) } > RAM AT > FLASH
              .bss : { *(.bss*) } > RAM
            }
            """;

    /** Version {@code v} changes a constant, a table entry and one function's body. */
    private static String source(int v) {
        return """
                extern int main(void);
                static void reset(void) { main(); for (;;) { } }
                __attribute__((section(".vectors"), used)) void *const vectors[] = {
                    (void *) 0x20004000, (void *) reset };
                volatile unsigned counter = %d;
                static const unsigned table[8] = { 1, 2, 3, 4, %d, 6, 7, 8 };
                __attribute__((noinline)) unsigned mix(unsigned x) { return x * %du + table[x & 7]; }
                __attribute__((noinline)) unsigned step(unsigned x) { return mix(x) ^ (x >> 3); }
                int main(void) {
                    unsigned x = counter;
                    for (unsigned i = 0; i < 100; i++) { x = step(x) + mix(i); }
                    counter = x;
                    return 0;
                }
                """.formatted(1000 + v, 5 + v, 2654435761L + v);
    }

    /** The ELF, HEX and BIN of one version of the program. */
    public record Outputs(Path elf, Path hex, Path bin) {
    }

    private ArmBuild() {}

    public static Outputs build(Path dir, int version) throws IOException, InterruptedException {
        requireTool(GCC);
        requireTool(OBJCOPY);
        Path src = Files.writeString(dir.resolve("app" + version + ".c"), source(version));
        Path ld = Files.writeString(dir.resolve("app.ld"), LINKER_SCRIPT);
        Path elf = dir.resolve("app-v" + version + ".elf");
        Tools.run(GCC, "-mcpu=cortex-m4", "-mthumb", "-O2", "-nostdlib", "-nostartfiles", "-T", ld.toString(),
                "-o", elf.toString(), src.toString());
        Path hex = dir.resolve("app-v" + version + ".hex");
        Path bin = dir.resolve("app-v" + version + ".bin");
        Tools.run(OBJCOPY, "-O", "ihex", elf.toString(), hex.toString());
        Tools.run(OBJCOPY, "-O", "binary", elf.toString(), bin.toString());
        return new Outputs(elf, hex, bin);
    }

    static void requireTool(String tool) {
        for (String d : System.getenv("PATH").split(":")) {
            if (Files.isExecutable(Path.of(d, tool))) {
                return;
            }
        }
        fail(tool + " is not installed: apt-get install gcc-arm-none-eabi (.ci/run installs it)");
    }
}
