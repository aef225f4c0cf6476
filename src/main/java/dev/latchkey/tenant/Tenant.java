package dev.latchkey.tenant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/** A tenant (a LoginRadius "site"/app): its keys and its settings document (see {@link TenantSettings}). */
public record Tenant(long id, String apiKey, String apiSecretHash, String apiSecretSealed, String name,
                     ObjectNode settings, long createdAt, long modifiedAt) {

    private JsonNode section(String name) {
        JsonNode s = settings.get(name);
        return s == null ? TenantSettings.defaults().get(name) : s;
    }

    private long number(String section, String field) {
        JsonNode v = section(section).get(field);
        return v == null || !v.isNumber() ? TenantSettings.defaults().get(section).get(field).asLong() : v.asLong();
    }

    public boolean mfaEnabled() {
        return section("TwoFactorAuthentication").path("IsEnabled").asBoolean(false);
    }

    public boolean mfaRequired() {
        return mfaEnabled() && section("TwoFactorAuthentication").path("IsRequired").asBoolean(false);
    }

    /**
     * Whether the tenant offers the factor that {@code TwoFactorAuthentication.<flag>} switches (LoginRadius's
     * {@code IsAuthenticator}, ...): on unless turned off.
     */
    public boolean offersFactor(String flag) {
        return offersFactor(flag, true);
    }

    /** {@link #offersFactor(String)} for a factor whose switch defaults to {@code byDefault}. */
    public boolean offersFactor(String flag, boolean byDefault) {
        return section("TwoFactorAuthentication").path(flag).asBoolean(byDefault);
    }

    public boolean planExpired(long nowMillis) {
        JsonNode at = section("Plan").get("ExpiresAt");
        return at != null && at.isTextual() && Instant.parse(at.asText()).toEpochMilli() <= nowMillis;
    }

    /** How long a second factor's code sent by SMS or email can be used ({@code TwoFactorAuthentication.CodeLifetimeSeconds}). */
    public long codeLifetimeMillis() {
        return number("TwoFactorAuthentication", "CodeLifetimeSeconds") * 1000;
    }

    /** At most this many SMS codes go to one phone number in an hour (for any account of the tenant). */
    public int smsCodesPerPhonePerHour() {
        return (int) number("TwoFactorAuthentication", "SmsCodesPerPhonePerHour");
    }

    /** At most this many SMS codes go out for one account in an hour. */
    public int smsCodesPerAccountPerHour() {
        return (int) number("TwoFactorAuthentication", "SmsCodesPerAccountPerHour");
    }

    /** At most this many email codes go out for one account in an hour. */
    public int emailCodesPerAccountPerHour() {
        return (int) number("TwoFactorAuthentication", "EmailCodesPerAccountPerHour");
    }

    /** How many security questions an account sets up and answers ({@code TwoFactorAuthentication.SecurityQuestionsToAnswer}). */
    public int securityQuestionsToAnswer() {
        return (int) number("TwoFactorAuthentication", "SecurityQuestionsToAnswer");
    }

    /** How long a remembered device skips the second factor ({@code TwoFactorAuthentication.RememberDeviceDays}; 0: never). */
    public long rememberDeviceMillis() {
        return number("TwoFactorAuthentication", "RememberDeviceDays") * 24L * 3600 * 1000;
    }

    /** The URL prefixes an emailed link may point at ({@code Security.AllowedUrls}). */
    public java.util.List<String> allowedUrls() {
        java.util.List<String> out = new java.util.ArrayList<>();
        section("Security").path("AllowedUrls").forEach(u -> out.add(u.asText()));
        return out;
    }

    /** How long a password-reset link works ({@code Security.PasswordResetTokenSeconds}, an hour by default). */
    public long passwordResetMillis() {
        return number("Security", "PasswordResetTokenSeconds") * 1000;
    }

    /** Whether a forgotten-password request for nobody answers 938 ({@code Security.ForgotPasswordRevealsUnknown}). */
    public boolean forgotPasswordRevealsUnknown() {
        return section("Security").path("ForgotPasswordRevealsUnknown").asBoolean(false);
    }

    /** Whether new passwords in the bundled breached-password list are refused ({@code Security.RefuseBreachedPasswords}). */
    public boolean refusesBreachedPasswords() {
        return section("Security").path("RefuseBreachedPasswords").asBoolean(true);
    }

    /** Whether the hosted page signs people up, with a SOTT for anyone ({@code Security.HostedSignUp}). */
    public boolean hostedSignUp() {
        return section("Security").path("HostedSignUp").asBoolean(false);
    }

    /** Whether the email and username availability checks answer ({@code Security.AvailabilityChecks}). */
    public boolean availabilityChecks() {
        return section("Security").path("AvailabilityChecks").asBoolean(true);
    }

    /** How long an account-deletion link works ({@code Security.DeleteAccountTokenSeconds}, 72 hours by default). */
    public long deleteAccountMillis() {
        return number("Security", "DeleteAccountTokenSeconds") * 1000;
    }

    /** {@code EmailVerification.Flow}: "Optional", "Required" or "Disabled". */
    public String emailVerificationFlow() {
        return section("EmailVerification").path("Flow").asText("Optional");
    }

    public long emailVerificationMillis() {
        return number("EmailVerification", "TokenSeconds") * 1000;
    }

    /** Whether a welcome email follows the verification ({@code EmailVerification.WelcomeEmail}). */
    public boolean welcomeEmail() {
        return section("EmailVerification").path("WelcomeEmail").asBoolean(false);
    }

    /** Whether verifying the email signs the user in ({@code EmailVerification.AutoLogin}). */
    public boolean loginAfterEmailVerification() {
        return section("EmailVerification").path("AutoLogin").asBoolean(false);
    }

    /** Whether an account may sign in with its phone and password ({@code PhoneAuthentication.Login}). */
    public boolean phoneLogin() {
        return section("PhoneAuthentication").path("Login").asBoolean(true);
    }

    /** How long an SMS code of the phone flows works ({@code PhoneAuthentication.CodeSeconds}). */
    public long phoneCodeMillis() {
        return number("PhoneAuthentication", "CodeSeconds") * 1000;
    }

    /** Whether a sign-in way without a password is on: {@code EmailLink}, {@code SmsCode}, {@code SmartLogin}, {@code OneTouchLogin}. */
    public boolean passwordless(String way) {
        return section("Passwordless").path(way).asBoolean(false);
    }

    /** How long a passwordless, smart or one-touch sign-in link (and its code) works ({@code Passwordless.LinkSeconds}). */
    public long passwordlessLinkMillis() {
        return number("Passwordless", "LinkSeconds") * 1000;
    }

    /** The hourly send limit {@code SendLimits.<which>} ({@code PerPhonePerHour}, {@code PerEmailPerHour}, ...). */
    public int sendLimit(String which) {
        return (int) number("SendLimits", which);
    }

    public int maxPasswordAttempts() {
        return (int) number("Security", "MaxPasswordAttempts");
    }

    public int maxSecondFactorAttemptsPerToken() {
        return (int) number("Security", "MaxSecondFactorAttemptsPerToken");
    }

    public int maxSecondFactorAttempts() {
        return (int) number("Security", "MaxSecondFactorAttempts");
    }

    public long lockoutMillis() {
        return number("Security", "LockoutSeconds") * 1000;
    }

    /** The shortest password an account may be given (the longest is 128, fixed). */
    public int passwordMinLength() {
        return (int) number("Security", "PasswordMinLength");
    }

    public int maxFailedLoginsPerAddress() {
        return (int) number("Security", "MaxFailedLoginsPerAddress");
    }

    public long addressWindowMillis() {
        return number("Security", "AddressWindowSeconds") * 1000;
    }

    /** How recent a second factor must be for a signed-in user to change second factors. */
    public long secondFactorProofMaxAgeMillis() {
        return number("Security", "SecondFactorProofMaxAgeSeconds") * 1000;
    }

    /** Whether every logout also ends the session's refresh token (LoginRadius: only with preventRefresh=true). */
    public boolean logoutEndsRefreshToken() {
        return section("Tokens").path("LogoutEndsRefreshToken").asBoolean(false);
    }

    public boolean allowsMixedScriptIdentifiers() {
        return section("Identifiers").path("AllowMixedScripts").asBoolean(false);
    }

    /**
     * Whether a request's prevent_webhook / X-PreventWebhook suppresses {@code event}: always for a call with the API
     * secret; for a public call (a login) unless the tenant lists the event in Webhooks.UnsuppressibleEvents.
     */
    public boolean webhookSuppressed(String event, boolean requested, boolean publicCall) {
        if (!requested) {
            return false;
        }
        if (!publicCall) {
            return true;
        }
        for (JsonNode e : section("Webhooks").path("UnsuppressibleEvents")) {
            if (e.asText().equalsIgnoreCase(event)) {
                return false;
            }
        }
        return true;
    }

    public long accessTokenMillis() {
        return number("Tokens", "AccessTokenLifetimeSeconds") * 1000;
    }

    public long refreshTokenMillis() {
        return number("Tokens", "RefreshTokenLifetimeSeconds") * 1000;
    }

    public long secondFactorTokenMillis() {
        return number("Tokens", "SecondFactorTokenLifetimeSeconds") * 1000;
    }
}
