package dev.latchkey.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code java -jar latchkey.jar serve} runs the node in a child JVM that maps a class archive of the node's own start
 * (a dynamic AppCDS archive, JDK 17): ready in about 70% of the time, with about 30% less CPU to get there
 * (BENCHMARKS.md), because the JVM then neither reads, verifies nor compiles most of the ~6,500 classes a start loads.
 * JDK 17 reads an archive only from its command line, which a plain {@code java -jar} cannot give, so this process starts
 * the node's JVM with it, as Elasticsearch's launcher starts its server JVM, and stays as a waiting parent (about 48 MiB
 * RSS, 27 of it its own) that passes the standard streams, stop signals and the exit code through.
 * <p>
 * Whatever this class runs before the child exists is added to every start, so that path uses no lambda or stream, no
 * {@code +} on strings (javac compiles it to an {@code invokedynamic} whose first use bootstraps the JDK's string
 * concatenation) and no {@link java.security.MessageDigest}: together they cost 0.12 s of a 0.37 s path on the
 * benchmark machine (BENCHMARKS.md). {@code LauncherTest} checks the classes that path loads.
 * <p>
 * The first start has no archive: its child JVM writes one when it stops ({@code -XX:ArchiveClassesAtExit}, a few seconds
 * added to that stop), kept only when the node stopped cleanly. Archives live in {@code $XDG_CACHE_HOME/latchkey} (else
 * {@code ~/.cache/latchkey}), a directory only its owner may write (an archive is code the JVM maps: one another user
 * could write is never used), named by a hash of the jar (path, size, time), the JDK and the JVM options (also those
 * in JDK_JAVA_OPTIONS, JAVA_TOOL_OPTIONS and _JAVA_OPTIONS), so a new build, JDK or option makes a new one; others go after
 * {@link #UNUSED_DAYS} days unused. The JVM checks an archive against the jar itself and ignores one that does not match.
 * <p>
 * The node runs in this process, as before, when: {@code --class-archive off} or {@code LATCHKEY_CLASS_ARCHIVE=off};
 * it is not started as {@code java [options] -jar latchkey.jar}; the JVM options, on the command line or in the
 * environment, name anything in {@link #OWN_JVM_OPTIONS}, a log file or an argument file (they would act twice, or
 * clash); the system is not Linux; or the cache directory cannot be made safely, or written.
 */
final class Launcher {
    /** Other builds' and options' archives are deleted after this many days unused. */
    static final long UNUSED_DAYS = 30;
    /** A node whose launcher is gone and whose stop has not ended after this long is halted. */
    static final long ORPHAN_HALT_MILLIS = 60_000;
    /** Set on the child's command line: the node runs here, and watches its parent. */
    static final String CHILD = "latchkey.launcher.parent";
    /** JVM options that would act twice (a port, a file, an agent) or clash with the archive: the node then runs here. */
    private static final List<String> OWN_JVM_OPTIONS = List.of("-agentlib", "-agentpath", "-javaagent", "-Xrun", "-Xdebug", "-Xshare",
            "-XX:SharedArchiveFile", "-XX:ArchiveClassesAtExit", "-XX:DumpLoadedClassList", "-XX:SharedClassListFile",
            "-XX:StartFlightRecording", "-XX:+AutoCreateSharedArchive", "-Xlog:cds", "-Xloggc", "-Dcom.sun.management.jmxremote",
            "-XX:+AlwaysPreTouch", "-XX:+UseLargePages"); // the last two: the waiting launcher would take its whole heap
    /** Environment variables the java launcher reads options from: the child inherits them. */
    private static final List<String> OPTION_VARIABLES = List.of("JDK_JAVA_OPTIONS", "JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS");

    private final List<String> command;
    private final Path archive;
    private final Path pending;
    private Process child;
    private boolean finished;

    private Launcher(List<String> command, Path archive, Path pending) {
        this.command = command;
        this.archive = archive;
        this.pending = pending;
    }

    /**
     * For {@code serve}: runs the node in a child JVM and returns its exit code once it has ended, or empty when the node
     * is to run in this process.
     */
    static Optional<Integer> serve(String[] args, Map<String, String> env) {
        if (System.getProperty(CHILD) != null) {
            watchParent(Long.parseLong(System.getProperty(CHILD)));
            return Optional.empty();
        }
        if (off(args, env)) { // before reading the command line or making the cache directory
            return Optional.empty();
        }
        Optional<String[]> arguments = ProcessHandle.current().info().arguments();
        Optional<Launcher> launcher = plan(args, env, arguments.isPresent() ? List.of(arguments.get()) : List.of(),
                System.getProperty("java.class.path"), cacheDirectory(env));
        if (launcher.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(launcher.get().run());
        } catch (IOException e) {
            System.err.println("latchkey: starting the node's JVM failed (" + e.getMessage() + "); starting it in this one");
            return Optional.empty();
        }
    }

    /**
     * The child's command line, or empty for "run here". {@code jvmCommandLine}: this JVM's arguments after the
     * executable ({@code [options] -jar JAR ARGS}); {@code classPath}: this JVM's class path; {@code cache}: where archives go.
     */
    static Optional<Launcher> plan(String[] args, Map<String, String> env, List<String> jvmCommandLine, String classPath, Optional<Path> cache) {
        if (off(args, env) || cache.isEmpty() || !System.getProperty("os.name", "").equals("Linux")) {
            return Optional.empty();
        }
        int jar = jvmCommandLine.indexOf("-jar");
        if (jar < 0 || jar + 1 >= jvmCommandLine.size() || classPath == null || !Path.of(jvmCommandLine.get(jar + 1)).equals(Path.of(classPath))) {
            return Optional.empty();
        }
        List<String> options = jvmCommandLine.subList(0, jar);
        List<String> inEnvironment = new ArrayList<>();
        for (String variable : OPTION_VARIABLES) {
            inEnvironment.add(env.getOrDefault(variable, ""));
        }
        for (String option : options) {
            if (ownOption(option)) {
                return Optional.empty();
            }
        }
        for (String variable : inEnvironment) {
            for (String option : variable.trim().split("\\s+")) {
                if (ownOption(option)) {
                    return Optional.empty();
                }
            }
        }
        Path jarFile = Path.of(classPath).toAbsolutePath();
        String key;
        try {
            key = key(List.of(jarFile.toString(), Long.toString(Files.size(jarFile)), Long.toString(Files.getLastModifiedTime(jarFile).toMillis()),
                    System.getProperty("java.home"), System.getProperty("java.vm.version"), String.join("\n", options),
                    // options the java launcher also reads from the environment (the child inherits it)
                    String.join("\n", inEnvironment)));
        } catch (IOException e) {
            return Optional.empty();
        }
        String pid = Long.toString(ProcessHandle.current().pid());
        Path archive = cache.get().resolve("latchkey-".concat(key).concat(".jsa"));
        boolean usable = Files.isRegularFile(archive) && safe(archive);
        Path pending = usable ? null : cache.get().resolve("latchkey-".concat(key).concat(".").concat(pid).concat(".tmp"));
        try {
            if (usable) {
                Files.setLastModifiedTime(archive, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis())); // in use
            } else {
                // A cache the JVM cannot write to would fail the node's every stop (exit 1): found out here instead.
                Files.deleteIfExists(pending);
                Files.createFile(pending);
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(options);
        command.add(usable ? "-XX:SharedArchiveFile=".concat(archive.toString()) : "-XX:ArchiveClassesAtExit=".concat(pending.toString()));
        command.add("-Xlog:cds*=off"); // the JVM's remarks on classes it cannot archive, or an archive it ignores
        command.add("-D".concat(CHILD).concat("=").concat(pid));
        command.addAll(List.of("-jar", jarFile.toString())); // as started: the jar's manifest applies alike
        command.addAll(List.of(args));
        return Optional.of(new Launcher(command, archive, pending));
    }

    private static boolean ownOption(String option) {
        if (option.startsWith("@") // an argument file: its options are not seen here
                || option.startsWith("-Xlog") && option.contains("file=")) {
            return true;
        }
        for (String own : OWN_JVM_OPTIONS) {
            if (option.startsWith(own)) {
                return true;
            }
        }
        return false;
    }

    /** The child's command line (tests). */
    List<String> command() {
        return command;
    }

    private static boolean off(String[] args, Map<String, String> env) {
        String given = env.get("LATCHKEY_CLASS_ARCHIVE"); // the command line's --class-archive wins, as for every option
        for (int i = 0; i < args.length; i++) {
            if (args[i].startsWith("--class-archive=")) {
                given = args[i].substring("--class-archive=".length());
            } else if (args[i].equals("--class-archive") && i + 1 < args.length) {
                given = args[i + 1];
            }
            if (args[i].equals("--help") || args[i].equals("-h") || args[i].equals("--version") || args[i].equals("-V")) {
                return true;
            }
        }
        return "off".equalsIgnoreCase(given);
    }

    /**
     * {@code $XDG_CACHE_HOME/latchkey} or {@code ~/.cache/latchkey}, made readable and writable by its owner only; empty
     * when it cannot be made, or is not this user's alone.
     */
    static Optional<Path> cacheDirectory(Map<String, String> env) {
        String base = env.get("XDG_CACHE_HOME");
        String home = System.getProperty("user.home", "");
        Path dir;
        if (base != null && !base.isBlank() && Path.of(base).isAbsolute()) {
            dir = Path.of(base, "latchkey");
        } else if (Path.of(home).isAbsolute()) { // "?" for a user without a passwd entry (some containers)
            dir = Path.of(home, ".cache", "latchkey");
        } else {
            return Optional.empty();
        }
        try {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir.getParent());
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
            return safe(dir) && safeAncestors(dir.toRealPath().getParent()) ? Optional.of(dir) : Optional.empty();
        } catch (IOException | UnsupportedOperationException | SecurityException | java.nio.file.InvalidPathException e) {
            return Optional.empty();
        }
    }

    /**
     * Every directory above the cache is the user's or root's, and writable by no one else unless sticky (as /tmp): else
     * another user could put another directory, and archive, in its place between this check and the JVM's reading it.
     */
    private static boolean safeAncestors(Path dir) {
        try {
            Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            for (Path p = dir; p != null; p = p.getParent()) {
                Object owner = Files.getAttribute(p, "unix:uid");
                int mode = (Integer) Files.getAttribute(p, "unix:mode");
                boolean othersWrite = (mode & 0022) != 0;
                boolean sticky = (mode & 01000) != 0;
                if (!owner.equals(uid) && !owner.equals(0) || othersWrite && !sticky) {
                    return false;
                }
            }
            return true;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException | ClassCastException | SecurityException e) {
            return false;
        }
    }

    /** Owned by this process's user, and writable by nobody else. */
    private static boolean safe(Path p) {
        try {
            Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p, java.nio.file.LinkOption.NOFOLLOW_LINKS);
            return uid.equals(Files.getAttribute(p, "unix:uid", java.nio.file.LinkOption.NOFOLLOW_LINKS))
                    && !perms.contains(PosixFilePermission.GROUP_WRITE) && !perms.contains(PosixFilePermission.OTHERS_WRITE);
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException | SecurityException e) {
            return false;
        }
    }

    /**
     * An archive's name: 64-bit FNV-1a over the parts, in 16 hex digits. It only tells builds and options apart (the JVM
     * itself refuses an archive that does not match the jar); a digest from the security providers (with HexFormat) cost
     * every start about 30 ms of loading them.
     */
    static String key(List<String> parts) {
        long h = 0xcbf29ce484222325L;
        for (String part : parts) {
            byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i <= bytes.length; i++) {
                h ^= i < bytes.length ? bytes[i] & 0xff : 0x0a; // each part ends with a newline
                h *= 0x100000001b3L;
            }
        }
        String hex = Long.toHexString(h);
        return "0000000000000000".substring(hex.length()).concat(hex);
    }

    /** Starts the child with this process's streams, passes a stop on to it, and waits for it. */
    private int run() throws IOException {
        // SIGTERM/SIGINT to this process: the same to the node, whose own hook stops it in order; this JVM ends after it,
        // with the node's exit code (not the 143 or 130 the signal would give this JVM).
        Runtime.getRuntime().addShutdownHook(new Thread("latchkey-launcher-stop") {
            @Override
            public void run() {
                finish();
                if (child != null) {
                    Runtime.getRuntime().halt(child.exitValue());
                }
            }
        });
        try {
            child = new ProcessBuilder(command).inheritIO().start();
        } catch (IOException e) {
            if (pending != null) {
                Files.deleteIfExists(pending);
            }
            throw e;
        }
        while (true) {
            try {
                child.waitFor();
                break;
            } catch (InterruptedException e) {
                // keep waiting: the node decides when it has stopped
            }
        }
        finish();
        return child.exitValue();
    }

    /** Once the child has ended: keeps the archive it wrote if it stopped cleanly. */
    private synchronized void finish() {
        if (finished || child == null) {
            return;
        }
        if (child.isAlive()) {
            child.destroy();
        }
        boolean interrupted = false;
        while (true) {
            try {
                child.waitFor();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        finished = true;
        if (pending != null) {
            keep(child.exitValue());
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * A stop by signal (143, 130) or a clean exit leaves an archive of a node that served; any other exit (a refused
     * option, a database that did not open) one of a start that failed, which is dropped. Archives of other builds or
     * options go once unused for {@link #UNUSED_DAYS} days (a start touches the one it maps).
     */
    private void keep(int exit) {
        try {
            if ((exit == 0 || exit == 143 || exit == 130) && Files.isRegularFile(pending) && Files.size(pending) > 0) {
                Files.move(pending, archive, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                try (var old = Files.newDirectoryStream(archive.getParent(), "latchkey-*.jsa")) {
                    long before = System.currentTimeMillis() - UNUSED_DAYS * 86_400_000L;
                    for (Path p : old) {
                        if (!p.equals(archive) && Files.getLastModifiedTime(p).toMillis() < before) {
                            Files.deleteIfExists(p);
                        }
                    }
                }
            }
            Files.deleteIfExists(pending);
            // What a start killed while it wrote its archive left behind.
            try (var left = Files.newDirectoryStream(archive.getParent(), "latchkey-*.tmp")) {
                for (Path p : left) {
                    String[] parts = p.getFileName().toString().split("\\.");
                    if (parts.length == 3 && parts[1].chars().allMatch(Character::isDigit)
                            && ProcessHandle.of(Long.parseLong(parts[1])).map(h -> !h.isAlive()).orElse(true)) {
                        Files.deleteIfExists(p);
                    }
                }
            }
        } catch (IOException | NumberFormatException e) {
            // a cache: the next start makes another
        }
    }

    /**
     * In the child: when the launcher is gone (killed outright, so it could not pass the stop on), the node stops as if
     * told to, rather than serve on unseen; a stop that has not ended {@link #ORPHAN_HALT_MILLIS} later (one already under
     * way and stuck, say) is cut short, so that no orphan keeps the port and the data directory. The parent is the one
     * this JVM was started by, held by its handle (a later process with the same pid is not it).
     */
    private static void watchParent(long parent) {
        ProcessHandle launcher = ProcessHandle.current().parent().filter(p -> p.pid() == parent).orElse(null);
        Thread t = new Thread(() -> {
            try {
                while (launcher != null && launcher.isAlive()) {
                    Thread.sleep(1000);
                }
                Thread stop = new Thread(() -> System.exit(143), "latchkey-launcher-gone");
                stop.setDaemon(true);
                stop.start();
                Thread.sleep(ORPHAN_HALT_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
            Runtime.getRuntime().halt(143);
        }, "latchkey-launcher-watch");
        t.setDaemon(true);
        t.start();
    }
}
