package dev.latchkey.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.latchkey.json.Json;
import dev.latchkey.login.LoginOutcome;
import java.util.List;

/** Small shared answers of the LoginRadius API. */
public final class Responses {
    private Responses() {}

    public static ObjectNode posted() {
        return Json.object().put("IsPosted", true);
    }

    public static ObjectNode deleted() {
        return Json.object().put("IsDeleted", true);
    }

    /** LoginRadius's list shape, {@code {"Data": [...]}}, each item rendered by {@code view}. */
    public static <T> ObjectNode data(java.util.Collection<T> items, java.util.function.Function<? super T, ? extends JsonNode> view) {
        ObjectNode o = Json.object();
        com.fasterxml.jackson.databind.node.ArrayNode data = o.putArray("Data");
        items.forEach(item -> data.add(view.apply(item)));
        return o;
    }

    /** {@code {"access_token","refresh_token","expires_in"}}, the token endpoints' answer. */
    public static ObjectNode tokens(dev.latchkey.token.IssuedTokens issued) {
        return putTokens(Json.object(), issued);
    }

    private static ObjectNode putTokens(ObjectNode out, dev.latchkey.token.IssuedTokens issued) {
        out.put("access_token", issued.accessToken());
        out.put("refresh_token", issued.refreshToken());
        out.put("expires_in", Json.iso(issued.accessExpiresAt()));
        return out;
    }

    /** A re-authentication's proof: {@code {"SecondFactorValidationToken", "ExpireIn"}}. */
    public static ObjectNode stepUp(dev.latchkey.login.StepUp.Proof proof) {
        return Json.object().put("SecondFactorValidationToken", proof.token()).put("ExpireIn", Json.iso(proof.expiresAt()));
    }

    public static ObjectNode backupCodes(List<String> codes) {
        ObjectNode o = Json.object();
        codes.forEach(o.putArray("BackUpCodes")::add);
        return o;
    }

    /** Applies the request's {@code fields} to a bare Profile. */
    public static JsonNode profile(LrRequest req, JsonNode profile) {
        FieldsProjection p = req.fields();
        return p == null ? profile : p.apply(profile);
    }

    private static final String ZERO_GUID = "00000000-0000-0000-0000-000000000000";

    /**
     * A login step's outcome in LoginRadius's shape, with the request's {@code fields} applied to the Profile: logged in,
     * {@code {"Profile", "access_token", "refresh_token", "expires_in"}}; a second factor needed,
     * {@code {"SecondFactorAuthentication": {token, ExpireIn, the factors' flags}, "Profile": null, "access_token": <zero
     * GUID>, "expires_in": "0001-01-01T00:00:00"}}.
     */
    public static JsonNode login(LrRequest req, LoginOutcome outcome) {
        ObjectNode out = Json.object();
        if (outcome instanceof LoginOutcome.LoggedIn in) {
            FieldsProjection p = req.fields();
            out.set("Profile", p == null ? in.profile() : p.apply(in.profile()));
            putTokens(out, in.tokens());
            if (in.device() != null) { // Latchkey's remember-this-device extension: unknown to the SDKs, which ignore it
                out.put("device_token", in.device().token());
                out.put("device_token_expires_in", Json.iso(in.device().expiresAt()));
            }
        } else {
            LoginOutcome.SecondFactorRequired needed = (LoginOutcome.SecondFactorRequired) outcome;
            ObjectNode sfa = out.putObject("SecondFactorAuthentication");
            sfa.put("SecondFactorAuthenticationToken", needed.token());
            sfa.put("ExpireIn", Json.iso(needed.expiresAt()));
            sfa.setAll(needed.factors());
            out.putNull("Profile");
            out.put("access_token", ZERO_GUID);
            out.put("expires_in", "0001-01-01T00:00:00");
        }
        return out;
    }
}
