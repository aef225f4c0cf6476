package dev.latchkey.browser;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.support.Backend;
import dev.latchkey.support.Chromium;
import dev.latchkey.support.Mailbox;
import dev.latchkey.support.SmsReceiver;
import dev.latchkey.support.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The hosted page's sign-in without a password and phone sign-up (issue 14), in a real browser (Debian's Chromium, as
 * {@link HostedPageBrowserTest}): an emailed link opened in the browser (and the code the same email carries); smart
 * login, where one browser waits and polls while the emailed link is opened in a second browser (its own ChromeDriver
 * session, so nothing is shared), which gets no tokens; a code by SMS; a sign-up with a mobile number confirmed by its
 * texted code. Each way is offered only where the tenant turns it on. Mandatory when LATCHKEY_TEST_BROWSER_REQUIRED=true;
 * otherwise skipped, loudly, where Chromium is not installed.
 */
class PasswordlessBrowserTest {
    static final String PASSWORD = "browser-password-1";

    static TestServer s;
    static Mailbox mail;
    static SmsReceiver sms;
    static WebDriver driver;

    @BeforeAll
    static void start() throws Exception {
        Chromium.requireOrSkip("the browser test");
        mail = new Mailbox();
        sms = new SmsReceiver();
        s = new TestServer(Backend.H2, new TestServer.Options(new dev.latchkey.server.ServerConfig.Messaging(null,
                new dev.latchkey.message.DeliverySettings.Smtp("127.0.0.1", mail.port(), "none", null, null, "no-reply@latchkey.test"),
                new dev.latchkey.message.DeliverySettings.Sms(sms.baseUrl(), "AC0123456789abcdef0123456789abcdef", "sms-auth-token-1",
                        "+15005550006"), 100, 60_000, null),
                dev.latchkey.server.ServerConfig.Risk.NONE));
        driver = browser();
    }

    /** A browser of its own: its own profile directory and ChromeDriver session (no storage or cookies shared). */
    static WebDriver browser() throws Exception {
        return Chromium.start(1000, false);
    }

    @BeforeEach
    void blankTab() {
        driver.get(origin() + "/hosted");
        ((JavascriptExecutor) driver).executeScript("sessionStorage.clear()");
        ((ChromeDriver) driver).executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
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
        if (sms != null) {
            sms.close();
        }
    }

    static String origin() {
        return "http://localhost:" + s.server.port();
    }

    /** A tenant made with the admin API, then given its ways without a password by PATCHing its settings. */
    static TestServer.TestTenant tenant(String name, String settings) {
        TestServer.TestTenant t = s.tenant("{\"Name\":\"" + name + "\"}");
        TestServer.Reply patched = s.admin("PATCH", "/admin/v1/tenants/" + t.apiKey(), settings);
        assertThat(patched.status()).as(patched.raw()).isEqualTo(200);
        return t;
    }

    static String email(String what) {
        return what + "-" + System.nanoTime() + "@example.com";
    }

    static String phone() {
        return "+1555" + (1_000_000 + ThreadLocalRandom.current().nextInt(8_999_999));
    }

    /** A phone number as people type it: +1 555 1234567. */
    static String spaced(String phone) {
        return phone.substring(0, 2) + " " + phone.substring(2, 5) + " " + phone.substring(5);
    }

    /** Waits up to 20 s; a wait that times out says what the page's status line said then. */
    static WebDriverWait waiting(WebDriver d) {
        WebDriverWait wait = new WebDriverWait(d, Duration.ofSeconds(20));
        wait.withMessage(() -> {
            try {
                return "the status line said: " + d.findElement(By.id("status")).getText();
            } catch (RuntimeException e) {
                return "no status line: " + e.getMessage();
            }
        });
        return wait;
    }

    static WebElement visible(WebDriverWait wait, String id) {
        return wait.until(ExpectedConditions.visibilityOfElementLocated(By.id(id)));
    }

    static boolean displayed(WebDriver d, String id) {
        return d.findElement(By.id(id)).isDisplayed();
    }

    static String text(WebDriver d, String id) {
        return d.findElement(By.id(id)).getText();
    }

    static void type(WebDriver d, String id, String value) {
        WebElement field = d.findElement(By.id(id));
        field.clear();
        field.sendKeys(value);
    }

