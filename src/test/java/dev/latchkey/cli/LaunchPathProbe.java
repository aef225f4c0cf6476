package dev.latchkey.cli;

import java.nio.file.Path;
import java.util.List;

/** Makes the launcher's plan in a fresh JVM, between two markers, for {@link LauncherTest} to see what it loads. */
final class LaunchPathProbe {
    static final String BEFORE = "probe: before the plan";
    static final String AFTER = "probe: after the plan";

    private LaunchPathProbe() {
    }

    public static void main(String[] args) {
        String[] serve = {"serve", "--port", "0"};
        List<String> jvm = List.of("-Xmx64m", "-jar", args[0], "serve", "--port", "0");
        System.out.println(BEFORE);
        Launcher launcher = Launcher.plan(serve, java.util.Map.of(), jvm, args[0], Launcher.cacheDirectory(java.util.Map.of("XDG_CACHE_HOME",
                Path.of(args[1]).getParent().toString()))).orElseThrow();
        System.out.println(String.join(" ", launcher.command()));
        System.out.println(AFTER);
    }
}
