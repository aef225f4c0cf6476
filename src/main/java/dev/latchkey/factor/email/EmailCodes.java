package dev.latchkey.factor.email;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jdbi.v3.core.Handle;

/**
 * The email code factor: LoginRadius's "Email OTP" second factor (reference §2.2, §3.3). A six-digit code goes to one of
 * the account's own email addresses (never another), at step 1 to the primary one and on request to the one named
 * ({@code emailid}); it works only for that address and for the login or session it was sent for. Set up by a code
 * from the account, or during a login that may add a factor. Codes are {@link SentCodes}: CSPRNG, keyed hashes (the
 * address in the input), {@code TwoFactorAuthentication.CodeLifetimeSeconds}, spent by the statement that accepts them;
 * sends are limited per account per hour. Reset by its own path ({@code DELETE …/2fa/authenticator/otp/email}).
 */
public final class EmailCodes implements CodeFactor, EnabledByCode, ResetByFlag {
    private final FactorContext c;
    private final CodeSender sender;
    private final SentCodes codes;

    public EmailCodes(FactorContext context, CodeSender sender) {
        this.c = context;
        this.sender = sender;
        this.codes = new SentCodes(id(), context.secrets());
    }

    /**
     * What step 2 answers with: the address the code went to ({@code emailid}) and the code ({@code Otp}), as the one
     * string {@link #verify} takes.
     */
    public static String answer(String email, String otp) {
        return key(email) + "\n" + otp.strip();
    }

    private static String key(String email) {
        return email.strip().toLowerCase(Locale.ROOT);
    }

    @Override
    public String id() {
        return "email";
    }

    @Override
    public Set<String> webhookEvents() {
        return Set.of("EmailOtpAuthenticatorAdded", "EmailOtpAuthenticatorRemoved");
    }

    /** Reset by its own path, not by a body flag. */
    @Override
    public Set<String> resetFlags() {
        return Set.of();
    }

    /** {@code TwoFactorAuthentication.IsEmailOTPAuthenticator}: off unless turned on (like SMS, a restricted authenticator). */
    @Override
    public boolean offeredBy(Tenant tenant) {
        return tenant.offersFactor("IsEmailOTPAuthenticator", false);
    }

    @Override
    public ApiException notOffered() {
        return LrError.EMAIL_OTP_NOT_ENABLED.error();
    }

    /** Offered by the tenant, with an email provider. */
    public boolean canSend(Tenant tenant) {
        return offeredBy(tenant) && sender.canSend(tenant, Channel.EMAIL);
    }

    @Override
    public String configuredCondition() {
        return "EXISTS (SELECT 1 FROM email_factors WHERE uid = :uid)";
    }

    /**
     * {@code IsEmailOtpAuthenticatorVerified}, and, where a code could be asked for (set up, or being set up), the
     * account's addresses masked in {@code Email}.
     */
    @Override
    public void describe(Handle h, Tenant tenant, Account account, boolean configured, Enrollment enrollment, ObjectNode sfa) {
        sfa.put("IsEmailOtpAuthenticatorVerified", configured);
        if (offeredBy(tenant) && (configured || enrollment != null)) {
            List<String> emails = emails(account);
            if (!emails.isEmpty()) {
                ArrayNode masked = sfa.putArray("Email");
                emails.forEach(e -> masked.add(ProfileSchema.maskEmail(e)));
            }
        }
    }

    /** {@code CreatedDate}: when the email code was turned on (its codes go to the account's own addresses). */
    @Override
    public void describeState(Handle h, Account account, boolean configured, ObjectNode state) {
        state.put("CreatedDate", h.createQuery("SELECT created_at FROM email_factors WHERE uid = :uid").bind("uid", account.uid())
                .mapTo(Long.class).findOne().map(dev.latchkey.json.Json::iso).orElse(null));
    }

    /** It sends a code, counted against the account's limit. */
    @Override
    public boolean sendsWhenChallenged() {
        return true;
    }

    /** Step 1 or a step-up: a code to the primary address, unless a limit or a missing provider says no. */
    @Override
    public void challenged(Handle h, Tenant tenant, Account account, String attempt, CodeRequest request, ObjectNode sfa) {
        String primary = ProfileSchema.primaryEmail(account.profile());
        long now = c.clock().millis();
        if (primary == null || !canSend(tenant) || overLimit(h, tenant, account, now)) {
            return;
        }
        send(h, tenant, account, attempt, primary, false, request, now);
        sfa.putObject("EmailOTPStatus").put("Email", ProfileSchema.maskEmail(primary));
    }

    /**
     * {@code POST /login/2fa/otp/email} or {@code GET /account/2fa/otp/email}: a code to {@code email}, one of the
     * account's addresses, for {@code attempt}; {@code mayEnroll}: it may set the factor up (the account does not have it).
     * 1256 when the factor is neither set up nor may be, 990 for an address that is not the account's, 1122 at the limit.
     */
    public void send(Tenant tenant, Account account, String attempt, String email, boolean mayEnroll, CodeRequest request) {
        if (!sender.canSend(tenant, Channel.EMAIL)) {
            throw LrError.EMAIL_OTP_NOT_ENABLED.withDescription("This site has no email delivery configured, so no code can be sent.");
        }
        c.jdbi().useTransaction(h -> {
            c.accounts().lockRow(h, account.uid()); // one send at a time per account: the limit counts what was sent
            long now = c.clock().millis();
            boolean configured = isConfigured(h, account);
            if (!configured && !mayEnroll) {
                throw LrError.EMAIL_OTP_NOT_ENABLED.error();
            }
            String to = emails(account).stream().filter(e -> key(e).equals(key(email))).findFirst().orElseThrow(() ->
                    LrError.EMAIL_INVALID.withDescription("That is not one of this account's email addresses."));
            if (overLimit(h, tenant, account, now)) {
                throw LrError.EMAIL_LIMIT.error();
            }
            send(h, tenant, account, attempt, to, !configured, request, now);
        });
    }

