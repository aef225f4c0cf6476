package dev.latchkey.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.support.JarNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code java -jar latchkey.jar serve} runs the node in a child JVM that maps a class archive of its own start: the
 * first start writes it when it stops, later ones map it; a stop, the exit code and the streams pass through; a node
 * whose launcher is killed stops too.
 */
class LauncherIT {
    @TempDir
    Path dir;

    private static List<String> arguments(ProcessHandle p) {
        return p.info().arguments().map(List::of).orElse(List.of());
    }

    private static List<Path> files(Path d) throws Exception {
        if (!Files.isDirectory(d)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(d)) {
            return s.sorted().toList();
        }
    }

    @Test
    void theFirstStartWritesTheArchiveLaterStartsMapItAndStopsPassThrough() throws Exception {
        Path cache = dir.resolve("cache");
        Map<String, String> env = Map.of("XDG_CACHE_HOME", cache.toString());
        Path data = dir.resolve("data");

        JarNode first = JarNode.start(env, "--data-dir", data.toString());
        ProcessHandle child = first.node();
        assertThat(child.pid()).as("the node runs in a child JVM").isNotEqualTo(first.process.pid());
        assertThat(arguments(child)).anyMatch(a -> a.startsWith("-XX:ArchiveClassesAtExit=" + cache.resolve("latchkey")));
        assertThat(first.send("GET", "/health/ready", null).status()).isEqualTo(200);
        first.stop();
        assertThat(first.process.exitValue()).as("SIGTERM passed on; the node's exit code passed back").isEqualTo(143);
        assertThat(child.isAlive()).isFalse();
        assertThat(first.err()).contains("Latchkey stopped");
        List<Path> kept = files(cache.resolve("latchkey"));
        assertThat(kept).hasSize(1);
        Path archive = kept.get(0);
        assertThat(archive.getFileName().toString()).matches("latchkey-[0-9a-f]{16}\\.jsa");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(cache.resolve("latchkey")))).isEqualTo("rwx------");

        JarNode second = JarNode.start(env, "--data-dir", data.toString());
        ProcessHandle node = second.node();
        assertThat(arguments(node)).contains("-XX:SharedArchiveFile=" + archive);
        assertThat(second.send("GET", "/health/ready", null).status()).isEqualTo(200);
        // The launcher killed outright: its node notices within a second or two and stops in order (its data directory
        // free for the next start).
        second.process.destroyForcibly();
        assertThat(node.onExit().get(20, TimeUnit.SECONDS).isAlive()).isFalse();
        assertThat(second.err()).contains("Latchkey stopped");
        assertThat(files(cache.resolve("latchkey"))).containsExactly(archive);

        JarNode third = JarNode.start(env, "--data-dir", data.toString(), "--class-archive", "off");
        try {
            assertThat(third.node().pid()).as("--class-archive off: in the launcher's own JVM").isEqualTo(third.process.pid());
            assertThat(third.process.toHandle().children().count()).isZero();
            assertThat(third.send("GET", "/health/ready", null).status()).isEqualTo(200);
        } finally {
            third.stop();
        }
    }

    @Test
    void aRefusedStartPassesItsExitCodeAndMessageBackAndLeavesNoArchive() throws Exception {
        Path cache = dir.resolve("refused");
        JarNode.Exit refused = JarNode.run(Map.of("XDG_CACHE_HOME", cache.toString()), "serve", "--port", "x", "--data-dir", dir.resolve("d").toString());
        assertThat(refused.code()).isEqualTo(2);
        assertThat(refused.err()).contains("latchkey: Invalid value for option '--port'");
        assertThat(refused.out()).isEmpty();
        assertThat(files(cache.resolve("latchkey"))).isEmpty();
    }
}