    /** What a tab holds in sessionStorage (the page keeps its tokens there). */
    static long storedItems(WebDriver d) {
        return (Long) ((JavascriptExecutor) d).executeScript("return Object.keys(sessionStorage).length");
    }

    static String pageAccessToken(WebDriver d, TestServer.TestTenant t) {
        return (String) ((JavascriptExecutor) d).executeScript("return sessionStorage.getItem(arguments[0])", "lk." + t.apiKey() + ".access");
    }

    static void screenshot(WebDriver d, String name) throws Exception {
        Path shot = Path.of("target", "passwordless-" + name + ".png");
        Files.createDirectories(shot.getParent());
        Files.write(shot, ((TakesScreenshot) d).getScreenshotAs(OutputType.BYTES));
    }

    /** The newest {@code vtype} link mailed to {@code email} but none of {@code seen} (waiting up to 15 s for one). */
    static String mailedLink(String email, String vtype, String... seen) {
        Pattern link = Pattern.compile("(http://\\S+[?&]vtype=" + vtype + "&vtoken=[0-9a-f-]{36})");
        long deadline = System.currentTimeMillis() + 15_000;
        while (true) {
            List<Mailbox.Mail> got = mail.to(email);
            for (int i = got.size() - 1; i >= 0; i--) {
                Matcher m = link.matcher(String.valueOf(got.get(i).text()));
                if (m.find() && !List.of(seen).contains(m.group(1))) {
                    return m.group(1);
                }
            }
            assertThat(System.currentTimeMillis()).as("a " + vtype + " link mailed to " + email).isLessThan(deadline);
            sleep(50);
        }
    }

    /** The code of the {@code count}th passwordless email to {@code email}. */
    static String mailedCode(String email, int count) {
        List<Mailbox.Mail> got = mail.await(email, count);
        assertThat(got).hasSizeGreaterThanOrEqualTo(count);
        Matcher code = Pattern.compile("enter this code where you asked for it: ([0-9]{6})").matcher(got.get(count - 1).text());
        assertThat(code.find()).as(got.get(count - 1).text()).isTrue();
        return code.group(1);
    }

    /** The code of the {@code count}th SMS to {@code phone}. */
    static String textedCode(String phone, int count) {
        List<SmsReceiver.Request> got = sms.await(phone, count);
        assertThat(got).hasSizeGreaterThanOrEqualTo(count);
        return got.get(count - 1).form().get("Body").substring(0, 6);
    }

    static String wrong(String code) {
        return String.format("%06d", (Integer.parseInt(code) + 1) % 1_000_000);
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * (i) Passwordless by an emailed link: the page asks for the link (its own address as the verification URL); the link,
     * read from the mailbox and opened in the browser, lands on the page, leaves the address bar, and signs in on a click
     * (loading it alone uses nothing); the spent link is refused in words. The same email's code signs in too, where the
     * page asked for it.
     */
    @Test
    void signInWithTheEmailedLinkOpenedInTheBrowserOrWithItsCode() throws Exception {
        TestServer.TestTenant t = tenant("Link Co", "{\"Passwordless\":{\"EmailLink\":true}}");
        String email = email("link");
        t.account(email, PASSWORD);
        WebDriverWait wait = waiting(driver);
        driver.get(origin() + "/hosted?apikey=" + t.apiKey());
        wait.until(ExpectedConditions.titleIs("Link Co · Sign in"));
        visible(wait, "to-email-link");
        assertThat(displayed(driver, "to-sms-code")).as("not turned on").isFalse();
        assertThat(displayed(driver, "to-smart")).as("not turned on").isFalse();
        type(driver, "email", email);
        driver.findElement(By.id("to-email-link")).click();
        visible(wait, "email-link-step");
        assertThat(driver.findElement(By.id("email-link-id")).getAttribute("value")).as("what was typed at sign-in").isEqualTo(email);
        assertThat(displayed(driver, "email-link-code-form")).isFalse();
        driver.findElement(By.id("send-email-link")).click();
        visible(wait, "email-link-code-form");
        assertThat(text(driver, "email-link-sent")).startsWith("If an account has this address, we emailed it a link to sign in");
        screenshot(driver, "email-link-sent");

        String link = mailedLink(email, "oneclicksignin");
        // The page asked for its own address, marked as a link asked for here.
        assertThat(link).startsWith(origin() + "/hosted?apikey=" + t.apiKey() + "&signin=passwordless&vtype=oneclicksignin&vtoken=");
        driver.get(link);
        visible(wait, "confirm-link");
        assertThat(driver.getCurrentUrl()).as("the token leaves the address bar").isEqualTo(origin() + "/hosted?apikey=" + t.apiKey());
        assertThat(displayed(driver, "confirm-passwordless-text")).isTrue();
        assertThat(displayed(driver, "confirm-risk-text")).isFalse();
        assertThat(pageAccessToken(driver, t)).as("loading the link signs nobody in").isNull();
        screenshot(driver, "email-link-confirm");
        driver.findElement(By.id("confirm-sign-in")).click();
        visible(wait, "signed-in");
        assertThat(text(driver, "profile-email")).isEqualTo(email);
        String token = pageAccessToken(driver, t);
        assertThat(token).matches("[0-9a-f-]{36}");
        assertThat(s.get("/identity/v2/auth/access_token/validate?apikey=" + t.apiKey(), "Authorization", "Bearer " + token).status())
                .isEqualTo(200);

        // The link again: spent, said in words, and this tab stays signed in.
        driver.get(link);
        visible(wait, "confirm-sign-in").click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("status"), "(1062)"));
        assertThat(text(driver, "status")).startsWith("This sign-in link was already used");
        assertThat(displayed(driver, "signed-in")).isTrue();

