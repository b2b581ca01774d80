// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.arch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * docs/ARCHITECTURE.md keeps up with the sources: every class its "Modules and packages" map names
 * under a Java package is declared in that package (or named there as {@code sub/Name}, or placed
 * in its own package elsewhere in the map and only referred to here), the JUnit classes named
 * under patch-runtime/c/ exist, every class the rest of the page names exists, and every package
 * of a module's main sources is in the map. Read from the source files, so bench and update-server
 * are checked without being on this module's class path.
 */
class ArchitectureDocTest {
    private static final Path DOC = SourceTree.ROOT.resolve("docs/ARCHITECTURE.md");
    /** A name in CamelCase with two humps at least: how the page names a class. */
    private static final Pattern CLASS_NAME = Pattern.compile("(?<![\\w.$/])(?:(\\w+)/)?([A-Z]+[a-z0-9]+(?:[A-Z][A-Za-z0-9]*)+)\\b");
    private static final Pattern MODULE_LINE = Pattern.compile("^(\\S+/)\\s+\\((dev\\.fwdelta\\.[a-z]+|module [\\w-]+|npm package[^)]*)\\)");
    private static final Pattern PACKAGE_LINE = Pattern.compile("^ {4}(\\w+/|\\(root\\))\\s");
    /** CamelCase words on the page that name no fwdelta class, each with why. */
    private static final Set<String> NOT_OURS = Set.of(
            "ArchUnit", // the library the architecture tests use
            "ConnectionLimit", // Jetty's class, which ConnectionCap replaces
            "DfuSe", // ST's DFU extension
            "KiB",
            "OpenSSL",
            "PostgreSQL",
            "WebSerial", // the browser API
            "WebSocket",
            "DeviceProtocolError"); // web/src/device-error.js, a JavaScript class

    private record Mention(String module, Path dir, String qualifier, String name) {}

    @Test
    void everyClassTheModuleMapNamesIsInItsPackage() throws IOException {
        List<Mention> mentions = mapMentions(moduleMap());
        Set<String> placed = new HashSet<>();
        List<Mention> elsewhere = new ArrayList<>();
        List<String> wrong = new ArrayList<>();
        for (Mention m : mentions) {
            if (NOT_OURS.contains(m.name())) {
                continue;
            }
            if (m.dir() == null) { // the C module's list: JUnit classes and the Java classes it mirrors
                if (SourceTree.declaringFileInAnyModule(m.name()).isEmpty()) {
                    wrong.add("patch-runtime/c/: " + m.name());
                }
            } else if (m.qualifier() != null) {
                if (!SourceTree.declaredIn(m.dir().resolve(m.qualifier()), m.name())
                        && !SourceTree.declaredIn(m.dir().getParent().resolve(m.qualifier()), m.name())) {
                    wrong.add(m.module() + " " + m.qualifier() + "/" + m.name());
                }
            } else if (SourceTree.declaredIn(m.dir(), m.name())) {
                placed.add(m.name());
            } else {
                elsewhere.add(m);
            }
        }
        for (Mention m : elsewhere) {
            if (!placed.contains(m.name())) {
                wrong.add(SourceTree.ROOT.relativize(m.dir()) + ": " + m.name());
            }
        }
        assertEquals(List.of(), wrong, "classes " + DOC + " names in a package that does not declare them");
    }

    @Test
    void everyClassTheDataFlowsAndGlossaryNameExists() throws IOException {
        String doc = Files.readString(DOC);
        String rest = doc.substring(doc.indexOf("## Data flow of a diff"));
        List<String> missing = new ArrayList<>();
        Matcher m = CLASS_NAME.matcher(rest);
        while (m.find()) {
            String name = m.group(2);
            if (!NOT_OURS.contains(name) && SourceTree.declaringFileInAnyModule(name).isEmpty() && !missing.contains(name)) {
                missing.add(name);
            }
        }
        assertEquals(List.of(), missing, "classes " + DOC + " names that no module declares");
    }

    @Test
    void everyPackageOfAModuleIsInTheMap() throws IOException {
        Map<String, String> sections = moduleSections(moduleMap());
        List<String> unlisted = new ArrayList<>();
        for (Map.Entry<String, Path> module : javaModules(moduleMap()).entrySet()) {
            String section = sections.get(module.getKey());
            try (Stream<Path> dirs = Files.walk(module.getValue())) {
                for (Path dir : dirs.filter(Files::isDirectory).filter(ArchitectureDocTest::holdsJava).toList()) {
                    if (!dir.equals(module.getValue()) && !section.contains(dir.getFileName() + "/")) {
                        unlisted.add(module.getKey() + " " + module.getValue().relativize(dir));
                    }
                }
            }
        }
        assertTrue(unlisted.isEmpty(), "packages missing from " + DOC + ": " + unlisted);
    }

    /** The fenced block of "## Modules and packages". */
    private static String moduleMap() throws IOException {
        String doc = Files.readString(DOC);
        int heading = doc.indexOf("## Modules and packages");
        int start = doc.indexOf("```", heading) + 3;
        return doc.substring(start, doc.indexOf("```", start));
    }

    /** Each module line's directory, with the text of its section. */
    private static Map<String, String> moduleSections(String map) {
        Map<String, String> sections = new LinkedHashMap<>();
        String module = null;
        for (String line : map.split("\n")) {
            Matcher m = MODULE_LINE.matcher(line);
            if (m.find()) {
                module = m.group(1);
                sections.put(module, "");
            } else if (module != null) {
                sections.merge(module, line + "\n", String::concat);
            }
        }
        return sections;
    }

    /** The modules whose line names a Java package, with that package's source directory. */
    private static Map<String, Path> javaModules(String map) {
        Map<String, Path> modules = new LinkedHashMap<>();
        for (String line : map.split("\n")) {
            Matcher m = MODULE_LINE.matcher(line);
            if (m.find() && m.group(2).startsWith("dev.fwdelta.")) {
                modules.put(m.group(1), SourceTree.ROOT.resolve(m.group(1)).resolve("src/main/java")
                        .resolve(m.group(2).replace('.', '/')));
            }
        }
        return modules;
    }

    /** Every class name under a Java module's package lines, and every one in the C module's section. */
    private static List<Mention> mapMentions(String map) {
        Map<String, Path> javaModules = javaModules(map);
        List<Mention> mentions = new ArrayList<>();
        String module = null;
        Path dir = null;
        boolean cModule = false;
        for (String line : map.split("\n")) {
            Matcher moduleLine = MODULE_LINE.matcher(line);
            if (moduleLine.find()) {
                module = moduleLine.group(1);
                cModule = module.equals("patch-runtime/c/");
                dir = null;
                continue;
            }
            Matcher packageLine = PACKAGE_LINE.matcher(line);
            if (packageLine.find() && javaModules.containsKey(module)) {
                String pkg = packageLine.group(1);
                dir = pkg.equals("(root)") ? javaModules.get(module)
                        : javaModules.get(module).resolve(pkg.substring(0, pkg.length() - 1));
            }
            if (dir == null && !cModule) {
                continue;
            }
            Matcher name = CLASS_NAME.matcher(line);
            while (name.find()) {
                mentions.add(new Mention(module, cModule ? null : dir, name.group(1), name.group(2)));
            }
        }
        assertTrue(mentions.size() > 100, "the map was read: " + mentions.size() + " class names");
        return mentions;
    }

    private static boolean holdsJava(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.anyMatch(f -> f.toString().endsWith(".java"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
