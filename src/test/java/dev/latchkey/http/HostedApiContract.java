package dev.latchkey.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.json.Json;
import dev.latchkey.message.DeliverySettings;
import dev.latchkey.server.ServerConfig;
import dev.latchkey.support.Mailbox;
import dev.latchkey.support.PasskeyEmulator;
import dev.latchkey.support.ServerContract;
import dev.latchkey.support.TestServer;
import dev.latchkey.support.TestServer.Reply;
import dev.latchkey.support.TestServer.TestTenant;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The hosted page's own API ({@code /hosted/api/*}, Latchkey's, not LoginRadius's): the tenant's name and whether it
 * takes passkeys, and for a pending login what can finish it. Exact JSON, including every bad input.
 */
abstract class HostedApiContract extends ServerContract {
    static final String ORIGIN = "http://localhost:8080";
    static final String PASSWORD = "hosted-password-1";
    static final String PASSKEYS = "\"PassKeysConfig\":{\"IsEnabled\":true,\"RPID\":\"localhost\",\"RPOrigins\":[\"" + ORIGIN + "\"]}";

    Mailbox mail;

    @Override
    protected TestServer.Options options() {
        mail = new Mailbox();
        // The browser-less client is 127.0.0.1, a trusted proxy here, so a test chooses where each login comes from.
        return new TestServer.Options(new ServerConfig.Messaging(null,
                new DeliverySettings.Smtp("127.0.0.1", mail.port(), "none", null, null, "no-reply@latchkey.test"),
                ServerConfig.Messaging.NONE.sms(), 100, 60_000, null), new ServerConfig.Risk(null, "127.0.0.1/32"));
    }

    @AfterAll
    void closeMailbox() {
        if (mail != null) {
            mail.close();
        }
    }

    private static String email() {
        return "hosted-" + UUID.randomUUID() + "@example.com";
    }

    private Reply app(String query) {
        return s.get("/hosted/api/app" + query);
    }

    private Reply pending(TestTenant t, String token) {
        return s.get("/hosted/api/login?apikey=" + t.apiKey() + "&secondfactorauthenticationtoken=" + token);
    }

    /** What /hosted/api/login answers: the page's choices, whether the password alone may add a factor, the factors set up. */
    private static JsonNode options(boolean backupCodes, boolean passkeys, boolean enrollment, boolean risk, boolean mayEnroll,
                                    String... configured) {
        com.fasterxml.jackson.databind.node.ObjectNode o = Json.object().put("BackupCodes", backupCodes).put("Passkeys", passkeys)
                .put("PasskeyEnrollment", enrollment).put("RiskChallenge", risk).put("MayEnroll", mayEnroll)
                .put("SmsEnrollment", false).put("EmailEnrollment", false) // this node has no SMS or email provider
                .put("SecurityQuestionEnrollment", false).put("SecurityQuestionsToAnswer", 2);
        com.fasterxml.jackson.databind.node.ArrayNode list = o.putArray("Configured");
        for (String id : configured) {
            list.add(id);
        }
        return o;
    }

    private static void assertError(Reply r, int status, int code, String message, String description) {
        assertThat(r.status()).as(r.raw()).isEqualTo(status);
        assertThat(r.json()).isEqualTo(Json.object().put("Description", description).put("ErrorCode", code).put("Message", message)
                .put("IsProviderError", false).putNull("ProviderErrorResponse"));
    }

    static final String TOKEN_INVALID = "Two factor authentication token is invalid";
    static final String TOKEN_INVALID_DESCRIPTION = "The LoginRadius two factor authentication token is invalid, please use the correct "
            + "or valid token in order to process this request.";

    private static void assertTokenInvalid(Reply r) {
        assertError(r, 403, 1103, TOKEN_INVALID, TOKEN_INVALID_DESCRIPTION);
    }

    @Test
    void theAppAnswersItsNameAndWhetherPasskeysWork() {
        TestTenant plain = s.tenant("{\"Name\":\"Acme <Shop>\"}");
        Reply r = app("?apikey=" + plain.apiKey());
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.raw()).isEqualTo("{\"Name\":\"Acme <Shop>\",\"PasskeysEnabled\":false,\"SmsCodes\":false,\"EmailCodes\":false,"
                + "\"VerificationEmail\":true,\"SignUp\":false," + NOTHING_WITHOUT_A_PASSWORD + "}");
        assertThat(r.headers().firstValue("Cache-Control")).hasValue("no-store");

