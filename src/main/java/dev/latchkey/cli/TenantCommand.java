package dev.latchkey.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.latchkey.json.Json;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code latchkey tenant …}: the admin API from a terminal (tenants, risk rules, templates, deliveries). Prints the
 * answer as JSON.
 */
@Command(name = "tenant", mixinStandardHelpOptions = true, description = "Manage tenants through a running node's admin API.",
        subcommands = {TenantCommand.Create.class, TenantCommand.ListTenants.class, TenantCommand.Show.class, TenantCommand.Update.class,
                TenantCommand.Delete.class, TenantCommand.Rba.class, TenantTemplateCommand.class, TenantSecurityQuestionCommand.class, TenantCommand.RiskEvents.class,
                TenantCommand.Messages.class, TenantCommand.Deliveries.class, TenantCommand.Resend.class, AuditCommand.ForTenant.class,
                TenantTransferCommand.Export.class, TenantTransferCommand.Import.class})
final class TenantCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        return Main.usageError(spec);
    }

    /** The settings a command line can set; --json takes any other field of the admin API body. */
    static class Fields {
        @Option(names = "--name", description = "Tenant name.")
        String name;
        @Option(names = "--mfa", arity = "1", description = "TwoFactorAuthentication.IsEnabled (true|false).")
        Boolean mfa;
        @Option(names = "--mfa-required", arity = "1", description = "TwoFactorAuthentication.IsRequired (true|false).")
        Boolean mfaRequired;
        @Option(names = "--plan-name", description = "Plan.Name.")
        String planName;
        @Option(names = "--plan-expires-at", description = "Plan.ExpiresAt, ISO-8601 UTC (e.g. 2027-01-01T00:00:00Z).")
        String planExpiresAt;
        @Option(names = "--json", description = "A JSON body as the admin API takes it, merged under the flags above.")
        String json;

        ObjectNode body() {
            ObjectNode b = json == null ? Json.object() : (ObjectNode) Json.parse(json);
            if (name != null) {
                b.put("Name", name);
            }
            if (mfa != null) {
                b.with("TwoFactorAuthentication").put("IsEnabled", mfa);
            }
            if (mfaRequired != null) {
                b.with("TwoFactorAuthentication").put("IsRequired", mfaRequired);
            }
            if (planName != null) {
                b.with("Plan").put("Name", planName);
            }
            if (planExpiresAt != null) {
                b.with("Plan").put("ExpiresAt", planExpiresAt);
            }
            return b;
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a tenant; prints it with its ApiKey and ApiSecret.")
    static final class Create implements Callable<Integer> {
        @Mixin
        NodeConnection connection = new NodeConnection();
        @ArgGroup(exclusive = false)
        Fields fields = new Fields();

        @Override
        public Integer call() throws Exception {
            return connection.send("POST", "/admin/v1/tenants", fields.body());
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show a tenant.")
    static final class Show implements Callable<Integer> {
        @Mixin
        NodeConnection connection = new NodeConnection();
        @Parameters(index = "0", description = "The tenant's ApiKey.")
        String apiKey;

        @Override
        public Integer call() throws Exception {
            return connection.send("GET", connection.tenantPath(apiKey), null);
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the tenants: Name, ApiKey, CreatedDate, ModifiedDate (no secrets).")
    static final class ListTenants implements Callable<Integer> {
        @Mixin
        NodeConnection connection = new NodeConnection();

        @Override
        public Integer call() throws Exception {
            return connection.send("GET", "/admin/v1/tenants", null);
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = "Delete a tenant and everything it holds (accounts, tokens, factors, webhooks, templates, messages, risk events). No undo.")
    static final class Delete implements Callable<Integer> {
        @Mixin
        NodeConnection connection = new NodeConnection();
        @Parameters(index = "0", description = "The tenant's ApiKey.")
        String apiKey;

        @Override
        public Integer call() throws Exception {
            return connection.send("DELETE", connection.tenantPath(apiKey), Json.object());
        }
    }

    /** A tenant's outbox rows of one kind, newest 200, optionally by status (webhook deliveries, messages). */
    abstract static class OutboxListing implements Callable<Integer> {
        @Mixin
        NodeConnection connection = new NodeConnection();
        @Parameters(index = "0", description = "The tenant's ApiKey.")
        String apiKey;
        @Option(names = "--status", description = "pending, delivered or failed.")
        String status;

        abstract String what();

        @Override
        public Integer call() throws Exception {
            return connection.send("GET", connection.tenantPath(apiKey) + "/" + what() + (status == null ? "" : "?status=" + NodeConnection.segment(status)), null);
        }
    }

    @Command(name = "webhook-deliveries", mixinStandardHelpOptions = true, description = "List a tenant's webhook deliveries (newest 200).")
    static final class Deliveries extends OutboxListing {
        @Override
        String what() {
            return "webhook-deliveries";
        }
    }

    @Command(name = "webhook-resend", mixinStandardHelpOptions = true, description = "Send a delivered or failed webhook event again.")
    static final class Resend implements Callable<Integer> {
        @Mixin
        NodeConnection connection = new NodeConnection();
        @Parameters(index = "0", description = "The tenant's ApiKey.")
        String apiKey;
        @Parameters(index = "1", description = "The delivery Id.")
        String deliveryId;

        @Override
        public Integer call() throws Exception {
            return connection.send("POST", connection.tenantPath(apiKey) + "/webhook-deliveries/" + NodeConnection.segment(deliveryId) + "/resend", Json.object());
        }
    }

    @Command(name = "rba", mixinStandardHelpOptions = true,
            description = {"Set risk-based authentication rules: one signal's rule, the history window, admin emails.",
                    "Example: tenant rba KEY --signal Country --enabled true --action MFA --notify-admins true"})
    static final class Rba implements Callable<Integer> {
        @Mixin
        NodeConnection connection = new NodeConnection();
        @Parameters(index = "0", description = "The tenant's ApiKey.")
        String apiKey;
        @Option(names = "--signal", description = "Device, Browser, City, Country or IP: the rule the options below change.")
        String signal;
        @Option(names = "--enabled", arity = "1", description = "Whether the signal is evaluated (true|false).")
        Boolean enabled;
        @Option(names = "--action", description = "None (notify only), MFA (ask for a second factor) or Block.")
        String action;
        @Option(names = "--notify-user", arity = "1", description = "Tell the user (email, or SMS after a phone login) (true|false).")
        Boolean notifyUser;
        @Option(names = "--notify-admins", arity = "1", description = "Tell the admin emails (true|false).")
        Boolean notifyAdmins;
        @Option(names = "--email-template", description = "The signal's default email template.")
        String emailTemplate;
        @Option(names = "--sms-template", description = "The signal's default SMS template.")
        String smsTemplate;
        @Option(names = "--history-type", description = "Days or Logins: how the history window is counted.")
        String historyType;
        @Option(names = "--history-size", description = "The number of days or logins in the window.")
        Integer historySize;
        @Option(names = "--admin-email", description = "An admin email to notify (repeat for several; replaces the list).")
        java.util.List<String> adminEmails;

        @Override
        public Integer call() throws Exception {
            ObjectNode rba = Json.object();
            if (signal != null) {
                ObjectNode rule = rba.putObject(signal);
                if (enabled != null) {
                    rule.put("IsEnabled", enabled);
                }
                if (action != null) {
                    rule.put("Action", action);
                }
                if (notifyUser != null) {
                    rule.put("NotifyUser", notifyUser);
                }
                if (notifyAdmins != null) {
                    rule.put("NotifyAdmins", notifyAdmins);
                }
                if (emailTemplate != null) {
                    rule.put("EmailTemplate", emailTemplate);
                }
                if (smsTemplate != null) {
                    rule.put("SmsTemplate", smsTemplate);
                }
            }
            if (historyType != null) {
                rba.put("HistoryType", historyType);
            }
            if (historySize != null) {
                rba.put("HistorySize", historySize);
            }
            if (adminEmails != null) {
                adminEmails.forEach(rba.putArray("AdminEmails")::add);
            }
            ObjectNode body = Json.object();
            body.set("RiskBasedAuthentication", rba);
            return connection.send("PATCH", connection.tenantPath(apiKey), body);
        }
    }

    @Command(name = "risk-events", mixinStandardHelpOptions = true, description = "List a tenant's risky logins and what was done (newest 200).")
    static final class RiskEvents implements Callable<Integer> {
        @Mixin
        NodeConnection connection = new NodeConnection();
        @Parameters(index = "0", description = "The tenant's ApiKey.")
        String apiKey;
        @Option(names = "--uid", description = "Only this account's.")
        String uid;

        @Override
        public Integer call() throws Exception {
            return connection.send("GET", connection.tenantPath(apiKey) + "/risk-events" + (uid == null ? "" : "?uid=" + NodeConnection.segment(uid)), null);
        }
    }

    @Command(name = "messages", mixinStandardHelpOptions = true, description = "List a tenant's emails and SMS, without their content (newest 200).")
    static final class Messages extends OutboxListing {
        @Override
        String what() {
            return "messages";
        }
    }

    @Command(name = "update", mixinStandardHelpOptions = true, description = "Change some of a tenant's settings.")
    static final class Update implements Callable<Integer> {
        @Mixin
        NodeConnection connection = new NodeConnection();
        @ArgGroup(exclusive = false)
        Fields fields = new Fields();
        @Parameters(index = "0", description = "The tenant's ApiKey.")
        String apiKey;

        @Override
        public Integer call() throws Exception {
            return connection.send("PATCH", connection.tenantPath(apiKey), fields.body());
        }
    }
}
