package dev.latchkey.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.latchkey.audit.Audit;
import dev.latchkey.json.Json;
import dev.latchkey.message.Messages;
import dev.latchkey.outbox.OutboxRows;
import dev.latchkey.risk.RiskEvents;
import dev.latchkey.tenant.Tenant;
import dev.latchkey.webhook.WebhookOutbox;

/** How the operators' API shows the records the stores return (each list wrapped by {@link Responses#data}). */
final class OperatorViews {
    private OperatorViews() {}

    /** A tenant in the operators' list: {@code {Name, ApiKey, CreatedDate, ModifiedDate}}, no secrets. */
    static ObjectNode tenant(Tenant t) {
        return Json.object().put("Name", t.name()).put("ApiKey", t.apiKey()).put("CreatedDate", Json.iso(t.createdAt()))
                .put("ModifiedDate", Json.iso(t.modifiedAt()));
    }

    /** {@code {Id, HookId, Event}} and the bookkeeping. */
    static ObjectNode delivery(WebhookOutbox.Delivery d) {
        return bookkeeping(Json.object().put("Id", d.id()).put("HookId", d.hookId()).put("Event", d.event()), d.bookkeeping());
    }

    /** {@code {Id, Uid, Channel, Purpose, Template, Recipient}} and the bookkeeping; never the content. */
    static ObjectNode message(Messages.Sent m) {
        return bookkeeping(Json.object().put("Id", m.id()).put("Uid", m.uid()).put("Channel", m.channel()).put("Purpose", m.purpose())
                .put("Template", m.template()).put("Recipient", m.recipient()), m.bookkeeping());
    }

    /** {@code Status, Attempts, NextAttemptAt (pending only), LastError, CreatedDate, DeliveredDate}. */
    private static ObjectNode bookkeeping(ObjectNode view, OutboxRows.Bookkeeping b) {
        view.put("Status", b.status());
        view.put("Attempts", b.attempts());
        view.put("NextAttemptAt", b.nextAttemptAt() == null ? null : Json.iso(b.nextAttemptAt()));
        view.put("LastError", b.lastError());
        view.put("CreatedDate", Json.iso(b.createdAt()));
        view.put("DeliveredDate", b.deliveredAt() == null ? null : Json.iso(b.deliveredAt()));
        return view;
    }

    static ObjectNode riskEvent(RiskEvents.Event e) {
        ObjectNode o = Json.object().put("Id", e.id()).put("Uid", e.uid()).put("CreatedDate", Json.iso(e.createdAt()));
        e.signals().forEach(o.putArray("Signals")::add);
        return o.put("Action", e.action()).put("IP", e.ip()).put("City", e.city()).put("Country", e.country()).put("Browser", e.browser())
                .put("Device", e.device());
    }

    static ObjectNode auditEntry(Audit.Entry e) {
        ObjectNode o = Json.object().put("Id", e.id());
        o.put("TenantId", e.tenantId());
        return o.put("ApiKey", e.apiKey()).put("CreatedDate", Json.iso(e.createdAt())).put("Event", e.event()).put("Outcome", e.outcome())
                .put("Actor", e.actor()).put("Uid", e.uid()).put("Identifier", e.identifier()).put("IP", e.ip()).put("UserAgent", e.userAgent())
                .put("ErrorCode", e.errorCode()).put("Details", e.details());
    }
}
