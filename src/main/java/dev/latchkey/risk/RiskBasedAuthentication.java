package dev.latchkey.risk;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.account.Account;
import dev.latchkey.account.ProfileSchema;
import dev.latchkey.crypto.Secrets;
import dev.latchkey.error.LrError;
import dev.latchkey.login.LoginContext;
import dev.latchkey.login.LoginRisk;
import dev.latchkey.message.MessageTemplates;
import dev.latchkey.message.MessageTemplates.Channel;
import dev.latchkey.message.Messages;
import dev.latchkey.message.Messages.Purpose;
import dev.latchkey.message.TemplateModel;
import dev.latchkey.tenant.Tenant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Risk-based authentication (reference §7): notices where a login comes from, decides whether that is new for the
 * account within the tenant's history window, and acts on the tenant's rules: notify the user (email, or SMS after a
 * phone login) and the admins, require a second factor, or block. Every method runs inside the login's transaction,
 * so what it queues and records exists exactly when the login's outcome does; {@link dev.latchkey.login.LoginFlow}
 * decides when each is called.
 */
public final class RiskBasedAuthentication implements LoginRisk {
    private static final Logger LOG = LoggerFactory.getLogger(RiskBasedAuthentication.class);

    private final Secrets secrets;
    private final GeoIp geo;
    private final UserAgents agents;
    private final MessageTemplates templates;
    private final Messages messages;
    private final dev.latchkey.message.DeliverySettings delivery;
    private final RiskEvents events;
    private final Supplier<String> publicUrl;

    public RiskBasedAuthentication(Secrets secrets, GeoIp geo, UserAgents agents, MessageTemplates templates, Messages messages,
                                   dev.latchkey.message.DeliverySettings delivery, RiskEvents events, Supplier<String> publicUrl) {
        this.secrets = secrets;
        this.geo = geo;
        this.agents = agents;
        this.templates = templates;
        this.messages = messages;
        this.delivery = delivery;
        this.events = events;
        this.publicUrl = publicUrl;
    }

    /** The request's origin: its address, located, and its user agent, parsed. */
    public LoginOrigin origin(LoginContext ctx) {
        UserAgents.Agent a = agents.parse(ctx.userAgent());
        Optional<GeoIp.Location> at = geo.locate(ctx.ip());
        String ua = ctx.userAgent() == null ? null : ctx.userAgent().length() > 512 ? ctx.userAgent().substring(0, 512) : ctx.userAgent();
        return new LoginOrigin(ctx.ip(), at.map(GeoIp.Location::city).orElse(null), at.map(GeoIp.Location::countryCode).orElse(null),
                at.map(GeoIp.Location::countryName).orElse(null), a.browser(), a.browserDisplay(), a.device(), a.deviceDisplay(), ua);
    }

    /**
     * Assesses a login of {@code account} (locking its row until the transaction ends, so that concurrent logins record
     * their origins one after the other). {@link RiskAssessment#OFF} when no signal is enabled for the tenant. A template
     * parameter that names no template of the tenant is refused here (908), on every login, not only risky ones.
     */
    @Override
    public RiskAssessment assess(Handle h, Tenant t, Account account, LoginContext ctx, long now) {
        RiskPolicy p = RiskPolicy.of(t);
        if (!p.enabled()) {
            return RiskAssessment.OFF;
        }
        checkTemplateParameters(h, t, ctx);
        LoginOrigin o = origin(ctx);
        KnownOrigins known = readForUpdate(h, account.uid());
        List<Signal> fired = new ArrayList<>();
        if (!known.isEmpty()) {
            for (Signal s : Signal.values()) {
                String v = o.value(s);
                if (p.rule(s).enabled() && v != null && !known.known(s, v, p, now, account.noOfLogins())) {
                    fired.add(s);
                }
            }
        }
        RiskPolicy.Action action = RiskPolicy.Action.NONE;
        Signal deciding = null;
        for (Signal s : fired) {
            RiskPolicy.Action a = p.rule(s).action();
            if (a.ordinal() > action.ordinal()) {
                action = a;
                deciding = s;
            }
        }
        return new RiskAssessment(p, o, List.copyOf(fired), action, deciding, known);
    }

