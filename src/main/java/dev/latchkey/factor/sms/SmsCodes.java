package dev.latchkey.factor.sms;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.latchkey.account.Account;
import dev.latchkey.account.ProfileSchema;
import dev.latchkey.audit.Audit;
import dev.latchkey.error.ApiException;
import dev.latchkey.error.LrError;
import dev.latchkey.factor.CodeFactor;
import dev.latchkey.factor.CodeRequest;
import dev.latchkey.factor.EnabledByCode;
import dev.latchkey.factor.FactorChange;
import dev.latchkey.factor.FactorContext;
import dev.latchkey.factor.FactorRemoval;
import dev.latchkey.factor.ResetByFlag;
import dev.latchkey.factor.SentCodes;
import dev.latchkey.message.CodeSender;
import dev.latchkey.message.MessageTemplates.Channel;
import dev.latchkey.message.Messages.Purpose;
import dev.latchkey.tenant.Tenant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Handle;

/**
 * The SMS code factor: LoginRadius's "SMS OTP" second factor (reference §2.2, §3.3). The account's verified phone gets a
 * six-digit code at step 1, on resend and at step-up, that works only for the login (its 2FA token) or the session it was
 * sent for; a phone is set up (during a login that may add a factor, or from a signed-in session) by a code sent to it,
 * which binds the phone to that login or session until confirmed. Codes come
 * from the CSPRNG, are kept only as keyed hashes, live {@code TwoFactorAuthentication.CodeLifetimeSeconds} and are spent
 * by the statement that accepts them; sends are limited per phone and per account per hour. The phone is sealed under the
 * server key; answers show it masked.
 */
public final class SmsCodes implements CodeFactor, EnabledByCode, ResetByFlag {
    /** {@code +} and 6 to 15 digits once spaces, dots, dashes and brackets are gone (E.164, what an SMS API takes). */
    private static final Pattern PHONE = Pattern.compile("\\+?[1-9][0-9]{5,14}");

    /** What a send answers, LoginRadius's {@code {"AccountSid", "Sid"}} ({@code OTPStatus}): the provider account, the message id. */
    public record Sent(String accountSid, String sid) {}

    private final FactorContext c;
    private final CodeSender sender;
    private final SmsCodeStore store = new SmsCodeStore();
    private final SentCodes codes;

    public SmsCodes(FactorContext context, CodeSender sender) {
        this.c = context;
        this.sender = sender;
        this.codes = new SentCodes(id(), context.secrets());
    }

    @Override
    public String id() {
        return "sms";
    }

    @Override
    public Set<String> webhookEvents() {
        return Set.of("SmsAuthenticatorAdded", "SmsAuthenticatorRemoved");
    }

    @Override
    public Set<String> resetFlags() {
        return Set.of("otpauthenticator");
    }

    /**
     * {@code TwoFactorAuthentication.IsSmsOTPAuthenticator}: off unless turned on (ASVS 2.7.1: SMS, a restricted
     * authenticator, is not offered by default).
     */
    @Override
    public boolean offeredBy(Tenant tenant) {
        return tenant.offersFactor("IsSmsOTPAuthenticator", false);
    }

    @Override
    public ApiException notOffered() {
        return LrError.OTP_NOT_ENABLED.error();
    }

    /** Offered by the tenant, with an SMS provider: a phone can be set up now. */
    public boolean canSend(Tenant tenant) {
        return offeredBy(tenant) && sender.canSend(tenant, Channel.SMS);
    }

    @Override
    public String configuredCondition() {
        return "EXISTS (SELECT 1 FROM sms_factors WHERE uid = :uid)";
    }

    /** {@code IsOTPAuthenticatorVerified}, and the verified phone masked in {@code OTPPhoneNo}. */
    @Override
    public void describe(Handle h, Tenant tenant, Account account, boolean configured, Enrollment enrollment, ObjectNode sfa) {
        sfa.put("IsOTPAuthenticatorVerified", configured);
        if (configured) {
            store.sealedPhone(h, account.uid()).ifPresent(p -> sfa.put("OTPPhoneNo", mask(c.secrets().decrypt(p))));
        }
    }

    /** {@code Phone}: the verified number, masked as step 1 shows it; {@code CreatedDate}: when it was verified. */
    @Override
    public void describeState(Handle h, Account account, boolean configured, ObjectNode state) {
        state.put("Phone", store.sealedPhone(h, account.uid()).map(p -> mask(c.secrets().decrypt(p))).orElse(null));
        state.put("CreatedDate", store.setAt(h, account.uid()).map(dev.latchkey.json.Json::iso).orElse(null));
    }

