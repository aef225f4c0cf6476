package dev.latchkey.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.latchkey.account.Account;
import dev.latchkey.account.Accounts;
import dev.latchkey.account.Identifiers;
import dev.latchkey.account.PhoneCodes;
import dev.latchkey.audit.Audit;
import dev.latchkey.error.LrError;
import dev.latchkey.json.Json;
import dev.latchkey.login.LoginFlow;
import dev.latchkey.login.RecentSecondFactor;
import dev.latchkey.tenant.Tenant;
import java.time.Clock;

/**
 * Phone accounts (reference §16): the number of a sign-up verified by an SMS code ({@code PUT /auth/phone/otp?otp=}, the
 * code in the query, the number in the body), sent again ({@code POST /auth/phone/otp}), changed
 * ({@code PUT /auth/phone}: the new number joins the account when its code is entered) or removed
 * ({@code DELETE /auth/phone}); a forgotten password reset by an SMS code ({@code POST|PUT /auth/password/otp}).
 * Sends answer the same whether the number belongs to an account or not.
 */
public final class PhoneApi {
    /** A uid no account has: a code checked for it is wrong, so an unknown number answers as a wrong code does. */
    private static final String NOBODY = "-";

    private final TenantGate gate;
    private final AccessGate access;
    private final Accounts accounts;
    private final LoginFlow flow;
    private final SignInSends sends;
    private final RecentSecondFactor proof;
    private final Clock clock;

    public PhoneApi(TenantGate gate, AccessGate access, Accounts accounts, LoginFlow flow, SignInSends sends, RecentSecondFactor proof, Clock clock) {
        this.gate = gate;
        this.access = access;
        this.accounts = accounts;
        this.flow = flow;
        this.sends = sends;
        this.proof = proof;
        this.clock = clock;
    }

    /**
     * Before a sign-up with a {@code PhoneId}: an SMS provider for its code (1071), and the code counted toward the send
     * limits (1123), as every SMS of these flows.
     */
    public void beforeRegistration(LrRequest req, Tenant tenant, String phone) {
        if (!sends.mail().mail().canSend(tenant, dev.latchkey.message.MessageTemplates.Channel.SMS)) {
            throw LrError.SMS_NOT_CONFIGURED.withDescription("A sign-up with a PhoneId needs its number verified by SMS, and this site has no SMS provider.");
        }
        if (phone != null && dev.latchkey.account.ProfileSchema.validPhone(phone.strip())) {
            sends.beforeSms(tenant, req, phone.strip(), clock.millis());
        }
    }

    /**
     * After a sign-up with a {@code PhoneId} (the registration's {@code smstemplate}): the number's verification code,
     * in the caller's transaction; nothing when no SMS can be sent.
     */
    public void afterRegistration(org.jdbi.v3.core.Handle h, Tenant tenant, Account account, String template, long now) {
        String phone = account.profile().path("PhoneId").asText(null);
        if (phone != null && sends.mail().mail().canSend(tenant, dev.latchkey.message.MessageTemplates.Channel.SMS)) {
            sends.smsCode(h, tenant, account, PhoneCodes.VERIFY, phone, null, template, now);
        }
    }

    /**
     * {@code POST /identity/v2/auth/phone/otp} with {@code {"phone"}}: the verification code again, to a number an account
     * holds unverified; {@code {"IsPosted": true, "Data": {"AccountSid", "Sid"}}} whatever the number. With an access token:
     * to the account's own number, or a new one (as {@link #change}).
     */
    public JsonNode resendVerification(LrRequest req) {
        Tenant tenant = gate.tenant(req);
        String phone = SignInSends.phone(req.bodyString("phone"));
        String template = req.smsTemplate();
        if (req.accessToken() != null) {
            AccessGate.SignedIn me = access.signedIn(req);
            return requestNumber(req, me, phone, template);
        }
        long now = clock.millis();
        sends.beforeSms(tenant, req, phone, now);
        Account account = sends.account(tenant, "phone", phone);
        if (account == null || !account.active() || account.phoneVerified() || !sends.accountMaySend(tenant, account.uid(), now)) {
            return posted(sends.noSms(tenant));
        }
        return posted(sends.mail().jdbi().inTransaction(h -> sends.smsCode(h, tenant, account, PhoneCodes.VERIFY, phone, null, template, now)));
    }

    /**
     * {@code PUT /identity/v2/auth/phone} with {@code {"phone"}} and an access token: a code to the new number, which joins
     * the account when it is entered ({@code PUT /auth/phone/otp?otp=} with the token). A recent proof first (as for an
     * email address, 1193); 1058 when another account has the number, 1073 when it is the account's, verified already.
     */
    public JsonNode change(LrRequest req) {
        AccessGate.SignedIn me = access.signedIn(req);
        String phone = SignInSends.phone(req.requiredBodyString("phone"));
        return requestNumber(req, me, phone, req.smsTemplate());
    }

    private JsonNode requestNumber(LrRequest req, AccessGate.SignedIn me, String phone, String template) {
        Tenant tenant = me.tenant();
        Account account = me.account();
        String key = Identifiers.key("phone", phone);
        boolean own = key.equals(account.phoneKey());
        if (own && account.phoneVerified()) {
            throw LrError.PHONE_ALREADY_VERIFIED.error();
        }
        if (!own) {
            proof.requireForAddresses(tenant, account, me.session().secondFactorAt(), me.session().passwordAt());
            Account holder = sends.account(tenant, "phone", phone);
            if (holder != null && !holder.uid().equals(account.uid())) {
                throw LrError.PHONE_EXISTS.error();
            }
        }
        long now = clock.millis();
        sends.beforeSms(tenant, req, phone, now);
        sends.countAccount(tenant, account.uid(), LrError.SMS_LIMIT, now);
        return posted(sends.mail().jdbi().inTransaction(h -> sends.smsCode(h, tenant, account, PhoneCodes.VERIFY, phone, null, template, now)));
    }

