package dev.latchkey.http;

import dev.latchkey.error.ApiException;
import dev.latchkey.error.LrError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.json.Json;
import org.junit.jupiter.api.Test;

class FieldsProjectionTest {
    private static final JsonNode PROFILE = Json.parse("""
            {"Uid":"u1","UserName":"ann","FirstName":"Ann",
             "Email":[{"Type":"Primary","Value":"a@x.io"},{"Type":"Secondary","Value":"b@x.io"}],
             "Addresses":[{"Address1":"1 Road","Address2":"Flat 2","City":"Leeds"}],
             "ProfileImageUrls":{"Small":"s.jpg","Large":"l.jpg"},
             "Identities":[{"Email":[{"Type":"Primary","Value":"c@x.io"}],"Provider":"google"}]}""");

    private static JsonNode project(String spec) {
        FieldsProjection p = FieldsProjection.parse(spec);
        return p == null ? PROFILE : p.apply(PROFILE);
    }

    @Test
    void listOfNamesCaseInsensitive() {
        assertThat(project("Email,username")).isEqualTo(Json.parse("""
                {"UserName":"ann","Email":[{"Type":"Primary","Value":"a@x.io"},{"Type":"Secondary","Value":"b@x.io"}]}"""));
    }

    @Test
    void starAndBlankSelectEverything() {
        assertThat(FieldsProjection.parse("*")).isNull();
        assertThat(FieldsProjection.parse("  ")).isNull();
        assertThat(FieldsProjection.parse(null)).isNull();
    }

    @Test
    void nestedWithParenthesesAndSlashes() {
        assertThat(project("Identities/Email/Value,Email/Value")).isEqualTo(Json.parse("""
                {"Email":[{"Value":"a@x.io"},{"Value":"b@x.io"}],"Identities":[{"Email":[{"Value":"c@x.io"}]}]}"""));
        assertThat(project("Identities(Email/Value,Addresses(Address1,Address2),ProfileImageUrls/Large),Addresses(Address1,Address2),ProfileImageUrls/Large"))
                .isEqualTo(Json.parse("""
                        {"Addresses":[{"Address1":"1 Road","Address2":"Flat 2"}],"ProfileImageUrls":{"Large":"l.jpg"},
                         "Identities":[{"Email":[{"Value":"c@x.io"}]}]}"""));
    }

    @Test
    void unknownNamesSelectNothing() {
        assertThat(project("Nope")).isEqualTo(Json.parse("{}"));
    }

    @Test
    void malformedSpecsAre908() {
        for (String bad : new String[] {"Email(Value", "Email()", ",", "Email//Value", "a)"}) {
            assertThatThrownBy(() -> FieldsProjection.parse(bad)).as(bad).isInstanceOfSatisfying(ApiException.class,
                    e -> assertThat(e.error).isEqualTo(LrError.PARAMETER_FORMAT));
        }
    }

    @Test
    void deepOrHugeSpecsAre908NotAStackOverflow() {
        for (String bad : new String[] {"a/".repeat(4000) + "b", "a(".repeat(4000) + "b" + ")".repeat(4000), "a/".repeat(17) + "b",
                "Email,".repeat(1000) + "Uid"}) {
            assertThatThrownBy(() -> FieldsProjection.parse(bad)).isInstanceOfSatisfying(ApiException.class,
                    e -> assertThat(e.error).isEqualTo(LrError.PARAMETER_FORMAT));
        }
        // Sixteen levels are plenty for the Profile (it has three) and still accepted.
        assertThat(FieldsProjection.parse("a/".repeat(16) + "b")).isNotNull();
    }
}