    /** It sends a code, counted against the account's limit. */
    @Override
    public boolean sendsWhenChallenged() {
        return true;
    }

    /** Step 1 or a step-up: a code to the verified phone, unless a limit or a missing provider says no (then OTPStatus stays null). */
    @Override
    public void challenged(Handle h, Tenant tenant, Account account, String attempt, CodeRequest request, ObjectNode sfa) {
        Optional<String> sealed = store.sealedPhone(h, account.uid());
        if (sealed.isEmpty() || !offeredBy(tenant) || !sender.canSend(tenant, Channel.SMS)) {
            return;
        }
        String phone = c.secrets().decrypt(sealed.get());
        long now = c.clock().millis();
        if (overLimit(h, tenant, account, phone, now)) {
            return;
        }
        Sent sent = send(h, tenant, account, attempt, phone, false, request, now);
        sfa.putObject("OTPStatus").put("AccountSid", sent.accountSid()).put("Sid", sent.sid());
    }

    /**
     * Sends a code that sets up {@code phone} for the login or session {@code boundTo} ({@code PUT /login/2fa},
     * {@code PUT /account/2fa}): 1096 not a phone number, 1071 no SMS provider, 1123 an hourly limit reached.
     */
    public Sent startEnrollment(Tenant tenant, Account account, String boundTo, String phone, CodeRequest request) {
        String normalized = normalize(phone);
        requireProvider(tenant);
        return c.jdbi().inTransaction(h -> {
            c.accounts().lockRow(h, account.uid()); // one send at a time per account: the limits count what was sent
            long now = c.clock().millis();
            requireWithinLimits(h, tenant, account, normalized, now);
            return send(h, tenant, account, boundTo, normalized, true, request, now);
        });
    }

    /**
     * {@code GET /login/2fa/resend}: a new code to the phone the login {@code boundTo} is setting up, else to the verified
     * phone; 1100 when there is neither.
     */
    public Sent resend(Tenant tenant, Account account, String boundTo, CodeRequest request) {
        requireProvider(tenant);
        return c.jdbi().inTransaction(h -> {
            c.accounts().lockRow(h, account.uid());
            long now = c.clock().millis();
            List<SentCodes.Code> pending = codes.outstanding(h, account.uid(), boundTo, true, now);
            String sealedNew = pending.isEmpty() ? null : pending.get(0).target();
            Optional<String> sealedVerified = store.sealedPhone(h, account.uid());
            if (sealedNew == null && sealedVerified.isEmpty()) {
                throw LrError.OTP_NOT_ENABLED.withDescription("No phone is set up for SMS codes on this account: send one with "
                        + "PUT /identity/v2/auth/login/2fa {\"phoneno2fa\": \"+...\"}.");
            }
            String phone = c.secrets().decrypt(sealedNew != null ? sealedNew : sealedVerified.get());
            requireWithinLimits(h, tenant, account, phone, now);
            return send(h, tenant, account, boundTo, phone, sealedNew != null, request, now);
        });
    }

    private void requireProvider(Tenant tenant) {
        if (!sender.canSend(tenant, Channel.SMS)) {
            throw LrError.SMS_NOT_CONFIGURED.error();
        }
    }

    private void requireWithinLimits(Handle h, Tenant tenant, Account account, String phone, long now) {
        if (overLimit(h, tenant, account, phone, now)) {
            throw LrError.SMS_LIMIT.error();
        }
    }

    private boolean overLimit(Handle h, Tenant tenant, Account account, String phone, long now) {
        return sender.sentWithinHour(h, tenant, Purpose.MFA_SMS_CODE, phone, null, now) >= tenant.smsCodesPerPhonePerHour()
                || sender.sentWithinHour(h, tenant, Purpose.MFA_SMS_CODE, null, account.uid(), now) >= tenant.smsCodesPerAccountPerHour();
    }

    /** A code for the attempt {@code boundTo}, texted to {@code phone}: the one it sets up ({@code newPhone}) or the verified one. */
    private Sent send(Handle h, Tenant tenant, Account account, String boundTo, String phone, boolean newPhone, CodeRequest request, long now) {
        String code = SentCodes.newCode();
        long lifetime = tenant.codeLifetimeMillis();
        codes.keep(h, account.uid(), boundTo, newPhone, newPhone ? c.secrets().encrypt(phone) : null, code, now, now + lifetime);
        String sid = sender.send(h, tenant, account, Purpose.MFA_SMS_CODE, Channel.SMS, request.smsTemplate(), phone, code,
                Math.max(1, lifetime / 60_000), now);
        return new Sent(sender.smsAccountSid(tenant), sid);
    }

