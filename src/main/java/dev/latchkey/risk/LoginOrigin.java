package dev.latchkey.risk;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.latchkey.json.Json;

/**
 * Where a login came from: its address, what GeoIP says of it, and what its user agent says. {@link #value} is what
 * each signal compares with the account's history; null when unknown (no GeoIP database, no user agent), and an unknown
 * value never makes a login risky.
 */
public record LoginOrigin(String ip, String city, String countryCode, String countryName, String browser,
                          String browserDisplay, String device, String deviceDisplay, String userAgent) {

    public String value(Signal s) {
        return switch (s) {
            case DEVICE -> device;
            case BROWSER -> browser;
            // A city is known by its country too: "Milton" is in several.
            case CITY -> city == null || countryCode == null ? null : city + ", " + countryCode;
            case COUNTRY -> countryCode;
            case IP -> ip;
        };
    }

    /** "London, United Kingdom", "Sweden", or "an unknown place". */
    public String location() {
        if (countryName == null && countryCode == null) {
            return "an unknown place";
        }
        String country = countryName != null ? countryName : countryCode;
        return city == null ? country : city + ", " + country;
    }

    public ObjectNode toJson() {
        ObjectNode o = Json.object();
        o.put("IP", ip);
        o.put("City", city);
        o.put("CountryCode", countryCode);
        o.put("Country", countryName);
        o.put("Browser", browser);
        o.put("BrowserDisplay", browserDisplay);
        o.put("Device", device);
        o.put("DeviceDisplay", deviceDisplay);
        o.put("UserAgent", userAgent);
        return o;
    }

    public static LoginOrigin fromJson(JsonNode o) {
        return new LoginOrigin(text(o, "IP"), text(o, "City"), text(o, "CountryCode"), text(o, "Country"), text(o, "Browser"),
                text(o, "BrowserDisplay"), text(o, "Device"), text(o, "DeviceDisplay"), text(o, "UserAgent"));
    }

    private static String text(JsonNode o, String k) {
        JsonNode v = o.get(k);
        return v == null || v.isNull() ? null : v.asText();
    }
}
