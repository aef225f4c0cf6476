package dev.latchkey.risk;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.tenant.Tenant;
import dev.latchkey.tenant.TenantSettings;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** A tenant's risk-based authentication settings ({@code RiskBasedAuthentication}), read from its settings document. */
public record RiskPolicy(Map<Signal, Rule> rules, boolean historyInDays, int historySize, List<String> adminEmails,
                         String adminEmailTemplate, String oneClickEmailTemplate, String otpSmsTemplate, String oneClickSignInUrl,
                         int maxMessagesPerHour) {

    /** What a login that is risky for one signal leads to, beyond the notifications. */
    public enum Action { NONE, MFA, BLOCK }

    /** One signal's rule. */
    public record Rule(boolean enabled, Action action, boolean notifyUser, boolean notifyAdmins, String emailTemplate, String smsTemplate) {}

    public static RiskPolicy of(Tenant tenant) {
        JsonNode defaults = TenantSettings.defaults().get("RiskBasedAuthentication");
        JsonNode stored = tenant.settings().get("RiskBasedAuthentication");
        JsonNode rba = stored == null || !stored.isObject() ? defaults : stored;
        Map<Signal, Rule> rules = new EnumMap<>(Signal.class);
        for (Signal s : Signal.values()) {
            JsonNode r = rba.path(s.settingsName);
            rules.put(s, new Rule(r.path("IsEnabled").asBoolean(false), Action.valueOf(r.path("Action").asText("None").toUpperCase(java.util.Locale.ROOT)),
                    r.path("NotifyUser").asBoolean(true), r.path("NotifyAdmins").asBoolean(false),
                    text(r, "EmailTemplate"), text(r, "SmsTemplate")));
        }
        List<String> admins = new ArrayList<>();
        rba.path("AdminEmails").forEach(a -> admins.add(a.asText()));
        return new RiskPolicy(rules, !"Logins".equals(rba.path("HistoryType").asText("Days")),
                rba.path("HistorySize").asInt(30), List.copyOf(admins), text(rba, "AdminEmailTemplate"),
                text(rba, "OneClickEmailTemplate"), text(rba, "OtpSmsTemplate"), text(rba, "OneClickSignInUrl"),
                rba.path("MaxMessagesPerHour").asInt(10));
    }

    private static String text(JsonNode n, String k) {
        JsonNode v = n.get(k);
        return v == null || !v.isTextual() ? null : v.asText();
    }

    /** Whether any signal is on: when none is, logins are neither assessed nor recorded. */
    public boolean enabled() {
        return rules.values().stream().anyMatch(Rule::enabled);
    }

    public Rule rule(Signal s) {
        return rules.get(s);
    }

    /** Whether some signal may ask for a second factor (then the one-click and OTP templates can be used). */
    public boolean mayChallenge() {
        return rules.values().stream().anyMatch(r -> r.enabled() && r.action() == Action.MFA);
    }
}