    private static KnownOrigins readForUpdate(Handle h, String uid) {
        return KnownOrigins.parse(h.createQuery("SELECT login_origins FROM accounts WHERE uid = :uid FOR UPDATE")
                .bind("uid", uid).mapTo(String.class).findOne().orElse(null));
    }

    private static void write(Handle h, String uid, KnownOrigins known) {
        h.createUpdate("UPDATE accounts SET login_origins = :doc WHERE uid = :uid").bind("doc", known.json()).bind("uid", uid).execute();
    }

    private void checkTemplateParameters(Handle h, Tenant t, LoginContext ctx) {
        if (ctx.rbaTemplates().isEmpty()) {
            return;
        }
        Set<String> names = templates.names(h, t.id());
        ctx.rbaTemplates().forEach((parameter, name) -> {
            Channel c = parameter.endsWith("smstemplate") ? Channel.SMS : Channel.EMAIL;
            if (!MessageTemplates.exists(names, c, name)) {
                throw LrError.PARAMETER_FORMAT.withDescription("The " + parameter + " parameter names no "
                        + (c == Channel.SMS ? "SMS" : "email") + " template of this site: '" + name + "'.");
            }
        });
    }

    /**
     * A login that completes (tokens issued): notifies the user and the admins of the signals that fired, records the
     * event, and records the origin as known. After a second factor this is all RBA does: it only notifies.
     */
    @Override
    public void completed(Handle h, Tenant t, Account a, Completion how, LoginContext ctx, String loginKind, long now, int loginNumber) {
        if (how instanceof Completion.Assessed assessed) {
            completed(h, t, a, (RiskAssessment) assessed.assessment(), ctx, loginKind, now, loginNumber);
        } else if (how instanceof Completion.ChallengePassed passed) {
            challengePassed(h, a, passed.riskJson(), ctx, now, loginNumber);
        } else {
            completed(h, t, a, assess(h, t, a, ctx, now), ctx, loginKind, now, loginNumber);
        }
    }

    private void completed(Handle h, Tenant t, Account a, RiskAssessment r, LoginContext ctx, String loginKind, long now, int loginNumber) {
        if (r.off()) {
            return;
        }
        if (r.risky()) {
            notifyUser(h, t, a, r, ctx, loginKind, now, "Notify");
            notifyAdmins(h, t, a, r, now, "Notify");
            events.record(h, t.id(), a.uid(), r, "Notify", now);
        }
        r.known().see(r.origin(), now, loginNumber);
        write(h, a.uid(), r.known());
    }

    /**
     * A login refused: blocked (the user and admins are told, per the rules), or a plain login that needs a second
     * factor (only recorded: the MFA login that follows sends the challenge). Nothing becomes known.
     */
    @Override
    public void refused(Handle h, Tenant t, Account a, Assessment assessment, LoginContext ctx, String loginKind, long now) {
        RiskAssessment r = (RiskAssessment) assessment;
        boolean block = r.action() == RiskPolicy.Action.BLOCK;
        if (block) {
            notifyUser(h, t, a, r, ctx, loginKind, now, "Block");
            notifyAdmins(h, t, a, r, now, "Block");
        }
        events.record(h, t.id(), a.uid(), r, block ? "Block" : "MFA", now);
    }