    private boolean overLimit(Handle h, Tenant tenant, Account account, long now) {
        return sender.sentWithinHour(h, tenant, Purpose.MFA_EMAIL_CODE, null, account.uid(), now) >= tenant.emailCodesPerAccountPerHour();
    }

    private void send(Handle h, Tenant tenant, Account account, String attempt, String to, boolean enrolling, CodeRequest request, long now) {
        String code = SentCodes.newCode();
        long lifetime = tenant.codeLifetimeMillis();
        codes.keep(h, account.uid(), attempt, enrolling, null, answer(to, code), now, now + lifetime);
        sender.send(h, tenant, account, Purpose.MFA_EMAIL_CODE, Channel.EMAIL, request.emailTemplate(), to, code, Math.max(1, lifetime / 60_000), now);
    }

    /** The account's email addresses, primary first. */
    static List<String> emails(Account account) {
        List<String> out = new ArrayList<>();
        String primary = ProfileSchema.primaryEmail(account.profile());
        if (primary != null) {
            out.add(primary);
        }
        for (JsonNode e : account.profile().path("Email")) {
            String v = e.path("Value").asText(null);
            if (v != null && !out.contains(v)) {
                out.add(v);
            }
        }
        return out;
    }

    @Override
    public LrError wrongCode() {
        return LrError.OTP_INVALID;
    }

    @Override
    public Verdict verify(Handle h, Tenant tenant, Account account, String answer, Enrollment enrollment, Audit.Origin origin) {
        return verify(h, tenant, account, answer, enrollment, null, origin);
    }

    /** {@code answer} is {@link #answer}: a code sent to that address for this attempt (to set the factor up, when enrolling). */
    @Override
    public Verdict verify(Handle h, Tenant tenant, Account account, String answer, Enrollment enrollment, String attempt, Audit.Origin origin) {
        long now = c.clock().millis();
        if (isConfigured(h, account)) {
            return codes.spend(h, account.uid(), attempt, false, answer, now) != null ? Verdict.RIGHT : Verdict.WRONG;
        }
        if (enrollment == null) {
            throw LrError.EMAIL_OTP_NOT_ENABLED.error();
        }
        if (codes.spend(h, account.uid(), enrollment.boundTo(), true, answer, now) == null) {
            return Verdict.WRONG;
        }
        added(h, tenant, account, enrollment.change(), now);
        return Verdict.ENROLLED;
    }

    /** {@code PUT /account/2fa/verification/otp/email}: the code this session asked for turns the factor on. */
    @Override
    public Account enable(Tenant tenant, Account account, String answer, Enrollment enrollment, FactorChange change) {
        long now = c.clock().millis();
        return c.jdbi().inTransaction(h -> {
            c.accounts().lockRow(h, account.uid());
            if (isConfigured(h, account)) {
                throw LrError.EMAIL_OTP_NOT_ENABLED.withDescription("Codes by email are already set up for this account.");
            }
            if (codes.spend(h, account.uid(), enrollment.boundTo(), true, answer, now) == null) {
                if (codes.outstanding(h, account.uid(), enrollment.boundTo(), true, now).isEmpty()) {
                    throw LrError.EMAIL_OTP_NOT_ENABLED.withDescription("No code was sent to set up codes by email for this session: send "
                            + "one with GET /identity/v2/auth/account/2fa/otp/email?emailid=<one of the account's addresses> first.");
                }
                throw LrError.OTP_INVALID.error();
            }
            added(h, tenant, account, change, now);
            return c.accounts().byUid(h, tenant.id(), account.uid()).orElseThrow();
        });
    }

    private void added(Handle h, Tenant tenant, Account account, FactorChange change, long now) {
        h.createUpdate("DELETE FROM email_factors WHERE uid = :uid").bind("uid", account.uid()).execute();
        h.createUpdate("INSERT INTO email_factors (uid, created_at) VALUES (:uid, :now)").bind("uid", account.uid()).bind("now", now).execute();
        c.accounts().setMfaEnrolled(h, account.uid(), true);
        tell(h, tenant, account, "EmailOtpAuthenticatorAdded", Audit.FACTOR_ADDED, "Sign-in codes by email were set up", change, now);
    }

    @Override
    public void reset(Tenant tenant, Account account, FactorChange change, FactorRemoval removal) {
        c.jdbi().useTransaction(h -> {
            c.accounts().lockRow(h, account.uid());
            codes.forget(h, account.uid());
            if (h.createUpdate("DELETE FROM email_factors WHERE uid = :uid").bind("uid", account.uid()).execute() == 0) {
                throw LrError.EMAIL_OTP_NOT_ENABLED.error();
            }
            removal.removed(h, account);
            tell(h, tenant, account, "EmailOtpAuthenticatorRemoved", Audit.FACTOR_REMOVED, "Sign-in codes by email were turned off", change,
                    c.clock().millis());
        });
    }

    private void tell(Handle h, Tenant tenant, Account account, String event, String auditEvent, String notice, FactorChange change, long now) {
        c.announce(h, tenant, account, event, auditEvent, "email code", notice, change, now);
    }
}
