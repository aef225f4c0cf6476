package dev.latchkey.browser;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.latchkey.json.Json;
import dev.latchkey.support.AuthenticatorDevice;
import dev.latchkey.support.Backend;
import dev.latchkey.support.Chromium;
import dev.latchkey.support.TestServer;
import dev.latchkey.support.TestServer.Reply;
import dev.latchkey.support.TestServer.TestTenant;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The operators' console at {@code /admin} in a real browser (Debian's Chromium): an operator signs in with the admin
 * key, creates a tenant, turns on MFA and passkeys, finds a user made through the Management API, resets one of its
 * factors and makes new backup codes, ends its sessions (its access tokens stop validating), edits a template and sees
 * its preview (in a sandboxed frame: a script in the template does not run), sees a webhook delivery that failed and
 * sends it again, and reads the dashboard; each step checked on the page and through the API. The admin key and the
 * tenant's secret never appear in an address (the page's, or any it fetched), the console's files carry the strict CSP
 * and run under it without a violation, a refused key sends the operator back to sign in, and every screen stays
 * usable 390 px wide. Mandatory when LATCHKEY_TEST_BROWSER_REQUIRED=true; otherwise skipped, loudly, without Chromium.
 */
class AdminConsoleBrowserTest {
    static final String CSP = "default-src 'self'; img-src 'self' data:; base-uri 'none'; frame-ancestors 'none'";
    static final String PASSWORD = "console-user-password-1";

    static TestServer s;
    static WebDriver driver;
    /** A webhook receiver that answers every delivery 500. */
    static HttpServer receiver;
    static final AtomicInteger received = new AtomicInteger();