    /**
     * Asks for a second factor: a one-click sign-in link by email (when the account has an email address) and, after a
     * phone login, a six-digit code by SMS; both single-use, stored only as keyed hashes, living as long as the 2FA token.
     * The account's own factors work too ({@code hasOwnFactor}). Refused when no way to prove the login is left: 1071 (a
     * phone login without an SMS provider), 1122/1123 (the account's hourly message limit), else 1164.
     */
    @Override
    public Challenge challenge(Handle h, Tenant t, Account a, Assessment assessment, LoginContext ctx, String loginKind,
                               boolean hasOwnFactor, long now, long expiresAt) {
        RiskAssessment r = (RiskAssessment) assessment;
        RiskPolicy p = r.policy();
        String email = emailOf(a);
        String phone = "phone".equals(loginKind) ? phoneOf(a) : null;
        boolean limited = messages.sentToUserWithinHour(h, a.uid(), now) >= p.maxMessagesPerHour();
        boolean byEmail = email != null && !limited && delivery.canSend(t, Channel.EMAIL);
        boolean bySms = phone != null && !limited && delivery.canSend(t, Channel.SMS);
        if (!byEmail && !bySms && !hasOwnFactor) {
            if (limited) {
                throw (phone != null ? LrError.SMS_LIMIT : LrError.EMAIL_LIMIT).error();
            }
            if (phone != null && !delivery.canSend(t, Channel.SMS)) {
                throw LrError.SMS_NOT_CONFIGURED.error();
            }
            throw LrError.RISK_BLOCKED.error();
        }
        String token = Secrets.guid();
        long minutes = Math.max(1, (expiresAt - now + 59_999) / 60_000);
        String oneClickHash = null;
        String otpHash = null;
        String smsId = null;
        Map<String, Object> base = model(t, a, r, r.deciding(), "MFA", now); // the profile rendered once for both messages
        if (byEmail) {
            String vtoken = Secrets.guid();
            oneClickHash = oneClickHash(vtoken);
            String url = p.oneClickSignInUrl() != null ? p.oneClickSignInUrl() : publicUrl.get() + "/hosted?apikey=" + t.apiKey();
            Map<String, Object> model = TemplateModel.withOneClickSignIn(base,
                    url + (url.contains("?") ? "&" : "?") + "vtype=oneclicksignin&vtoken=" + vtoken, minutes);
            String name = first(ctx.rbaTemplates().get("rbaoneclickemailtemplate"), p.oneClickEmailTemplate(), MessageTemplates.ONE_CLICK_SIGN_IN);
            messages.enqueue(h, t, a.uid(), Purpose.ONE_CLICK_SIGN_IN, template(h, t, Channel.EMAIL, name, MessageTemplates.ONE_CLICK_SIGN_IN),
                    email, model, now);
        }
        if (bySms) {
            String otp = String.format(Locale.ROOT, "%06d", Secrets.RANDOM.nextInt(1_000_000));
            otpHash = otpHash(token, otp);
            Map<String, Object> model = TemplateModel.withOtp(base, otp, minutes);
            String name = first(ctx.rbaTemplates().get("rbaotpsmstemplate"), p.otpSmsTemplate(), MessageTemplates.SMS_OTP);
            smsId = messages.enqueue(h, t, a.uid(), Purpose.SMS_OTP, template(h, t, Channel.SMS, name, MessageTemplates.SMS_OTP), phone, model, now);
        }
        notifyAdmins(h, t, a, r, now, "MFA");
        events.record(h, t.id(), a.uid(), r, "MFA", now);
        return new Challenge(token, r.toJson(), otpHash, oneClickHash, byEmail ? maskEmail(email) : null, bySms ? maskPhone(phone) : null,
                smsId, bySms ? delivery.smsAccountSid(t) : null);
    }

    /**
     * A risk challenge passed. What that proves is where the answer came from: the request that clicked the link or gave
     * the code (or the account's own factor) is the user's, so its origin becomes known. The origin the challenge was
     * raised for is not learned: it may be an attacker who holds the password, whose next login must be challenged again.
     */
    private void challengePassed(Handle h, Account a, String riskJson, LoginContext ctx, long now, int loginNumber) {
        KnownOrigins known = readForUpdate(h, a.uid());
        known.see(origin(ctx), now, loginNumber);
        write(h, a.uid(), known);
    }

    public String otpHash(String token, String otp) {
        return secrets.hash("otp:" + token.toLowerCase(Locale.ROOT) + ":" + otp.trim());
    }

    @Override
    public String oneClickHash(String vtoken) {
        return secrets.hash("oneclick:" + vtoken.toLowerCase(Locale.ROOT));
    }

