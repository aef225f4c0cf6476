package dev.latchkey.browser;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.support.Backend;
import dev.latchkey.support.TestServer;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.openqa.selenium.virtualauthenticator.HasVirtualAuthenticator;
import org.openqa.selenium.virtualauthenticator.VirtualAuthenticatorOptions;

/**
 * A real browser (Debian's Chromium, with a virtual WebAuthn authenticator) through the hosted page: password,
 * enroll a passkey, sign out, password + passkey, signed in with the profile shown; and a login that risk-based
 * authentication asks to confirm, finished by opening the emailed one-click link. Mandatory when
 * LATCHKEY_TEST_BROWSER_REQUIRED=true (CI); otherwise skipped, loudly, where Chromium is not installed.
 */
class HostedPageBrowserTest {
    static final File CHROMIUM = new File(System.getenv().getOrDefault("LATCHKEY_TEST_CHROMIUM", "/usr/bin/chromium"));
    static final File CHROMEDRIVER = new File(System.getenv().getOrDefault("LATCHKEY_TEST_CHROMEDRIVER", "/usr/bin/chromedriver"));
    static final boolean REQUIRED = Boolean.parseBoolean(System.getenv().getOrDefault("LATCHKEY_TEST_BROWSER_REQUIRED", "false"));

    static TestServer s;
    static dev.latchkey.support.Mailbox mail;
    static WebDriver driver;

    @BeforeAll
    static void start() throws Exception {
        if (!CHROMIUM.canExecute() || !CHROMEDRIVER.canExecute()) {
            if (REQUIRED) {
                throw new IllegalStateException("LATCHKEY_TEST_BROWSER_REQUIRED=true but " + CHROMIUM + " or " + CHROMEDRIVER + " is missing");
            }
            System.err.println("\n**********************************************************************\n"
                    + "* SKIPPING the browser test: no " + CHROMIUM + " / " + CHROMEDRIVER + "\n"
                    + "* (apt-get install chromium chromium-driver, or LATCHKEY_TEST_BROWSER_REQUIRED=true to fail)\n"
                    + "**********************************************************************\n");
            Assumptions.abort("Chromium not installed");
        }
        mail = new dev.latchkey.support.Mailbox();
        s = new TestServer(Backend.H2, new TestServer.Options(new dev.latchkey.server.ServerConfig.Messaging(null,
                new dev.latchkey.message.DeliverySettings.Smtp("127.0.0.1", mail.port(), "none", null, null, "no-reply@latchkey.test"),
                dev.latchkey.server.ServerConfig.Messaging.NONE.sms(), 100, 60_000, null),
                new dev.latchkey.server.ServerConfig.Risk(null, "127.0.0.1/32")));
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        Path profile = Files.createTempDirectory("latchkey-chromium");
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic",
                "--window-size=1000,900", "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER).usingAnyFreePort().build();
        driver = new ChromeDriver(service, options);
    }

    @AfterAll
    static void stop() {
        if (driver != null) {
            driver.quit();
        }
        if (s != null) {
            s.close();
        }
        if (mail != null) {
            mail.close();
        }
    }

    private WebElement visible(WebDriverWait wait, String id) {
        return wait.until(ExpectedConditions.visibilityOfElementLocated(By.id(id)));
    }

    private void signIn(WebDriverWait wait, String email, String password) {
        WebElement e = visible(wait, "email");
        e.clear();
        e.sendKeys(email);
        driver.findElement(By.id("password")).sendKeys(password);
        driver.findElement(By.id("sign-in")).click();
    }

    @Test
    void passwordEnrollSignOutThenPasswordAndPasskey() throws Exception {
        String origin = "http://localhost:" + s.server.port();
        TestServer.TestTenant t = s.tenant("{\"Name\":\"Browser\",\"TwoFactorAuthentication\":{\"IsEnabled\":true,\"IsRequired\":false},"
                + "\"PassKeysConfig\":{\"IsEnabled\":true,\"RPID\":\"localhost\",\"RPDisplayName\":\"Latchkey\",\"RPOrigins\":[\"" + origin + "\"]}}");
        t.account("browser@example.com", "browser-password-1");

        ((HasVirtualAuthenticator) driver).addVirtualAuthenticator(new VirtualAuthenticatorOptions()
                .setProtocol(VirtualAuthenticatorOptions.Protocol.CTAP2)
                .setTransport(VirtualAuthenticatorOptions.Transport.INTERNAL)
                .setHasResidentKey(true).setHasUserVerification(true).setIsUserVerified(true).setIsUserConsenting(true));
        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(20));

