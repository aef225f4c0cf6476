package dev.latchkey.message;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.latchkey.account.Account;
import dev.latchkey.account.ProfileSchema;
import dev.latchkey.json.Json;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a message template sees, defined once: the model risk messages are rendered with, and the sample every template
 * is rendered against when an operator saves it, so a template that renders when saved renders when sent. {@code App.Name};
 * {@code Profile.*} (the LoginRadius profile); {@code Email} (primary); {@code Login.*} (Time, IP, City, Country,
 * CountryCode, Location, Browser, Device, UserAgent, Signal, SignalLabel, Signals, Action, Blocked); in a one-click email
 * {@code OneClickSignIn.Url} and {@code OneClickSignIn.ExpiresInMinutes}; in a code SMS {@code Otp.Code} and
 * {@code Otp.ExpiresInMinutes}; in a security notice {@code Change.What}, {@code Change.Time}, {@code Change.IP}.
 */
public final class TemplateModel {
    /** Where a login came from and what risk-based authentication made of it, as messages show it. */
    public record Login(long time, String ip, String city, String country, String countryCode, String location, String browser,
                        String device, String userAgent, String signal, String signalLabel, List<String> signals, String action) {}

    private TemplateModel() {}

    /** The model of a message about {@code login} to the owner of {@code profile} (a rendered LoginRadius profile). */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> of(String appName, ObjectNode profile, String email, Login login) {
        Map<String, Object> l = new LinkedHashMap<>();
        l.put("Time", dev.latchkey.json.Json.iso(login.time()));
        l.put("IP", login.ip());
        l.put("City", login.city());
        l.put("Country", login.country());
        l.put("CountryCode", login.countryCode());
        l.put("Location", login.location());
        l.put("Browser", login.browser());
        l.put("Device", login.device());
        l.put("UserAgent", login.userAgent());
        l.put("Signal", login.signal());
        l.put("SignalLabel", login.signalLabel());
        l.put("Signals", login.signals());
        l.put("Action", login.action());
        l.put("Blocked", "Block".equals(login.action()));
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("App", Map.of("Name", appName));
        model.put("Profile", Json.MAPPER.convertValue(profile, Map.class));
        model.put("Email", email);
        model.put("Login", l);
        return model;
    }

    /** {@code model} with the one-click sign-in link of a risk challenge. */
    public static Map<String, Object> withOneClickSignIn(Map<String, Object> model, String url, long expiresInMinutes) {
        Map<String, Object> m = new LinkedHashMap<>(model);
        m.put("OneClickSignIn", Map.of("Url", url, "ExpiresInMinutes", expiresInMinutes));
        return m;
    }

    /** {@code model} with the SMS code of a risk challenge. */
    public static Map<String, Object> withOtp(Map<String, Object> model, String code, long expiresInMinutes) {
        Map<String, Object> m = new LinkedHashMap<>(model);
        m.put("Otp", Map.of("Code", code, "ExpiresInMinutes", expiresInMinutes));
        return m;
    }

    /** The model of a one-time code sent to the user (a second factor's SMS or email code), valid {@code expiresInMinutes}. */
    public static Map<String, Object> ofCode(String appName, ObjectNode profile, String email, String code, long expiresInMinutes) {
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("App", Map.of("Name", appName == null ? "" : appName));
        model.put("Profile", Json.MAPPER.convertValue(profile, Map.class));
        model.put("Email", email);
        return withOtp(model, code, expiresInMinutes);
    }

    /**
     * The model of an emailed link: under {@code key} ({@code ResetPassword}, {@code EmailVerification}) its {@code Url} and
     * how long it works ({@code ExpiresInMinutes}).
     */
    public static Map<String, Object> ofLink(String appName, ObjectNode profile, String email, String key, String url, long expiresInMinutes) {
        return ofLink(appName, profile, email, key, url, null, expiresInMinutes);
    }

    /** {@link #ofLink}, with the one-time code that does what the link does ({@code <key>.Otp}), when there is one. */
    public static Map<String, Object> ofLink(String appName, ObjectNode profile, String email, String key, String url, String code,
                                             long expiresInMinutes) {
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("App", Map.of("Name", appName == null ? "" : appName));
        model.put("Profile", Json.MAPPER.convertValue(profile, Map.class));
        model.put("Email", email);
        Map<String, Object> link = new LinkedHashMap<>();
        link.put("Url", url);
        link.put("ExpiresInMinutes", expiresInMinutes);
        if (code != null) {
            link.put("Otp", code);
        }
        model.put(key, link);
        return model;
    }

    /** The model of a notice that {@code what} changed on the account (a second factor, the password), at {@code time}, from {@code ip}. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> ofChange(String appName, ObjectNode profile, String email, String what, long time, String ip) {
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("App", Map.of("Name", appName));
        model.put("Profile", Json.MAPPER.convertValue(profile, Map.class));
        model.put("Email", email);
        Map<String, Object> change = new LinkedHashMap<>();
        change.put("What", what);
        change.put("Time", dev.latchkey.json.Json.iso(time));
        change.put("IP", ip);
        model.put("Change", change);
        return model;
    }

    /** Every part of the model, filled with plausible values: what a template is rendered against when it is saved. */
    static Map<String, Object> sample(long now) {
        ObjectNode stored = Json.object();
        stored.put("FirstName", "Ann").put("LastName", "Example").put("UserName", "ann").put("PhoneId", "+15555550100");
        stored.putArray("Email").addObject().put("Type", "Primary").put("Value", "ann@example.com");
        Account account = new Account("00000000-0000-0000-0000-000000000000", 0, stored, "sample", true, true, 3, now, now,
                0, 0, null, now, now, 0, false);
        Login login = new Login(now, "81.2.69.142", "London", "United Kingdom", "GB", "London, United Kingdom", "Chrome 131",
                "Windows 10", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/131.0.0.0", "IP", "IP address",
                List.of("City", "IP"), "MFA");
        Map<String, Object> model = of("Sample", ProfileSchema.render(account, now), "ann@example.com", login);
        Map<String, Object> all = new LinkedHashMap<>(withOtp(withOneClickSignIn(model,
                "https://id.example.com/hosted?vtype=oneclicksignin&vtoken=sample", 10), "123456", 10));
        all.put("ResetPassword", Map.<String, Object>of("Url", "https://id.example.com/hosted?vtype=reset&vtoken=sample", "ExpiresInMinutes", 60));
        all.put("EmailVerification", Map.<String, Object>of("Url", "https://id.example.com/hosted?vtype=emailverification&vtoken=sample",
                "ExpiresInMinutes", 4320));
        all.put("Change", ofChange("Sample", ProfileSchema.render(account, now), "ann@example.com", "A passkey was added", now,
                "81.2.69.142").get("Change"));
        return all;
    }
}
