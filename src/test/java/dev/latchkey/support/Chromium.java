package dev.latchkey.support;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * The browser tests' Chromium: Debian's {@code /usr/bin/chromium} driven by {@code /usr/bin/chromedriver} (never a
 * downloaded browser; LATCHKEY_TEST_CHROMIUM and LATCHKEY_TEST_CHROMEDRIVER point elsewhere). Mandatory when
 * LATCHKEY_TEST_BROWSER_REQUIRED=true (CI); otherwise a test class without it is skipped, loudly.
 */
public final class Chromium {
    public static final File BINARY = new File(System.getenv().getOrDefault("LATCHKEY_TEST_CHROMIUM", "/usr/bin/chromium"));
    public static final File DRIVER = new File(System.getenv().getOrDefault("LATCHKEY_TEST_CHROMEDRIVER", "/usr/bin/chromedriver"));
    public static final boolean REQUIRED = Boolean.parseBoolean(System.getenv().getOrDefault("LATCHKEY_TEST_BROWSER_REQUIRED", "false"));

    private Chromium() {}

    /** Fails (required) or skips the calling test class, with a banner naming {@code what}, when Chromium is not installed. */
    public static void requireOrSkip(String what) {
        if (BINARY.canExecute() && DRIVER.canExecute()) {
            return;
        }
        if (REQUIRED) {
            throw new IllegalStateException("LATCHKEY_TEST_BROWSER_REQUIRED=true but " + BINARY + " or " + DRIVER + " is missing");
        }
        System.err.println("\n**********************************************************************\n"
                + "* SKIPPING " + what + ": no " + BINARY + " / " + DRIVER + "\n"
                + "* (apt-get install chromium chromium-driver, or LATCHKEY_TEST_BROWSER_REQUIRED=true to fail)\n"
                + "**********************************************************************\n");
        Assumptions.abort("Chromium not installed");
    }

    /**
     * A headless browser of its own (its own profile directory and ChromeDriver session: no storage or cookies shared),
     * {@code width} × 900; {@code browserLog}: keep the page's console messages for the test to read.
     */
    public static WebDriver start(int width, boolean browserLog) throws IOException {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BINARY);
        Path profile = Files.createTempDirectory("latchkey-chromium");
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic",
                "--window-size=" + width + ",900", "--user-data-dir=" + profile);
        if (browserLog) {
            LoggingPreferences logs = new LoggingPreferences();
            logs.enable(LogType.BROWSER, java.util.logging.Level.ALL);
            options.setCapability("goog:loggingPrefs", logs);
        }
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER).usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }
}