    private void notifyUser(Handle h, Tenant t, Account a, RiskAssessment r, LoginContext ctx, String loginKind, long now, String action) {
        Signal s = r.fired().stream().filter(x -> r.policy().rule(x).notifyUser()).findFirst().orElse(null);
        if (s == null) {
            return;
        }
        boolean phone = "phone".equals(loginKind);
        Channel channel = phone ? Channel.SMS : Channel.EMAIL;
        String to = phone ? phoneOf(a) : emailOf(a);
        if (to == null || !delivery.canSend(t, channel)) {
            LOG.info("risk notice for {} not sent: no {} {}", a.uid(), channel.key(), to == null ? "address" : "delivery configured");
            return;
        }
        if (messages.sentToUserWithinHour(h, a.uid(), now) >= r.policy().maxMessagesPerHour()) {
            LOG.info("risk notice for {} not sent: the account's hourly message limit is reached", a.uid());
            return;
        }
        RiskPolicy.Rule rule = r.policy().rule(s);
        String name = first(ctx.rbaTemplates().get(phone ? s.smsTemplateParameter() : s.emailTemplateParameter()),
                phone ? rule.smsTemplate() : rule.emailTemplate(), MessageTemplates.RISK_NOTICE);
        messages.enqueue(h, t, a.uid(), Purpose.RISK_NOTICE, template(h, t, channel, name, MessageTemplates.RISK_NOTICE), to,
                model(t, a, r, s, action, now), now);
    }

    private void notifyAdmins(Handle h, Tenant t, Account a, RiskAssessment r, long now, String action) {
        RiskPolicy p = r.policy();
        Signal s = r.fired().stream().filter(x -> p.rule(x).notifyAdmins()).findFirst().orElse(null);
        if (s == null || p.adminEmails().isEmpty() || !delivery.canSend(t, Channel.EMAIL)) {
            return;
        }
        String name = first(p.adminEmailTemplate(), MessageTemplates.RISK_ADMIN_NOTICE);
        MessageTemplates.Template tpl = template(h, t, Channel.EMAIL, name, MessageTemplates.RISK_ADMIN_NOTICE);
        Map<String, Object> model = model(t, a, r, s, action, now);
        for (String admin : p.adminEmails()) {
            messages.enqueue(h, t, a.uid(), Purpose.RISK_ADMIN_NOTICE, tpl, admin, model, now);
        }
    }

    /** The named template; a name the settings keep after its template was deleted falls back to the built-in one. */
    private MessageTemplates.Template template(Handle h, Tenant t, Channel c, String name, String builtIn) {
        return templates.find(h, t.id(), c, name).orElseGet(() -> {
            LOG.warn("tenant {}: {} template '{}' not found; using '{}'", t.apiKey(), c.key(), name, builtIn);
            return templates.find(h, t.id(), c, builtIn).orElseThrow();
        });
    }

    /** What a template sees ({@link TemplateModel}): this login, the signal {@code s} and the {@code action} taken. */
    private static Map<String, Object> model(Tenant t, Account a, RiskAssessment r, Signal s, String action, long now) {
        LoginOrigin o = r.origin();
        return TemplateModel.of(t.name(), ProfileSchema.render(a, now), emailOf(a), new TemplateModel.Login(now, o.ip(), o.city(),
                o.countryName(), o.countryCode(), o.location(), o.browserDisplay(), o.deviceDisplay(), o.userAgent(),
                s == null ? null : s.settingsName, s == null ? null : s.label, r.fired().stream().map(x -> x.settingsName).toList(),
                action));
    }

    /** The account's primary email (else its first), or null. */
    static String emailOf(Account a) {
        return ProfileSchema.primaryEmail(a.profile());
    }

    static String phoneOf(Account a) {
        JsonNode p = a.profile().get("PhoneId");
        return p == null || !p.isTextual() ? null : ProfileSchema.normalizePhone(p.asText());
    }

    /** {@code a***n@e***.com}: enough for the user to recognise, not enough to learn the address. */
    static String maskEmail(String email) {
        return ProfileSchema.maskEmail(email);
    }

    /** {@code *******4567}. */
    static String maskPhone(String phone) {
        return ProfileSchema.maskPhone(phone);
    }

    private static String first(String... names) {
        for (String n : names) {
            if (n != null) {
                return n;
            }
        }
        return null;
    }
}