    @Override
    public LrError wrongCode() {
        return LrError.OTP_INVALID;
    }

    /** Without the attempt no code of the verified phone matches (every one is sent for an attempt). */
    @Override
    public Verdict verify(Handle h, Tenant tenant, Account account, String code, Enrollment enrollment, Audit.Origin origin) {
        return verify(h, tenant, account, code, enrollment, null, origin);
    }

    /** A code sent for this {@code attempt} to the verified phone, or, when enrolling, to the phone this login is setting up. */
    @Override
    public Verdict verify(Handle h, Tenant tenant, Account account, String code, Enrollment enrollment, String attempt, Audit.Origin origin) {
        long now = c.clock().millis();
        if (isConfigured(h, account)) {
            return codes.spend(h, account.uid(), attempt, false, code, now) != null ? Verdict.RIGHT : Verdict.WRONG;
        }
        if (enrollment == null) {
            throw LrError.OTP_NOT_ENABLED.error();
        }
        SentCodes.Code used = codes.spend(h, account.uid(), enrollment.boundTo(), true, code, now);
        if (used == null) {
            return Verdict.WRONG;
        }
        added(h, tenant, account, used.target(), enrollment.change(), now);
        return Verdict.ENROLLED;
    }

    /** {@code PUT /account/2fa/verification/otp}: the phone this session set up is confirmed (added, or replacing the verified one). */
    @Override
    public Account enable(Tenant tenant, Account account, String code, Enrollment enrollment, FactorChange change) {
        long now = c.clock().millis();
        return c.jdbi().inTransaction(h -> {
            c.accounts().lockRow(h, account.uid());
            SentCodes.Code used = codes.spend(h, account.uid(), enrollment.boundTo(), true, code, now);
            if (used == null) {
                if (codes.outstanding(h, account.uid(), enrollment.boundTo(), true, now).isEmpty()) {
                    throw LrError.OTP_NOT_ENABLED.withDescription("No phone is being set up for this session: send a code with "
                            + "PUT /identity/v2/auth/account/2fa {\"phoneno2fa\": \"+...\"} first.");
                }
                throw LrError.OTP_INVALID.error();
            }
            added(h, tenant, account, used.target(), change, now);
            return c.accounts().byUid(h, tenant.id(), account.uid()).orElseThrow();
        });
    }

    private void added(Handle h, Tenant tenant, Account account, String sealedPhone, FactorChange change, long now) {
        boolean replaced = isConfigured(h, account);
        store.setPhone(h, account.uid(), sealedPhone, now);
        c.accounts().setMfaEnrolled(h, account.uid(), true);
        tell(h, tenant, account, "SmsAuthenticatorAdded", Audit.FACTOR_ADDED,
                replaced ? "The phone for sign-in codes was changed" : "A phone was set up for sign-in codes", change, now);
    }

    @Override
    public void reset(Tenant tenant, Account account, FactorChange change, FactorRemoval removal) {
        c.jdbi().useTransaction(h -> {
            c.accounts().lockRow(h, account.uid());
            codes.forget(h, account.uid());
            if (store.remove(h, account.uid()) == 0) {
                throw LrError.OTP_NOT_ENABLED.error();
            }
            removal.removed(h, account);
            tell(h, tenant, account, "SmsAuthenticatorRemoved", Audit.FACTOR_REMOVED, "The phone for sign-in codes was removed", change,
                    c.clock().millis());
        });
    }

    private void tell(Handle h, Tenant tenant, Account account, String event, String auditEvent, String notice, FactorChange change, long now) {
        c.announce(h, tenant, account, event, auditEvent, "sms code", notice, change, now);
    }

    /** The phone as an SMS API takes it; 1096 for anything else (1076 when missing is the caller's: it names the parameter). */
    static String normalize(String phone) {
        String p = phone == null ? "" : phone.replaceAll("[\\s().\\-]", "");
        if (!PHONE.matcher(p).matches()) {
            throw LrError.PHONE_INVALID.error();
        }
        return p;
    }

    /** {@code *******4567}: the last four digits. */
    static String mask(String phone) {
        return ProfileSchema.maskPhone(phone);
    }
}