    /**
     * {@code PUT /identity/v2/auth/phone/otp?otp=}: with {@code {"phone"}}, the code of a sign-up's number: the number is
     * verified ({@code VerifyPhoneNumber}) and the user signed in (the login response; a second factor first where the
     * account needs one). With an access token (no body needed): the code of the account's new or unverified number, which
     * becomes its verified PhoneId; {@code {"IsPosted": true}}. 1067 wrong, 1068 used, 1069 expired; wrong codes count
     * toward the account's lockout as wrong passwords do.
     */
    public JsonNode verify(LrRequest req) {
        Tenant tenant = gate.tenant(req);
        req.fields();
        String otp = req.requiredQuery("otp");
        long now = clock.millis();
        if (req.accessToken() != null) {
            AccessGate.SignedIn me = access.signedIn(req);
            String phone = req.bodyString("phone");
            PhoneCodes.Spent spent = phone != null ? sends.phoneCodes().spend(tenant, PhoneCodes.VERIFY, SignInSends.phone(phone), otp, me.account().uid(), now)
                    : sends.phoneCodes().spendForAccount(tenant, PhoneCodes.VERIFY, me.account().uid(), otp, now);
            accounts.setVerifiedPhone(tenant, me.account().uid(), spent.phone(), !req.preventWebhook(), me.origin(req));
            return Responses.posted();
        }
        String phone = SignInSends.phone(req.bodyString("phone"));
        Account account = sends.account(tenant, "phone", phone);
        if (account == null) {
            throw flow.codeForNobody(tenant, "phone", phone, req.loginContext(), LrError.OTP_INVALID, // 1067, as for a wrong code
                    () -> sends.phoneCodes().spend(tenant, PhoneCodes.VERIFY, phone, otp, NOBODY, now));
        }
        return Responses.login(req, flow.signInWithCode(tenant, account, "phone", req.loginContext(), "phone verification code", () -> {
            PhoneCodes.Spent spent = sends.phoneCodes().spend(tenant, PhoneCodes.VERIFY, phone, otp, account.uid(), clock.millis());
            accounts.setVerifiedPhone(tenant, account.uid(), spent.phone(), !req.preventWebhook(), req.origin(Audit.Actor.USER));
        }));
    }

    /** {@code DELETE /identity/v2/auth/phone} (access token): the account's number goes (1292 none; a recent proof first); {@code {"IsDeleted": true}}. */
    public JsonNode remove(LrRequest req) {
        AccessGate.SignedIn me = access.signedIn(req);
        req.body(); // none needed; one that is not JSON is refused as every DELETE's
        if (me.account().phoneKey() == null) {
            throw LrError.NO_PHONE.error();
        }
        proof.requireForAddresses(me.tenant(), me.account(), me.session().secondFactorAt(), me.session().passwordAt());
        accounts.removePhone(me.tenant(), me.account().uid(), !req.preventWebhook(), me.origin(req));
        return Responses.deleted();
    }

    /**
     * {@code POST /identity/v2/auth/password/otp} with {@code {"phone"}}: a reset code to the number when an active account
     * has it; the same answer otherwise ({@code {"IsPosted": true, "Data": {"AccountSid", "Sid"}}}).
     */
    public JsonNode forgot(LrRequest req) {
        Tenant tenant = gate.tenant(req);
        String phone = SignInSends.phone(req.bodyString("phone"));
        String template = req.smsTemplate();
        long now = clock.millis();
        sends.beforeSms(tenant, req, phone, now);
        Account account = sends.account(tenant, "phone", phone);
        // A number never verified is not yet its holder's (anyone may sign up with any number): it resets nothing.
        if (account == null || !account.active() || !account.phoneVerified() || !sends.accountMaySend(tenant, account.uid(), now)) {
            return posted(sends.noSms(tenant));
        }
        return posted(sends.mail().jdbi().inTransaction(h -> sends.smsCode(h, tenant, account, PhoneCodes.RESET, phone, null, template, now)));
    }

    /**
     * {@code PUT /identity/v2/auth/password/otp} with {@code {"phone", "otp", "password"}}: the new password (the policy
     * checked before the code is spent), every session ended, {@code ResetPassword}; the number is verified by it.
     * {@code {"IsPosted": true}}.
     */
    public JsonNode reset(LrRequest req) {
        Tenant tenant = gate.tenant(req);
        String phone = SignInSends.phone(req.bodyString("phone"));
        String otp = req.requiredBodyString("otp");
        String password = req.requiredBodyString("password");
        Accounts.checkPassword(tenant, password);
        Account account = sends.account(tenant, "phone", phone);
        long now = clock.millis();
        PhoneCodes.Spent spent = sends.phoneCodes().spend(tenant, PhoneCodes.RESET, phone, otp, account == null ? NOBODY : account.uid(), now);
        Audit.Origin origin = req.origin(Audit.Actor.USER);
        accounts.setPassword(tenant, spent.uid(), password, "ResetPassword", !req.preventWebhook(), origin);
        if (!account.phoneVerified()) {
            accounts.setVerifiedPhone(tenant, spent.uid(), spent.phone(), !req.preventWebhook(), origin);
        }
        return Responses.posted();
    }

    private static ObjectNode posted(ObjectNode data) {
        ObjectNode out = Json.object().put("IsPosted", true);
        out.set("Data", data);
        return out;
    }
}
