package dev.latchkey.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.latchkey.account.Account;
import dev.latchkey.account.AccountLinks;
import dev.latchkey.account.Accounts;
import dev.latchkey.account.ProfileSchema;
import dev.latchkey.audit.Audit;
import dev.latchkey.error.LrError;
import dev.latchkey.json.Json;
import dev.latchkey.login.LoginFlow;
import dev.latchkey.login.LoginOutcome;
import dev.latchkey.tenant.Tenant;
import java.time.Clock;

/**
 * Email verification (reference §13): the link of the verification email ({@code GET /identity/v2/auth/email?verificationtoken=})
 * and sending it again ({@code PUT /identity/v2/auth/register} with {@code {"email"}}).
 */
public final class EmailVerificationApi {
    private final TenantGate gate;
    private final Accounts accounts;
    private final LoginFlow flow;
    private final AccountMail mail;
    private final Clock clock;

    public EmailVerificationApi(TenantGate gate, Accounts accounts, LoginFlow flow, AccountMail mail, Clock clock) {
        this.gate = gate;
        this.accounts = accounts;
        this.flow = flow;
        this.mail = mail;
        this.clock = clock;
    }

    /**
     * {@code GET /identity/v2/auth/email?verificationtoken=}: the link's token, once (974 used, 975 expired, 1063 unknown):
     * {@code EmailVerified} becomes true and LoginRadius's {@code EmailVerification} event is sent. {@code {"IsPosted": true}},
     * with {@code Data} (the login response) where the tenant signs the user in after verification
     * ({@code EmailVerification.AutoLogin}).
     */
    public JsonNode verify(LrRequest req) {
        Tenant tenant = gate.tenant(req);
        req.fields();
        String token = req.requiredQuery("verificationtoken");
        return verified(req, tenant, mail.verifications().spend(tenant, token.strip(), clock.millis()));
    }

    /**
     * {@code PUT /identity/v2/auth/email} with {@code {"email", "otp"}}: the one-time code of the verification email sent
     * to that address, instead of its link; the same answer as {@link #verify}. A wrong, used or expired code is 1185 (5
     * wrong ones kill the address's codes; its links still work).
     */
    public JsonNode verifyByOtp(LrRequest req) {
        Tenant tenant = gate.tenant(req);
        req.fields();
        String email = req.requiredBodyString("email");
        String otp = req.requiredBodyString("otp");
        if (email.length() > 320) {
            throw LrError.PARAMETER_FORMAT.withDescription("The email is too long.");
        }
        return verified(req, tenant, mail.verifications().spendCode(tenant, email, otp, clock.millis()));
    }

    private JsonNode verified(LrRequest req, Tenant tenant, AccountLinks.Spent spent) {
        Account before = accounts.get(tenant, spent.uid());
        if (spent.emailType() == null && spent.email() != null && !Accounts.hasEmail(before, spent.email())) {
            // The address left the account since its link was sent (which ends its links; this covers a link spent meanwhile).
            throw LrError.VTOKEN_INVALID.error();
        }
        boolean wasVerified = spent.emailType() != null || before.emailVerified();
        Account account = spent.emailType() != null
                // an address the account asked to add: it joins the profile now (LoginRadius's AddEmail)
                ? accounts.addEmail(tenant, spent.uid(), spent.email(), spent.emailType(), !req.preventWebhook(), req.origin(Audit.Actor.USER))
                : accounts.markEmailVerified(tenant, spent.uid(), !req.preventWebhook(), req.origin(Audit.Actor.USER));
        if (!wasVerified && account.emailVerified() && tenant.welcomeEmail()) {
            mail.jdbi().useTransaction(h -> mail.sendWelcome(h, tenant, account, req.query("welcomeemailtemplate"), clock.millis()));
        }
        ObjectNode out = Json.object().put("IsPosted", true);
        if (tenant.loginAfterEmailVerification()) {
            LoginOutcome login = flow.afterRegistration(tenant, account, req.loginContext(), false); // the mailbox, not the password
            if (login != null) {
                out.set("Data", Responses.login(req, login));
            }
        }
        return out;
    }

    /**
     * {@code PUT /identity/v2/auth/register?verificationurl=&emailtemplate=} with {@code {"email"}}: a new link to that
     * address when it is an account's unverified one; {@code {"IsPosted": true}} in every case (nothing tells whether it
     * exists). 1034 where the tenant's verification is Disabled.
     */
    public JsonNode resend(LrRequest req) {
        Tenant tenant = gate.tenant(req);
        String email = req.requiredBodyString("email");
        if (email.length() > 320) {
            throw LrError.PARAMETER_FORMAT.withDescription("The email is too long.");
        }
        if ("Disabled".equals(tenant.emailVerificationFlow())) {
            throw LrError.EMAIL_VERIFICATION_DISABLED.error();
        }
        String base = mail.allowedUrl(tenant, req.query("verificationurl"), "verificationurl");
        String template = req.query("emailtemplate");
        long now = clock.millis();
        mail.jdbi().useTransaction(h -> {
            Account account = mail.store().byLoginIdentifier(h, tenant.id(), "email", email).orElse(null);
            if (account != null && !account.emailVerified() && account.active()) {
                mail.sendVerification(h, tenant, account, ProfileSchema.primaryEmail(account.profile()), base, template, now);
            }
        });
        return Responses.posted();
    }
}
