package dev.latchkey.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * When {@code java -jar latchkey.jar serve} runs the node in a child JVM with a class archive, and with which command
 * line; the fat-jar test ({@code LauncherIT}) runs it.
 */
@EnabledOnOs(OS.LINUX)
class LauncherTest {
    @TempDir
    Path dir;
    Path jar;
    Path cache;

    @BeforeEach
    void files() throws Exception {
        jar = Files.writeString(dir.resolve("latchkey.jar"), "a jar");
        cache = Files.createDirectory(dir.resolve("cache"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }

    private Optional<Launcher> plan(Map<String, String> env, List<String> jvm, String... args) {
        return Launcher.plan(args, env, jvm, jar.toString(), Optional.of(cache));
    }

    private List<String> jvm(String... options) {
        List<String> l = new java.util.ArrayList<>(List.of(options));
        l.addAll(List.of("-jar", jar.toString(), "serve", "--port", "0"));
        return l;
    }

    @Test
    void theFirstStartWritesAnArchiveWhenItStopsAndLaterStartsMapIt() throws Exception {
        List<String> first = plan(Map.of(), jvm("-Xmx512m", "-Dx=y"), "serve", "--port", "0").orElseThrow().command();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        assertThat(first.get(0)).isEqualTo(java);
        assertThat(first.subList(1, 3)).containsExactly("-Xmx512m", "-Dx=y");
        assertThat(first.get(3)).startsWith("-XX:ArchiveClassesAtExit=" + cache.resolve("latchkey-")).endsWith("." + ProcessHandle.current().pid() + ".tmp");
        assertThat(first.subList(4, first.size())).containsExactly("-Xlog:cds*=off", "-D" + Launcher.CHILD + "=" + ProcessHandle.current().pid(),
                "-jar", jar.toAbsolutePath().toString(), "serve", "--port", "0");

        String name = first.get(3).substring(first.get(3).lastIndexOf('/') + 1);
        Path archive = cache.resolve(name.substring(0, name.indexOf('.')) + ".jsa");
        Files.writeString(archive, "an archive");
        Files.setPosixFilePermissions(archive, PosixFilePermissions.fromString("r--r--r--"));
        List<String> later = plan(Map.of(), jvm("-Xmx512m", "-Dx=y"), "serve", "--port", "0").orElseThrow().command();
        assertThat(later.get(3)).isEqualTo("-XX:SharedArchiveFile=" + archive);

        // Another build of the jar, or other JVM options (on the command line or in the environment): another archive.
        assertThat(plan(Map.of(), jvm("-Xmx1g"), "serve").orElseThrow().command().get(2)).startsWith("-XX:ArchiveClassesAtExit=");
        assertThat(plan(Map.of("JDK_JAVA_OPTIONS", "-XX:+UseZGC"), jvm("-Xmx512m", "-Dx=y"), "serve").orElseThrow().command().get(3))
                .startsWith("-XX:ArchiveClassesAtExit=");
        assertThat(plan(Map.of("JAVA_TOOL_OPTIONS", "-XX:+UseZGC"), jvm("-Xmx512m", "-Dx=y"), "serve").orElseThrow().command().get(3))
                .startsWith("-XX:ArchiveClassesAtExit=");
        Files.writeString(jar, "another build");
        assertThat(plan(Map.of(), jvm("-Xmx512m", "-Dx=y"), "serve").orElseThrow().command().get(3)).startsWith("-XX:ArchiveClassesAtExit=");
    }

    @Test
    void anArchiveSomeoneElseCouldWriteIsNeverMapped() throws Exception {
        String name = plan(Map.of(), jvm(), "serve").orElseThrow().command().get(1);
        name = name.substring(name.lastIndexOf('/') + 1);
        Path archive = cache.resolve(name.substring(0, name.indexOf('.')) + ".jsa");
        Files.writeString(archive, "planted");
        Files.setPosixFilePermissions(archive, PosixFilePermissions.fromString("rw-rw-rw-"));
        assertThat(plan(Map.of(), jvm(), "serve").orElseThrow().command().get(1)).startsWith("-XX:ArchiveClassesAtExit=");
        Files.setPosixFilePermissions(archive, PosixFilePermissions.fromString("rw-r--r--"));
        assertThat(plan(Map.of(), jvm(), "serve").orElseThrow().command().get(1)).isEqualTo("-XX:SharedArchiveFile=" + archive);
    }

    @Test
    void theCacheDirectoryIsMadeForItsOwnerAloneAndRefusedOtherwise() throws Exception {
        Path base = dir.resolve("xdg");
        Optional<Path> made = Launcher.cacheDirectory(Map.of("XDG_CACHE_HOME", base.toString()));
        assertThat(made).contains(base.resolve("latchkey"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(made.get()))).isEqualTo("rwx------");
        Files.setPosixFilePermissions(made.get(), PosixFilePermissions.fromString("rwxrwxrwx"));
        assertThat(Launcher.cacheDirectory(Map.of("XDG_CACHE_HOME", base.toString()))).isEmpty();
        // Under a directory others may write to (and not sticky, as /tmp is): someone could swap the directory.
        Path shared = Files.createDirectory(dir.resolve("shared"));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertThat(Launcher.cacheDirectory(Map.of("XDG_CACHE_HOME", shared.resolve("xdg").toString()))).isEmpty();
        Path file = Files.writeString(dir.resolve("not-a-directory"), "");
        assertThat(Launcher.cacheDirectory(Map.of("XDG_CACHE_HOME", file.toString()))).isEmpty();
    }

    @Test
    void theNodeRunsInThisJvmWhenTheLauncherWouldGetInTheWay() {
        assertThat(plan(Map.of(), jvm(), "serve")).isPresent();
        assertThat(plan(Map.of(), jvm(), "serve", "--class-archive", "off")).isEmpty();
        assertThat(plan(Map.of(), jvm(), "serve", "--class-archive=OFF")).isEmpty();
        assertThat(plan(Map.of(), jvm(), "serve", "--class-archive", "auto")).isPresent();
        assertThat(plan(Map.of("LATCHKEY_CLASS_ARCHIVE", "off"), jvm(), "serve")).isEmpty();
        assertThat(plan(Map.of("LATCHKEY_CLASS_ARCHIVE", "off"), jvm(), "serve", "--class-archive", "auto")).as("the command line wins").isPresent();
        assertThat(plan(Map.of(), jvm(), "serve", "--help")).isEmpty();
        assertThat(plan(Map.of(), jvm(), "serve", "-V")).isEmpty();
        for (String own : new String[] {"-agentlib:jdwp=transport=dt_socket,server=y", "-agentpath:/x.so", "-javaagent:a.jar",
                "-XX:StartFlightRecording", "-XX:SharedArchiveFile=a.jsa", "-Xshare:off", "-XX:ArchiveClassesAtExit=a.jsa", "-Xlog:cds",
                "-Dcom.sun.management.jmxremote.port=9010", "-Xlog:gc:file=gc.log", "-Xloggc:gc.log", "@more-options.txt", "-XX:+AlwaysPreTouch"}) {
            assertThat(plan(Map.of(), jvm(own), "serve")).as(own).isEmpty();
            // The same in the environment, which the child would inherit.
            for (String variable : new String[] {"JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS"}) {
                assertThat(plan(Map.of(variable, "-Xmx1g " + own), jvm(), "serve")).as(variable + "=" + own).isEmpty();
            }
        }
        assertThat(plan(Map.of("JAVA_TOOL_OPTIONS", "-Xmx1g -Dfile.encoding=UTF-8"), jvm("-Xlog:gc"), "serve")).isPresent();
        // Not started as java -jar THIS-JAR (a class path and a main class, as the tests run it).
        assertThat(Launcher.plan(new String[] {"serve"}, Map.of(), List.of("-cp", jar.toString(), "dev.latchkey.cli.Main", "serve"),
                jar.toString(), Optional.of(cache))).isEmpty();
        assertThat(Launcher.plan(new String[] {"serve"}, Map.of(), jvm(), dir.resolve("other.jar").toString(), Optional.of(cache))).isEmpty();
        assertThat(Launcher.plan(new String[] {"serve"}, Map.of(), jvm(), jar.toString(), Optional.empty())).isEmpty();
    }

    /** A cache the JVM could not write its archive to would fail the node's every stop: found out before the start. */
    @Test
    void anArchiveThatCannotBeWrittenIsFoundOutBeforeTheStart() throws Exception {
        String first = plan(Map.of(), jvm(), "serve").orElseThrow().command().get(1);
        Path pending = Path.of(first.substring(first.indexOf('=') + 1));
        assertThat(pending).isRegularFile(); // made by the launcher, the JVM writes it at the node's stop
        Files.delete(pending);
        Files.createDirectory(pending);
        Files.writeString(pending.resolve("in-the-way"), "");
        assertThat(plan(Map.of(), jvm(), "serve")).isEmpty();
    }

    @Test
    void anArchivesNameTellsItsPartsApart() {
        String key = Launcher.key(List.of("/opt/latchkey.jar", "51075321", "1764850000000", "/usr/lib/jvm/17", "17.0.15", "", ""));
        assertThat(key).matches("[0-9a-f]{16}").isEqualTo(Launcher.key(List.of("/opt/latchkey.jar", "51075321", "1764850000000",
                "/usr/lib/jvm/17", "17.0.15", "", "")));
        assertThat(Launcher.key(List.of("ab", "c"))).isNotEqualTo(Launcher.key(List.of("a", "bc")));
        assertThat(Launcher.key(List.of("a", ""))).isNotEqualTo(Launcher.key(List.of("a")));
        assertThat(Launcher.key(List.of("a", "-Xmx1g"))).isNotEqualTo(Launcher.key(List.of("a", "-Xmx2g")));
        assertThat(Launcher.key(List.of())).matches("[0-9a-f]{16}");
    }

    /**
     * Everything the launcher runs before the node's JVM exists is added to every start. A JVM's first lambda, its first
     * string concatenation by invokedynamic and the security providers' loading cost the launcher about 0.1 s together
     * here (BENCHMARKS.md), so its path to the child's command line uses none of them: checked in a fresh JVM, by the
     * classes it loads.
     */
    @Test
    void theLaunchersPathToTheChildLoadsNoCostlyJdkMachinery() throws Exception {
        Process probe = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xlog:class+load",
                "-cp", System.getProperty("java.class.path"), LaunchPathProbe.class.getName(), jar.toString(), dir.toString())
                .redirectErrorStream(true).start();
        String out = new String(probe.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(probe.waitFor()).as(out).isZero();
        String path = out.substring(out.indexOf(LaunchPathProbe.BEFORE), out.indexOf(LaunchPathProbe.AFTER));
        assertThat(path).contains("-XX:ArchiveClassesAtExit=") // the plan was made
                .doesNotContain("dev.latchkey.cli.Launcher$$Lambda").doesNotContain("java.lang.invoke.StringConcatFactory")
                .doesNotContain("sun.security.provider.Sun").doesNotContain("java.util.HexFormat");
    }
}
