package dev.latchkey.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.latchkey.account.Account;
import dev.latchkey.account.AccountLinks;
import dev.latchkey.account.PhoneCodes;
import dev.latchkey.account.ProfileSchema;
import dev.latchkey.crypto.Secrets;
import dev.latchkey.error.LrError;
import dev.latchkey.json.Json;
import dev.latchkey.account.SignInPolls;
import dev.latchkey.message.MessageTemplates;
import dev.latchkey.message.Messages;
import dev.latchkey.message.SendLimits;
import dev.latchkey.tenant.Tenant;
import org.jdbi.v3.core.Handle;

/**
 * What the phone and passwordless flows send (reference §16, §17), and the checks every send passes first, in this order:
 * the input's form, a provider for the channel (1071 SMS; 1122 email), then the hourly limits (1123 SMS, 1122 email: per
 * client address, per phone or email address, per account), all before anything tells whether the address belongs to an
 * account. A send that finds no account (or one that may not sign in) answers the same, with a message id of the same
 * form, and sends nothing.
 */
public record SignInSends(AccountMail mail, PhoneCodes phoneCodes, AccountLinks passwordless, SignInPolls polls, SendLimits limits) {

    /** The account an identifier names ("email", "username", "phone"), compared as logins compare it, or null. */
    public Account account(Tenant tenant, String kind, String value) {
        return mail.jdbi().withHandle(h -> mail.store().byLoginIdentifier(h, tenant.id(), kind, value)).orElse(null);
    }

    /** The phone number of the request (1076 missing, 1096 not a phone number), as given. */
    public static String phone(String raw) {
        if (raw == null || raw.isBlank()) {
            throw LrError.PHONE_REQUIRED.error();
        }
        String phone = raw.strip();
        if (phone.length() > 32 || !ProfileSchema.validPhone(phone)) {
            throw LrError.PHONE_INVALID.error();
        }
        return phone;
    }

    /** The email address of the request (1038 missing or not an address). */
    public static String email(String raw) {
        if (raw == null || raw.isBlank() || !ProfileSchema.validEmail(raw.strip())) {
            throw LrError.EMAIL_REQUIRED.error();
        }
        return raw.strip();
    }

    /** Before an SMS: a provider (1071), then the limits of the client address and the number (1123). */
    public void beforeSms(Tenant tenant, LrRequest req, String phone, long now) {
        if (!mail.mail().canSend(tenant, MessageTemplates.Channel.SMS)) {
            throw LrError.SMS_NOT_CONFIGURED.error();
        }
        limits.count(tenant, now, LrError.SMS_LIMIT.error(), SendLimits.Key.address(req.clientIp()), SendLimits.Key.phone(phone));
    }

    /** Before an email: a provider (1122), then the limits of the client address and the address or username (1122). */
    public void beforeEmail(Tenant tenant, LrRequest req, String kind, String value, long now) {
        if (!mail.mail().canSend(tenant, MessageTemplates.Channel.EMAIL)) {
            throw LrError.EMAIL_LIMIT.withDescription("This site has no email delivery configured.");
        }
        SendLimits.Key key = kind.equals("email") ? SendLimits.Key.email(value)
                : new SendLimits.Key("PerEmailPerHour", "username:" + dev.latchkey.account.Identifiers.key("username", value));
        limits.count(tenant, now, LrError.EMAIL_LIMIT.error(), SendLimits.Key.address(req.clientIp()), key);
    }

    /** The account's own hourly limit (1123 or 1122), once it is known to exist, for its own signed-in user. */
    public void countAccount(Tenant tenant, String uid, LrError refusal, long now) {
        limits.count(tenant, now, refusal.error(), SendLimits.Key.account(uid));
    }

    /**
     * The account's own hourly limit where the caller may be anyone: whether to send. At the limit nothing is sent and the
     * answer stays the same, since a refusal would tell that the address belongs to an account (the address and client
     * limits, counted for everybody, answer 1122 or 1123).
     */
    public boolean accountMaySend(Tenant tenant, String uid, long now) {
        return limits.tryCount(tenant, now, SendLimits.Key.account(uid));
    }

    /**
     * An SMS code of {@code kind} to {@code phone} (for {@code account}, or null: a one-touch number of nobody yet), in the
     * caller's transaction: LoginRadius's {@code {"AccountSid", "Sid"}}.
     */
    public ObjectNode smsCode(Handle h, Tenant tenant, Account account, String kind, String phone, String name, String template, long now) {
        String code = phoneCodes.start(h, tenant, kind, account == null ? null : account.uid(), phone, name, now);
        String sid = mail.mail().send(h, tenant, account == null ? nobody(tenant, now) : account, Messages.Purpose.PHONE_CODE,
                MessageTemplates.Channel.SMS, template, phone, code, Math.max(1, tenant.phoneCodeMillis() / 60_000), now);
        return Json.object().put("AccountSid", mail.mail().smsAccountSid(tenant)).put("Sid", sid);
    }

    /** What {@link #smsCode} answers when nothing is sent: the same form. */
    public ObjectNode noSms(Tenant tenant) {
        return Json.object().put("AccountSid", mail.mail().smsAccountSid(tenant)).put("Sid", Secrets.guid());
    }

    /** A message about nobody yet: no profile text reaches it (the uid column stays empty). */
    static Account nobody(Tenant tenant, long now) {
        return new Account(null, tenant.id(), Json.object(), null, true, false, 0, null, null, 0, 0, null, now, now, 0, false);
    }
}
