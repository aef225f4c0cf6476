package dev.latchkey.http;

import dev.latchkey.message.MessageTemplates;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.latchkey.json.Json;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.audit.Audit;
import dev.latchkey.error.ApiException;
import dev.latchkey.message.MessageTemplates.Channel;
import dev.latchkey.tenant.Tenant;
import java.util.ArrayList;
import java.util.List;

/**
 * The operators' template endpoints (admin key): {@code /admin/v1/tenants/{apikey}/email-templates} and
 * {@code …/sms-templates}: list (the tenant's own, then the built-in ones), create or replace (POST with its Name, or
 * PUT at its name), read and delete by name. A bad template answers 400 with 1134 naming the field.
 */
public final class TemplateApi {
    private final AdminGate gate;
    private final MessageTemplates templates;
    private final Audit audit;
    private final java.time.Clock clock;

    public TemplateApi(AdminGate gate, MessageTemplates templates, Audit audit, java.time.Clock clock) {
        this.gate = gate;
        this.templates = templates;
        this.audit = audit;
        this.clock = clock;
    }

    private static Channel channel(LrRequest req) {
        return req.ctx().path().toLowerCase(java.util.Locale.ROOT).contains("/sms-templates") ? Channel.SMS : Channel.EMAIL;
    }

    public JsonNode list(LrRequest req) {
        Tenant t = gate.tenant(req);
        Channel c = channel(req);
        List<MessageTemplates.Template> all = new ArrayList<>(templates.list(t.id(), c));
        MessageTemplates.BUILT_IN.values().stream().filter(b -> b.channel() == c)
                .filter(b -> all.stream().noneMatch(own -> own.name().equalsIgnoreCase(b.name())))
                .sorted(java.util.Comparator.comparing(MessageTemplates.Template::name))
                .forEach(all::add);
        return Responses.data(all, TemplateApi::view);
    }

    public JsonNode create(LrRequest req) {
        Tenant t = gate.tenant(req);
        JsonNode body = req.body();
        return audited(req, t, saved(() -> templates.save(t.id(), channel(req), null, body)));
    }

    public JsonNode put(LrRequest req) {
        Tenant t = gate.tenant(req);
        JsonNode body = req.body();
        return audited(req, t, saved(() -> templates.save(t.id(), channel(req), req.pathParam("name"), body)));
    }

    public JsonNode get(LrRequest req) {
        Tenant t = gate.tenant(req);
        Channel c = channel(req);
        String name = req.pathParam("name");
        return view(templates.find(t.id(), c, name).orElseThrow(() ->
                AdminGate.notFound("There is no " + label(c) + " template named '" + name + "'.")));
    }

    public JsonNode delete(LrRequest req) {
        Tenant t = gate.tenant(req);
        Channel c = channel(req);
        req.body();
        if (!templates.delete(t.id(), c, req.pathParam("name"))) {
            throw AdminGate.notFound("This tenant has no " + label(c) + " template named '" + req.pathParam("name")
                    + "' of its own (built-in templates cannot be deleted).");
        }
        audit.record(t.id(), req.origin(Audit.Actor.ADMIN), Audit.Event.success(Audit.TEMPLATE_DELETED, null,
                label(c) + " template " + req.pathParam("name")), clock.millis());
        return Responses.deleted();
    }

    /**
     * {@code POST …/email-templates/{name}/preview} (and {@code …/sms-templates/…}): the template rendered with sample
     * values, the tenant's name as {@code App.Name}: the unsaved one of the body ({@code {"Subject", "Html", "Text"}} or
     * {@code {"Body"}}, checked as a save is), or with an empty body the saved one. Answers {@code {"Subject", "Html",
     * "Text"}} or {@code {"Body"}}; nothing is stored or sent. The HTML is the message's: a client shows it sandboxed.
     */
    public JsonNode preview(LrRequest req) {
        Tenant t = gate.tenant(req);
        Channel c = channel(req);
        JsonNode body = req.body();
        String name = req.pathParam("name");
        MessageTemplates.Rendered r = saved(() -> templates.preview(t.id(), c, name, t.name(), body)).orElseThrow(() ->
                AdminGate.notFound("There is no " + label(c) + " template named '" + name + "'."));
        ObjectNode o = Json.object();
        if (c == Channel.EMAIL) {
            o.put("Subject", r.subject());
            o.put("Html", r.html());
            o.put("Text", r.text());
        } else {
            o.put("Body", r.text());
        }
        return o;
    }

    private JsonNode audited(LrRequest req, Tenant t, MessageTemplates.Template saved) {
        audit.record(t.id(), req.origin(Audit.Actor.ADMIN), Audit.Event.success(Audit.TEMPLATE_SAVED, null,
                label(saved.channel()) + " template " + saved.name()), clock.millis());
        return view(saved);
    }

    private static String label(Channel c) {
        return c == Channel.SMS ? "SMS" : "email";
    }

    private static <T> T saved(java.util.function.Supplier<T> save) {
        try {
            return save.get();
        } catch (MessageTemplates.InvalidTemplate e) {
            throw ApiException.validation(e.field, e.getMessage()).withStatus(400);
        }
    }

    /** The operators' view of a template; built-in ones have no dates and say so. */
    static ObjectNode view(MessageTemplates.Template t) {
        ObjectNode o = Json.object();
        o.put("Name", t.name());
        if (t.channel() == Channel.EMAIL) {
            o.put("Subject", t.subject());
            o.put("Html", t.html());
            o.put("Text", t.body());
        } else {
            o.put("Body", t.body());
        }
        o.put("IsBuiltIn", t.createdAt() == null);
        o.put("CreatedDate", t.createdAt() == null ? null : dev.latchkey.json.Json.iso(t.createdAt()));
        o.put("ModifiedDate", t.modifiedAt() == null ? null : dev.latchkey.json.Json.iso(t.modifiedAt()));
        return o;
    }

}
