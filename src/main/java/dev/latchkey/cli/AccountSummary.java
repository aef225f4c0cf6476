package dev.latchkey.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** An account as an operator reads it on a terminal: one labelled line per fact, from the Management API's profile. */
final class AccountSummary {
    private static final int LABEL_WIDTH = 20;

    private AccountSummary() {}

    /** Uid, name, email addresses, username, phone, status, verification, dates; "-" for what the account has not. */
    static List<String> lines(JsonNode profile) {
        List<String> lines = new ArrayList<>();
        lines.add(line("Uid", text(profile, "Uid")));
        String name = (text(profile, "FirstName", "") + " " + text(profile, "LastName", "")).strip();
        if (!name.isEmpty()) {
            lines.add(line("Name", name));
        }
        List<String> emails = new ArrayList<>();
        for (JsonNode email : profile.path("Email")) {
            String type = text(email, "Type", "");
            emails.add(text(email, "Value") + (type.isEmpty() ? "" : " (" + type + ")"));
        }
        lines.add(line("Email", emails.isEmpty() ? "-" : emails.get(0)));
        emails.stream().skip(1).forEach(more -> lines.add(line("", more)));
        lines.add(line("Email verified", emails.isEmpty() ? "-" : yesNo(profile.path("EmailVerified").asBoolean())));
        lines.add(line("UserName", text(profile, "UserName")));
        String phone = text(profile, "PhoneId");
        lines.add(line("Phone", phone.equals("-") ? phone : phone + (profile.path("PhoneIdVerified").asBoolean() ? " (verified)" : " (not verified)")));
        lines.add(line("Status", status(profile)));
        lines.add(line("Created", text(profile, "CreatedDate")));
        int logins = profile.path("NoOfLogins").asInt();
        lines.add(line("Last login", profile.path("LastLoginDate").isTextual()
                ? profile.get("LastLoginDate").asText() + " (" + logins + (logins == 1 ? " login)" : " logins)") : "never"));
        return lines;
    }

    /** active, blocked (IsActive false), locked (too many wrong passwords or codes), or both. */
    private static String status(JsonNode profile) {
        boolean blocked = !profile.path("IsActive").asBoolean(true);
        boolean locked = profile.path("IsLoginLocked").asBoolean();
        if (blocked) {
            return locked ? "blocked (and locked after failed sign-ins)" : "blocked";
        }
        return locked ? "locked after failed sign-ins (until the lockout ends)" : "active";
    }

    /** {@code {"Data": [passkey]}} in a few words: how many, and when one was last used. */
    static String passkeys(JsonNode answer) {
        JsonNode all = answer.path("Data");
        if (all.isEmpty()) {
            return "none";
        }
        String lastUsed = null;
        for (JsonNode passkey : all) {
            String used = passkey.path("LastUsedAt").asText(null);
            if (used != null && (lastUsed == null || used.compareTo(lastUsed) > 0)) {
                lastUsed = used; // ISO-8601 in UTC: text order is time order
            }
        }
        return all.size() + (lastUsed == null ? ", never used" : ", last used " + lastUsed);
    }

    /** {@code {"Data": [device]}}: how many devices skip the second factor, and until when the last of them does. */
    static String devices(JsonNode answer) {
        JsonNode all = answer.path("Data");
        if (all.isEmpty()) {
            return "none";
        }
        String until = null;
        for (JsonNode device : all) {
            String expires = device.path("ExpiresAt").asText(null);
            if (expires != null && (until == null || expires.compareTo(until) > 0)) {
                until = expires;
            }
        }
        return all.size() + (until == null ? "" : ", until " + until);
    }

    static String line(String label, String value) {
        return String.format("%-" + LABEL_WIDTH + "s%s", label, value).stripTrailing();
    }

    private static String yesNo(boolean value) {
        return value ? "yes" : "no";
    }

    private static String text(JsonNode node, String field) {
        return text(node, field, "-");
    }

    private static String text(JsonNode node, String field, String absent) {
        JsonNode value = node.path(field);
        return value.isValueNode() && !value.isNull() && !value.asText().isBlank() ? value.asText() : absent;
    }
}
