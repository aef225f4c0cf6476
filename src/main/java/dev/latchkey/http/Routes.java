package dev.latchkey.http;

import java.util.ArrayList;
import java.util.List;

/**
 * The map of the API: every endpoint Latchkey serves, LoginRadius path → handler, grouped by area.
 * Paths are matched case-insensitively (the docs and SDKs disagree on case, reference §1.2).
 */
public final class Routes {
    public enum Method { GET, POST, PUT, PATCH, DELETE }

    public record Route(Method method, String path, Endpoint endpoint) {}

    /** A static page: the hosted sign-in page (plain HTML and JavaScript), the node's home page, served with a strict CSP. */
    public record Page(String path, String resource, String contentType) {}

    public static final List<Page> PAGES = List.of(
            new Page("/", "/hosted/node.html", "text/html; charset=utf-8"),
            new Page("/favicon.ico", "/hosted/favicon.ico", "image/x-icon"),
            new Page("/hosted", "/hosted/index.html", "text/html; charset=utf-8"),
            new Page("/hosted/app.js", "/hosted/app.js", "text/javascript; charset=utf-8"),
            new Page("/hosted/style.css", "/hosted/style.css", "text/css; charset=utf-8"),
            // The operators' console: plain HTML and JavaScript calling the admin and Management APIs (admin key in sessionStorage).
            new Page("/admin", "/admin/index.html", "text/html; charset=utf-8"),
            new Page("/admin/console.js", "/admin/console.js", "text/javascript; charset=utf-8"),
            new Page("/admin/console.css", "/admin/console.css", "text/css; charset=utf-8"),
            // The API's description (OpenAPI 3.1, written by tools/openapi.py), kept true by OpenApiTest.
            new Page("/openapi.json", "/openapi.json", "application/json; charset=utf-8"));

    /**
     * An endpoint that answers in another format than JSON, served beside the pages with access rules of its own:
     * Prometheus's scrape ({@link MetricsEndpoint}; also on the management port, with {@code /health/ready}).
     */
    public record Plain(String path, String contentType) {}

    /** Prometheus's text exposition format 0.0.4, which every Prometheus server reads. */
    public static final Plain METRICS = new Plain("/metrics", "text/plain; version=0.0.4; charset=utf-8");
    public static final List<Plain> PLAIN = List.of(METRICS);

    /** Served on the management port ({@code --management-port}) besides {@link #METRICS}. */
    public static final String READY = "/health/ready";

    private final List<Route> routes = new ArrayList<>();

    private void add(Method m, String path, Endpoint e) {
        routes.add(new Route(m, path, e));
    }

