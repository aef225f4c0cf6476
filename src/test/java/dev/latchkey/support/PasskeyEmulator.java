package dev.latchkey.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.webauthn4j.converter.AttestationObjectConverter;
import com.webauthn4j.converter.AuthenticatorDataConverter;
import com.webauthn4j.converter.CollectedClientDataConverter;
import com.webauthn4j.converter.util.ObjectConverter;
import com.webauthn4j.data.AttestationConveyancePreference;
import com.webauthn4j.data.AuthenticatorAttachment;
import com.webauthn4j.data.AuthenticatorAttestationResponse;
import com.webauthn4j.data.AuthenticatorSelectionCriteria;
import com.webauthn4j.data.PublicKeyCredential;
import com.webauthn4j.data.PublicKeyCredentialCreationOptions;
import com.webauthn4j.data.PublicKeyCredentialDescriptor;
import com.webauthn4j.data.PublicKeyCredentialParameters;
import com.webauthn4j.data.PublicKeyCredentialRpEntity;
import com.webauthn4j.data.PublicKeyCredentialType;
import com.webauthn4j.data.PublicKeyCredentialUserEntity;
import com.webauthn4j.data.ResidentKeyRequirement;
import com.webauthn4j.data.UserVerificationRequirement;
import com.webauthn4j.data.attestation.AttestationObject;
import com.webauthn4j.data.attestation.authenticator.AAGUID;
import com.webauthn4j.data.attestation.authenticator.AuthenticatorData;
import com.webauthn4j.data.attestation.authenticator.COSEKey;
import com.webauthn4j.data.attestation.statement.COSEAlgorithmIdentifier;
import com.webauthn4j.data.client.ClientDataType;
import com.webauthn4j.data.client.CollectedClientData;
import com.webauthn4j.data.client.Origin;
import com.webauthn4j.data.client.challenge.DefaultChallenge;
import com.webauthn4j.data.extension.authenticator.AuthenticationExtensionAuthenticatorOutput;
import com.webauthn4j.data.extension.authenticator.RegistrationExtensionAuthenticatorOutput;
import com.webauthn4j.data.extension.client.RegistrationExtensionClientOutput;
import com.webauthn4j.test.TestDataUtil;
import com.webauthn4j.test.authenticator.webauthn.NoneAttestationAuthenticator;
import com.webauthn4j.test.authenticator.webauthn.PublicKeyCredentialSource;
import com.webauthn4j.test.authenticator.webauthn.WebAuthnAuthenticatorAdaptor;
import com.webauthn4j.test.client.ClientPlatform;
import com.webauthn4j.test.client.RegistrationEmulationOption;
import dev.latchkey.json.Json;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * A user's platform authenticator (passkey provider) and browser, for tests.
 *
 * <p>Registration goes through webauthn4j-test's {@link ClientPlatform} and a {@link NoneAttestationAuthenticator}
 * (attestation "none", ES256, discoverable credential). Assertions are built here from webauthn4j's own data classes
 * and converters, signed with the key the webauthn4j-test authenticator created, because that authenticator can
 * neither tamper with the rpId hash or the counter nor be cloned (its credential store and counter are private).
 * It also always sets UV on registration, so without user verification the flag is cleared from the (unsigned,
 * attestation "none") authenticator data.
 *
 * <p>The counter starts at the value of the registration (1) and grows by one per assertion; a tampered counter
 * ({@code signCounterOverride}) is used as-is and leaves the real counter alone. With user verification on (the
 * default) every ceremony sets UP and UV; after {@link #withoutUserVerification()} only UP, whatever the options ask.
 * Like a browser, authentication refuses (IllegalStateException) when allowCredentials is non-empty and lacks the
 * credential, or when the options' rpId is not the one the credential was made for; registration refuses when
 * excludeCredentials names a credential this authenticator holds. The origin is not checked against the rpId.
 */
public final class PasskeyEmulator {
    private static final ObjectConverter CONVERTER = new ObjectConverter();
    private static final byte FLAG_UP = 0x01;
    private static final byte FLAG_UV = 0x04;

    private final String origin;
    private final NoneAttestationAuthenticator authenticator;
    private final ClientPlatform platform;
    private boolean userVerification = true;

    // The credential this authenticator holds (the last one registered, or the one cloned).
    private byte[] credentialId;
    private COSEKey privateKey;
    private byte[] userHandle;
    private String rpId;
    private long counter;

    public PasskeyEmulator(String origin) {
        this.origin = origin;
        // AAGUID all zero like most platform authenticators under attestation "none"; counter 0; capable of UV.
        this.authenticator = new NoneAttestationAuthenticator(AAGUID.ZERO, 0, true, CONVERTER);
        this.platform = new ClientPlatform(Origin.create(origin), new WebAuthnAuthenticatorAdaptor(authenticator, CONVERTER));
    }

    /** Later ceremonies set UP but not UV (a security key without PIN, or a user who skipped the biometric). */
    public synchronized PasskeyEmulator withoutUserVerification() {
        userVerification = false;
        return this;
    }

    /** navigator.credentials.create(): the {@code publicKey} creation options in, {"PasskeyCredential": {...}} out. */
    public synchronized ObjectNode register(JsonNode options) {
        JsonNode rp = options.path("rp");
        String rpIdentifier = text(rp, "id");
        if (rpIdentifier == null) {
            rpIdentifier = URI.create(origin).getHost();
        }
        JsonNode user = options.path("user");
        String userId = text(user, "id");
        if (userId == null || userId.isEmpty()) {
            throw new IllegalArgumentException("TypeError: user.id is missing from the creation options: " + options);
        }
        String challenge = text(options, "challenge");
        if (challenge == null) {
            throw new IllegalArgumentException("TypeError: challenge is missing from the creation options: " + options);
        }
        List<PublicKeyCredentialParameters> params = new ArrayList<>();
        List<PublicKeyCredentialParameters> es256 = new ArrayList<>();
        for (JsonNode p : options.path("pubKeyCredParams")) {
            PublicKeyCredentialParameters parameters = new PublicKeyCredentialParameters(
                    PublicKeyCredentialType.create(p.path("type").asText("public-key")),
                    COSEAlgorithmIdentifier.create(p.path("alg").asLong()));
            params.add(parameters);
            if (p.path("alg").asLong() == -7 && "public-key".equals(p.path("type").asText("public-key"))) {
                es256.add(parameters);
            }
        }
        if (params.isEmpty()) { // WebAuthn: an empty list means ES256 and RS256
            es256.add(new PublicKeyCredentialParameters(PublicKeyCredentialType.PUBLIC_KEY, COSEAlgorithmIdentifier.ES256));
        }
        List<PublicKeyCredentialDescriptor> exclude = new ArrayList<>();
        for (JsonNode d : options.path("excludeCredentials")) {
            exclude.add(new PublicKeyCredentialDescriptor(PublicKeyCredentialType.PUBLIC_KEY, decode(d.path("id").asText()), null));
        }
        JsonNode timeout = options.path("timeout");
        // A platform passkey provider: discoverable credential, UV as this emulator is set, whatever the RP prefers.
        AuthenticatorSelectionCriteria selection = new AuthenticatorSelectionCriteria(
                AuthenticatorAttachment.PLATFORM, true, ResidentKeyRequirement.REQUIRED,
                userVerification ? UserVerificationRequirement.REQUIRED : UserVerificationRequirement.DISCOURAGED);
        PublicKeyCredentialCreationOptions creationOptions = new PublicKeyCredentialCreationOptions(
                new PublicKeyCredentialRpEntity(rpIdentifier, rp.path("name").asText(rpIdentifier)),
                new PublicKeyCredentialUserEntity(decode(userId), user.path("name").asText(""), user.path("displayName").asText("")),
                new DefaultChallenge(decode(challenge)),
                es256.isEmpty() ? params : es256,
                timeout.isNumber() ? timeout.asLong() : null,
                exclude,
                selection,
                AttestationConveyancePreference.NONE,
                null);

        RegistrationEmulationOption emulation = new RegistrationEmulationOption();
        emulation.setCollectedClientDataOverrideEnabled(true);
        emulation.setCollectedClientData(clientData(ClientDataType.WEBAUTHN_CREATE, challenge, origin));
        PublicKeyCredential<AuthenticatorAttestationResponse, RegistrationExtensionClientOutput> created =
                platform.create(creationOptions, emulation);

        byte[] id = created.getRawId();
        PublicKeyCredentialSource source = authenticator.lookup(id);
        AttestationObjectConverter attestationObjectConverter = new AttestationObjectConverter(CONVERTER);
        byte[] attestationObjectBytes = created.getResponse().getAttestationObject();
        AttestationObject attestationObject = attestationObjectConverter.convert(attestationObjectBytes);
        if (!userVerification) {
            // The webauthn4j-test authenticator always sets UV on makeCredential. Attestation "none" signs nothing,
            // so clearing the flag in authData is all an authenticator that skipped UV would have done differently.
            AuthenticatorData<RegistrationExtensionAuthenticatorOutput> data = attestationObject.getAuthenticatorData();
            attestationObject = new AttestationObject(
                    new AuthenticatorData<>(data.getRpIdHash(), (byte) (data.getFlags() & ~FLAG_UV), data.getSignCount(),
                            data.getAttestedCredentialData(), data.getExtensions()),
                    attestationObject.getAttestationStatement());
            attestationObjectBytes = attestationObjectConverter.convertToBytes(attestationObject);
        }
        credentialId = id;
        privateKey = source.getPrivateKey();
        userHandle = source.getUserHandle();
        rpId = source.getRpId();
        counter = attestationObject.getAuthenticatorData().getSignCount();

        ObjectNode credential = credentialShell(id);
        ObjectNode response = (ObjectNode) credential.get("response");
        response.put("attestationObject", b64url(attestationObjectBytes));
        response.put("clientDataJSON", b64url(created.getResponse().getClientDataJSON()));
        response.putArray("transports").add("internal");
        credential.putObject("clientExtensionResults");
        ObjectNode out = Json.object();
        out.set("PasskeyCredential", credential);
        return out;
    }

    /** navigator.credentials.get(): the {@code publicKey} request options in, {"PasskeyCredential": {...}} out. */
    public ObjectNode authenticate(JsonNode options) {
        return authenticate(options, null, null, null, null);
    }

    /**
     * Same, tampered for negative tests (null = as a genuine client would do): another origin or challenge in
     * clientDataJSON, another rpId whose hash goes into authenticatorData, a fixed counter. Always validly signed.
     */
    public synchronized ObjectNode authenticate(
            JsonNode options, String originOverride, String rpIdOverride, String challengeOverride, Long signCounterOverride) {
        requireCredential();
        String requestedRpId = text(options, "rpId");
        if (requestedRpId != null && !requestedRpId.equals(rpId)) {
            throw new IllegalStateException("NotAllowedError: the credential is for rpId " + rpId + ", not " + requestedRpId);
        }
        JsonNode allow = options.path("allowCredentials");
        if (allow.isArray() && !allow.isEmpty()) {
            boolean listed = false;
            for (JsonNode d : allow) {
                listed |= Arrays.equals(decode(d.path("id").asText()), credentialId);
            }
            if (!listed) {
                throw new IllegalStateException("NotAllowedError: allowCredentials " + allow + " lacks " + credentialId());
            }
        }
        String challenge = challengeOverride != null ? challengeOverride : text(options, "challenge");
        if (challenge == null) {
            throw new IllegalArgumentException("TypeError: challenge is missing from the request options: " + options);
        }

        long signCount;
        if (signCounterOverride != null) {
            signCount = signCounterOverride;
        } else {
            signCount = ++counter;
        }
        byte flags = userVerification ? (byte) (FLAG_UP | FLAG_UV) : FLAG_UP;
        byte[] rpIdHash = sha256((rpIdOverride != null ? rpIdOverride : rpId).getBytes(StandardCharsets.UTF_8));
        byte[] authenticatorData = new AuthenticatorDataConverter(CONVERTER)
                .convert(new AuthenticatorData<AuthenticationExtensionAuthenticatorOutput>(rpIdHash, flags, signCount));
        byte[] clientDataJson = new CollectedClientDataConverter(CONVERTER).convertToBytes(
                clientData(ClientDataType.WEBAUTHN_GET, challenge, originOverride != null ? originOverride : origin));
        byte[] clientDataHash = sha256(clientDataJson);
        byte[] signedData = ByteBuffer.allocate(authenticatorData.length + clientDataHash.length)
                .put(authenticatorData).put(clientDataHash).array();
        byte[] signature = TestDataUtil.calculateSignature(privateKey, signedData);

        ObjectNode credential = credentialShell(credentialId);
        ObjectNode response = (ObjectNode) credential.get("response");
        response.put("authenticatorData", b64url(authenticatorData));
        response.put("clientDataJSON", b64url(clientDataJson));
        response.put("signature", b64url(signature));
        response.put("userHandle", b64url(userHandle));
        credential.putObject("clientExtensionResults");
        ObjectNode out = Json.object();
        out.set("PasskeyCredential", credential);
        return out;
    }

    /** base64url (no padding) of the credential this authenticator holds. */
    public synchronized String credentialId() {
        requireCredential();
        return b64url(credentialId);
    }

    /** The counter of the last genuine ceremony (registration or assertion). */
    public synchronized long signCount() {
        return counter;
    }

    /** A second authenticator holding the same credential (key, id, user handle) at the same counter. */
    public synchronized PasskeyEmulator cloneAuthenticator() {
        requireCredential();
        PasskeyEmulator clone = new PasskeyEmulator(origin);
        clone.userVerification = userVerification;
        clone.credentialId = credentialId.clone();
        clone.privateKey = privateKey;
        clone.userHandle = userHandle.clone();
        clone.rpId = rpId;
        clone.counter = counter;
        return clone;
    }

    /** A PublicKeyCredential's JSON as a browser serialises it, with an empty {@code response} to fill. */
    private static ObjectNode credentialShell(byte[] id) {
        ObjectNode credential = Json.object();
        credential.put("id", b64url(id));
        credential.put("rawId", b64url(id));
        credential.put("type", "public-key");
        credential.put("authenticatorAttachment", "platform");
        credential.putObject("response");
        return credential;
    }

    public static String b64url(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static byte[] decode(String b64url) {
        // Accept padding and the standard alphabet too, as browsers' JSON helpers do.
        String s = b64url.replace('+', '-').replace('/', '_');
        int pad = s.indexOf('=');
        return Base64.getUrlDecoder().decode(pad >= 0 ? s.substring(0, pad) : s);
    }

    private static CollectedClientData clientData(ClientDataType type, String challenge, String origin) {
        return new CollectedClientData(type, new DefaultChallenge(decode(challenge)), Origin.create(origin), false, null);
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isTextual() ? value.asText() : null;
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private void requireCredential() {
        if (credentialId == null) {
            throw new IllegalStateException("NotAllowedError: this authenticator holds no credential yet; register first");
        }
    }
}
