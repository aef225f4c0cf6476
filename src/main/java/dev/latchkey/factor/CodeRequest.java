package dev.latchkey.factor;

/**
 * What a request says about the codes it may cause to be sent: the SMS template ({@code smstemplate2fa}) and the email
 * template ({@code emailtemplate2fa}) it names, null for Latchkey's own.
 */
public record CodeRequest(String smsTemplate, String emailTemplate) {
    public static final CodeRequest DEFAULT = new CodeRequest(null, null);
}
