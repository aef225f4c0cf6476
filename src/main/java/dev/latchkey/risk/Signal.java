package dev.latchkey.risk;

import dev.latchkey.error.LrError;
import java.util.Locale;

/**
 * The risk signals, in the order LoginRadius evaluates them (reference §7): each is a property of the login that is
 * risky when it is new for the account. Each has its LoginRadius error code (answered when a plain login needs a second
 * factor because of it), its settings section and its pair of template parameters.
 */
public enum Signal {
    DEVICE("Device", "device", LrError.RISK_NEW_DEVICE),
    BROWSER("Browser", "browser", LrError.RISK_NEW_BROWSER),
    CITY("City", "city", LrError.RISK_NEW_CITY),
    COUNTRY("Country", "country", LrError.RISK_NEW_COUNTRY),
    IP("IP", "IP address", LrError.RISK_NEW_IP);

    /** The name in settings, risk events and templates ({@code Login.Signal}). */
    public final String settingsName;
    /** How a message names it: "a new {label}". */
    public final String label;
    public final LrError error;

    Signal(String settingsName, String label, LrError error) {
        this.settingsName = settingsName;
        this.label = label;
        this.error = error;
    }

    /** The request parameter naming the email template for this signal, e.g. {@code rbabrowseremailtemplate}. */
    public String emailTemplateParameter() {
        return "rba" + settingsName.toLowerCase(Locale.ROOT) + "emailtemplate";
    }

    /** The request parameter naming the SMS template for this signal, e.g. {@code rbabrowsersmstemplate}. */
    public String smsTemplateParameter() {
        return "rba" + settingsName.toLowerCase(Locale.ROOT) + "smstemplate";
    }

    public static Signal named(String settingsName) {
        for (Signal s : values()) {
            if (s.settingsName.equalsIgnoreCase(settingsName)) {
                return s;
            }
        }
        throw new IllegalArgumentException(settingsName);
    }
}
