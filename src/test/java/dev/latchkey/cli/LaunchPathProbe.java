package dev.latchkey.cli;

import java.util.List;

/**
 * Makes the launcher's plan in a fresh JVM, between two markers, for {@link LauncherTest} to see what it loads.
 * Arguments: the jar, and the directory to use as XDG_CACHE_HOME.
 */
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
                args[1]))).orElseThrow();
        System.out.println(String.join(" ", launcher.command()));
        System.out.println(AFTER);
    }
}
