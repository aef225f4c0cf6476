package dev.latchkey.risk;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.latchkey.json.Json;
import dev.latchkey.login.LoginRisk;
import java.util.ArrayList;
import java.util.List;

/**
 * What risk-based authentication made of one login: where it came from, the signals that fired (in LoginRadius's
 * order), and the action they call for: the strongest of their rules' actions (Block over MFA over none), so that a
 * signal later in the order is not bypassed by an earlier one. {@code deciding} is the first fired signal whose rule
 * asks for that action (its code answers a plain login that needs a second factor).
 */
public record RiskAssessment(RiskPolicy policy, LoginOrigin origin, List<Signal> fired, RiskPolicy.Action action, Signal deciding,
                             KnownOrigins known) implements LoginRisk.Assessment {

    @Override
    public LoginRisk.Verdict verdict() {
        return switch (action) {
            case NONE -> LoginRisk.Verdict.PASS;
            case MFA -> LoginRisk.Verdict.SECOND_FACTOR;
            case BLOCK -> LoginRisk.Verdict.BLOCK;
        };
    }

    @Override
    public dev.latchkey.error.ApiException secondFactorNeeded() {
        return deciding.error.error();
    }

    /** RBA is off for the tenant: nothing assessed, nothing recorded. */
    static final RiskAssessment OFF = new RiskAssessment(null, null, List.of(), RiskPolicy.Action.NONE, null, null);

    public boolean off() {
        return policy == null;
    }

    public boolean risky() {
        return !fired.isEmpty();
    }

    String signalNames() {
        return String.join(",", fired.stream().map(s -> s.settingsName).toList());
    }

    /** What a pending risk challenge keeps of the assessment: the signals and the origin it will record as known. */
    String toJson() {
        ObjectNode o = Json.object();
        fired.forEach(s -> o.withArray("Signals").add(s.settingsName));
        o.set("Origin", origin.toJson());
        return Json.write(o);
    }

    static LoginOrigin originOf(String challengeJson) {
        return LoginOrigin.fromJson(Json.parse(challengeJson).path("Origin"));
    }

    static List<Signal> signalsOf(String challengeJson) {
        List<Signal> out = new ArrayList<>();
        for (JsonNode s : Json.parse(challengeJson).path("Signals")) {
            out.add(Signal.named(s.asText()));
        }
        return out;
    }
}