    public static List<Route> table(LoginApi login, SecondFactorApi factors, SmsCodeApi sms, EmailCodeApi email, SecurityQuestionApi questions, DeviceApi devices, RegistrationApi registration, PasswordApi passwords, EmailVerificationApi verification, BackupCodeApi backupCodes, PasskeyApi passkeys, RiskChallengeApi risk, PhoneApi phone, PasswordlessApi passwordless,
                                    AccountApi account, ProfileApi profile, TokenApi tokens, ManageAccountApi manage, WebhookApi webhooks,
                                    AdminApi admin, TemplateApi templates, AuditApi audit, TransferApi transfer, HostedApi hosted, ReauthApi reauth, Endpoint ready,
                                    AdminAccountApi adminAccounts, AdminStatsApi adminStats) {
        Routes r = new Routes();
        final String auth = "/identity/v2/auth";
        final String mng = "/identity/v2/manage";

        // ── Sign-up (a SOTT proves the application asks) ────────────────────────────────────────────────────
        r.add(Method.POST, auth + "/register", registration::register);
        r.add(Method.PUT, auth + "/register", verification::resend); // {"email"}: the verification email again
        // One path, two operations (reference §13): ?verificationtoken= verifies, ?email= checks availability.
        r.add(Method.GET, auth + "/email", req -> req.query("verificationtoken") != null ? verification.verify(req)
                : profile.emailAvailability(req));

        // ── Passwords ──────────────────────────────────────────────────────────────────────────────────────
        r.add(Method.PUT, auth + "/password/change", passwords::change); // access token
        r.add(Method.POST, auth + "/password", passwords::forgot); // {"email"} or {"username"}
        r.add(Method.PUT, auth + "/password/reset", passwords::reset); // {"resettoken", "password"}

        // ── Phone accounts: the number verified by an SMS code, changed, removed; a password reset by SMS code ─────
        r.add(Method.PUT, auth + "/phone/otp", phone::verify); // ?otp=, {"phone"} (signs in), or an access token
        r.add(Method.POST, auth + "/phone/otp", phone::resendVerification); // {"phone"}
        r.add(Method.PUT, auth + "/phone", phone::change); // access token, {"phone"}: joins once its code is entered
        r.add(Method.DELETE, auth + "/phone", phone::remove); // access token
        r.add(Method.GET, auth + "/phone", profile::phoneAvailability); // ?phone=
        r.add(Method.POST, auth + "/password/otp", phone::forgot); // {"phone"}
        r.add(Method.PUT, auth + "/password/otp", phone::reset); // {"phone", "otp", "password"}

        // ── Sign-in without a password: an emailed link or code, an SMS code, smart and one-touch login ───────────
        r.add(Method.GET, auth + "/login/passwordlesslogin/email", passwordless::emailStart); // ?email= | ?username=
        // The link's token; a risk challenge's one-click token too (the SDKs' passwordless verify, see RiskChallengeApi).
        r.add(Method.GET, auth + "/login/passwordlesslogin/email/verify", passwordless::emailVerify);
        r.add(Method.POST, auth + "/login/passwordlesslogin/email/verifyotp", passwordless::emailCode); // {"email", "otp"}
        r.add(Method.POST, auth + "/login/passwordlesslogin/username/verifyotp", passwordless::usernameCode); // {"username", "otp"}
        r.add(Method.GET, auth + "/login/passwordlesslogin/otp", passwordless::smsStart); // ?phone=
        r.add(Method.PUT, auth + "/login/passwordlesslogin/otp/verify", passwordless::smsVerify); // {"phone", "otp"}
        r.add(Method.GET, auth + "/login/smartlogin", passwordless::smartStart); // ?email= | ?username=, &clientguid=
        r.add(Method.GET, auth + "/login/smartlogin/ping", passwordless::ping); // ?clientguid=: smart and one-touch login
        r.add(Method.GET, auth + "/email/smartlogin", passwordless::linkOpened); // ?verificationtoken=: either kind
        r.add(Method.GET, auth + "/email/onetouchlogin", passwordless::linkOpened);
        r.add(Method.POST, auth + "/onetouchlogin/email", passwordless::oneTouchEmail); // {"clientguid", "email", "name"}
        r.add(Method.POST, auth + "/onetouchlogin/phone", passwordless::oneTouchPhone); // {"phone", "name"}
        r.add(Method.PUT, auth + "/onetouchlogin/phone/verify", passwordless::oneTouchPhoneVerify); // ?otp=, {"phone"}

        // ── Login: step 1 (first factor) ─────────────────────────────────────────────────────────────────────
        r.add(Method.POST, auth + "/login/2fa", login::mfaLogin);
        r.add(Method.POST, auth + "/login", login::plainLogin);

        // ── Login: step 2 with a backup code (seed 003, the SDKs' path, the legacy GET) ──────────────────────
        r.add(Method.PUT, auth + "/login/2fa/backupcode", factors.loginWithCode("backupcode", "backupcode"));
        r.add(Method.PUT, auth + "/login/2fa/verification/backupcode", factors.loginWithCode("backupcode", "backupcode"));
        r.add(Method.GET, auth + "/login/2fa/backupcode", factors.loginWithCodeInQuery("backupcode", "backupcode"));

        // ── Login: step 2 with a passkey (seed 000), and enrolling one during login (MFA required, none set up) ─
        r.add(Method.GET, auth + "/login/2fa/passkey/begin", passkeys::loginBegin);
        r.add(Method.POST, auth + "/login/2fa/passkey/finish", passkeys::loginFinish);
        r.add(Method.GET, auth + "/login/2fa/register/passkey/begin", passkeys::registerBegin); // also the Bearer variant
        r.add(Method.POST, auth + "/login/2fa/register/passkey/finish", passkeys::registerFinish);

        // ── Login: step 2 with the authenticator app (TOTP), and its older name ─────────────────────────────────
        r.add(Method.PUT, auth + "/login/2fa/verification/authenticatorcode", factors.loginWithCode("authenticator", "authenticatorcode"));
        r.add(Method.PUT, auth + "/login/2fa/verification/googleauthenticatorcode",
                factors.loginWithCode("authenticator", "googleauthenticatorcode"));

        // ── Login: step 2 with an SMS code, and setting the phone up during login (MFA required, no factor yet) ──
        r.add(Method.PUT, auth + "/login/2fa", sms::setPhoneDuringLogin); // {"phoneno2fa"}
        r.add(Method.GET, auth + "/login/2fa/resend", sms::resend);
        r.add(Method.PUT, auth + "/login/2fa/verification/otp", risk::verifyOtp); // the SMS factor's code, or a risk challenge's

        // ── Login: step 2 with an email code (sent on request to one of the account's addresses) ────────────────
        r.add(Method.POST, auth + "/login/2fa/otp/email", email::sendDuringLogin); // {"emailid"}
        r.add(Method.POST, auth + "/login/2fa/email", email::sendDuringLoginByEmail); // {"email"}, the other documented variant
        r.add(Method.PUT, auth + "/login/2fa/verification/otp/email", factors.loginWith("email", SecondFactorApi.Answer.emailCode()));

        // ── Login: step 2 with security questions, and setting them during a login (MFA required, no factor yet) ─
        r.add(Method.POST, auth + "/login/2fa/verification/securityquestionanswer", factors.loginWith("securityquestion",
                SecondFactorApi.Answer.securityQuestions()));
        r.add(Method.PUT, auth + "/login/2fa/securityquestionanswer", questions::setDuringLogin);
        r.add(Method.GET, auth + "/securityquestion/email", questions.questionsBy("email"));
        r.add(Method.GET, auth + "/securityquestion/username", questions.questionsBy("username"));
        r.add(Method.GET, auth + "/securityquestion/phone", questions.questionsBy("phone"));
        r.add(Method.GET, auth + "/securityquestion/accesstoken", questions::questionsOfSession);

        // ── Login: a second factor asked for by risk-based authentication (besides the account's own factors) ─
        r.add(Method.GET, auth + "/login/oneclickverify", risk::oneClickVerify);

        // ── Account (access token): the profile, its addresses, username and deletion ──────────────────────────
        r.add(Method.GET, auth + "/account", account::profile);
        r.add(Method.PUT, auth + "/account", profile::update);
        r.add(Method.DELETE, auth + "/account", profile::requestDeletion); // ?deleteurl=: a confirmation link is emailed
        r.add(Method.GET, auth + "/account/delete", profile::confirmDeletion); // ?deletetoken=, no access token
        r.add(Method.GET, auth + "/account/sendwelcomeemail", profile::sendWelcome);
        r.add(Method.PUT, auth + "/email", verification::verifyByOtp); // {"email", "otp"}: the verification email's code
        r.add(Method.POST, auth + "/email", profile::addEmail); // {"email", "type"}: joins once its link is followed
        r.add(Method.DELETE, auth + "/email", profile::removeEmail); // {"email"}
        r.add(Method.PUT, auth + "/username", profile::setUsername); // {"username"}
        r.add(Method.GET, auth + "/username", profile::usernameAvailability); // ?username=
        r.add(Method.GET, auth + "/account/2fa", account::mfaSettings);
        r.add(Method.GET, auth + "/account/2fa/backupcode", backupCodes::generateForUser);
        r.add(Method.GET, auth + "/account/2fa/backupcode/reset", backupCodes::resetForUser);
        r.add(Method.PUT, auth + "/account/2fa/verification/authenticatorcode", factors.enableWithCode("authenticator", "authenticatorcode"));
        r.add(Method.PUT, auth + "/account/2fa/verification/googleauthenticatorcode",
                factors.enableWithCode("authenticator", "googleauthenticatorcode"));
        r.add(Method.PUT, auth + "/account/2fa", sms::setPhoneFromAccount); // {"phoneno2fa"}
        r.add(Method.PUT, auth + "/account/2fa/verification/otp", factors.enableWithCode("sms", "otp")); // also the SDKs' mfaUpdateSetting
        r.add(Method.GET, auth + "/account/2fa/otp/email", email::sendFromAccount); // ?emailid=
        r.add(Method.PUT, auth + "/account/2fa/verification/otp/email", factors.enableWith("email", SecondFactorApi.Answer.emailCode()));
        r.add(Method.DELETE, auth + "/account/2fa/authenticator/otp/email", factors.resetByUserPath("email"));
        r.add(Method.PUT, auth + "/account/2fa/securityquestionanswer", questions::setFromAccount);
        r.add(Method.DELETE, auth + "/account/2fa/authenticator/securityquestionanswer", factors.resetByUserPath("securityquestion"));
        r.add(Method.DELETE, auth + "/account/2fa/authenticator", factors::resetByUser); // {"authenticator"|"otpauthenticator": true}
        r.add(Method.GET, auth + "/account/2fa/register/passkey/begin", passkeys::accountRegisterBegin);
        r.add(Method.POST, auth + "/account/2fa/register/passkey/finish", passkeys::accountRegisterFinish);
        r.add(Method.GET, auth + "/account/passkey", passkeys::list);
        r.add(Method.DELETE, auth + "/account/passkey/{id}", passkeys::remove);
        r.add(Method.DELETE, auth + "/account/2fa/authenticator/passkey", passkeys::disable);

        // ── Remembered devices (Latchkey's extension: LoginRadius has no API for them) ─────────────────────────────
        r.add(Method.GET, auth + "/account/2fa/remembereddevices", devices::list);
        r.add(Method.DELETE, auth + "/account/2fa/remembereddevices", devices::revokeAll);
        r.add(Method.DELETE, auth + "/account/2fa/remembereddevices/{id}", devices::revoke);

        // ── Step-up re-authentication (access token); the application checks the proof server-side ──────────────
        r.add(Method.GET, auth + "/account/reauth/2fa", reauth::factors);
        r.add(Method.PUT, auth + "/account/reauth/2fa/otp", factors.reauthWithCode("sms", "otp"));
        r.add(Method.GET, auth + "/account/reauth/2fa/otp/email", email::sendForStepUp); // ?emailid=
        r.add(Method.PUT, auth + "/account/reauth/2fa/otp/email/verify", factors.reauthWith("email", SecondFactorApi.Answer.emailCode()));
        r.add(Method.POST, auth + "/account/reauth/2fa/securityquestionanswer/verify", factors.reauthWith("securityquestion",
                SecondFactorApi.Answer.securityQuestions()));
        r.add(Method.PUT, auth + "/account/reauth/2fa/backupcode", factors.reauthWithCode("backupcode", "backupcode"));
        r.add(Method.PUT, auth + "/account/reauth/2fa/authenticatorcode", factors.reauthWithCode("authenticator", "authenticatorcode"));
        r.add(Method.PUT, auth + "/account/reauth/2fa/googleauthenticatorcode",
                factors.reauthWithCode("authenticator", "googleauthenticatorcode"));
        r.add(Method.GET, auth + "/account/reauth/2fa/passkey/begin", passkeys::reauthBegin);
        r.add(Method.POST, auth + "/account/reauth/2fa/passkey/finish", passkeys::reauthFinish);
        r.add(Method.PUT, auth + "/account/reauth/password", reauth::password);

        // ── Tokens ───────────────────────────────────────────────────────────────────────────────────────────
        r.add(Method.GET, auth + "/access_token", tokens::info);
        r.add(Method.GET, auth + "/access_token/sliding_token", tokens::slide);
        r.add(Method.GET, auth + "/access_token/validate", tokens::validate);
        r.add(Method.GET, auth + "/access_token/invalidate", tokens::invalidate);
        r.add(Method.GET, mng + "/account/access_token/refresh", tokens::refresh);
        r.add(Method.GET, mng + "/account/access_token/refresh/revoke", tokens::revoke);
        r.add(Method.DELETE, mng + "/account/{uid}/access_token/refresh/revoke", tokens::revokeAll);

        // ── Management API (apikey + apisecret) ──────────────────────────────────────────────────────────────
        r.add(Method.POST, mng + "/account", manage::create);
        r.add(Method.GET, mng + "/account", manage::find); // ?email= | ?username= | ?phone=
        r.add(Method.DELETE, mng + "/account", manage::deleteByEmail); // ?email=
        r.add(Method.GET, mng + "/account/sott", registration::sott); // before {uid}: a literal segment wins
        r.add(Method.GET, mng + "/account/access_token", tokens::forUid); // ?uid=
        r.add(Method.GET, mng + "/account/identities", manage::identities); // ?email=
        r.add(Method.PUT, mng + "/account/uid", manage::changeUid); // ?uid=, {"NewUid"}
        r.add(Method.POST, mng + "/account/forgot/token", manage::forgotToken); // {"email"} | {"username"}
        r.add(Method.POST, mng + "/account/verify/token", manage::verificationToken); // {"email"}
        r.add(Method.GET, mng + "/account/2fa/backupcode", backupCodes::generateByUid);
        r.add(Method.GET, mng + "/account/2fa/backupcode/reset", backupCodes::resetByUid);
        r.add(Method.DELETE, mng + "/account/2fa/authenticator/otp/email", factors.resetByUidPath("email")); // ?uid=
        r.add(Method.DELETE, mng + "/account/2fa/authenticator/securityquestionanswer", factors.resetByUidPath("securityquestion")); // ?uid=
        r.add(Method.DELETE, mng + "/account/2fa/authenticator", factors::resetByUid); // ?uid=, {"authenticator": true}
        r.add(Method.GET, mng + "/account/passkey", passkeys::listByUid); // before {uid}: a literal segment wins
        r.add(Method.DELETE, mng + "/account/passkey/{id}", passkeys::removeByUid);
        r.add(Method.DELETE, mng + "/account/2fa/authenticator/passkey", passkeys::disableByUid);
        r.add(Method.GET, mng + "/account/2fa/remembereddevices", devices::listByUid); // ?uid=
        r.add(Method.DELETE, mng + "/account/2fa/remembereddevices", devices::revokeAllByUid);
        r.add(Method.DELETE, mng + "/account/2fa/remembereddevices/{id}", devices::revokeByUid);
        r.add(Method.POST, mng + "/account/{uid}/reauth/2fa", reauth::validateSecondFactor);
        r.add(Method.POST, mng + "/account/{uid}/reauth/password", reauth::validatePassword);
        r.add(Method.PUT, mng + "/account/{uid}/email", manage::upsertEmail); // {"Email": [...]}
        r.add(Method.DELETE, mng + "/account/{uid}/email", manage::removeEmail); // {"email"}
        r.add(Method.PUT, mng + "/account/{uid}/phoneid", manage::setPhoneId); // {"phone"}
        r.add(Method.PUT, mng + "/account/{uid}/invalidateemail", manage::invalidateEmail);
        r.add(Method.PUT, mng + "/account/{uid}/password", passwords::set);
        r.add(Method.GET, mng + "/account/{uid}/password", passwords::hash);
        r.add(Method.GET, mng + "/account/{uid}", manage::get);
        r.add(Method.PUT, mng + "/account/{uid}", manage::update);
        r.add(Method.DELETE, mng + "/account/{uid}", manage::delete);

        // ── Webhook subscriptions (apikey + apisecret); the Node SDK uses the plural ──────────────────────────────
        for (String base : new String[] {"/v2/manage/webhook", "/v2/manage/webhooks"}) {
            r.add(Method.GET, base + "/events", webhooks::events); // before {hookid}: a literal segment wins
            r.add(Method.GET, base, webhooks::list);
            r.add(Method.POST, base, webhooks::create);
            r.add(Method.GET, base + "/{hookid}", webhooks::get);
            r.add(Method.PUT, base + "/{hookid}", webhooks::update);
            r.add(Method.DELETE, base + "/{hookid}", webhooks::delete);
        }
        r.add(Method.POST, "/api/v2/webhook", webhooks::legacySubscribe);
        r.add(Method.GET, "/api/v2/webhook", webhooks::legacyList);
        r.add(Method.DELETE, "/api/v2/webhook", webhooks::legacyUnsubscribe);
        r.add(Method.GET, "/api/v2/webhook/test", webhooks::legacyTest);

        // ── Admin API (operators, admin key) ─────────────────────────────────────────────────────────────────
        r.add(Method.POST, "/admin/v1/tenants", admin::createTenant);
        r.add(Method.GET, "/admin/v1/tenants", admin::listTenants);
        r.add(Method.DELETE, "/admin/v1/tenants/{apikey}", admin::deleteTenant);
        r.add(Method.GET, "/admin/v1/tenants/{apikey}", admin::getTenant);
        r.add(Method.PATCH, "/admin/v1/tenants/{apikey}", admin::patchTenant);
        r.add(Method.GET, "/admin/v1/tenants/{apikey}/webhook-deliveries", admin::webhookDeliveries);
        r.add(Method.GET, "/admin/v1/metrics", admin::metrics);
        r.add(Method.POST, "/admin/v1/tenants/{apikey}/webhook-deliveries/{id}/resend", admin::resendWebhook);
        r.add(Method.GET, "/admin/v1/tenants/{apikey}/messages", admin::messages);
        r.add(Method.GET, "/admin/v1/tenants/{apikey}/risk-events", admin::riskEvents);
        r.add(Method.GET, "/admin/v1/tenants/{apikey}/audit-events", audit::ofTenant);
        r.add(Method.GET, "/admin/v1/audit-events", audit::all);
        r.add(Method.GET, "/admin/v1/tenants/{apikey}/security-questions", questions::catalog);
        r.add(Method.POST, "/admin/v1/tenants/{apikey}/security-questions", questions::addQuestion);
        r.add(Method.DELETE, "/admin/v1/tenants/{apikey}/security-questions/{id}", questions::removeQuestion);
        // Export and import of a tenant (JSON Lines, `latchkey tenant export|import`): secrets sealed under a passphrase.
        r.add(Method.GET, "/admin/v1/tenants/{apikey}/export", transfer::export); // ?salt=&after=&limit=, X-Latchkey-Passphrase
        r.add(Method.POST, "/admin/v1/tenants/import", transfer::importHeader); // the export's header line
        r.add(Method.POST, "/admin/v1/tenants/{apikey}/import", transfer::importUsers); // {"Source", "Users": [{"Line", "User"}]}
        for (String base : new String[] {"/admin/v1/tenants/{apikey}/email-templates", "/admin/v1/tenants/{apikey}/sms-templates"}) {
            r.add(Method.GET, base, templates::list);
            r.add(Method.POST, base, templates::create);
            r.add(Method.GET, base + "/{name}", templates::get);
            r.add(Method.PUT, base + "/{name}", templates::put);
            r.add(Method.DELETE, base + "/{name}", templates::delete);
            r.add(Method.POST, base + "/{name}/preview", templates::preview); // the given (unsaved) or saved template, sample values
        }
        // The admin console's own reads and actions (the rest of what it does is the admin and Management APIs above).
        r.add(Method.GET, "/admin/v1/tenants/{apikey}/accounts/{uid}/security", adminAccounts::security); // factors, sessions, devices
        r.add(Method.DELETE, "/admin/v1/tenants/{apikey}/accounts/{uid}/sessions/{id}", adminAccounts::endSession);
        r.add(Method.DELETE, "/admin/v1/tenants/{apikey}/accounts/{uid}/sessions", adminAccounts::endSessions);
        r.add(Method.GET, "/admin/v1/tenants/{apikey}/stats", adminStats::stats); // ?hours=1..720: per hour, for the charts

        // ── The hosted page's own API (Latchkey's, not LoginRadius's: see HostedApi) ─────────────────────────────
        r.add(Method.GET, "/hosted/api/app", hosted::app);
        r.add(Method.GET, "/hosted/api/login", hosted::login);
        r.add(Method.GET, "/hosted/api/sott", hosted::sott); // the sign-up form's SOTT: a browser cannot make one

        // ── Health ───────────────────────────────────────────────────────────────────────────────────────────
        r.add(Method.GET, READY, ready);
        return List.copyOf(r.routes);
    }
}