        driver.get(origin + "/hosted?apikey=" + t.apiKey());
        // 1. Password only: optional MFA and no factor yet, so this signs in.
        signIn(wait, "browser@example.com", "browser-password-1");
        visible(wait, "signed-in");
        assertThat(driver.findElement(By.id("profile-email")).getText()).isEqualTo("browser@example.com");
        // 2. Enroll a passkey from the account.
        driver.findElement(By.id("add-passkey")).click();
        wait.until(ExpectedConditions.textToBe(By.id("status"), "Passkey added."));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("passkeys"), "Passkey added"));
        // 3. Sign out.
        driver.findElement(By.id("sign-out")).click();
        visible(wait, "password-step");
        // 4. Password, then the passkey.
        signIn(wait, "browser@example.com", "browser-password-1");
        visible(wait, "second-step");
        visible(wait, "use-passkey").click();
        visible(wait, "signed-in");
        assertThat(driver.findElement(By.id("status")).getText()).isEmpty();
        assertThat(driver.findElement(By.id("profile-email")).getText()).isEqualTo("browser@example.com");
        assertThat(driver.findElement(By.id("profile-logins")).getText()).isEqualTo("2");
        Path shot = Path.of("target", "hosted-page-signed-in.png");
        Files.createDirectories(shot.getParent());
        Files.write(shot, ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
        // The server saw a real browser's passkey login: the credential's counter and last use were recorded.
        Long lastUsed = s.server.jdbi().withHandle(h -> h.createQuery("SELECT MAX(last_used_at) FROM passkeys").mapTo(Long.class).one());
        assertThat(lastUsed).isNotNull();
    }

    @Test
    void aLoginFromANewAddressIsConfirmedByTheEmailedLink() throws Exception {
        String origin = "http://localhost:" + s.server.port();
        TestServer.TestTenant t = s.tenant("{\"Name\":\"Browser\",\"RiskBasedAuthentication\":{\"IP\":{\"IsEnabled\":true,\"Action\":\"MFA\"}}}");
        t.account("risky@example.com", "browser-password-1");
        // The usual place: London, through the trusted proxy. The browser itself comes from 127.0.0.1, a new address.
        assertThat(s.send("POST", "/identity/v2/auth/login/2fa?apikey=" + t.apiKey(), "{\"email\":\"risky@example.com\",\"password\":\"browser-password-1\"}",
                "Content-Type", "application/json", "X-Forwarded-For", "81.2.69.142").status()).isEqualTo(200);
        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(20));
        driver.get(origin + "/hosted?apikey=" + t.apiKey());
        signIn(wait, "risky@example.com", "browser-password-1");
        visible(wait, "second-step");
        visible(wait, "risk-email");
        assertThat(driver.findElement(By.id("risk-email-address")).getText()).isEqualTo("r***y@e***.com");
        assertThat(driver.findElement(By.id("otp-form")).isDisplayed()).isFalse();
        assertThat(driver.findElement(By.id("enroll-passkey-login")).isDisplayed()).isFalse();

        java.util.regex.Matcher link = java.util.regex.Pattern.compile("(http://\\S+vtoken=[0-9a-f-]{36})")
                .matcher(mail.await("risky@example.com", 1).get(0).text());
        assertThat(link.find()).isTrue();
        assertThat(link.group(1)).startsWith(origin + "/hosted?apikey=" + t.apiKey() + "&vtype=oneclicksignin&vtoken=");
        driver.get(link.group(1));
        visible(wait, "signed-in");
        assertThat(driver.findElement(By.id("profile-email")).getText()).isEqualTo("risky@example.com");
        assertThat(driver.getCurrentUrl()).as("the token leaves the address bar").isEqualTo(origin + "/hosted?apikey=" + t.apiKey());
        // Opened again (a second click): the link is spent.
        driver.get(link.group(1));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("status"), "(1062)"));
    }
}