        TestTenant withPasskeys = s.tenant("{\"Name\":\"Acme\"," + PASSKEYS + "}");
        assertThat(app("?apikey=" + withPasskeys.apiKey()).json()).isEqualTo(Json.parse("{\"Name\":\"Acme\",\"PasskeysEnabled\":true,\"SmsCodes\":false,\"EmailCodes\":false,\"VerificationEmail\":true,\"SignUp\":false," + NOTHING_WITHOUT_A_PASSWORD + "}"));
        // The API key is matched like every tenant endpoint's: any case of the parameter, or the header.
        assertThat(app("?ApiKey=" + withPasskeys.apiKey()).status()).isEqualTo(200);
        assertThat(s.get("/hosted/api/app", "X-LoginRadius-ApiKey", withPasskeys.apiKey()).status()).isEqualTo(200);
    }

    /** What {@code /hosted/api/app} ends with on a site that signs nobody up by phone and offers no way without a password. */
    static final String NOTHING_WITHOUT_A_PASSWORD = "\"PhoneSignUp\":false,\"Passwordless\":{\"EmailLink\":false,\"SmsCode\":false,"
            + "\"SmartLogin\":false,\"OneTouchLogin\":false}";

    /** A tenant's own SMS provider (no message is sent to it here): what makes the SMS ways possible on this node, which has none. */
    static final String OWN_SMS = "\"Sms\":{\"BaseUrl\":\"http://127.0.0.1:9\",\"AccountSid\":\"AC0123456789abcdef0123456789abcdef\","
            + "\"AuthToken\":\"sms-token\",\"From\":\"+15550000000\"}";

    /**
     * The ways to sign in without a password (issue 14): each only where the tenant turns it on and its message can be
     * sent (email on this node; SMS only with the tenant's own provider); signing up by phone where the page signs people
     * up, SMS can be sent and phone numbers may sign in.
     */
    @Test
    void theAppSaysWhichWaysWithoutAPasswordAndWhetherAPhoneSignUpCanWork() {
        TestTenant all = s.tenant("{\"Name\":\"Acme\",\"Security\":{\"HostedSignUp\":true},\"Passwordless\":{\"EmailLink\":true,"
                + "\"SmsCode\":true,\"SmartLogin\":true,\"OneTouchLogin\":true}}");
        // No SMS provider: no code by SMS, no phone sign-up, though the tenant turned them on.
        assertThat(app("?apikey=" + all.apiKey()).raw()).isEqualTo("{\"Name\":\"Acme\",\"PasskeysEnabled\":false,\"SmsCodes\":false,"
                + "\"EmailCodes\":false,\"VerificationEmail\":true,\"SignUp\":true,\"PhoneSignUp\":false,\"Passwordless\":{\"EmailLink\":true,"
                + "\"SmsCode\":false,\"SmartLogin\":true,\"OneTouchLogin\":true}}");
        assertThat(s.admin("PATCH", "/admin/v1/tenants/" + all.apiKey(), "{" + OWN_SMS + "}").status()).isEqualTo(200);
        assertThat(app("?apikey=" + all.apiKey()).raw()).isEqualTo("{\"Name\":\"Acme\",\"PasskeysEnabled\":false,\"SmsCodes\":false,"
                + "\"EmailCodes\":false,\"VerificationEmail\":true,\"SignUp\":true,\"PhoneSignUp\":true,\"Passwordless\":{\"EmailLink\":true,"
                + "\"SmsCode\":true,\"SmartLogin\":true,\"OneTouchLogin\":true}}");
        // Each way on its own, the others as they were.
        assertThat(s.admin("PATCH", "/admin/v1/tenants/" + all.apiKey(), "{\"Passwordless\":{\"EmailLink\":false,\"OneTouchLogin\":false}}")
                .status()).isEqualTo(200);
        assertThat(app("?apikey=" + all.apiKey()).json().get("Passwordless")).isEqualTo(Json.parse(
                "{\"EmailLink\":false,\"SmsCode\":true,\"SmartLogin\":true,\"OneTouchLogin\":false}"));
        // A number that may not sign in later is not offered for signing up.
        assertThat(s.admin("PATCH", "/admin/v1/tenants/" + all.apiKey(), "{\"PhoneAuthentication\":{\"Login\":false}}").status()).isEqualTo(200);
        assertThat(app("?apikey=" + all.apiKey()).json().get("PhoneSignUp").asBoolean()).isFalse();

        // An SMS provider but no sign-up on the page: no phone sign-up either.
        TestTenant noSignUp = s.tenant("{\"Name\":\"Acme\"," + OWN_SMS + ",\"Passwordless\":{\"SmsCode\":true}}");
        assertThat(app("?apikey=" + noSignUp.apiKey()).raw()).isEqualTo("{\"Name\":\"Acme\",\"PasskeysEnabled\":false,\"SmsCodes\":false,"
                + "\"EmailCodes\":false,\"VerificationEmail\":true,\"SignUp\":false,\"PhoneSignUp\":false,\"Passwordless\":{\"EmailLink\":false,"
                + "\"SmsCode\":true,\"SmartLogin\":false,\"OneTouchLogin\":false}}");
    }

    @Test
    void theAppSaysWhetherASignUpIsEmailedAVerificationLink() {
        TestTenant disabled = s.tenant("{\"Name\":\"Acme\",\"EmailVerification\":{\"Flow\":\"Disabled\"}}");
        assertThat(app("?apikey=" + disabled.apiKey()).raw())
                .isEqualTo("{\"Name\":\"Acme\",\"PasskeysEnabled\":false,\"SmsCodes\":false,\"EmailCodes\":false,\"VerificationEmail\":false,\"SignUp\":false," + NOTHING_WITHOUT_A_PASSWORD + "}");
        TestTenant required = s.tenant("{\"Name\":\"Acme\",\"EmailVerification\":{\"Flow\":\"Required\"}}");
        assertThat(app("?apikey=" + required.apiKey()).json().get("VerificationEmail").asBoolean()).isTrue();
    }

    private static String signUp(String email) {
        return "{\"Email\":[{\"Type\":\"Primary\",\"Value\":\"" + email + "\"}],\"Password\":\"" + PASSWORD + "\",\"FirstName\":\"Ann\"}";
    }

    private Reply register(TestTenant t, String sott, String body) {
        return s.send("POST", "/identity/v2/auth/register?apikey=" + t.apiKey(), body, "Content-Type", "application/json",
                "X-LoginRadius-Sott", sott);
    }

    /**
     * The sign-up form's SOTT: {@code {"Sott", "ExpiryTime"}}, ten minutes from now, of this tenant and no other, taken by
     * {@code POST /identity/v2/auth/register} until it expires.
     */
    @Test
    void theSottSignsUpForTenMinutesInItsTenantOnly() {
        TestTenant t = s.tenant("{\"Name\":\"Acme\",\"Security\":{\"HostedSignUp\":true}}");
        TestTenant other = s.tenant("{\"Name\":\"Other\",\"Security\":{\"HostedSignUp\":true}}");
        assertThat(app("?apikey=" + t.apiKey()).json().get("SignUp").asBoolean()).isTrue();
        Instant before = s.clock.instant().truncatedTo(ChronoUnit.SECONDS);
        Reply r = s.get("/hosted/api/sott?apikey=" + t.apiKey());
        Instant after = s.clock.instant();
        assertThat(r.status()).as(r.raw()).isEqualTo(200);
        assertThat(r.headers().firstValue("Cache-Control")).hasValue("no-store");
        List<String> fields = new java.util.ArrayList<>();
        r.json().fieldNames().forEachRemaining(fields::add);
        assertThat(fields).containsExactly("Sott", "ExpiryTime");
        String sott = r.text("Sott");
        assertThat(sott).matches("[A-Za-z0-9+/]+=*\\*[0-9a-f]{32}");
        Instant expiry = Instant.parse(r.text("ExpiryTime"));
        assertThat(expiry).isBetween(before.plus(Duration.ofMinutes(10)), after.plus(Duration.ofMinutes(10)));
        assertThat(expiry.getNano()).isZero(); // the SOTT's own end, to the second
        assertThat(r.raw()).isEqualTo("{\"Sott\":\"" + sott + "\",\"ExpiryTime\":\"" + expiry + "\"}");
        assertThat(dev.latchkey.crypto.Sott.valid(sott, t.apiKey(), t.apiSecret(), after, 0)).isTrue();

        Reply made = register(t, sott, signUp(email()));
        assertThat(made.status()).as(made.raw()).isEqualTo(200);
        assertThat(made.json().get("IsPosted").asBoolean()).isTrue();
        assertThat(made.json().get("Data").get("access_token").asText()).matches("[0-9a-f-]{36}");
        // A SOTT serves its window (LoginRadius's are not single use): a second sign-up with it works too.
        assertThat(register(t, sott, signUp(email())).status()).isEqualTo(200);
        assertError(register(other, sott, signUp(email())), 403, 1049, "Secured one-time token (SOTT) is invalid",
                "Secured one-time token (SOTT) is invalid, please use a valid secure one-time token (SOTT) in order to process this request.");
        s.clock.advance(Duration.ofMinutes(11));
        assertError(register(t, sott, signUp(email())), 403, 1049, "Secured one-time token (SOTT) is invalid",
                "Secured one-time token (SOTT) is invalid, please use a valid secure one-time token (SOTT) in order to process this request.");
    }

    @Test
    void noSottWhereTheTenantDoesNotSignPeopleUpOnThePage() {
        TestTenant t = s.tenant("{\"Name\":\"Acme\"}");
        assertError(s.get("/hosted/api/sott?apikey=" + t.apiKey()), 401, 6002, "Access Unauthorized",
                "This site does not sign people up on the hosted page (Security.HostedSignUp is off).");
    }

    @Test
    void theSottRefusesAMissingUnknownOrExpiredApiKeyAsTheAppDoes() {
        assertError(s.get("/hosted/api/sott"), 403, 908, "A parameter is not formatted correctly", "The apikey is a required parameter.");
        String unknown = "The provided LoginRadius API key is invalid or is not authorized, please use a valid or authorized LoginRadius "
                + "API key or check the API key for your LoginRadius account.";
        assertError(s.get("/hosted/api/sott?apikey=" + UUID.randomUUID()), 403, 901, "The API key is unauthorized", unknown);
        assertError(s.get("/hosted/api/sott?apikey=not-a-key"), 403, 901, "The API key is unauthorized", unknown);
        TestTenant expired = s.tenant("{\"Plan\":{\"Name\":\"trial\",\"ExpiresAt\":\"" + Instant.now().minus(1, ChronoUnit.DAYS) + "\"}}");
        assertError(s.get("/hosted/api/sott?apikey=" + expired.apiKey()), 403, 6003, "Trial plan expired",
                "The trial plan has expired. To continue using the service, please contact support.");
    }

    @Test
    void theAppRefusesAMissingUnknownOrExpiredApiKey() {
        assertError(app(""), 403, 908, "A parameter is not formatted correctly", "The apikey is a required parameter.");
        String unknown = "The provided LoginRadius API key is invalid or is not authorized, please use a valid or authorized LoginRadius "
                + "API key or check the API key for your LoginRadius account.";
        assertError(app("?apikey=" + UUID.randomUUID()), 403, 901, "The API key is unauthorized", unknown);
        assertError(app("?apikey=not-a-key"), 403, 901, "The API key is unauthorized", unknown);
        TestTenant expired = s.tenant("{\"Plan\":{\"Name\":\"trial\",\"ExpiresAt\":\"" + Instant.now().minus(1, ChronoUnit.DAYS) + "\"}}");
        assertError(app("?apikey=" + expired.apiKey()), 403, 6003, "Trial plan expired",
                "The trial plan has expired. To continue using the service, please contact support.");
    }

    @Test
    void aLoginWithBackupCodesOffersThemAndNoEnrollment() {
        TestTenant t = s.tenant("{\"Name\":\"Acme\",\"TwoFactorAuthentication\":{\"IsEnabled\":true,\"IsRequired\":false}," + PASSKEYS + "}");
        String email = email();
        List<String> codes = t.backupCodes(t.account(email, PASSWORD));
        String token = t.secondFactorToken(email, PASSWORD);
        Reply r = pending(t, token);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.raw()).isEqualTo("{\"BackupCodes\":true,\"Passkeys\":false,\"PasskeyEnrollment\":false,\"RiskChallenge\":false,"
                + "\"MayEnroll\":false,\"SmsEnrollment\":false,\"EmailEnrollment\":false,\"SecurityQuestionEnrollment\":false,"
                + "\"SecurityQuestionsToAnswer\":2,\"Configured\":[\"backupcode\"]}");
        assertThat(r.headers().firstValue("Cache-Control")).hasValue("no-store");
        // Asking consumes nothing: the login still finishes, and then its token is used.
        assertThat(pending(t, token).status()).isEqualTo(200);
        assertThat(t.redeem(token, codes.get(0)).status()).isEqualTo(200);
        assertTokenInvalid(pending(t, token));
    }

    @Test
    void aRequiredMfaLoginWithoutAFactorMayEnrollAPasskeyWhereTheTenantTakesThem() {
        TestTenant t = s.tenant("{\"Name\":\"Acme\",\"TwoFactorAuthentication\":{\"IsEnabled\":true,\"IsRequired\":true}," + PASSKEYS + "}");
        String email = email();
        t.account(email, PASSWORD);
        assertThat(pending(t, t.secondFactorToken(email, PASSWORD)).json()).isEqualTo(options(false, false, true, false, true));

        TestTenant noPasskeys = s.mfaTenant(true);
        noPasskeys.account(email, PASSWORD);
        assertThat(pending(noPasskeys, noPasskeys.secondFactorToken(email, PASSWORD)).json()).isEqualTo(options(false, false, false, false, true));
    }

    @Test
    void anAccountThatUsedUpItsCodesHasNothingLeftToOffer() {
        TestTenant t = s.tenant("{\"Name\":\"Acme\",\"TwoFactorAuthentication\":{\"IsEnabled\":true,\"IsRequired\":true}," + PASSKEYS + "}");
        String email = email();
        List<String> codes = t.backupCodes(t.account(email, PASSWORD));
        for (String code : codes) {
            assertThat(t.redeem(t.secondFactorToken(email, PASSWORD), code).status()).isEqualTo(200);
        }
        // It had a factor, so it keeps needing one, and the password alone may not add one.
        assertThat(pending(t, t.secondFactorToken(email, PASSWORD)).json()).isEqualTo(options(false, false, false, false, false));
    }

    @Test
    void aPasskeyIsOfferedWhileUsableAndWhileTheTenantTakesPasskeys() {
        TestTenant t = s.tenant("{\"Name\":\"Acme\",\"TwoFactorAuthentication\":{\"IsEnabled\":true,\"IsRequired\":true}," + PASSKEYS + "}");
        String email = email();
        t.account(email, PASSWORD);
        String token = t.secondFactorToken(email, PASSWORD);
        Reply begin = s.get("/identity/v2/auth/login/2fa/register/passkey/begin?apikey=" + t.apiKey() + "&secondfactorauthenticationtoken=" + token);
        Reply finish = s.send("POST", "/identity/v2/auth/login/2fa/register/passkey/finish?apikey=" + t.apiKey()
                        + "&secondfactorauthenticationtoken=" + token,
                Json.write(new PasskeyEmulator(ORIGIN).register(begin.json().get("RegisterBeginCredential").get("publicKey"))),
                "Content-Type", "application/json");
        assertThat(finish.status()).as(finish.raw()).isEqualTo(200);
        String uid = finish.json().get("Profile").get("Uid").asText();
        assertThat(pending(t, t.secondFactorToken(email, PASSWORD)).json()).isEqualTo(options(false, true, false, false, false, "passkey"));

        // Passkeys turned off for the tenant: the account's passkey cannot work, so it is not offered.
        assertThat(s.admin("PATCH", "/admin/v1/tenants/" + t.apiKey(), "{\"PassKeysConfig\":{\"IsEnabled\":false}}").status()).isEqualTo(200);
        assertThat(pending(t, t.secondFactorToken(email, PASSWORD)).json()).isEqualTo(options(false, false, false, false, false, "passkey"));
        assertThat(app("?apikey=" + t.apiKey()).json()).isEqualTo(Json.parse("{\"Name\":\"Acme\",\"PasskeysEnabled\":false,\"SmsCodes\":false,\"EmailCodes\":false,\"VerificationEmail\":true,\"SignUp\":false," + NOTHING_WITHOUT_A_PASSWORD + "}"));

        // On again, but the passkey was marked as possibly cloned: refused from then on, so not offered either.
        assertThat(s.admin("PATCH", "/admin/v1/tenants/" + t.apiKey(), "{\"PassKeysConfig\":{\"IsEnabled\":true}}").status()).isEqualTo(200);
        assertThat(pending(t, t.secondFactorToken(email, PASSWORD)).json()).isEqualTo(options(false, true, false, false, false, "passkey"));
        s.server.jdbi().useHandle(h -> h.createUpdate("UPDATE passkeys SET possibly_cloned = TRUE WHERE uid = :uid").bind("uid", uid).execute());
        assertThat(pending(t, t.secondFactorToken(email, PASSWORD)).json()).isEqualTo(options(false, false, false, false, false));
    }

    @Test
    void aRiskChallengeSaysSoAndItsTokenAnswers1103OnceTheLinkWasOpened() {
        TestTenant t = s.tenant("{\"Name\":\"Acme\"," + PASSKEYS + ",\"RiskBasedAuthentication\":{\"IP\":{\"IsEnabled\":true,\"Action\":\"MFA\"}}}");
        String email = email();
        t.account(email, PASSWORD);
        String body = "{\"email\":\"" + email + "\",\"password\":\"" + PASSWORD + "\"}";
        String step1 = "/identity/v2/auth/login/2fa?apikey=" + t.apiKey();
        assertThat(s.send("POST", step1, body, "Content-Type", "application/json", "X-Forwarded-For", "81.2.69.142").status()).isEqualTo(200);
        Reply challenged = s.send("POST", step1, body, "Content-Type", "application/json", "X-Forwarded-For", "89.160.20.112");
        String token = challenged.json().path("SecondFactorAuthentication").path("SecondFactorAuthenticationToken").asText(null);
        assertThat(token).as(challenged.raw()).isNotNull();
        // No factor of its own and no enrollment (a risk challenge is not confirmed by adding a factor): the link.
        assertThat(pending(t, token).json()).isEqualTo(options(false, false, false, true, false));

        Matcher link = Pattern.compile("vtoken=([0-9a-f-]{36})").matcher(mail.await(email, 1).get(0).text());
        assertThat(link.find()).isTrue();
        assertThat(s.get("/identity/v2/auth/login/oneclickverify?apikey=" + t.apiKey() + "&verificationtoken=" + link.group(1)).status())
                .isEqualTo(200);
        // How the page that waits notices that the link was opened elsewhere.
        assertTokenInvalid(pending(t, token));
    }

    @Test
    void aPendingLoginRefusesBadTokensAndApiKeys() {
        TestTenant t = s.tenant("{\"Name\":\"Acme\",\"TwoFactorAuthentication\":{\"IsEnabled\":true,\"IsRequired\":true},"
                + "\"Tokens\":{\"SecondFactorTokenLifetimeSeconds\":30}}");
        TestTenant other = s.mfaTenant(true);
        String email = email();
        t.account(email, PASSWORD);
        String token = t.secondFactorToken(email, PASSWORD);

        assertError(s.get("/hosted/api/login?apikey=" + t.apiKey()), 403, 908, "A parameter is not formatted correctly",
                "The secondfactorauthenticationtoken is a required parameter.");
        assertTokenInvalid(pending(t, "not-a-token"));
        assertTokenInvalid(pending(t, UUID.randomUUID().toString()));
        assertTokenInvalid(pending(other, token)); // another tenant's
        assertError(s.get("/hosted/api/login?secondfactorauthenticationtoken=" + token), 403, 908, "A parameter is not formatted correctly",
                "The apikey is a required parameter.");
        assertThat(s.get("/hosted/api/login?apikey=" + UUID.randomUUID() + "&secondfactorauthenticationtoken=" + token).json().get("ErrorCode").asInt())
                .isEqualTo(901);
        assertThat(pending(t, token).json()).isEqualTo(options(false, false, false, false, true));

        s.clock.advance(Duration.ofSeconds(31));
        assertError(pending(t, token), 403, 1104, "Two factor authentication token has expired",
                "The LoginRadius two factor authentication token has expired, please request a new token from LoginRadius API.");
    }

    @Test
    void aPendingLoginOfAnAccountLockedMeanwhileAnswers1103() {
        TestTenant t = s.tenant("{\"Name\":\"Acme\",\"TwoFactorAuthentication\":{\"IsEnabled\":true,\"IsRequired\":false},"
                + "\"Security\":{\"MaxSecondFactorAttempts\":2}}");
        String email = email();
        t.backupCodes(t.account(email, PASSWORD));
        String waiting = t.secondFactorToken(email, PASSWORD);
        String guessing = t.secondFactorToken(email, PASSWORD);
        assertThat(t.redeem(guessing, "aaaaa-aaaaa").status()).isEqualTo(403);
        assertThat(t.redeem(guessing, "bbbbb-bbbbb").status()).isEqualTo(403);
        // The lockout ended every pending login of the account.
        assertTokenInvalid(pending(t, waiting));
    }
}