    @BeforeAll
    static void start() throws Exception {
        Chromium.requireOrSkip("the console browser test");
        s = new TestServer(Backend.H2);
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/", ex -> {
            ex.getRequestBody().readAllBytes();
            received.incrementAndGet();
            ex.sendResponseHeaders(500, -1);
            ex.close();
        });
        receiver.start();
        driver = Chromium.start(1200, true);
    }

    @AfterAll
    static void stop() {
        if (driver != null) {
            driver.quit();
        }
        if (receiver != null) {
            receiver.stop(0);
        }
        if (s != null) {
            s.close();
        }
    }

    /** Every test starts signed out, in the usual window. */
    @BeforeEach
    void signedOut() {
        driver.get(origin() + "/admin");
        js("sessionStorage.clear(); localStorage.clear();");
        ((ChromeDriver) driver).executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
        driver.get(origin() + "/admin");
    }

    /** Whatever a test did, the page ran without a CSP violation or a script error, and no key reached an address. */
    @AfterEach
    void noViolationsAndNoKeysInAddresses() {
        List<String> problems = new ArrayList<>();
        for (LogEntry e : driver.manage().logs().get(LogType.BROWSER)) {
            String m = e.getMessage();
            // Chromium logs every API refusal (a wrong key, an unknown user, a bad value) as a failed load: the tests cause them.
            if (e.getLevel().intValue() >= Level.WARNING.intValue() && !m.contains("Failed to load resource: the server responded with a status of")) {
                problems.add(m);
            }
        }
        assertThat(problems).as("browser console errors (CSP violations, script errors)").isEmpty();
        assertThat(driver.getCurrentUrl()).isEqualTo(origin() + "/admin");
        @SuppressWarnings("unchecked")
        List<String> fetched = (List<String>) js("return performance.getEntriesByType('resource').map(e => e.name)");
        for (String url : fetched) {
            assertThat(url).doesNotContain(TestServer.ADMIN_KEY).doesNotContainIgnoringCase("apisecret").doesNotContainIgnoringCase("secret=");
            for (String secret : secrets) {
                assertThat(url).doesNotContain(secret);
            }
        }
        assertThat((String) js("return JSON.stringify(localStorage)")).isEqualTo("{}");
    }

    /** The tenants' secrets the console saw, none of which may reach an address. */
    static final List<String> secrets = new ArrayList<>();

    static String origin() {
        return "http://localhost:" + s.server.port();
    }

    private static Object js(String script) {
        return ((JavascriptExecutor) driver).executeScript(script);
    }

    /** Waits up to 20 s; a wait that times out says what the status line said then. */
    private static WebDriverWait waiting() {
        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(20));
        // A table the console re-renders (a filter changed, a list re-read) replaces its rows while a wait reads them: try again.
        wait.ignoring(StaleElementReferenceException.class);
        wait.withMessage(() -> "the status line said: " + driver.findElement(By.id("status")).getText());
        return wait;
    }

    private static WebElement visible(String id) {
        return waiting().until(ExpectedConditions.visibilityOfElementLocated(By.id(id)));
    }

    private static void click(String id) {
        waiting().until(ExpectedConditions.elementToBeClickable(By.id(id))).click();
    }

    private static void type(String id, String text) {
        WebElement e = visible(id);
        e.clear();
        e.sendKeys(text);
    }

    private static String text(String id) {
        return driver.findElement(By.id(id)).getText();
    }

    /** Waits for the status line to say {@code words}. */
    private static void says(String words) {
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("status"), words));
    }

    private static void signIn() {
        type("admin-key", TestServer.ADMIN_KEY);
        click("sign-in-button");
        visible("tab-tenants");
    }

    private static void tab(String view) {
        click("tab-" + view);
        visible("view-" + view);
    }

    private static void screenshot(String name) throws Exception {
        Path shot = Path.of("target", "admin-console-" + name + ".png");
        Files.createDirectories(shot.getParent());
        Files.write(shot, ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
    }

    /** The row of {@code table} whose text contains {@code words}. */
    private static WebElement row(String table, String words) {
        return waiting().until(d -> findRow(d, table, words));
    }

    private static WebElement findRow(WebDriver d, String table, String words) {
        return d.findElements(By.cssSelector("#" + table + " tbody tr")).stream()
                .filter(r -> r.getText().contains(words)).findFirst().orElse(null);
    }

    /** The text of {@link #row}, read in the same wait (the table may be re-rendered between finding a row and reading it). */
    private static String rowText(String table, String words) {
        return waiting().until(d -> {
            WebElement r = findRow(d, table, words);
            return r == null ? null : r.getText();
        });
    }

    /** Clicks {@code css} inside {@link #row}, found and clicked in one wait (a re-rendered table is searched again). */
    private static void clickInRow(String table, String words, String css) {
        waiting().until(d -> {
            WebElement r = findRow(d, table, words);
            if (r == null) {
                return false;
            }
            r.findElement(By.cssSelector(css)).click();
            return true;
        });
    }

    private static Reply validate(TestTenant t, String access) {
        return s.get("/identity/v2/auth/access_token/validate?apikey=" + t.apiKey(), "Authorization", "Bearer " + access);
    }

    @Test
    void theConsolesFilesCarryTheStrictPolicy() {
        for (String[] page : new String[][] {{"/admin", "text/html;charset=utf-8"}, {"/admin/console.js", "text/javascript;charset=utf-8"},
                {"/admin/console.css", "text/css;charset=utf-8"}}) {
            Reply r = s.get(page[0]);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Type").orElseThrow().replace("; ", ";")).isEqualTo(page[1]);
            assertThat(r.headers().firstValue("Content-Security-Policy")).hasValue(CSP);
            assertThat(r.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
            // Nothing inline for the policy to refuse, nothing from elsewhere, and no key.
            assertThat(r.raw()).doesNotContain(TestServer.ADMIN_KEY).doesNotContain("style=\"").doesNotContain("innerHTML")
                    .doesNotContain("eval(").doesNotContain("localStorage.setItem").doesNotContain("<script>")
                    .doesNotContainPattern("(src|href|action)=\"(https?:)?//");
        }
        assertThat(s.get("/admin").raw()).contains("<script src=\"/admin/console.js\"></script>", "<link rel=\"stylesheet\" href=\"/admin/console.css\">");
    }

    @Test
    void anOperatorsMainTasks() throws Exception {
        // ── Sign in: a wrong key is refused; the right one is kept in this tab only ──
        visible("sign-in");
        type("admin-key", "not-the-admin-key-0123456789abcdef");
        click("sign-in-button");
        says("That is not this node's admin key.");
        signIn();
        assertThat(js("return sessionStorage.getItem('lk.console.adminKey')")).isEqualTo(TestServer.ADMIN_KEY);
        screenshot("tenants");

        // ── Create a tenant ──
        String name = "Console Co " + UUID.randomUUID().toString().substring(0, 8);
        type("tenant-create-name", name);
        click("tenant-create");
        says("Tenant " + name + " created.");
        visible("view-settings");
        String apiKey = text("tenant-apikey");
        assertThat(new Select(driver.findElement(By.id("tenant-picker"))).getFirstSelectedOption().getText()).isEqualTo(name);
        JsonNode view = s.admin("GET", "/admin/v1/tenants/" + apiKey, null).json();
        assertThat(view.get("Name").asText()).isEqualTo(name);
        String secret = view.get("ApiSecret").asText();
        secrets.add(secret);
        assertThat(text("tenant-apisecret")).doesNotContain(secret);
        click("show-secret");
        assertThat(text("tenant-apisecret")).isEqualTo(secret);
        click("show-secret");
        TestTenant t = new TestTenant(s, apiKey, secret);

        // ── Turn on MFA and passkeys, and a risk rule, with the form ──
        click("mfa-enabled");
        click("passkeys-enabled");
        type("passkeys-rpid", "localhost");
        type("passkeys-rpname", name);
        type("passkeys-origins", origin());
        // A rule on the City signal, which never fires on this node (no GeoIP database): the user's logins stay plain.
        click("risk-City-enabled");
        new Select(driver.findElement(By.id("risk-City-action"))).selectByValue("Block");
        type("mfa-remember", "7");
        click("settings-save");
        says("Settings saved.");
        view = s.admin("GET", "/admin/v1/tenants/" + apiKey, null).json();
        assertThat(view.get("TwoFactorAuthentication").get("IsEnabled").asBoolean()).isTrue();
        assertThat(view.get("TwoFactorAuthentication").get("IsRequired").asBoolean()).isFalse();
        assertThat(view.get("TwoFactorAuthentication").get("RememberDeviceDays").asInt()).isEqualTo(7);
        assertThat(view.get("PassKeysConfig")).isEqualTo(Json.parse("{\"IsEnabled\":true,\"RPID\":\"localhost\",\"RPDisplayName\":\"" + name
                + "\",\"RPOrigins\":[\"" + origin() + "\"],\"UserVerification\":\"preferred\"}"));
        assertThat(view.get("RiskBasedAuthentication").get("City").get("IsEnabled").asBoolean()).isTrue();
        assertThat(view.get("RiskBasedAuthentication").get("City").get("Action").asText()).isEqualTo("Block");
        assertThat(view.get("RiskBasedAuthentication").get("IP").get("IsEnabled").asBoolean()).isFalse();

        // ── The JSON editor: a section saved, and an API refusal shown with its Description and the field ──
        new Select(driver.findElement(By.id("json-section"))).selectByValue("Security");
        String security = driver.findElement(By.id("json-text")).getAttribute("value");
        assertThat(Json.parse(security).get("PasswordMinLength").asInt()).isEqualTo(12);
        type("json-text", security.replace("\"PasswordMinLength\": 12", "\"PasswordMinLength\": 10"));
        click("json-save");
        says("Security saved.");
        assertThat(s.admin("GET", "/admin/v1/tenants/" + apiKey, null).json().get("Security").get("PasswordMinLength").asInt()).isEqualTo(10);
        type("json-text", "{\"LockoutSeconds\": 0}");
        click("json-save");
        says("Validation failed for one or more fields");
        assertThat(text("status")).contains("Security.LockoutSeconds: 'Security.LockoutSeconds' must be a whole number from 1 to 31536000.");
        type("json-text", "{ not json");
        click("json-save");
        says("That is not valid JSON");
        screenshot("settings");

        // ── A user made through the Management API, with an authenticator app, backup codes and two sessions ──
        String email = "ann-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        String uid = t.account(email, PASSWORD);
        String first = t.login(email, PASSWORD).text("access_token"); // no factor yet: a complete login
        String manual = s.get("/identity/v2/auth/account/2fa?apikey=" + apiKey, "Authorization", "Bearer " + first).json()
                .get("ManualEntryCode").asText();
        Reply enabled = s.send("PUT", "/identity/v2/auth/account/2fa/verification/authenticatorcode?apikey=" + apiKey,
                "{\"authenticatorcode\":\"" + new AuthenticatorDevice(manual).code(s.clock.instant()) + "\"}",
                "Authorization", "Bearer " + first, "Content-Type", "application/json");
        assertThat(enabled.status()).as(enabled.raw()).isEqualTo(200);
        List<String> oldCodes = t.backupCodes(uid);
        String second = t.redeem(t.secondFactorToken(email, PASSWORD), oldCodes.get(0)).text("access_token");
        assertThat(validate(t, first).status()).isEqualTo(200);
        assertThat(validate(t, second).status()).isEqualTo(200);

        // ── Find the user ──
        tab("users");
        new Select(driver.findElement(By.id("user-kind"))).selectByValue("email");
        type("user-query", email);
        click("user-search");
        visible("user-result");
        assertThat(text("user-summary")).contains(uid, email, "Active");
        assertThat(text("factor-authenticator")).isEqualTo("Yes");
        assertThat(text("factor-backupcode")).isEqualTo("Yes");
        assertThat(text("factor-passkey")).isEqualTo("No");
        assertThat(rowText("factor-table", "Backup codes")).contains("9 left");
        assertThat(driver.findElements(By.cssSelector("#session-table button[data-session]"))).hasSize(2);
        screenshot("user");
        // Not found: the Management API's Description.
        type("user-query", "nobody-" + email);
        click("user-search");
        says("The user's account does not exist");
        assertThat(driver.findElement(By.id("user-result")).isDisplayed()).isFalse();
        new Select(driver.findElement(By.id("user-kind"))).selectByValue("uid");
        type("user-query", uid);
        click("user-search");
        visible("user-result");

        // ── Reset a factor; make new backup codes (the old ones stop working, a new one works) ──
        click("reset-authenticator");
        says("Authenticator app reset");
        waiting().until(d -> d.findElement(By.id("factor-authenticator")).getText().equals("No"));
        JsonNode factors = s.admin("GET", "/admin/v1/tenants/" + apiKey + "/accounts/" + uid + "/security", null).json().get("Factors");
        assertThat(factors.get(2).get("Factor").asText()).isEqualTo("authenticator");
        assertThat(factors.get(2).get("IsConfigured").asBoolean()).isFalse();
        click("reset-backupcode");
        says("New backup codes made.");
        List<String> shown = driver.findElements(By.cssSelector("#user-codes-list li")).stream().map(WebElement::getText).toList();
        assertThat(shown).hasSize(10).allMatch(code -> code.matches("[^-\\s]{5}-[^-\\s]{5}"));
        String newCode = shown.get(0);
        assertThat(t.redeem(t.secondFactorToken(email, PASSWORD), oldCodes.get(1)).json().get("ErrorCode").asInt()).isEqualTo(1129);
        String third = t.redeem(t.secondFactorToken(email, PASSWORD), newCode).text("access_token");
        assertThat(validate(t, third).status()).isEqualTo(200);

        // ── End one session, then all: their access tokens stop validating ──
        click("user-search"); // the list again, with the third session
        visible("user-result");
        waiting().until(d -> d.findElements(By.cssSelector("#session-table button[data-session]")).size() == 3);
        String newest = driver.findElement(By.cssSelector("#session-table button[data-session]")).getAttribute("data-session");
        driver.findElement(By.cssSelector("#session-table button[data-session='" + newest + "']")).click();
        says("Session ended");
        waiting().until(d -> d.findElements(By.cssSelector("#session-table button[data-session]")).size() == 2);
        assertThat(validate(t, third).json().get("ErrorCode").asInt()).isEqualTo(905);
        assertThat(validate(t, first).status()).isEqualTo(200);
        click("sessions-end-all");
        says("Every session ended");
        row("session-table", "No live session.");
        assertThat(validate(t, first).json().get("ErrorCode").asInt()).isEqualTo(905);
        assertThat(validate(t, second).json().get("ErrorCode").asInt()).isEqualTo(905);
        JsonNode trail = s.admin("GET", "/admin/v1/tenants/" + apiKey + "/audit-events?uid=" + uid, null).json().get("Data");
        assertThat(trail.findValuesAsText("Event")).contains("SessionEnded", "SessionsEnded", "FactorReset");

        // ── Block and unblock ──
        click("user-block");
        says("Blocked");
        assertThat(text("user-status")).isEqualTo("Blocked");
        assertThat(t.manage("GET", "/identity/v2/manage/account/" + uid, null).json().get("IsActive").asBoolean()).isFalse();
        click("user-block");
        says("Unblocked");
        assertThat(t.manage("GET", "/identity/v2/manage/account/" + uid, null).json().get("IsActive").asBoolean()).isTrue();

        // ── Edit a template and see its preview; a script in it does not run ──
        tab("templates");
        row("template-table", "latchkey-reset-password");
        click("template-new");
        type("template-name", "console-welcome");
        type("template-subject", "Hello {{Profile.FirstName}}");
        type("template-html", "<p id=\"greeting\" style=\"color: rgb(1, 2, 3)\">Hi <b>{{Profile.FirstName}}</b> from {{App.Name}}</p>"
                + "<script>parent.document.title = 'pwned'; document.body.append('script ran')</script>");
        type("template-text", "Hi {{Profile.FirstName}}, from {{App.Name}}");
        click("template-preview");
        visible("template-preview-pane");
        waiting().until(ExpectedConditions.textToBe(By.id("preview-subject"), "Hello Ann"));
        assertThat(text("preview-text")).isEqualTo("Hi Ann, from " + name);
        assertThat(driver.findElement(By.id("preview-html")).getAttribute("sandbox")).isEmpty();
        driver.switchTo().frame(driver.findElement(By.id("preview-html")));
        assertThat(driver.findElement(By.id("greeting")).getText()).isEqualTo("Hi Ann from " + name);
        // The frame inherits the console's policy: even the template's inline style is refused there (the email keeps it).
        assertThat(driver.findElement(By.id("greeting")).getCssValue("color")).isNotEqualTo("rgba(1, 2, 3, 1)");
        assertThat(driver.findElement(By.tagName("body")).getText()).doesNotContain("script ran");
        driver.switchTo().defaultContent();
        assertThat(driver.getTitle()).isEqualTo("Latchkey console");
        // Nothing saved by a preview.
        assertThat(s.admin("GET", "/admin/v1/tenants/" + apiKey + "/email-templates/console-welcome", null).status()).isEqualTo(404);
        click("template-save");
        says("Template console-welcome saved.");
        JsonNode saved = s.admin("GET", "/admin/v1/tenants/" + apiKey + "/email-templates/console-welcome", null).json();
        assertThat(saved.get("Subject").asText()).isEqualTo("Hello {{Profile.FirstName}}");
        assertThat(saved.get("Text").asText()).isEqualTo("Hi {{Profile.FirstName}}, from {{App.Name}}");
        row("template-table", "console-welcome");
        // An edit of it, previewed, then a bad one refused with the field named.
        type("template-subject", "Welcome back, {{Profile.FirstName}}");
        click("template-preview");
        waiting().until(ExpectedConditions.textToBe(By.id("preview-subject"), "Welcome back, Ann"));
        type("template-subject", "{{#unclosed}}");
        click("template-preview");
        says("Subject: 'Subject' is not a valid Mustache template");
        // A built-in template opens in the editor and previews with this tenant's name.
        clickInRow("template-table", "latchkey-reset-password", "button[data-template]");
        waiting().until(d -> "latchkey-reset-password".equals(d.findElement(By.id("template-name")).getAttribute("value")));
        click("template-preview");
        waiting().until(ExpectedConditions.textToBe(By.id("preview-subject"), "Reset your " + name + " password"));
        // SMS templates.
        new Select(driver.findElement(By.id("template-channel"))).selectByValue("sms");
        clickInRow("template-table", "latchkey-sms-otp", "button[data-template]");
        click("template-preview");
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("preview-body"), "123456 is your " + name + " sign-in code."));
        screenshot("templates");

        // ── A webhook to a receiver that answers 500: its delivery fails, is shown with its error, and is sent again ──
        tab("webhooks");
        new Select(driver.findElement(By.id("hook-event"))).selectByValue("Login");
        String target = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hooks/login";
        type("hook-url", target);
        click("hook-create");
        says("Subscribed.");
        row("hook-table", target);
        assertThat(t.manage("GET", "/v2/manage/webhook", null).json().get("Data").findValuesAsText("TargetUrl")).containsExactly(target);
        assertThat(t.redeem(t.secondFactorToken(email, PASSWORD), shown.get(1)).status()).isEqualTo(200);
        // Deliveries are retried for a minute (the test node's setting): past it, the next failure is final.
        waiting().until(d -> received.get() >= 1);
        s.clock.advance(Duration.ofMinutes(2));
        String failed = new WebDriverWait(driver, Duration.ofSeconds(30)).until(d -> {
            JsonNode list = s.admin("GET", "/admin/v1/tenants/" + apiKey + "/webhook-deliveries?status=failed", null).json().get("Data");
            return list.isEmpty() ? null : list.get(0).get("Id").asText();
        });
        new Select(driver.findElement(By.id("delivery-status"))).selectByValue("failed");
        assertThat(rowText("delivery-table", "failed")).contains("Login", target, "500");
        int before = received.get();
        clickInRow("delivery-table", "failed", "button[data-delivery='" + failed + "']");
        says("Sent again");
        waiting().until(d -> received.get() > before);
        JsonNode attempts = s.admin("GET", "/admin/v1/tenants/" + apiKey + "/webhook-deliveries", null).json().get("Data");
        assertThat(attempts.get(0).get("Id").asText()).isEqualTo(failed);
        assertThat(attempts.get(0).get("Attempts").asInt()).isGreaterThan(1);
        screenshot("webhooks");

        // ── Risk events, messages, and the dashboard's charts ──
        tab("risk");
        row("risk-table", "");
        tab("messages");
        row("message-table", "");
        assertThat(t.login(email, "a-wrong-password-1").status()).isEqualTo(401);
        tab("dashboard");
        waiting().until(d -> !d.findElements(By.id("chart-logins-total")).isEmpty());
        JsonNode stats = s.admin("GET", "/admin/v1/tenants/" + apiKey + "/stats?hours=24", null).json().get("Data");
        long logins = 0;
        long failures = 0;
        for (JsonNode hour : stats) {
            logins += hour.get("Logins").asLong();
            failures += hour.get("Failures").asLong();
        }
        assertThat(logins).isGreaterThanOrEqualTo(4);
        assertThat(failures).isGreaterThanOrEqualTo(1);
        assertThat(text("chart-logins-total")).isEqualTo(String.valueOf(logins));
        assertThat(text("chart-failures-total")).isEqualTo(String.valueOf(failures));
        assertThat(driver.findElements(By.cssSelector("#chart-logins svg rect.bar"))).isNotEmpty();
        assertThat(driver.findElements(By.cssSelector("#chart-failures svg rect.bar"))).isNotEmpty();
        new Select(driver.findElement(By.id("stats-hours"))).selectByValue("168");
        waiting().until(d -> d.findElements(By.cssSelector("#chart-logins svg text")).stream().anyMatch(e -> e.getText().matches("\\d\\d-\\d\\d")));
        screenshot("dashboard");

        // ── A reload keeps the session and the tenant; signing out forgets the key ──
        driver.navigate().refresh();
        visible("view-dashboard");
        assertThat(driver.findElement(By.cssSelector("#view-dashboard .tenant-name")).getText()).isEqualTo(name);
        click("sign-out");
        visible("sign-in");
        says("Signed out.");
        assertThat(js("return sessionStorage.getItem('lk.console.adminKey')")).isNull();
        driver.navigate().refresh();
        visible("sign-in");
    }

    @Test
    void aRefusedKeySendsTheOperatorBackToSignIn() {
        signIn();
        // The key the tab holds stops being this node's (say, the node was restarted with another): the next call is refused.
        js("sessionStorage.setItem('lk.console.adminKey', 'a-key-this-node-does-not-have-0123456789')");
        click("tab-tenants");
        visible("sign-in");
        says("The admin key was refused: sign in again.");
        assertThat(js("return sessionStorage.getItem('lk.console.adminKey')")).isNull();
        // Reloaded with a wrong key kept: sign in again.
        js("sessionStorage.setItem('lk.console.adminKey', 'another-wrong-key-0123456789abcdef')");
        driver.navigate().refresh();
        visible("sign-in");
        signIn();
    }

    /** Content no wider than the 390 px viewport (tables scroll inside their own box). */
    private static void assertFits(String screen) throws Exception {
        @SuppressWarnings("unchecked")
        List<Long> widths = (List<Long>) js("return [window.innerWidth, document.documentElement.scrollWidth]");
        assertThat(widths.get(0)).as("viewport of " + screen).isEqualTo(390L);
        assertThat(widths.get(1)).as("content width of " + screen).isLessThanOrEqualTo(390L);
        screenshot("390-" + screen);
    }

    @Test
    void everyScreenIsUsable390PixelsWide() throws Exception {
        ((ChromeDriver) driver).executeCdpCommand("Emulation.setDeviceMetricsOverride",
                Map.of("width", 390, "height", 844, "deviceScaleFactor", 1, "mobile", true));
        TestTenant t = s.tenant("{\"Name\":\"A tenant with a rather long name for a narrow screen, Incorporated\","
                + "\"TwoFactorAuthentication\":{\"IsEnabled\":true}}");
        secrets.add(t.apiSecret());
        String email = "narrow-" + UUID.randomUUID() + "@a-rather-long-subdomain.example.com";
        String uid = t.account(email, PASSWORD);
        t.backupCodes(uid);
        t.manage("POST", "/v2/manage/webhook", "{\"Event\":\"Login\",\"TargetUrl\":\"http://127.0.0.1:" + receiver.getAddress().getPort()
                + "/a/rather/long/path/for/a/webhook/target/that/does/not/fit\"}");
        driver.navigate().refresh();
        visible("sign-in");
        assertFits("sign-in");
        signIn();
        assertFits("tenants");
        clickInRow("tenant-table", t.apiKey(), "button[data-apikey]");
        visible("view-dashboard");
        waiting().until(d -> !d.findElements(By.id("chart-logins-total")).isEmpty());
        assertFits("dashboard");
        tab("settings");
        assertFits("settings");
        tab("users");
        type("user-query", email);
        click("user-search");
        visible("user-result");
        click("reset-backupcode");
        says("New backup codes made.");
        assertFits("user");
        tab("templates");
        click("template-new");
        type("template-name", "narrow");
        type("template-subject", "Hello {{Profile.FirstName}}");
        type("template-text", "Hi");
        click("template-preview");
        visible("template-preview-pane");
        assertFits("templates");
        tab("webhooks");
        row("hook-table", "Login");
        assertFits("webhooks");
        tab("risk");
        assertFits("risk");
        tab("messages");
        assertFits("messages");
        // The controls can be reached: the sign-out button is on the screen.
        WebElement out = driver.findElement(By.id("sign-out"));
        assertThat(out.isDisplayed()).isTrue();
        assertThat(out.getRect().getX() + out.getRect().getWidth()).isLessThanOrEqualTo(390);
    }
}