        // The code of a new email, typed where it was asked for: a wrong one is explained, the right one signs in.
        driver.findElement(By.id("sign-out")).click();
        visible(wait, "to-email-link").click();
        type(driver, "email-link-id", email); // a new page load (the link's): nothing typed before
        driver.findElement(By.id("send-email-link")).click();
        visible(wait, "email-link-code-form");
        String code = mailedCode(email, 2);
        driver.findElement(By.id("email-link-code")).sendKeys(wrong(code));
        driver.findElement(By.id("use-email-link-code")).click();
        wait.until(ExpectedConditions.textToBe(By.id("status"), "That code is wrong: check the email and type it again. (1185)"));
        type(driver, "email-link-code", code);
        driver.findElement(By.id("use-email-link-code")).click();
        visible(wait, "signed-in");
        assertThat(text(driver, "profile-email")).isEqualTo(email);

        // An address of nobody is answered as any other (nothing tells), and nothing is mailed.
        driver.findElement(By.id("sign-out")).click();
        String nobody = email("nobody");
        visible(wait, "to-email-link").click();
        type(driver, "email-link-id", nobody);
        driver.findElement(By.id("send-email-link")).click();
        wait.until(d -> text(d, "email-link-sent").startsWith("If an account has this address"));
        assertThat(mail.awaitExactly(nobody, 0)).isEmpty();
    }

    /**
     * (ii) Smart login: browser 1 asks for the link and polls (every 2 s, 1139 until then); the link is opened in browser 2,
     * a separate ChromeDriver session, where it asks first (loading it alone verifies nothing, so browser 1 keeps waiting)
     * and on the click says that the other device is signed in, holding no tokens; browser 1's poll then takes the login and
     * shows the account. The link opened again is refused in words.
     */
    @Test
    void smartLoginFinishesInTheFirstBrowserWhenTheLinkIsOpenedInASecond() throws Exception {
        TestServer.TestTenant t = tenant("Smart Co", "{\"Passwordless\":{\"SmartLogin\":true}}");
        String email = email("smart");
        t.account(email, PASSWORD);
        WebDriverWait wait = waiting(driver);
        driver.get(origin() + "/hosted?apikey=" + t.apiKey());
        wait.until(ExpectedConditions.titleIs("Smart Co · Sign in"));
        visible(wait, "to-smart").click();
        assertThat(displayed(driver, "to-email-link")).isFalse();
        visible(wait, "smart-id").sendKeys(email);
        driver.findElement(By.id("start-smart")).click();
        visible(wait, "smart-waiting");
        screenshot(driver, "smart-waiting");

        String link = mailedLink(email, "smartlogin");
        assertThat(link).startsWith(origin() + "/hosted?apikey=" + t.apiKey() + "&vtype=smartlogin&vtoken=");
        WebDriver other = browser();
        try {
            WebDriverWait otherWait = waiting(other);
            other.get(link);
            visible(otherWait, "smart-link");
            assertThat(other.getCurrentUrl()).as("the token leaves the address bar").isEqualTo(origin() + "/hosted?apikey=" + t.apiKey());
            screenshot(other, "smart-link");
            // Only loaded, as a mail scanner would: nothing is verified, and browser 1 keeps waiting through its pings.
            sleep(4500);
            assertThat(displayed(driver, "smart-waiting")).isTrue();
            assertThat(pageAccessToken(driver, t)).isNull();

            other.findElement(By.id("approve-sign-in")).click();
            visible(otherWait, "smart-link-done");
            assertThat(text(other, "smart-link-done")).startsWith("The other device is signed in");
            assertThat(storedItems(other)).as("the browser that opened the link holds no tokens").isZero();
            screenshot(other, "smart-link-done");

            // Browser 1's next ping takes the login.
            visible(wait, "signed-in");
            assertThat(text(driver, "profile-email")).isEqualTo(email);
            String token = pageAccessToken(driver, t);
            assertThat(token).matches("[0-9a-f-]{36}");
            assertThat(s.get("/identity/v2/auth/access_token/validate?apikey=" + t.apiKey(), "Authorization", "Bearer " + token).status())
                    .isEqualTo(200);
            assertThat(storedItems(other)).isZero();
            screenshot(driver, "smart-signed-in");

            // The link again, in browser 2: used already, said in words; still no tokens there.
            other.get(link);
            visible(otherWait, "approve-sign-in").click();
            otherWait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("status"), "(1138)"));
            assertThat(text(other, "status")).startsWith("This link was already used: the device that asked for it is signed in.");
            assertThat(storedItems(other)).isZero();
        } finally {
            other.quit();
        }
    }

    /**
     * One-touch login where only that is on: the same wait, for an address of nobody yet; the link (vtype onetouchlogin),
     * approved in a second browser, makes the account, and the waiting browser is signed in to it.
     */
    @Test
    void oneTouchLoginMakesTheAccountAndSignsInTheWaitingBrowser() throws Exception {
        TestServer.TestTenant t = tenant("Touch Co", "{\"Passwordless\":{\"OneTouchLogin\":true}}");
        String email = email("touch");
        WebDriverWait wait = waiting(driver);
        driver.get(origin() + "/hosted?apikey=" + t.apiKey());
        visible(wait, "to-smart").click();
        assertThat(text(driver, "smart-id-label")).isEqualTo("Email address");
        assertThat(text(driver, "smart-intro")).endsWith("New here? The link creates your account.");
        type(driver, "smart-id", email);
        driver.findElement(By.id("start-smart")).click();
        visible(wait, "smart-waiting");
        String link = mailedLink(email, "onetouchlogin");
        WebDriver other = browser();
        try {
            WebDriverWait otherWait = waiting(other);
            other.get(link);
            visible(otherWait, "approve-sign-in").click();
            visible(otherWait, "smart-link-done");
            assertThat(storedItems(other)).isZero();
        } finally {
            other.quit();
        }
        visible(wait, "signed-in");
        assertThat(text(driver, "profile-email")).isEqualTo(email);
    }

    /** Smart login stopped on the waiting page: the link, opened afterwards, signs nobody in there. */
    @Test
    void aSmartLoginStoppedBeforeTheLinkIsOpenedSignsNobodyInHere() {
        TestServer.TestTenant t = tenant("Smart Co", "{\"Passwordless\":{\"SmartLogin\":true}}");
        String email = email("stopped");
        t.account(email, PASSWORD);
        WebDriverWait wait = waiting(driver);
        driver.get(origin() + "/hosted?apikey=" + t.apiKey());
        visible(wait, "to-smart").click();
        visible(wait, "smart-id").sendKeys(email);
        driver.findElement(By.id("start-smart")).click();
        visible(wait, "smart-stop").click();
        wait.until(d -> text(d, "status").startsWith("Stopped waiting"));
        assertThat(displayed(driver, "password-step")).isTrue();
        assertThat(storedItems(driver)).isZero();
        String link = mailedLink(email, "smartlogin");
        TestServer.Reply opened = s.get("/identity/v2/auth/email/smartlogin?apikey=" + t.apiKey() + "&verificationtoken="
                + link.substring(link.indexOf("vtoken=") + 7));
        assertThat(opened.status()).as(opened.raw()).isEqualTo(200);
        sleep(4500);
        assertThat(displayed(driver, "password-step")).isTrue();
        assertThat(pageAccessToken(driver, t)).isNull();
    }

    /**
     * (iii) Sign-up with a mobile number where the page signs people up: PhoneId and password, the texted code (a wrong
     * one explained) confirms the number and signs in; the number and password sign in from then on. A number signed up
     * but never confirmed is found so at sign-in, which texts a new code and asks for it.
     */
    @Test
    void signUpWithAMobileNumberConfirmedByItsTextedCode() throws Exception {
        TestServer.TestTenant t = tenant("Phone Co", "{\"Security\":{\"HostedSignUp\":true}}");
        String phone = phone();
        WebDriverWait wait = waiting(driver);
        driver.get(origin() + "/hosted?apikey=" + t.apiKey());
        wait.until(ExpectedConditions.titleIs("Phone Co · Sign in"));
        assertThat(displayed(driver, "other-ways")).as("no way without a password turned on").isFalse();
        visible(wait, "to-sign-up").click();
        visible(wait, "to-phone-sign-up").click();
        visible(wait, "phone-sign-up-form");
        type(driver, "sign-up-phone", spaced(phone));
        type(driver, "phone-sign-up-password", PASSWORD);
        type(driver, "phone-sign-up-first-name", "Pat");
        driver.findElement(By.id("create-phone-account")).click();
        visible(wait, "phone-verify-form");
        assertThat(text(driver, "phone-verify-intro")).isEqualTo("We texted " + phone + " a code: type it to confirm the number and sign in.");
        assertThat(displayed(driver, "phone-sign-up-form")).isFalse();
        screenshot(driver, "phone-verify");
        String code = textedCode(phone, 1);
        driver.findElement(By.id("phone-verify-code")).sendKeys(wrong(code));
        driver.findElement(By.id("verify-phone")).click();
        wait.until(ExpectedConditions.textToBe(By.id("status"), "That code is wrong: check the message and type it again. (1067)"));
        type(driver, "phone-verify-code", code);
        driver.findElement(By.id("verify-phone")).click();
        visible(wait, "signed-in");
        assertThat(text(driver, "profile-phone")).isEqualTo(phone);
        assertThat(text(driver, "profile-name")).isEqualTo("Pat");
        driver.findElement(By.id("sign-out")).click();

        visible(wait, "email").sendKeys(spaced(phone));
        type(driver, "password", PASSWORD);
        driver.findElement(By.id("sign-in")).click();
        visible(wait, "signed-in");
        assertThat(text(driver, "profile-phone")).isEqualTo(phone);
        driver.findElement(By.id("sign-out")).click();

        // Signed up, then the page closed before the code: the sign-in finds the number unconfirmed and asks for a new code.
        String later = phone();
        visible(wait, "to-sign-up").click();
        visible(wait, "to-phone-sign-up").click();
        type(driver, "sign-up-phone", later);
        type(driver, "phone-sign-up-password", PASSWORD);
        driver.findElement(By.id("create-phone-account")).click();
        visible(wait, "phone-verify-form");
        textedCode(later, 1);
        driver.get(origin() + "/hosted?apikey=" + t.apiKey());
        visible(wait, "email").sendKeys(later);
        type(driver, "password", PASSWORD);
        driver.findElement(By.id("sign-in")).click();
        visible(wait, "phone-verify-form");
        assertThat(text(driver, "phone-verify-intro")).startsWith("This number is not confirmed yet.");
        driver.findElement(By.id("phone-verify-code")).sendKeys(textedCode(later, 2));
        driver.findElement(By.id("verify-phone")).click();
        visible(wait, "signed-in");
        assertThat(text(driver, "profile-phone")).isEqualTo(later);
    }

    /** (iii) Passwordless by a code by SMS to the account's number (set by the application, so confirmed). */
    @Test
    void signInWithACodeTextedToTheAccountsNumber() throws Exception {
        TestServer.TestTenant t = tenant("Text Co", "{\"Passwordless\":{\"SmsCode\":true}}");
        String phone = phone();
        String email = email("texted");
        TestServer.Reply created = t.manage("POST", "/identity/v2/manage/account", "{\"Email\":[{\"Type\":\"Primary\",\"Value\":\"" + email
                + "\"}],\"PhoneId\":\"" + phone + "\",\"Password\":\"" + PASSWORD + "\"}");
        assertThat(created.status()).as(created.raw()).isEqualTo(200);
        WebDriverWait wait = waiting(driver);
        driver.get(origin() + "/hosted?apikey=" + t.apiKey());
        wait.until(ExpectedConditions.titleIs("Text Co · Sign in"));
        assertThat(displayed(driver, "to-email-link")).isFalse();
        visible(wait, "to-sms-code").click();
        visible(wait, "sms-code-phone").sendKeys(spaced(phone));
        driver.findElement(By.id("send-sms-sign-in-code")).click();
        visible(wait, "sms-code-verify-form");
        assertThat(text(driver, "sms-code-sent")).isEqualTo("If an account has this number, confirmed, we texted " + phone + " a code to sign in.");
        String code = textedCode(phone, 1);
        driver.findElement(By.id("sms-sign-in-code")).sendKeys(wrong(code));
        driver.findElement(By.id("use-sms-sign-in-code")).click();
        wait.until(ExpectedConditions.textToBe(By.id("status"), "That code is wrong: check the message and type it again. (1067)"));
        type(driver, "sms-sign-in-code", code);
        driver.findElement(By.id("use-sms-sign-in-code")).click();
        visible(wait, "signed-in");
        assertThat(text(driver, "profile-phone")).isEqualTo(phone);
        assertThat(text(driver, "profile-email")).isEqualTo(email);
        screenshot(driver, "sms-signed-in");

        // Not a phone number: refused in words before anything is sent.
        driver.findElement(By.id("sign-out")).click();
        visible(wait, "to-sms-code").click();
        type(driver, "sms-code-phone", "not a phone");
        driver.findElement(By.id("send-sms-sign-in-code")).click();
        wait.until(d -> text(d, "status").contains("(1096)"));
    }

    /** The page width as the layout sees it, and how wide its content is: equal when nothing scrolls sideways. */
    private static void assertFits(String screen) throws Exception {
        @SuppressWarnings("unchecked")
        List<Long> widths = (List<Long>) ((JavascriptExecutor) driver).executeScript(
                "return [window.innerWidth, document.documentElement.scrollWidth]");
        assertThat(widths.get(0)).as("viewport of " + screen).isEqualTo(390L);
        assertThat(widths.get(1)).as("content width of " + screen).isLessThanOrEqualTo(390L);
        screenshot(driver, "390-" + screen);
    }

    @Test
    void theNewScreensAreUsable390PixelsWide() throws Exception {
        ((ChromeDriver) driver).executeCdpCommand("Emulation.setDeviceMetricsOverride",
                Map.of("width", 390, "height", 844, "deviceScaleFactor", 1, "mobile", true));
        TestServer.TestTenant t = tenant("A tenant with a fairly long name, Incorporated", "{\"Security\":{\"HostedSignUp\":true},"
                + "\"Passwordless\":{\"EmailLink\":true,\"SmsCode\":true,\"SmartLogin\":true}}");
        String email = "narrow-" + System.nanoTime() + "@a-rather-long-subdomain.example.com";
        t.account(email, PASSWORD);
        WebDriverWait wait = waiting(driver);
        driver.get(origin() + "/hosted?apikey=" + t.apiKey());
        visible(wait, "other-ways");
        assertFits("password-step-with-other-ways");
        driver.findElement(By.id("to-email-link")).click();
        type(driver, "email-link-id", email);
        driver.findElement(By.id("send-email-link")).click();
        visible(wait, "email-link-code-form");
        assertFits("email-link-step");
        driver.findElement(By.id("email-link-back")).click();
        visible(wait, "to-sms-code").click();
        visible(wait, "sms-code-step");
        assertFits("sms-code-step");
        driver.findElement(By.id("sms-code-back")).click();
        visible(wait, "to-smart").click();
        type(driver, "smart-id", email);
        driver.findElement(By.id("start-smart")).click();
        visible(wait, "smart-waiting");
        assertFits("smart-waiting");
        driver.findElement(By.id("smart-stop")).click();
        visible(wait, "to-sign-up").click();
        visible(wait, "to-phone-sign-up").click();
        visible(wait, "phone-sign-up-step");
        assertFits("phone-sign-up-step");
        driver.get(mailedLink(email, "smartlogin"));
        visible(wait, "smart-link");
        assertFits("smart-link");
        driver.findElement(By.id("approve-sign-in")).click();
        visible(wait, "smart-link-done");
        assertFits("smart-link-done");
        driver.get(mailedLink(email, "oneclicksignin"));
        visible(wait, "confirm-link");
        assertFits("confirm-link-passwordless");
    }
}
