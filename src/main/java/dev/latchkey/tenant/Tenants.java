package dev.latchkey.tenant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.latchkey.crypto.Secrets;
import dev.latchkey.json.Json;
import java.time.Clock;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;

/** Tenant use cases for operators (admin API and CLI): create, read, patch, and the tenant's JSON view. */
public final class Tenants {
    private final TenantStore store;
    private final Secrets secrets;
    private final Clock clock;

    /**
     * Checks what a settings document refers to outside itself (template names) before it is stored; throws
     * {@link TenantSettings.InvalidField}. {@code tenantId} is null for a tenant being created.
     */
    @FunctionalInterface
    public interface ReferenceCheck {
        void check(Long tenantId, ObjectNode settings);
    }

    private final ReferenceCheck references;

    public Tenants(TenantStore store, Secrets secrets, Clock clock) {
        this(store, secrets, clock, (id, s) -> { });
    }

    public Tenants(TenantStore store, Secrets secrets, Clock clock, ReferenceCheck references) {
        this.store = store;
        this.secrets = secrets;
        this.clock = clock;
        this.references = references;
    }

    public String secretHash(String apiSecret) {
        return secrets.hash("apisecret:" + apiSecret.toLowerCase(java.util.Locale.ROOT));
    }

    /** Creates a tenant from an admin body; every field optional. Throws {@link TenantSettings.InvalidField}. */
    public Tenant create(JsonNode body) {
        ObjectNode settings = TenantSettings.defaults();
        String name = apply(settings, body, "Tenant");
        references.check(null, settings);
        String apiKey = Secrets.guid();
        String apiSecret = Secrets.guid();
        return store.insert(apiKey, secretHash(apiSecret), secrets.encrypt(apiSecret), name, settings, clock.millis());
    }

    public Optional<Tenant> get(String apiKey) {
        return Secrets.isGuid(apiKey) ? store.byApiKey(apiKey) : Optional.empty();
    }

    public Tenant patch(Tenant tenant, JsonNode body) {
        ObjectNode settings = tenant.settings().deepCopy();
        String name = apply(settings, body, tenant.name());
        references.check(tenant.id(), settings);
        long now = clock.millis();
        store.update(tenant, name, settings, now);
        return new Tenant(tenant.id(), tenant.apiKey(), tenant.apiSecretHash(), tenant.apiSecretSealed(), name, settings,
                tenant.createdAt(), now);
    }

    /** Validates the whole body before changing anything; returns the (possibly new) name. */
    private String apply(ObjectNode settings, JsonNode body, String name) {
        ObjectNode rest = Json.object();
        Iterator<Map.Entry<String, JsonNode>> it = body.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().equalsIgnoreCase("Name")) {
                JsonNode v = e.getValue();
                if (!v.isTextual() || v.asText().isBlank() || v.asText().length() > 200) {
                    throw new TenantSettings.InvalidField("Name", "'Name' must be a non-empty string of at most 200 characters.");
                }
                name = v.asText();
            } else {
                rest.set(e.getKey(), e.getValue());
            }
        }
        TenantSettings.merge(settings, rest, secrets::encrypt);
        return name;
    }

    /**
     * A tenant from an import: created with the ApiKey and ApiSecret it had (the applications keep their configuration),
     * or, when that ApiKey exists already (an import resumed or repeated), given the name and settings again.
     * {@code settings}: the stored form with its secrets in clear; validated like an admin's body and sealed here.
     * Throws {@link TenantSettings.InvalidField}.
     */
    public Tenant adopt(String apiKey, String apiSecret, String name, JsonNode settings) {
        if (!Secrets.isGuid(apiKey) || apiSecret == null || apiSecret.isBlank() || apiSecret.length() > 100) {
            throw new TenantSettings.InvalidField("ApiKey", "The export's ApiKey must be a GUID and its ApiSecret a non-empty string.");
        }
        ObjectNode body = settings == null ? Json.object() : settings.deepCopy();
        body.put("Name", name);
        ObjectNode merged = TenantSettings.defaults();
        String validName = apply(merged, body, "Tenant");
        Optional<Tenant> existing = get(apiKey);
        if (existing.isPresent()) {
            references.check(existing.get().id(), merged);
            store.update(existing.get(), validName, merged, clock.millis());
            return get(apiKey).orElseThrow();
        }
        references.check(null, merged);
        return store.insert(apiKey.toLowerCase(java.util.Locale.ROOT), secretHash(apiSecret), secrets.encrypt(apiSecret), validName, merged,
                clock.millis());
    }

    /** Deletes the tenant and all its data (see {@link TenantStore#delete}); false when it was already gone. */
    public boolean delete(Tenant tenant) {
        return store.delete(tenant);
    }

    /** Every tenant, oldest first. */
    public java.util.List<Tenant> list() {
        return store.list();
    }

    /** The tenant's API secret in clear, for operators (they configure SDKs with it). */
    public String apiSecret(Tenant t) {
        return secrets.decrypt(t.apiSecretSealed());
    }

    /** The tenant's settings, every section with its defaults filled in and its secrets masked, as operators read them. */
    public ObjectNode effectiveSettings(Tenant t) {
        ObjectNode o = Json.object();
        ObjectNode defaults = TenantSettings.defaults();
        defaults.fieldNames().forEachRemaining(section -> {
            JsonNode stored = t.settings().get(section);
            ObjectNode merged = ((ObjectNode) defaults.get(section)).deepCopy();
            if (stored instanceof ObjectNode s) {
                merged.setAll(s);
            }
            o.set(section, merged);
        });
        TenantSettings.maskSecrets(o);
        return o;
    }
}
