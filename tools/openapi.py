#!/usr/bin/env python3
"""Writes src/main/resources/openapi.json, the OpenAPI 3.1 description of every endpoint Latchkey serves (GET /openapi.json).

The JSON is the artifact (OpenApiTest checks it against the route table and validates real answers against it); this
script is how it is written: one entry per route below, in Routes.java's order, with the shared schemas, parameters and
credentials once. Edit here and run `python3 tools/openapi.py` (standard library only; the same input gives the same
file), or edit the JSON by hand and port the change here. The Profile's fields come from
src/main/resources/profile-schema.json and ProfileSchema.SERVER_MAINTAINED, so they follow the code by themselves.
"""
import json
import os
import re

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "src/main/resources/openapi.json")

AUTH = "/identity/v2/auth"
MNG = "/identity/v2/manage"


def ref(name):
    return {"$ref": "#/components/schemas/" + name}


def nullable(schema):
    """The schema, or null."""
    if "type" not in schema or "const" in schema or "enum" in schema:
        return {"anyOf": [schema, {"type": "null"}]}
    out = dict(schema)
    out["type"] = [schema["type"], "null"]
    return out


def obj(props, required=(), **extra):
    """An object with these properties (all of them required unless `required` says otherwise; open to more)."""
    out = {"type": "object", "properties": props}
    req = list(props) if required == () else list(required)
    if req:
        out["required"] = req
    out.update(extra)
    return out


STR = {"type": "string"}
BOOL = {"type": "boolean"}
INT = {"type": "integer"}
TRUE = {"const": True}
GUID = {"type": "string", "format": "uuid"}
DATE = {"type": "string", "format": "date-time", "description": "ISO-8601 UTC, e.g. 2026-01-01T00:00:00Z."}


def data(item):
    """LoginRadius's list wrapper {"Data": [...]}."""
    return obj({"Data": {"type": "array", "items": item}})


# ── Schemas ────────────────────────────────────────────────────────────────────────────────────────────────────────

def profile_schemas():
    with open(os.path.join(ROOT, "src/main/resources/profile-schema.json")) as f:
        types = json.load(f)
    with open(os.path.join(ROOT, "src/main/java/dev/latchkey/account/ProfileSchema.java")) as f:
        java = f.read()
    m = re.search(r"SERVER_MAINTAINED = Set\.of\((.*?)\);", java, re.S)
    if not m:
        raise SystemExit("ProfileSchema.SERVER_MAINTAINED not found")
    server = set(re.findall(r'"([A-Za-z]+)"', m.group(1)))
    special = {
        "Email": {"type": "array", "items": obj({"Type": STR, "Value": STR})},
        "PhoneNumbers": {"type": "array", "items": obj({"PhoneType": STR, "PhoneNumber": STR}, required=[])},
        "Country": obj({"Code": nullable(STR), "Name": nullable(STR)}, required=[]),
        "CustomFields": {"type": "object", "additionalProperties": nullable(STR)},
        "PreviousUids": {"type": "array", "items": STR},
        "Roles": {"type": "array", "items": STR},
        "PasskeyLogin": obj({"ProgressiveEnrollmentDate": nullable(DATE), "ProgressiveFlag": BOOL, "LocalEnrollmentFlag": BOOL}, required=[]),
        "Password": {"type": "string", "const": "********", "description": "Whether the account has a password; never the password."},
    }
    read, write = {}, {}
    for key, t in types.items():
        schema = special.get(key, {"type": t})
        # Booleans and integers always have a value (false, 0 by default); every other field is null until set.
        read[key] = schema if t in ("boolean", "integer") else nullable(schema)
        if key not in server:
            write[key] = nullable(schema) if t not in ("boolean", "integer") else schema
    for key in ("Uid", "ID"):
        read[key] = nullable(STR)
    read["LoginLockedType"] = {"enum": ["None", "BruteForce"]}
    for key in ("CreatedDate", "SignupDate", "ModifiedDate", "ProfileModifiedDate", "LastLoginDate", "LastPasswordChangeDate"):
        read[key] = nullable(DATE)
    read["Provider"] = {"const": "Email"}
    read["RegistrationProvider"] = {"const": "Email"}
    write["Password"] = {"type": "string", "description": "The new password (the tenant's Security.PasswordMinLength to 128 characters)."}
    write["Email"] = {"type": "array", "items": obj({"Type": STR, "Value": STR}, required=["Value"])}
    for key in ("IsActive", "EmailVerified", "PhoneIdVerified"):
        write[key] = {"type": "boolean", "description": "Management API only (the Auth API ignores it)."}
    write["Uid"] = {"type": "string", "description": "Management API create only: a uid of the application's choice (letters, digits, _ and -; 1 to 50)."}
    profile = {
        "type": "object",
        "description": "LoginRadius's Profile: every key of its sample response, with the types the official SDKs read. "
                       "`fields` narrows it to the keys it names.",
        "properties": read,
    }
    profile_write = {
        "type": "object",
        "description": "The Profile's writable fields; keys match case-insensitively, unknown and server-maintained keys are "
                       "ignored (as LoginRadius does), a value of the wrong type is 1134 naming the field.",
        "properties": write,
    }
    return profile, profile_write


# TenantSettings.SCHEMA, section by section: ("bool", default), ("int", min, max, default), ("str", maxLength),
# ("strs", maxItems), ("timestamp",), ("choice", default, values), ("secret", maxLength). The admin API's view must hold
# exactly these keys (OpenApiTest validates a real tenant against it, additional keys refused).
def risk_signal():
    return {"IsEnabled": ("bool", False), "Action": ("choice", "None", ["None", "MFA", "Block"]), "NotifyUser": ("bool", True),
            "NotifyAdmins": ("bool", False), "EmailTemplate": ("str", 200), "SmsTemplate": ("str", 200)}


TENANT_SETTINGS = {
    "TwoFactorAuthentication": {
        "IsEnabled": ("bool", False), "IsRequired": ("bool", False), "IsAuthenticator": ("bool", True),
        "IsSmsOTPAuthenticator": ("bool", False), "IsEmailOTPAuthenticator": ("bool", False),
        "IsSecurityQuestionAuthenticator": ("bool", False), "SecurityQuestionsToAnswer": ("int", 1, 10, 2),
        "CodeLifetimeSeconds": ("int", 60, 3600, 600), "SmsCodesPerPhonePerHour": ("int", 1, 1000, 5),
        "SmsCodesPerAccountPerHour": ("int", 1, 1000, 10), "EmailCodesPerAccountPerHour": ("int", 1, 1000, 10),
        "RememberDeviceDays": ("int", 0, 365, 0)},
    "PassKeysConfig": {
        "IsEnabled": ("bool", False), "RPID": ("str", 253), "RPDisplayName": ("str", 200), "RPOrigins": ("strs", 32),
        "UserVerification": ("choice", "preferred", ["required", "preferred", "discouraged"])},
    "Plan": {"Name": ("str", 100), "ExpiresAt": ("timestamp",)},
    "Security": {
        "MaxPasswordAttempts": ("int", 1, 1000, 5), "MaxSecondFactorAttemptsPerToken": ("int", 1, 100, 5),
        "MaxSecondFactorAttempts": ("int", 1, 1000, 10), "LockoutSeconds": ("int", 1, 31536000, 900),
        "MaxFailedLoginsPerAddress": ("int", 1, 1000000, 100), "AddressWindowSeconds": ("int", 10, 86400, 900),
        "SecondFactorProofMaxAgeSeconds": ("int", 60, 86400, 900), "PasswordMinLength": ("int", 6, 64, 12),
        "AllowedUrls": ("strs", 32), "PasswordResetTokenSeconds": ("int", 300, 259200, 3600),
        "ForgotPasswordRevealsUnknown": ("bool", False), "RefuseBreachedPasswords": ("bool", True),
        "HostedSignUp": ("bool", False), "AvailabilityChecks": ("bool", True),
        "DeleteAccountTokenSeconds": ("int", 300, 604800, 259200)},
    "Tokens": {
        "AccessTokenLifetimeSeconds": ("int", 60, 31536000, 3600), "RefreshTokenLifetimeSeconds": ("int", 60, 31536000, 5184000),
        "SecondFactorTokenLifetimeSeconds": ("int", 30, 86400, 600), "LogoutEndsRefreshToken": ("bool", False)},
    "EmailVerification": {
        "Flow": ("choice", "Optional", ["Optional", "Required", "Disabled"]), "TokenSeconds": ("int", 300, 604800, 259200),
        "AutoLogin": ("bool", False), "WelcomeEmail": ("bool", False)},
    "PhoneAuthentication": {"Login": ("bool", True), "CodeSeconds": ("int", 60, 3600, 600)},
    "Passwordless": {
        "EmailLink": ("bool", False), "SmsCode": ("bool", False), "SmartLogin": ("bool", False), "OneTouchLogin": ("bool", False),
        "LinkSeconds": ("int", 60, 259200, 600)},
    "SendLimits": {
        "PerPhonePerHour": ("int", 1, 1000, 5), "PerEmailPerHour": ("int", 1, 1000, 5), "PerAccountPerHour": ("int", 1, 1000, 10),
        "PerClientAddressPerHour": ("int", 1, 100000, 30)},
    "Identifiers": {"AllowMixedScripts": ("bool", False)},
    "Webhooks": {"UnsuppressibleEvents": ("strs", 64)},
    "RiskBasedAuthentication": {
        "HistoryType": ("choice", "Days", ["Days", "Logins"]), "HistorySize": ("int", 1, 1000, 30),
        "Device": risk_signal(), "Browser": risk_signal(), "City": risk_signal(), "Country": risk_signal(), "IP": risk_signal(),
        "AdminEmails": ("strs", 20), "AdminEmailTemplate": ("str", 200), "OneClickEmailTemplate": ("str", 200),
        "OtpSmsTemplate": ("str", 200), "OneClickSignInUrl": ("str", 2048), "MaxMessagesPerHour": ("int", 1, 1000, 10)},
    "Email": {
        "From": ("str", 320), "SmtpHost": ("str", 253), "SmtpPort": ("int", 1, 65535, 587),
        "Security": ("choice", "starttls", ["none", "starttls", "tls"]), "Username": ("str", 320), "Password": ("secret", 500)},
    "Sms": {
        "Provider": ("choice", "twilio", ["twilio"]), "BaseUrl": ("str", 2048), "AccountSid": ("str", 100),
        "AuthToken": ("secret", 500), "From": ("str", 32)},
}


def setting(spec, view):
    """One setting's schema: as the admin API shows it (`view`) or as a create or PATCH body takes it (null: the default)."""
    if isinstance(spec, dict):
        props = {k: setting(v, view) for k, v in spec.items()}
        if view:
            return {"type": "object", "properties": props, "required": list(props), "additionalProperties": False}
        return nullable({"type": "object", "properties": props, "additionalProperties": False})
    kind = spec[0]
    if kind == "bool":
        s = {"type": "boolean", "default": spec[1]}
    elif kind == "int":
        s = {"type": "integer", "minimum": spec[1], "maximum": spec[2], "default": spec[3]}
    elif kind == "str":
        s = nullable({"type": "string", "maxLength": spec[1]})
    elif kind == "strs":
        s = {"type": "array", "items": STR, "maxItems": spec[1], "default": []}
    elif kind == "timestamp":
        s = nullable(DATE)
    elif kind == "choice":
        s = {"enum": spec[2], "default": spec[1]}
    elif kind == "secret":
        if view:
            return nullable({"const": "********", "description": "Stored encrypted; shown masked. Sent back unchanged in a PATCH, it keeps the stored secret."})
        s = nullable({"type": "string", "maxLength": spec[1]})
    else:
        raise SystemExit("unknown setting kind " + kind)
    if view or kind in ("str", "timestamp", "secret"):
        return s
    return nullable(s)


def tenant_schemas():
    view_props = {"Name": STR, "ApiKey": GUID, "ApiSecret": GUID}
    view_props.update({k: setting(v, True) for k, v in TENANT_SETTINGS.items()})
    view_props.update({"CreatedDate": DATE, "ModifiedDate": DATE})
    tenant = obj(view_props, additionalProperties=False,
                 description="A tenant as the admin API shows it: its name, keys (operators configure SDKs with them), every "
                             "settings section with its effective values (defaults filled in, secrets masked) and its dates.")
    write_props = {"Name": {"type": "string", "description": "1 to 200 characters; \"Tenant\" when a create leaves it out."}}
    write_props.update({k: setting(v, False) for k, v in TENANT_SETTINGS.items()})
    tenant_write = {"type": "object", "properties": write_props, "additionalProperties": False,
                    "description": "Every field optional, keys case-insensitive. A PATCH changes only the fields it names; null "
                                   "resets a field to its default. An unknown or ill-typed field is 400 with 1134 naming it."}
    return tenant, tenant_write


def schemas():
    profile, profile_write = profile_schemas()
    tenant, tenant_write = tenant_schemas()
    security_question = obj({"QuestionId": STR, "Question": STR})
    sms_status = obj({"AccountSid": nullable(STR), "Sid": nullable(STR)},
                     description="What the SMS provider answered (Twilio's account and message ids); the same form when nothing was sent.")
    bookkeeping = {
        "Status": {"enum": ["pending", "delivered", "failed"]}, "Attempts": INT, "NextAttemptAt": nullable(DATE),
        "LastError": nullable(STR), "CreatedDate": DATE, "DeliveredDate": nullable(DATE)}
    s = {
        "LoginRadiusError": obj({
            "Description": STR, "ErrorCode": INT, "Message": STR, "IsProviderError": BOOL,
            "ProviderErrorResponse": {"type": ["string", "object", "null"]},
            "Errors": {"type": "array", "items": obj({"FieldName": STR, "ErrorMessage": STR}),
                       "description": "With 1134 (validation failed): the fields at fault."}},
            required=["Description", "ErrorCode", "Message", "IsProviderError", "ProviderErrorResponse"],
            description="Every error, whatever its HTTP status: LoginRadius's shape. ErrorCode says what happened (the "
                        "README's table; the catalog is LrError.java)."),
        "Profile": profile,
        "ProfileWrite": profile_write,
        "LoginResponse": obj({
            "Profile": ref("Profile"), "access_token": GUID, "refresh_token": GUID, "expires_in": DATE,
            "device_token": {"type": "string", "description": "Latchkey's remember-this-device extension: with remember_device=true on a login that passed a second factor."},
            "device_token_expires_in": DATE},
            required=["Profile", "access_token", "refresh_token", "expires_in"],
            description="Signed in: the Profile and a session's tokens (expires_in: when the access token expires)."),
        "MfaFlags": obj({
            "QRCode": nullable({"type": "string", "description": "The authenticator app's enrollment QR code (a PNG data URL) where it is not set up."}),
            "ManualEntryCode": nullable({"type": "string", "description": "The same secret in base32."}),
            "IsGoogleAuthenticatorVerified": BOOL, "IsAuthenticatorVerified": BOOL, "IsEmailOtpAuthenticatorVerified": BOOL,
            "IsOTPAuthenticatorVerified": BOOL, "OTPPhoneNo": nullable({"type": "string", "description": "The SMS factor's phone, masked."}),
            "OTPStatus": nullable(ref("SmsStatus")), "Email": nullable({"type": "array", "items": STR, "description": "Masked addresses."}),
            "EmailOTPStatus": nullable(obj({"Email": STR})), "IsSecurityQuestionAuthenticatorVerified": BOOL,
            "SecurityQuestions": nullable({"type": "array", "items": ref("SecurityQuestion")}), "IsPasskeyAuthenticatorVerified": BOOL},
            description="The second factors' flags (LoginRadius's names), with the enrollment data of the factors not set up."),
        "SecondFactorAuthentication": {"allOf": [ref("MfaFlags"), obj({"SecondFactorAuthenticationToken": GUID, "ExpireIn": DATE})],
                                       "description": "Step 1's answer when a second factor must follow: the token step 2 takes, and the factors."},
        "SecondFactorRequired": obj({
            "SecondFactorAuthentication": ref("SecondFactorAuthentication"), "Profile": {"type": "null"},
            "access_token": {"const": "00000000-0000-0000-0000-000000000000"}, "expires_in": {"const": "0001-01-01T00:00:00"}},
            description="A second factor is needed (LoginRadius's shape: no profile, a zero token)."),
        "LoginStep": {"anyOf": [ref("LoginResponse"), ref("SecondFactorRequired")],
                      "description": "Signed in, or a second factor must follow (the account's, or one risk-based authentication asks for)."},
        "TokenPair": obj({"access_token": GUID, "refresh_token": GUID, "expires_in": DATE}),
        "AccessTokenValidation": obj({"access_token": GUID, "refresh_token": {"type": "null", "description": "Refresh tokens are stored only as hashes."}, "expires_in": DATE}),
        "TokenInfo": obj({"provider": {"const": "Email"}, "access_token": GUID, "isrememberme": BOOL}),
        "Posted": obj({"IsPosted": TRUE}),
        "Deleted": obj({"IsDeleted": TRUE}),
        "Exists": obj({"IsExist": BOOL}),
        "SmsStatus": sms_status,
        "PostedSms": obj({"IsPosted": TRUE, "Data": ref("SmsStatus")}),
        "DataSms": obj({"Data": ref("SmsStatus")}),
        "PostedLogin": obj({"IsPosted": TRUE, "Data": ref("LoginResponse")}, required=["IsPosted"],
                           description="Data: the login response, where the user is signed in at once."),
        "PostedProfile": obj({"IsPosted": TRUE, "Data": ref("Profile")}),
        "LinkVerified": obj({"IsPosted": TRUE, "IsVerified": TRUE}),
        "DeleteRequestAccepted": obj({"IsDeleteRequestAccepted": TRUE}),
        "BackupCodes": obj({"BackUpCodes": {"type": "array", "items": STR, "minItems": 10, "maxItems": 10}}),
        "StepUpProof": obj({"SecondFactorValidationToken": GUID, "ExpireIn": DATE},
                           description="Proof of a re-authentication, for the application's server to check (POST /identity/v2/manage/account/{uid}/reauth/...)."),
        "Valid": obj({"IsValid": TRUE}),
        "PasswordHash": obj({"PasswordHash": nullable({"type": "string", "description": "Argon2id PHC string, peppered with the server key."})}),
        "Sott": obj({"Sott": STR, "ExpiryTime": DATE}),
        "ForgotToken": obj({"ForgotToken": GUID, "IdentityProviders": {"type": "array", "maxItems": 0}}),
        "VerificationToken": obj({"VerificationToken": GUID, "expires_in": DATE}),
        "SecurityQuestion": security_question,
        "SecurityQuestionAnswers": obj({"securityquestionanswer": {"type": "array", "minItems": 1, "maxItems": 10,
                                                                   "items": obj({"QuestionId": STR, "Answer": STR})}}),
        "Passkey": obj({"Id": STR, "Authenticator": {"const": "Passkey"}, "Identifier": STR, "CreatedAt": DATE,
                        "LastUsedAt": nullable(DATE), "IsPossiblyCloned": BOOL}),
        "PasskeyEnrolled": {"allOf": [ref("Posted"), ref("Passkey")]},
        "PasskeyCredentialBody": obj({"PasskeyCredential": {"type": "object", "description": "The browser's PublicKeyCredential as JSON: id, rawId, type, response (base64url)."}}),
        "LoginBeginCredential": obj({"LoginBeginCredential": obj({"publicKey": obj({
            "challenge": STR, "timeout": INT, "rpId": STR, "userVerification": STR,
            "allowCredentials": {"type": "array", "items": obj({"type": {"const": "public-key"}, "id": STR}, required=["type", "id"])}},
            required=["challenge", "rpId"])})}, description="WebAuthn PublicKeyCredentialRequestOptions (base64url)."),
        "RegisterBeginCredential": obj({"RegisterBeginCredential": obj({"publicKey": obj({
            "rp": obj({"name": STR, "id": STR}), "user": obj({"name": STR, "displayName": STR, "id": STR}), "challenge": STR,
            "pubKeyCredParams": {"type": "array", "items": obj({"type": {"const": "public-key"}, "alg": INT})},
            "timeout": INT, "authenticatorSelection": {"type": "object"}, "attestation": STR},
            required=["rp", "user", "challenge", "pubKeyCredParams"])})}, description="WebAuthn PublicKeyCredentialCreationOptions (base64url)."),
        "RememberedDevice": obj({"Id": STR, "CreatedAt": DATE, "ExpiresAt": DATE, "LastUsedAt": nullable(DATE), "IP": nullable(STR),
                                 "UserAgent": nullable(STR)}),
        "Webhook": obj({
            "Id": STR, "TargetUrl": STR, "Event": STR, "CreatedDate": DATE, "LastModifiedDate": DATE, "SecretName": {"type": "null"},
            "IsIntegrationWebhook": {"const": False}, "Name": nullable(STR),
            "Headers": nullable({"type": "object", "additionalProperties": STR}),
            "QueryParams": nullable({"type": "object", "additionalProperties": STR}),
            "Authentication": {"anyOf": [{"type": "null"},
                                         obj({"AuthType": {"const": "Basic"}, "BasicAuth": obj({"Username": STR, "Password": {"const": "********"}})}),
                                         obj({"AuthType": {"const": "Bearer"}, "BearerToken": obj({"Token": {"const": "********"}})})]},
            "IsSentByLatchkey": {"type": "boolean", "description": "Latchkey's extension: false for an event it never sends."}},
            description="LoginRadius's webhook model; the receiver's credentials masked."),
        "WebhookWrite": obj({
            "Event": {"type": "string", "description": "One of GET /v2/manage/webhook/events (case-insensitive)."},
            "TargetUrl": {"type": "string", "format": "uri", "description": "http(s); private and loopback addresses are refused unless the node allows them."},
            "Name": nullable(STR), "Headers": {"type": "object", "additionalProperties": STR},
            "QueryParams": {"type": "object", "additionalProperties": STR},
            "Authentication": nullable({"type": "object", "properties": {
                "AuthType": {"enum": ["Basic", "Bearer"]}, "BasicAuth": obj({"Username": STR, "Password": STR}),
                "BearerToken": obj({"Token": STR})}, "required": ["AuthType"]})},
            required=[], description="Create: Event and TargetUrl required. Update: the fields it names change."),
        "WebhookEvents": obj({"Data": {"type": "array", "items": STR}}),
        "WebhookDeleted": obj({"isdeleted": TRUE}, description="Lower case, as LoginRadius documents it."),
        "LegacyWebhookList": obj({"Count": INT, "data": {"type": "array", "items": obj({"TargetUrl": STR, "Event": STR, "IsSentByLatchkey": BOOL})}}),
        "LegacyWebhookBody": obj({"targeturl": STR, "event": STR}, required=[],
                                 description="Either in the body or as query parameters of the same names."),
        "Tenant": tenant,
        "TenantWrite": tenant_write,
        "TenantSummary": obj({"Name": STR, "ApiKey": GUID, "CreatedDate": DATE, "ModifiedDate": DATE}),
        "WebhookDelivery": obj(dict({"Id": STR, "HookId": STR, "Event": STR}, **bookkeeping)),
        "Message": obj(dict({"Id": STR, "Uid": nullable(STR), "Channel": STR, "Purpose": STR, "Template": nullable(STR),
                             "Recipient": STR}, **bookkeeping), description="An email or SMS sent or to be sent; never its content."),
        "RiskEvent": obj({"Id": STR, "Uid": nullable(STR), "CreatedDate": DATE, "Signals": {"type": "array", "items": STR}, "Action": STR,
                          "IP": nullable(STR), "City": nullable(STR), "Country": nullable(STR), "Browser": nullable(STR), "Device": nullable(STR)}),
        "AuditEntry": obj({"Id": STR, "TenantId": nullable(INT), "ApiKey": nullable(STR), "CreatedDate": DATE, "Event": STR,
                           "Outcome": STR, "Actor": STR, "Uid": nullable(STR), "Identifier": nullable(STR), "IP": nullable(STR),
                           "UserAgent": nullable(STR), "ErrorCode": nullable(INT), "Details": nullable(STR)}),
        "Metrics": {"type": "object", "additionalProperties": {"type": "number"},
                    "description": "This node's meters, name.tag values → value (webhook and message deliveries: delivered, retried, failed)."},
        "EmailTemplate": obj({"Name": STR, "Subject": nullable(STR), "Html": nullable(STR), "Text": nullable(STR), "IsBuiltIn": BOOL,
                              "CreatedDate": nullable(DATE), "ModifiedDate": nullable(DATE)}),
        "SmsTemplate": obj({"Name": STR, "Body": nullable(STR), "IsBuiltIn": BOOL, "CreatedDate": nullable(DATE), "ModifiedDate": nullable(DATE)}),
        "EmailTemplateWrite": obj({"Name": STR, "Subject": STR, "Html": STR, "Text": STR}, required=[], additionalProperties=False,
                                  description="Name required on POST (and equal to the path's on PUT)."),
        "SmsTemplateWrite": obj({"Name": STR, "Body": STR}, required=[], additionalProperties=False,
                                description="Name required on POST (and equal to the path's on PUT)."),
        "HostedApp": obj({"Name": STR, "PasskeysEnabled": BOOL, "SmsCodes": BOOL, "EmailCodes": BOOL, "VerificationEmail": BOOL,
                          "SignUp": BOOL, "PhoneSignUp": BOOL,
                          "Passwordless": obj({"EmailLink": BOOL, "SmsCode": BOOL, "SmartLogin": BOOL, "OneTouchLogin": BOOL})},
                         description="What the site offers and can send, for the hosted page."),
        "HostedLogin": obj({"BackupCodes": BOOL, "Passkeys": BOOL, "PasskeyEnrollment": BOOL, "RiskChallenge": BOOL, "MayEnroll": BOOL,
                            "SmsEnrollment": BOOL, "EmailEnrollment": BOOL, "SecurityQuestionEnrollment": BOOL,
                            "SecurityQuestionsToAnswer": INT, "Configured": {"type": "array", "items": STR}},
                           description="A pending login's choices, for the hosted page (its token checked, not consumed)."),
        "Ready": obj({"Status": {"const": "ready"}}),
        "ExportHeader": obj({
            "Format": {"const": "latchkey-tenant-export"}, "Version": {"const": 1}, "ExportedAt": DATE,
            "Passphrase": obj({"Kdf": {"const": "PBKDF2-HMAC-SHA256"}, "Iterations": INT, "Salt": STR}),
            "KeyId": STR, "Keys": {"type": "string", "description": "The node's hashing keys, sealed under the passphrase."},
            "Tenant": obj({"Name": STR, "ApiKey": GUID, "ApiSecret": {"type": "string", "description": "Sealed under the passphrase."},
                           "Settings": {"type": "object", "description": "The stored settings, their secrets sealed under the passphrase."},
                           "CreatedAt": {"type": "integer", "description": "Epoch milliseconds."}}),
            "Templates": {"type": "array", "items": {"type": "object"}}, "SecurityQuestions": {"type": "array", "items": {"type": "object"}},
            "Webhooks": {"type": "array", "items": {"type": "object"}, "description": "Their credentials sealed under the passphrase."},
            "Users": {"type": "integer", "description": "How many account lines follow."}},
            description="An export's first line: the tenant, its templates, security questions and webhooks."),
        "ExportUser": obj({
            "Uid": STR, "Profile": {"type": "object", "description": "The stored profile fields."}, "PasswordHash": nullable(STR),
            "IsActive": BOOL, "EmailVerified": BOOL, "NoOfLogins": INT, "LastLoginAt": nullable(INT), "PasswordChangedAt": nullable(INT),
            "CreatedAt": nullable(INT), "ModifiedAt": nullable(INT), "MfaEnrolled": BOOL,
            "Factors": {"type": "object", "description": "BackupCodes, Authenticator, Sms, Email, SecurityAnswers, Passkeys: hashes as "
                                                         "stored, secrets sealed under the passphrase."}},
            required=["Uid", "Profile", "PasswordHash", "IsActive", "EmailVerified", "NoOfLogins", "MfaEnrolled"],
            description="One account line of an export (times in epoch milliseconds)."),
        "ExportPage": obj({"Header": R("ExportHeader"), "Users": {"type": "array", "items": R("ExportUser")},
                           "Next": nullable({"type": "string", "description": "The uid to ask after; null on the last page."})},
                          required=["Users", "Next"], description="The first page (no after) has the Header."),
        "ImportBatch": obj({
            "Source": {"type": "object", "description": "The export's header (its KeyId and Passphrase) when the lines come from a "
                                                        "Latchkey export; absent for accounts from another system."},
            "Users": {"type": "array", "maxItems": 1000, "items": obj({"Line": INT, "User": {"type": "object"}})}},
            required=["Users"]),
        "ImportOutcome": obj({"Imported": INT, "Existing": INT, "Failed": {"type": "array", "items": obj({"Line": INT, "Uid": nullable(STR), "Description": STR})}}),
        "LoginRequest": {
            "type": "object",
            "properties": {
                "email": STR, "username": STR, "phone": STR, "password": STR,
                "device_token": {"type": "string", "description": "Latchkey's extension: a remembered device's token (or the X-Latchkey-Device-Token header)."},
                "securityanswer": {"type": "object", "additionalProperties": STR}, "g-recaptcha-response": STR},
            "required": ["password"],
            "anyOf": [{"required": ["email"]}, {"required": ["username"]}, {"required": ["phone"]}],
            "description": "One identifier and the password; keys case-insensitive."},
        "MfaReset": {"type": "object",
                     "properties": {"authenticator": BOOL, "googleauthenticator": BOOL, "otpauthenticator": BOOL},
                     "minProperties": 1, "maxProperties": 1,
                     "description": "The one factor to remove, set to true: authenticator (or googleauthenticator) for the "
                                    "authenticator app, otpauthenticator for codes by SMS (1121 for any other body)."},
        "OpenApi": obj({"openapi": {"const": "3.1.0"}, "info": {"type": "object"}, "paths": {"type": "object"}}),
    }
    return s


# ── Parameters ────────────────────────────────────────────────────────────────────────────────────────────────────

def q(name, description, required=False, schema=None):
    p = {"name": name, "in": "query", "description": description, "schema": schema or STR}
    if required:
        p["required"] = True
    return p


def h(name, description, schema=None):
    return {"name": name, "in": "header", "description": description, "schema": schema or STR}


RBA = ["rbaBrowserEmailTemplate", "rbaOneClickEmailTemplate", "rbaCityEmailTemplate", "rbaCountryEmailTemplate", "rbaIpEmailTemplate",
       "rbaDeviceEmailTemplate", "rbaOtpSmsTemplate", "rbaBrowserSmsTemplate", "rbaCitySmsTemplate", "rbaCountrySmsTemplate",
       "rbaIpSmsTemplate", "rbaDeviceSmsTemplate"]

PARAMETERS = {
    "fields": q("fields", "Projects the Profile of the answer: `a,b`, `*`, `a(b,c)`, `a/b`, case-insensitive (tokens stay). At most "
                          "4,096 characters and 16 levels (908 beyond)."),
    "prevent_webhook": q("prevent_webhook", "true: no webhook for what this call does (except the tenant's Webhooks.UnsuppressibleEvents "
                                            "on public calls). Anything but true/false is 908.", schema={"enum": ["true", "false"]}),
    "XPreventWebhook": h("X-PreventWebhook", "As prevent_webhook; the header wins when both are given.", {"enum": ["true", "false"]}),
    "secondfactorauthenticationtoken": q("secondfactorauthenticationtoken", "Step 1's SecondFactorAuthenticationToken (908 missing; 1103 "
                                                                            "unknown, used or dead; 1104 expired).", True, GUID),
    "uid": q("uid", "The account's Uid (938 when no account of the tenant has it).", True),
    "smstemplate2fa": q("smstemplate2fa", "The SMS template a second factor's code is sent with (the tenant's; Latchkey's built-in by default)."),
    "emailtemplate2fa": q("emailtemplate2fa", "The email template a second factor's code is sent with."),
    "isvoiceotp": q("isvoiceotp", "true asks for the code by phone call, which a Twilio-compatible Messages API cannot place: 1281.",
                    schema={"enum": ["true", "false"]}),
    "smstemplate": q("smstemplate", "The SMS template of the phone flow's code."),
    "emailtemplate": q("emailtemplate", "The email template to send with (the tenant's; Latchkey's built-in by default)."),
    "welcomeemailtemplate": q("welcomeemailtemplate", "The welcome email's template, where one is sent."),
    "verificationurl": q("verificationurl", "Where the emailed link points (`?vtype=…&vtoken=…` is appended): one of the tenant's "
                                            "Security.AllowedUrls or the hosted page (908 otherwise); the hosted page by default."),
    "remember_device": q("remember_device", "Latchkey's extension: true remembers this device when the login passes a second factor "
                                            "(the answer's device_token); where the tenant's RememberDeviceDays > 0.",
                         schema={"enum": ["true", "false"]}),
    "XLatchkeyRememberDevice": h("X-Latchkey-Remember-Device", "As remember_device (the header wins).", {"enum": ["true", "false"]}),
    "XLatchkeyDeviceToken": h("X-Latchkey-Device-Token", "A remembered device's token: the second factor is skipped while it is valid."),
    "XOriginIP": h("X-Origin-IP", "The end user's address, from an application's backend; honoured only from the node's trusted proxies."),
    "XLatchkeyPassphrase": dict(h("X-Latchkey-Passphrase", "The export's passphrase, percent-encoded UTF-8 (12 to 1000 characters; "
                                                           "400 with 1134 otherwise); never in a URL."), required=True),
    "XOriginUserAgent": h("X-Origin-User-Agent", "The end user's browser, from an application's backend (else User-Agent)."),
}
for name in RBA:
    PARAMETERS[name] = q(name, "Risk-based authentication's template for this signal's message (a name the tenant has; 908 otherwise, with RBA on).")

WEBHOOK = ["prevent_webhook", "XPreventWebhook"]
CODES = ["smstemplate2fa", "emailtemplate2fa", "isvoiceotp"]
SMS = ["smstemplate", "isvoiceotp"]
LOGIN = WEBHOOK + CODES + RBA + ["remember_device", "XLatchkeyRememberDevice", "XLatchkeyDeviceToken", "XOriginIP", "XOriginUserAgent"]
STEP2 = ["secondfactorauthenticationtoken", "fields"] + LOGIN

PATH_PARAMS = {
    "uid": "The account's Uid.",
    "id": "The item's Id, as listed.",
    "hookid": "The webhook's Id.",
    "apikey": "The tenant's ApiKey (404 with 901 when no tenant has it).",
    "name": "The template's name.",
}


# ── Credentials ───────────────────────────────────────────────────────────────────────────────────────────────────

SECURITY_SCHEMES = {
    "apikey": {"type": "apiKey", "in": "query", "name": "apikey",
               "description": "The tenant's ApiKey (908 missing, 901 unknown, 6003 plan expired). Query names match case-insensitively."},
    "apikeyHeader": {"type": "apiKey", "in": "header", "name": "X-LoginRadius-ApiKey", "description": "The ApiKey as a header (the Node SDK)."},
    "apisecret": {"type": "apiKey", "in": "query", "name": "apisecret",
                  "description": "The tenant's ApiSecret (923 missing, 902 wrong); refused in the query with --refuse-tokens-in-query."},
    "apisecretHeader": {"type": "apiKey", "in": "header", "name": "X-LoginRadius-ApiSecret", "description": "The ApiSecret as a header."},
    "accessToken": {"type": "http", "scheme": "bearer", "bearerFormat": "GUID",
                    "description": "A user's access token (1060 missing, 905 unknown, 906 expired)."},
    "accessTokenQuery": {"type": "apiKey", "in": "query", "name": "access_token",
                         "description": "The access token in the query, as LoginRadius documents it; refused with --refuse-tokens-in-query."},
    "sott": {"type": "apiKey", "in": "header", "name": "X-LoginRadius-Sott",
             "description": "A secured one-time token (GET /identity/v2/manage/account/sott) proving the application asks (1048 missing, 1049 invalid or expired)."},
    "sottQuery": {"type": "apiKey", "in": "query", "name": "sott", "description": "The SOTT in the query."},
    "adminKey": {"type": "http", "scheme": "bearer", "description": "The node's admin key (401 with 6002 when missing or wrong)."},
    "metricsToken": {"type": "http", "scheme": "bearer",
                     "description": "The node's metrics token (--metrics-token): GET /metrics only (401 with 6002 when missing or wrong)."},
}


def combos(*groups):
    """Every way to present the credentials: one scheme of each group."""
    out = [{}]
    for group in groups:
        out = [dict(o, **{name: []}) for o in out for name in group]
    return out


APIKEY = ["apikey", "apikeyHeader"]
SECURITY = {
    "none": [],
    "apikey": combos(APIKEY),
    "secret": combos(APIKEY, ["apisecretHeader", "apisecret"]),
    "access": combos(APIKEY, ["accessToken", "accessTokenQuery"]),
    "apikey+access?": combos(APIKEY) + combos(APIKEY, ["accessToken", "accessTokenQuery"]),
    "sott": combos(APIKEY, ["sott", "sottQuery"]),
    "admin": [{"adminKey": []}],
    "admin|metrics": [{"adminKey": []}, {"metricsToken": []}],
}


# ── Operations ────────────────────────────────────────────────────────────────────────────────────────────────────

PATHS = {}
OPERATION_IDS = set()


def op(method, path, operation_id, summary, tag, sec, ok, params=(), body=None, description=None, ok_description="OK",
       media="application/json"):
    """One route: `sec` a key of SECURITY, `ok` the 200 answer's schema (of type `media`), `params` names of PARAMETERS or
    inline parameters, `body` the JSON body's schema. Path parameters are declared from the path's {names}."""
    if operation_id in OPERATION_IDS:
        raise SystemExit("duplicate operationId " + operation_id)
    OPERATION_IDS.add(operation_id)
    item = PATHS.setdefault(path, {})
    if method in item:
        raise SystemExit("duplicate " + method.upper() + " " + path)
    o = {"operationId": operation_id, "summary": summary, "tags": [tag]}
    if description:
        o["description"] = description
    o["security"] = SECURITY[sec]
    parameters = [{"name": n, "in": "path", "required": True, "description": PATH_PARAMS[n], "schema": STR}
                  for n in re.findall(r"\{([^}]+)\}", path)]
    seen = set()
    for p in params:
        key = p if isinstance(p, str) else p["in"] + ":" + p["name"]
        if key not in seen:  # groups overlap (isvoiceotp is in SMS and CODES): each parameter once
            seen.add(key)
            parameters.append({"$ref": "#/components/parameters/" + p} if isinstance(p, str) else p)
    if parameters:
        o["parameters"] = parameters
    if body is not None:
        o["requestBody"] = {"required": False, "content": {"application/json": {"schema": body}}}
    o["responses"] = {
        "200": {"description": ok_description, "content": {media: {"schema": ok}}},
        "4XX": {"$ref": "#/components/responses/Error"},
        "5XX": {"$ref": "#/components/responses/Error"},
    }
    item[method] = o


def body(props, required=None, description=None):
    """A small JSON body (keys case-insensitive; LoginRadius clients may send more)."""
    out = {"type": "object", "properties": props}
    if required:
        out["required"] = required
    if description:
        out["description"] = description
    return out


R = ref
QUESTIONS = {"type": "array", "items": R("SecurityQuestion")}
EMAIL_ID = body({"emailid": STR, "otp": STR}, ["emailid", "otp"], "The address the code went to and the code (EmailId, Otp in the SDKs).")
ID_OR_NAME = [q("email", "The account's email address."), q("username", "The account's username.")]


def operations():
    # ── Sign-up ───────────────────────────────────────────────────────────────────────────────────────────────────
    op("post", AUTH + "/register", "register", "Sign up", "Sign-up", "sott", R("PostedLogin"),
       ["fields", "verificationurl", "emailtemplate", "welcomeemailtemplate", "smstemplate", "isvoiceotp",
        q("options", "PreventVerificationEmail (case-insensitive): no verification email.")] + LOGIN, R("ProfileWrite"),
       "Creates the account (Email and Password, or PhoneId and Password). Answers Data (signed in) unless the tenant requires "
       "a second factor, risk asks for one, or the sign-up is by phone (its number is verified by PUT /identity/v2/auth/phone/otp). "
       "936 email taken, 1058 phone taken, 1134 invalid field.")
    op("put", AUTH + "/register", "resendVerificationEmail", "Send the verification email again", "Sign-up", "apikey", R("Posted"),
       ["verificationurl", "emailtemplate"], body({"email": STR}, ["email"]),
       "The same answer whether or not the address belongs to an account; 1034 where the tenant's verification is Disabled.")
    op("get", AUTH + "/email", "verifyEmailOrCheckAvailability", "Verify an email address (verificationtoken) or check one (email)",
       "Sign-up", "apikey", {"anyOf": [R("PostedLogin"), R("Exists")]},
       [q("verificationtoken", "The verification link's token: verifies the address (974 used, 975 expired, 1063 unknown)."),
        q("email", "Without verificationtoken: whether an account has this address ({\"IsExist\"}; 6002 where Security.AvailabilityChecks is off)."),
        "fields", "welcomeemailtemplate"] + LOGIN, None,
       "One path, two operations (LoginRadius's): with verificationtoken, {\"IsPosted\": true} and Data where the tenant signs "
       "the user in after verification (EmailVerification.AutoLogin); with email, {\"IsExist\"}.")

    # ── Passwords ─────────────────────────────────────────────────────────────────────────────────────────────────
    op("put", AUTH + "/password/change", "changePassword", "Change the password", "Passwords", "access", R("Posted"), LOGIN,
       body({"oldpassword": STR, "newpassword": STR}, ["oldpassword", "newpassword"]),
       "967 wrong current password (counted toward the lockout); 1134 policy. Every session of the account ends.")
    op("post", AUTH + "/password", "forgotPassword", "Email a password reset link", "Passwords", "apikey", R("Posted"),
       [q("resetpasswordurl", "Where the link points (an allowed URL or the hosted page)."), "emailtemplate"],
       body({"email": STR, "username": STR}, description="email or username."),
       "The same answer whether or not such an account exists (unless the tenant chose Security.ForgotPasswordRevealsUnknown: 938).")
    op("put", AUTH + "/password/reset", "resetPassword", "Reset the password with the emailed token", "Passwords", "apikey", R("Posted"),
       WEBHOOK, body({"resettoken": STR, "password": STR}, ["resettoken", "password"]), "974 used, 975 expired, 1063 unknown; 1134 policy.")

    # ── Phone accounts ────────────────────────────────────────────────────────────────────────────────────────────
    op("put", AUTH + "/phone/otp", "verifyPhone", "Verify a phone number with its SMS code", "Phone", "apikey+access?",
       {"anyOf": [R("LoginStep"), R("Posted")]}, [q("otp", "The SMS code.", True), "fields"] + LOGIN, body({"phone": STR}),
       "With {\"phone\"}: a sign-up's number, verified, and the user signed in (the login step). With an access token: the "
       "account's new or unverified number becomes its verified PhoneId ({\"IsPosted\": true}). 1067 wrong, 1068 used, 1069 expired.")
    op("post", AUTH + "/phone/otp", "resendPhoneVerification", "Send the phone verification code again", "Phone", "apikey+access?",
       R("PostedSms"), SMS, body({"phone": STR}, ["phone"]), "The same answer whatever the number.")
    op("put", AUTH + "/phone", "changePhone", "Change the account's phone number", "Phone", "access", R("PostedSms"), SMS,
       body({"phone": STR}, ["phone"]), "A code to the new number, which joins the account when it is entered (PUT /identity/v2/auth/phone/otp). 1058 taken.")
    op("delete", AUTH + "/phone", "removePhone", "Remove the account's phone number", "Phone", "access", R("Deleted"), WEBHOOK,
       description="1292 none.")
    op("get", AUTH + "/phone", "phoneAvailability", "Whether an account has this phone number", "Phone", "apikey", R("Exists"),
       [q("phone", "The phone number.", True)], description="6002 where Security.AvailabilityChecks is off.")
    op("post", AUTH + "/password/otp", "forgotPasswordByPhone", "Send a password reset code by SMS", "Phone", "apikey", R("PostedSms"),
       SMS, body({"phone": STR}, ["phone"]), "The same answer whatever the number.")
    op("put", AUTH + "/password/otp", "resetPasswordByPhone", "Reset the password with the SMS code", "Phone", "apikey", R("Posted"),
       WEBHOOK, body({"phone": STR, "otp": STR, "password": STR}, ["phone", "otp", "password"]))

    # ── Sign-in without a password ────────────────────────────────────────────────────────────────────────────────
    pl = AUTH + "/login/passwordlesslogin"
    op("get", pl + "/email", "passwordlessEmail", "Email a sign-in link (and code)", "Passwordless", "apikey", R("Posted"),
       ID_OR_NAME + [q("passwordlesslogintemplate", "The email's template."), "verificationurl"],
       description="1059 where Passwordless.EmailLink is off; the same answer whatever the address.")
    op("get", pl + "/email/verify", "passwordlessEmailVerify", "Sign in with the emailed link's token", "Passwordless", "apikey", R("LoginStep"),
       [q("verificationtoken", "The link's vtoken.", True), "fields", "welcomeemailtemplate"] + LOGIN,
       description="1063 unknown, 1062 used, 975 expired. Also takes the token of risk-based authentication's one-click link.")
    op("post", pl + "/email/verifyotp", "passwordlessEmailCode", "Sign in with the emailed code", "Passwordless", "apikey", R("LoginStep"),
       ["fields", "welcomeemailtemplate"] + LOGIN, body({"email": STR, "otp": STR}, ["email", "otp"]))
    op("post", pl + "/username/verifyotp", "passwordlessUsernameCode", "Sign in with the emailed code, by username", "Passwordless", "apikey",
       R("LoginStep"), ["fields", "welcomeemailtemplate"] + LOGIN, body({"username": STR, "otp": STR}, ["username", "otp"]))
    op("get", pl + "/otp", "passwordlessSms", "Text a sign-in code", "Passwordless", "apikey", R("DataSms"),
       [q("phone", "A verified phone number of an account.", True)] + SMS,
       description="1059 where Passwordless.SmsCode is off; the same answer whatever the number.")
    op("put", pl + "/otp/verify", "passwordlessSmsVerify", "Sign in with the texted code", "Passwordless", "apikey", R("LoginStep"),
       ["fields"] + LOGIN, body({"phone": STR, "otp": STR}, ["phone", "otp"]), "1067 wrong, 1068 used, 1069 expired.")
    op("get", AUTH + "/login/smartlogin", "smartLogin", "Email a smart login link", "Passwordless", "apikey", R("Posted"),
       ID_OR_NAME + [q("clientguid", "A new GUID of the asking device, which then pings with it (1136 used before).", True),
                     q("smartloginemailtemplate", "The email's template."), q("redirecturl", "Where the link points (an allowed URL or the hosted page)."),
                     "welcomeemailtemplate"],
       description="1135 where Passwordless.SmartLogin is off.")
    op("get", AUTH + "/login/smartlogin/ping", "smartLoginPing", "Poll for a smart or one-touch login", "Passwordless", "apikey", R("LoginStep"),
       [q("clientguid", "The device's GUID.", True), "fields"] + LOGIN,
       description="The login step once the link was opened, to the first ping (1139 not yet, 1137 taken already, 1140 unknown or expired).")
    for kind in ("smartlogin", "onetouchlogin"):
        op("get", AUTH + "/email/" + kind, {"smartlogin": "smartLoginLinkOpened", "onetouchlogin": "oneTouchLoginLinkOpened"}[kind],
           "Open a " + ("smart" if kind == "smartlogin" else "one-touch") + " login link", "Passwordless", "apikey", R("LinkVerified"),
           [q("verificationtoken", "The link's vtoken.", True), "welcomeemailtemplate"] + WEBHOOK,
           description="No tokens here: they go to the device that pings. 1063 unknown, 975 expired, 1138/1145 opened before.")
    op("post", AUTH + "/onetouchlogin/email", "oneTouchLoginEmail", "Email a one-touch login link", "Passwordless", "apikey", R("Posted"),
       [q("redirecturl", "Where the link points (an allowed URL or the hosted page)."), q("onetouchloginemailtemplate", "The email's template."),
        "welcomeemailtemplate"], body({"clientguid": STR, "email": STR, "name": STR}, ["clientguid", "email"]),
       "An address of no account gets one when the link is opened. 1146 where Passwordless.OneTouchLogin is off.")
    op("post", AUTH + "/onetouchlogin/phone", "oneTouchLoginPhone", "Text a one-touch login code", "Passwordless", "apikey", R("PostedSms"),
       SMS, body({"phone": STR, "name": STR}, ["phone"]))
    op("put", AUTH + "/onetouchlogin/phone/verify", "oneTouchLoginPhoneVerify", "Sign in with the one-touch code", "Passwordless", "apikey",
       R("LoginStep"), [q("otp", "The texted code.", True), "fields"] + LOGIN, body({"phone": STR}, ["phone"]),
       "A number of no account gets one now. 1067 wrong, 1068 used, 1069 expired.")

    # ── Login step 1 ──────────────────────────────────────────────────────────────────────────────────────────────
    op("post", AUTH + "/login/2fa", "login", "Login step 1: the password", "Login", "apikey", R("LoginStep"), ["fields"] + LOGIN, R("LoginRequest"),
       "Signed in, or SecondFactorAuthentication with the token step 2 takes. 966 wrong identifier or password (one answer, "
       "one timing), 991 blocked, 1198 locked (Retry-After), 970 email not verified, 429 too many failures from this address.")
    op("post", AUTH + "/login", "plainLogin", "Login without a second factor", "Login", "apikey", R("LoginResponse"), ["fields"] + LOGIN,
       R("LoginRequest"), "As step 1, for accounts that need no second factor: 1176 for one that does; risk-based authentication refuses "
       "instead of asking (1287, 1168–1171).")

    # ── Login step 2 ──────────────────────────────────────────────────────────────────────────────────────────────
    code_body = lambda field: body({field: STR}, [field])  # noqa: E731
    op("put", AUTH + "/login/2fa/backupcode", "loginBackupCodeSeed", "Step 2: a backup code", "Login: second factor", "apikey",
       R("LoginResponse"), STEP2, code_body("backupcode"), "1129 wrong or used.")
    op("put", AUTH + "/login/2fa/verification/backupcode", "loginBackupCode", "Step 2: a backup code (the SDKs' path)",
       "Login: second factor", "apikey", R("LoginResponse"), STEP2, code_body("backupcode"), "1129 wrong or used.")
    op("get", AUTH + "/login/2fa/backupcode", "loginBackupCodeLegacy", "Step 2: a backup code in the query (older SDKs)",
       "Login: second factor", "apikey", R("LoginResponse"), [q("backupcode", "The code.", True)] + STEP2)
    op("get", AUTH + "/login/2fa/passkey/begin", "loginPasskeyBegin", "Step 2: a passkey, its challenge", "Login: second factor", "apikey",
       R("LoginBeginCredential"), ["secondfactorauthenticationtoken"], description="1320 passkeys off, 1322 misconfigured, 1328 none on the account.")
    op("post", AUTH + "/login/2fa/passkey/finish", "loginPasskeyFinish", "Step 2: a passkey, its assertion", "Login: second factor", "apikey",
       R("LoginResponse"), STEP2, R("PasskeyCredentialBody"), "1321 refused.")
    op("get", AUTH + "/login/2fa/register/passkey/begin", "loginPasskeyRegisterBegin", "Enroll a passkey during login: its challenge",
       "Login: second factor", "apikey+access?", R("RegisterBeginCredential"),
       [dict(PARAMETERS["secondfactorauthenticationtoken"], required=False,
             description="Step 1's token, for an account that must set up a first second factor. Without it, an access token: the account's enrollment.")])
    op("post", AUTH + "/login/2fa/register/passkey/finish", "loginPasskeyRegisterFinish", "Enroll a passkey during login and finish it",
       "Login: second factor", "apikey", R("LoginResponse"), STEP2, R("PasskeyCredentialBody"))
    op("put", AUTH + "/login/2fa/verification/authenticatorcode", "loginAuthenticatorCode", "Step 2: the authenticator app's code",
       "Login: second factor", "apikey", R("LoginResponse"), STEP2, code_body("authenticatorcode"), "1102 wrong; 1099 not set up.")
    op("put", AUTH + "/login/2fa/verification/googleauthenticatorcode", "loginGoogleAuthenticatorCode",
       "Step 2: the authenticator app's code (older name)", "Login: second factor", "apikey", R("LoginResponse"), STEP2,
       code_body("googleauthenticatorcode"))
    op("put", AUTH + "/login/2fa", "loginSetPhone", "Set the SMS factor's phone up during login", "Login: second factor", "apikey",
       R("SmsStatus"), ["secondfactorauthenticationtoken"] + CODES, body({"phoneno2fa": STR}, ["phoneno2fa"]),
       "Only for an account that must set up its first second factor (1250 otherwise); the code then goes to step 2.")
    op("get", AUTH + "/login/2fa/resend", "loginResendSms", "Text the step-2 code again", "Login: second factor", "apikey", R("SmsStatus"),
       ["secondfactorauthenticationtoken"] + CODES)
    op("put", AUTH + "/login/2fa/verification/otp", "loginSmsCode", "Step 2: the texted code (the account's, or risk's)",
       "Login: second factor", "apikey", R("LoginResponse"), STEP2, code_body("otp"), "1067 wrong, 1100 no code for this login.")
    op("post", AUTH + "/login/2fa/otp/email", "loginSendEmailCode", "Email the step-2 code", "Login: second factor", "apikey", R("Posted"),
       ["secondfactorauthenticationtoken"] + CODES, body({"emailid": STR}, ["emailid"]), "To one of the account's addresses.")
    op("post", AUTH + "/login/2fa/email", "loginSendEmailCodeByEmail", "Email the step-2 code (the other documented form)",
       "Login: second factor", "apikey", R("Posted"), ["secondfactorauthenticationtoken"] + CODES, body({"email": STR}, ["email"]))
    op("put", AUTH + "/login/2fa/verification/otp/email", "loginEmailCode", "Step 2: the emailed code", "Login: second factor", "apikey",
       R("LoginResponse"), STEP2, EMAIL_ID)
    op("post", AUTH + "/login/2fa/verification/securityquestionanswer", "loginSecurityQuestions", "Step 2: security questions",
       "Login: second factor", "apikey", R("LoginResponse"), STEP2, R("SecurityQuestionAnswers"))
    op("put", AUTH + "/login/2fa/securityquestionanswer", "loginSetSecurityQuestions", "Set security questions during login and finish it",
       "Login: second factor", "apikey", R("LoginResponse"), STEP2, R("SecurityQuestionAnswers"),
       "Only for an account that must set up its first second factor (1257 otherwise).")
    for kind in ("email", "username", "phone"):
        op("get", AUTH + "/securityquestion/" + kind, "securityQuestionsBy" + kind.capitalize(), "An account's security questions, by " + kind,
           "Login: second factor", "apikey", QUESTIONS, [q(kind, "The account's " + kind + ".", True)])
    op("get", AUTH + "/securityquestion/accesstoken", "securityQuestionsOfSession", "The signed-in account's security questions",
       "Login: second factor", "access", QUESTIONS)
    op("get", AUTH + "/login/oneclickverify", "loginOneClickVerify", "Step 2: risk-based authentication's emailed link", "Login: second factor",
       "apikey", R("LoginResponse"), [q("verificationtoken", "The link's vtoken.", True), "fields"] + LOGIN,
       description="1063 unknown, 1062 used, 975 expired.")

    # ── Account ───────────────────────────────────────────────────────────────────────────────────────────────────
    acc = AUTH + "/account"
    op("get", acc, "getProfile", "The signed-in account's profile", "Account", "access", R("Profile"), ["fields"])
    op("put", acc, "updateProfile", "Update the signed-in account's profile", "Account", "access", R("PostedProfile"),
       [q("nullsupport", "true: null values clear fields.", schema={"enum": ["true", "false"]}), "verificationurl", "emailtemplate", "fields"]
       + WEBHOOK, R("ProfileWrite"),
       "An Email array that differs adds (after their links are followed) and removes addresses, which needs a recent second "
       "factor (1193) or the password. PhoneId is not taken here.")
    op("delete", acc, "requestAccountDeletion", "Email a link that deletes the account", "Account", "access", R("DeleteRequestAccepted"),
       [q("deleteurl", "Where the link points (an allowed URL or the hosted page)."), "emailtemplate"])
    op("get", acc + "/delete", "confirmAccountDeletion", "Delete the account with the emailed token", "Account", "apikey", R("Posted"),
       [q("deletetoken", "The link's token.", True)] + WEBHOOK, description="1119 unknown, 974 used, 975 expired.")
    op("get", acc + "/sendwelcomeemail", "sendWelcomeEmail", "Send the welcome email again", "Account", "access", R("Posted"),
       ["welcomeemailtemplate"])
    op("put", AUTH + "/email", "verifyEmailByCode", "Verify an email address with the emailed code", "Account", "apikey", R("PostedLogin"),
       ["fields", "welcomeemailtemplate"] + LOGIN, body({"email": STR, "otp": STR}, ["email", "otp"]), "1185 wrong, used or expired.")
    op("post", AUTH + "/email", "addEmail", "Add an email address", "Account", "access", R("Posted"), ["verificationurl", "emailtemplate"] + WEBHOOK,
       body({"email": STR, "type": STR}, ["email", "type"]),
       "It joins the profile when its verification link is followed. 1201 no type, 1174 already the account's, 936 another's.")
    op("delete", AUTH + "/email", "removeEmail", "Remove an email address", "Account", "access", R("Deleted"), WEBHOOK,
       body({"email": STR}, ["email"]), "1340 not the account's, 1005 its only one.")
    op("put", AUTH + "/username", "setUsername", "Set or change the username", "Account", "access", R("Posted"), WEBHOOK,
       body({"username": STR}, ["username"]), "1024 malformed, 1017 taken.")
    op("get", AUTH + "/username", "usernameAvailability", "Whether an account has this username", "Account", "apikey", R("Exists"),
       [q("username", "The username.", True)], description="6002 where Security.AvailabilityChecks is off.")

    # ── Second factors, from the account ──────────────────────────────────────────────────────────────────────────
    tag = "Account: second factors"
    op("get", acc + "/2fa", "mfaSettings", "The account's second factors (and enrollment data)", tag, "access", R("MfaFlags"))
    op("get", acc + "/2fa/backupcode", "generateBackupCodes", "Generate backup codes", tag, "access", R("BackupCodes"), WEBHOOK,
       description="1127 when codes exist already; a recent second factor where the account has one (1193).")
    op("get", acc + "/2fa/backupcode/reset", "resetBackupCodes", "Replace the backup codes", tag, "access", R("BackupCodes"), WEBHOOK)
    op("put", acc + "/2fa/verification/authenticatorcode", "enableAuthenticator", "Turn the authenticator app on with its code", tag, "access",
       R("Profile"), ["fields"] + WEBHOOK, code_body("authenticatorcode"))
    op("put", acc + "/2fa/verification/googleauthenticatorcode", "enableGoogleAuthenticator",
       "Turn the authenticator app on with its code (older name)", tag, "access", R("Profile"), ["fields"] + WEBHOOK,
       code_body("googleauthenticatorcode"))
    op("put", acc + "/2fa", "setSmsPhone", "Text a code to the SMS factor's phone", tag, "access", R("SmsStatus"), CODES,
       body({"phoneno2fa": STR}, ["phoneno2fa"]), "PUT …/2fa/verification/otp with the code sets the phone up.")
    op("put", acc + "/2fa/verification/otp", "enableSms", "Turn codes by SMS on with the texted code", tag, "access", R("Profile"),
       ["fields"] + WEBHOOK, code_body("otp"))
    op("get", acc + "/2fa/otp/email", "sendEmailCode", "Email a code that turns codes by email on", tag, "access", R("Posted"),
       [q("emailid", "One of the account's addresses.", True)] + CODES)
    op("put", acc + "/2fa/verification/otp/email", "enableEmailCodes", "Turn codes by email on with the emailed code", tag, "access",
       R("Profile"), ["fields"] + WEBHOOK, EMAIL_ID)
    op("delete", acc + "/2fa/authenticator/otp/email", "resetEmailCodes", "Turn codes by email off", tag, "access", R("Deleted"), WEBHOOK)
    op("put", acc + "/2fa/securityquestionanswer", "setSecurityQuestions", "Set the security questions' answers", tag, "access", R("Posted"),
       WEBHOOK, {"allOf": [R("SecurityQuestionAnswers")], "properties": {"ReplaceSecurityQuestionAnswer": BOOL}})
    op("delete", acc + "/2fa/authenticator/securityquestionanswer", "resetSecurityQuestions", "Turn security questions off", tag, "access",
       R("Deleted"), WEBHOOK)
    op("delete", acc + "/2fa/authenticator", "resetFactor", "Turn the authenticator app or codes by SMS off", tag, "access", R("Deleted"),
       WEBHOOK, R("MfaReset"), "1121 for another body, or for the last factor where MFA is required.")
    op("get", acc + "/2fa/register/passkey/begin", "accountPasskeyRegisterBegin", "Add a passkey: its challenge", tag, "access",
       R("RegisterBeginCredential"))
    op("post", acc + "/2fa/register/passkey/finish", "accountPasskeyRegisterFinish", "Add a passkey", tag, "access", R("PasskeyEnrolled"),
       WEBHOOK, R("PasskeyCredentialBody"))
    op("get", acc + "/passkey", "listPasskeys", "The account's passkeys", tag, "access", data(R("Passkey")))
    op("delete", acc + "/passkey/{id}", "removePasskey", "Remove a passkey", tag, "access", R("Deleted"), WEBHOOK, description="1325 unknown Id.")
    op("delete", acc + "/2fa/authenticator/passkey", "removeAllPasskeys", "Remove every passkey", tag, "access", R("Deleted"), WEBHOOK)
    op("get", acc + "/2fa/remembereddevices", "listRememberedDevices", "The account's remembered devices (Latchkey's extension)",
       "Remembered devices", "access", data(R("RememberedDevice")))
    op("delete", acc + "/2fa/remembereddevices", "forgetAllDevices", "Forget every remembered device", "Remembered devices", "access", R("Deleted"))
    op("delete", acc + "/2fa/remembereddevices/{id}", "forgetDevice", "Forget a remembered device", "Remembered devices", "access", R("Deleted"),
       description="1134 when the account has no device with that Id.")

    # ── Step-up ───────────────────────────────────────────────────────────────────────────────────────────────────
    tag = "Step-up"
    reauth = acc + "/reauth"
    op("get", reauth + "/2fa", "reauthFactors", "What the account can re-authenticate with (texts the SMS code)", tag, "access", R("MfaFlags"),
       CODES, description="1191 where MFA is off.")
    op("put", reauth + "/2fa/otp", "reauthSms", "Re-authenticate with the texted code", tag, "access", R("StepUpProof"), LOGIN, code_body("otp"))
    op("get", reauth + "/2fa/otp/email", "reauthSendEmailCode", "Email a re-authentication code", tag, "access", R("Posted"),
       [q("emailid", "One of the account's addresses.", True)] + CODES)
    op("put", reauth + "/2fa/otp/email/verify", "reauthEmailCode", "Re-authenticate with the emailed code", tag, "access", R("StepUpProof"),
       LOGIN, EMAIL_ID)
    op("post", reauth + "/2fa/securityquestionanswer/verify", "reauthSecurityQuestions", "Re-authenticate with security questions", tag,
       "access", R("StepUpProof"), LOGIN, R("SecurityQuestionAnswers"))
    op("put", reauth + "/2fa/backupcode", "reauthBackupCode", "Re-authenticate with a backup code", tag, "access", R("StepUpProof"), LOGIN,
       code_body("backupcode"))
    op("put", reauth + "/2fa/authenticatorcode", "reauthAuthenticator", "Re-authenticate with the authenticator app", tag, "access",
       R("StepUpProof"), LOGIN, code_body("authenticatorcode"))
    op("put", reauth + "/2fa/googleauthenticatorcode", "reauthGoogleAuthenticator", "Re-authenticate with the authenticator app (older name)",
       tag, "access", R("StepUpProof"), LOGIN, code_body("googleauthenticatorcode"))
    op("get", reauth + "/2fa/passkey/begin", "reauthPasskeyBegin", "Re-authenticate with a passkey: its challenge", tag, "access",
       R("LoginBeginCredential"))
    op("post", reauth + "/2fa/passkey/finish", "reauthPasskeyFinish", "Re-authenticate with a passkey", tag, "access", R("StepUpProof"), LOGIN,
       R("PasskeyCredentialBody"))
    op("put", reauth + "/password", "reauthPassword", "Re-authenticate with the password", tag, "access", R("StepUpProof"), LOGIN,
       body({"password": STR}, ["password"]), "966 wrong.")

    # ── Tokens ────────────────────────────────────────────────────────────────────────────────────────────────────
    tag = "Tokens"
    op("get", AUTH + "/access_token", "tokenInfo", "The access token's info", tag, "access", R("TokenInfo"))
    op("get", AUTH + "/access_token/sliding_token", "slideToken", "A new token pair for the session", tag, "access", R("TokenPair"))
    op("get", AUTH + "/access_token/validate", "validateToken", "Validate an access token", tag, "access", R("AccessTokenValidation"))
    op("get", AUTH + "/access_token/invalidate", "invalidateToken", "Log out", tag, "access", R("Posted"),
       [q("preventRefresh", "true also ends the refresh token.", schema={"enum": ["true", "false"]})])
    op("get", MNG + "/account/access_token/refresh", "refreshToken", "Refresh: a new token pair", tag, "secret", R("TokenPair"),
       [q("refresh_token", "The refresh token (single use).", True, GUID)], description="1217 unknown, used, revoked or ended.")
    op("get", MNG + "/account/access_token/refresh/revoke", "revokeRefreshToken", "Revoke a refresh token", tag, "secret", R("Deleted"),
       [q("refresh_token", "The refresh token.", True, GUID)])
    op("delete", MNG + "/account/{uid}/access_token/refresh/revoke", "revokeAllRefreshTokens", "Revoke every refresh token of an account",
       tag, "secret", R("Deleted"))

    # ── Management API ────────────────────────────────────────────────────────────────────────────────────────────
    tag = "Management API"
    ma = MNG + "/account"
    op("post", ma, "createAccount", "Create an account", tag, "secret", R("Profile"), ["fields"] + WEBHOOK, R("ProfileWrite"),
       "936 email taken, 1017 username taken, 1058 phone taken, 1134 invalid field.")
    op("get", ma, "findAccount", "Find an account by email, username or phone", tag, "secret", R("Profile"),
       [q("email", "An email address."), q("username", "A username (the SDKs send userName)."), q("phone", "A phone number."), "fields"],
       description="Compared as the login compares them; 938 none.")
    op("delete", ma, "deleteAccountByEmail", "Delete the account that has an email address", tag, "secret", R("Deleted"),
       [q("email", "The address.", True)] + WEBHOOK)
    op("get", ma + "/sott", "makeSott", "A SOTT for sign-up", tag, "secret", R("Sott"),
       [q("timedifference", "How many minutes it works (1 to 1440; 10 by default).", schema={"type": "string", "pattern": "^[0-9]+$"})])
    op("get", ma + "/access_token", "tokenForUid", "A session for an account (impersonation)", tag, "secret", R("TokenPair"), ["uid"])
    op("get", ma + "/identities", "identitiesByEmail", "The accounts that have an email address", tag, "secret", data(R("Profile")),
       [q("email", "The address.", True), "fields"])
    op("put", ma + "/uid", "changeUid", "Change an account's Uid", tag, "secret", R("Posted"), ["uid"] + WEBHOOK, body({"NewUid": STR}, ["NewUid"]))
    op("post", ma + "/forgot/token", "forgotToken", "A password reset token", tag, "secret", R("ForgotToken"),
       [q("sendemail", "true also emails the link.", schema={"enum": ["true", "false"]}), "emailtemplate",
        q("resetpasswordurl", "Where the emailed link points.")], body({"email": STR, "username": STR}), "938 no such account.")
    op("post", ma + "/verify/token", "verificationToken", "An email verification token", tag, "secret", R("VerificationToken"),
       body=body({"email": STR}, ["email"]), description="938 no such account, 1126 already verified.")
    op("get", ma + "/2fa/backupcode", "generateBackupCodesByUid", "Generate an account's backup codes", tag, "secret", R("BackupCodes"), ["uid"] + WEBHOOK)
    op("get", ma + "/2fa/backupcode/reset", "resetBackupCodesByUid", "Replace an account's backup codes", tag, "secret", R("BackupCodes"),
       ["uid"] + WEBHOOK)
    op("delete", ma + "/2fa/authenticator/otp/email", "resetEmailCodesByUid", "Turn an account's codes by email off", tag, "secret",
       R("Deleted"), ["uid"] + WEBHOOK)
    op("delete", ma + "/2fa/authenticator/securityquestionanswer", "resetSecurityQuestionsByUid", "Turn an account's security questions off",
       tag, "secret", R("Deleted"), ["uid"] + WEBHOOK)
    op("delete", ma + "/2fa/authenticator", "resetFactorByUid", "Turn an account's authenticator app or codes by SMS off", tag, "secret",
       R("Deleted"), ["uid"] + WEBHOOK, R("MfaReset"))
    op("get", ma + "/passkey", "listPasskeysByUid", "An account's passkeys", tag, "secret", data(R("Passkey")), ["uid"])
    op("delete", ma + "/passkey/{id}", "removePasskeyByUid", "Remove an account's passkey", tag, "secret", R("Deleted"), ["uid"] + WEBHOOK)
    op("delete", ma + "/2fa/authenticator/passkey", "removeAllPasskeysByUid", "Remove every passkey of an account", tag, "secret", R("Deleted"),
       ["uid"] + WEBHOOK)
    op("get", ma + "/2fa/remembereddevices", "listRememberedDevicesByUid", "An account's remembered devices", "Remembered devices", "secret",
       data(R("RememberedDevice")), ["uid"])
    op("delete", ma + "/2fa/remembereddevices", "forgetAllDevicesByUid", "Forget every remembered device of an account", "Remembered devices",
       "secret", R("Deleted"), ["uid"])
    op("delete", ma + "/2fa/remembereddevices/{id}", "forgetDeviceByUid", "Forget a remembered device of an account", "Remembered devices",
       "secret", R("Deleted"), ["uid"])
    op("post", ma + "/{uid}/reauth/2fa", "checkSecondFactorProof", "Check a re-authentication's proof (second factor)", "Step-up", "secret",
       R("Valid"), body=body({"SecondFactorValidationToken": GUID}, ["SecondFactorValidationToken"]),
       description="Once per token; 1193 for one unknown, used, expired, another account's or of the other kind.")
    op("post", ma + "/{uid}/reauth/password", "checkPasswordProof", "Check a re-authentication's proof (password)", "Step-up", "secret",
       R("Valid"), body=body({"SecondFactorValidationToken": GUID}, ["SecondFactorValidationToken"]))
    op("put", ma + "/{uid}/email", "upsertEmails", "Add or change an account's email addresses", tag, "secret", R("Profile"), ["fields"] + WEBHOOK,
       body({"Email": {"type": "array", "items": obj({"Type": STR, "Value": STR}, required=["Value"])}}, ["Email"]))
    op("delete", ma + "/{uid}/email", "removeEmailByUid", "Remove an account's email address", tag, "secret", R("Profile"), ["fields"] + WEBHOOK,
       body({"email": STR}, ["email"]), "1340 not the account's, 1005 its only one.")
    op("put", ma + "/{uid}/phoneid", "setPhoneId", "Set an account's phone number (verified)", tag, "secret", R("Profile"), ["fields"] + WEBHOOK,
       body({"phone": STR}, ["phone"]))
    op("put", ma + "/{uid}/invalidateemail", "invalidateEmail", "Unverify an account's email and send a new link", tag, "secret", R("Posted"),
       ["verificationurl", "emailtemplate"] + WEBHOOK)
    op("put", ma + "/{uid}/password", "setPassword", "Set an account's password", tag, "secret", R("PasswordHash"), WEBHOOK,
       body({"password": STR}, ["password"]))
    op("get", ma + "/{uid}/password", "getPasswordHash", "An account's password hash", tag, "secret", R("PasswordHash"))
    op("get", ma + "/{uid}", "getAccount", "An account's profile", tag, "secret", R("Profile"), ["fields"], description="938 unknown uid.")
    op("put", ma + "/{uid}", "updateAccount", "Update an account (IsActive: false blocks it)", tag, "secret", R("Profile"), ["fields"] + WEBHOOK,
       R("ProfileWrite"))
    op("delete", ma + "/{uid}", "deleteAccount", "Delete an account", tag, "secret", R("Deleted"), WEBHOOK)

    # ── Webhook subscriptions ─────────────────────────────────────────────────────────────────────────────────────
    tag = "Webhooks"
    for base, suffix in (("/v2/manage/webhook", ""), ("/v2/manage/webhooks", "Plural")):
        also = " (the Node SDK's plural path)" if suffix else ""
        op("get", base + "/events", "webhookEvents" + suffix, "The events one can subscribe to" + also, tag, "secret", R("WebhookEvents"))
        op("get", base, "listWebhooks" + suffix, "The tenant's webhooks" + also, tag, "secret", data(R("Webhook")),
           [q("event", "Only this event's.")])
        op("post", base, "createWebhook" + suffix, "Subscribe a URL to an event" + also, tag, "secret", R("Webhook"), body=R("WebhookWrite"),
           description="1134 naming the field: unknown event, refused URL, at most 50 per tenant.")
        op("get", base + "/{hookid}", "getWebhook" + suffix, "A webhook" + also, tag, "secret", R("Webhook"))
        op("put", base + "/{hookid}", "updateWebhook" + suffix, "Change a webhook" + also, tag, "secret", R("Webhook"), body=R("WebhookWrite"))
        op("delete", base + "/{hookid}", "deleteWebhook" + suffix, "Delete a webhook" + also, tag, "secret", R("WebhookDeleted"))
    legacy = [q("targeturl", "The receiver's URL (or in the body)."), q("event", "The event (or in the body).")]
    op("post", "/api/v2/webhook", "legacySubscribe", "Subscribe (legacy API)", tag, "secret", R("Posted"), legacy, R("LegacyWebhookBody"))
    op("get", "/api/v2/webhook", "legacyListWebhooks", "The tenant's webhooks (legacy API)", tag, "secret", R("LegacyWebhookList"),
       [q("event", "Only this event's.")])
    op("delete", "/api/v2/webhook", "legacyUnsubscribe", "Unsubscribe (legacy API)", tag, "secret", R("Deleted"), legacy, R("LegacyWebhookBody"))
    op("get", "/api/v2/webhook/test", "legacyWebhookTest", "Whether the credentials may manage webhooks (legacy API)", tag, "secret",
       obj({"IsAllowed": TRUE}))

    # ── Operators (admin key) ─────────────────────────────────────────────────────────────────────────────────────
    tag = "Admin"
    t = "/admin/v1/tenants"
    op("post", t, "createTenant", "Create a tenant", tag, "admin", R("Tenant"), body=R("TenantWrite"),
       description="400 with 1134 naming an unknown or ill-typed field.")
    op("get", t, "listTenants", "Every tenant, oldest first, without secrets", tag, "admin", data(R("TenantSummary")))
    op("delete", t + "/{apikey}", "deleteTenant", "Delete a tenant and everything it holds", tag, "admin", R("Deleted"))
    op("get", t + "/{apikey}", "getTenant", "A tenant", tag, "admin", R("Tenant"))
    op("patch", t + "/{apikey}", "patchTenant", "Change a tenant's settings", tag, "admin", R("Tenant"), body=R("TenantWrite"))
    status = q("status", "Only these.", schema={"enum": ["pending", "delivered", "failed"]})
    op("get", t + "/{apikey}/webhook-deliveries", "webhookDeliveries", "The tenant's webhook deliveries, newest 200", tag, "admin",
       data(R("WebhookDelivery")), [status])
    op("get", "/admin/v1/metrics", "nodeMetrics", "This node's counters", tag, "admin", R("Metrics"))
    op("post", t + "/{apikey}/webhook-deliveries/{id}/resend", "resendWebhookDelivery", "Send a delivery again", tag, "admin", R("Posted"),
       description="404 when there is no such delivery or it is pending already.")
    op("get", t + "/{apikey}/messages", "messages", "The tenant's emails and SMS, newest 200, without content", tag, "admin", data(R("Message")),
       [status])
    op("get", t + "/{apikey}/risk-events", "riskEvents", "Risky logins and what was done, newest 200", tag, "admin", data(R("RiskEvent")),
       [q("uid", "Only this account's.")])
    audit = [q("uid", "Only this account's."), q("event", "Only this event."),
             q("before", "Entries older than this ISO-8601 UTC time (to page back).", schema=DATE),
             q("limit", "At most this many (1 to 1000; 200 by default).", schema={"type": "string", "pattern": "^[0-9]+$"})]
    op("get", t + "/{apikey}/audit-events", "tenantAuditEvents", "The tenant's audit trail, newest first", tag, "admin", data(R("AuditEntry")), audit)
    op("get", "/admin/v1/audit-events", "auditEvents", "The audit trail of every tenant and of the node, newest first", tag, "admin",
       data(R("AuditEntry")), [q("apikey", "Only this tenant's (404 when no tenant has it).")] + audit)
    op("get", t + "/{apikey}/security-questions", "securityQuestionCatalog", "The tenant's security questions", tag, "admin",
       data(R("SecurityQuestion")))
    op("post", t + "/{apikey}/security-questions", "addSecurityQuestion", "Add a security question", tag, "admin", R("SecurityQuestion"),
       body=body({"Question": STR}, ["Question"]))
    op("delete", t + "/{apikey}/security-questions/{id}", "removeSecurityQuestion", "Remove a security question and its answers", tag, "admin",
       R("Deleted"))
    for kind, label, schema in (("email", "Email", "EmailTemplate"), ("sms", "Sms", "SmsTemplate")):
        base = t + "/{apikey}/" + kind + "-templates"
        words = "email" if kind == "email" else "SMS"
        op("get", base, "list" + label + "Templates", "The tenant's " + words + " templates, then the built-in ones", tag, "admin",
           data(R(schema)))
        op("post", base, "create" + label + "Template", "Create or replace an " + words + " template", tag, "admin", R(schema),
           body=R(schema + "Write"), description="400 with 1134 naming the field of a bad template.")
        op("get", base + "/{name}", "get" + label + "Template", "An " + words + " template", tag, "admin", R(schema))
        op("put", base + "/{name}", "put" + label + "Template", "Create or replace an " + words + " template by name", tag, "admin", R(schema),
           body=R(schema + "Write"))
        op("delete", base + "/{name}", "delete" + label + "Template", "Delete the tenant's own " + words + " template", tag, "admin", R("Deleted"),
           description="404 for a built-in one or none.")
        preview = obj({"Subject": nullable(STR), "Html": nullable(STR), "Text": nullable(STR)}) if kind == "email" else obj({"Body": STR})
        op("post", base + "/{name}/preview", "preview" + label + "Template", "Render an " + words + " template with sample values", tag,
           "admin", preview, body=R(schema + "Write"),
           description="The template in the body (checked as a save is, not stored), or with no body the saved or built-in one; "
                       "nothing is sent. 400 with 1134 naming the field of a bad template.")

    # The console's views of an account and of the tenant's activity.
    op("get", t + "/{apikey}/accounts/{uid}/security", "accountSecurity", "An account's factors, sessions and remembered devices", tag,
       "admin", obj({"Uid": STR, "IsMfaEnrolled": BOOL, "LockedUntil": nullable(DATE),
                     "Factors": {"type": "array", "items": obj({"Factor": STR, "IsConfigured": BOOL}, ["Factor", "IsConfigured"])},
                     "Sessions": {"type": "array", "items": obj({"Id": STR, "CreatedDate": DATE, "ExpiresDate": DATE,
                                                                 "IsSecondFactorVerified": BOOL})},
                     "RememberedDevices": {"type": "array", "items": R("RememberedDevice")}},
                    ["Uid", "IsMfaEnrolled", "Factors", "Sessions", "RememberedDevices"]),
       description="Never a secret, code, answer or token. 404 with 938 for a uid the tenant does not have.")
    op("delete", t + "/{apikey}/accounts/{uid}/sessions/{id}", "endAccountSession", "End one session of an account", tag, "admin",
       R("Deleted"), description="Its access and refresh tokens stop working at once. 404 when the account has no such live session.")
    op("delete", t + "/{apikey}/accounts/{uid}/sessions", "endAccountSessions", "End every session of an account", tag, "admin",
       R("Deleted"), description="With its remembered devices, logins waiting for a second factor and the links and codes sent before.")
    op("get", t + "/{apikey}/stats", "tenantStats", "Logins, failures, lockouts and risk actions per hour", tag, "admin",
       obj({"Hours": INT, "Data": {"type": "array", "items": obj({"Hour": DATE, "Logins": INT, "Failures": INT, "Lockouts": INT,
                                                                  "RiskActions": INT}, ["Hour", "Logins", "Failures", "Lockouts", "RiskActions"])}},
           ["Hours", "Data"]),
       [q("hours", "How many hours back, 1 to 720 (default 24).")])

    op("get", t + "/{apikey}/export", "exportTenant", "Export a tenant: one page", tag, "admin", R("ExportPage"),
       ["XLatchkeyPassphrase", q("salt", "The export's salt: 16 to 64 random bytes in base64, the same for every page of one export.", True),
        q("after", "The previous page's Next (absent: the first page, with the Header)."),
        q("limit", "Account lines per page (1 to 1000; 500 by default).", schema={"type": "string", "pattern": "^[0-9]+$"})],
       description="What `latchkey tenant export` writes as JSON Lines (README, Export and import).")
    op("post", t + "/import", "importTenant", "Import a tenant from an export's header", tag, "admin", obj({"Name": STR, "ApiKey": GUID}),
       ["XLatchkeyPassphrase"], R("ExportHeader"), "The tenant made (or updated) as it was exported; its accounts follow in batches.")
    op("post", t + "/{apikey}/import", "importAccounts", "Import a batch of accounts", tag, "admin", R("ImportOutcome"),
       [dict(PARAMETERS["XLatchkeyPassphrase"], required=False, description="The export's passphrase, where the batch has a Source.")],
       R("ImportBatch"), "At most 1000 lines and 8 MiB a batch; a line that fails is listed, the others are imported.")

    # ── The hosted page's own API ─────────────────────────────────────────────────────────────────────────────────
    tag = "Hosted page"
    op("get", "/hosted/api/app", "hostedApp", "What the site offers (Latchkey's, for the hosted page)", tag, "apikey", R("HostedApp"))
    op("get", "/hosted/api/login", "hostedLogin", "A pending login's choices (Latchkey's, for the hosted page)", tag, "apikey", R("HostedLogin"),
       ["secondfactorauthenticationtoken"])
    op("get", "/hosted/api/sott", "hostedSott", "A SOTT for the hosted page's sign-up form", tag, "apikey", R("Sott"),
       description="6002 unless the tenant turned Security.HostedSignUp on.")

    # ── Health ────────────────────────────────────────────────────────────────────────────────────────────────────
    op("get", "/health/ready", "ready", "Whether the node serves (its database answers)", "Node", "none", R("Ready"))

    # ── Static pages that are an API for machines ─────────────────────────────────────────────────────────────────
    op("get", "/openapi.json", "openApi", "This description", "Node", "none", R("OpenApi"))

    # ── Outside the JSON table (Routes.PLAIN) ─────────────────────────────────────────────────────────────────────
    op("get", "/metrics", "prometheusMetrics", "This node's meters in Prometheus's text format", "Node", "admin|metrics",
       {"type": "string"}, media="text/plain; version=0.0.4; charset=utf-8",
       description="Logins by outcome and factor, second-factor failures, lockouts, risk actions, deliveries, request latency by "
                   "route template (a histogram), the database pool and the JVM. Also on --management-port.")


def document():
    operations()
    return {
        "openapi": "3.1.0",
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "info": {
            "title": "Latchkey",
            "version": "0.1.0",
            "summary": "A self-hosted identity server speaking the LoginRadius Identity API v2.",
            "description": "Every endpoint a Latchkey node serves. Paths, query-parameter names and JSON body keys match "
                           "case-insensitively (the SDKs disagree on case); bodies are accepted on every method, DELETE included. "
                           "Success is HTTP 200; every error is LoginRadius's JSON shape (LoginRadiusError) with its status. Tokens "
                           "are GUIDs; expires_in and ExpireIn are ISO-8601 UTC strings.",
        },
        "tags": [{"name": n} for n in [
            "Sign-up", "Passwords", "Phone", "Passwordless", "Login", "Login: second factor", "Account", "Account: second factors",
            "Remembered devices", "Step-up", "Tokens", "Management API", "Webhooks", "Admin", "Hosted page", "Node"]],
        "paths": PATHS,
        "components": {
            "schemas": schemas(),
            "parameters": PARAMETERS,
            "responses": {
                "Error": {
                    "description": "LoginRadius's error shape; ErrorCode says what happened.",
                    "headers": {
                        "Retry-After": {"description": "Seconds to wait (429, and 1198 locked).", "schema": INT},
                        "X-Correlation-Id": {"description": "The request's correlation id (the caller's X-Correlation-Id when at most 64 "
                                                            "of [A-Za-z0-9._-], else a new one); an unexpected failure (500, 7909) is "
                                                            "logged with it.", "schema": STR},
                    },
                    "content": {"application/json": {"schema": R("LoginRadiusError")}},
                },
            },
            "securitySchemes": SECURITY_SCHEMES,
        },
    }


def dumps(value, indent=""):
    """JSON with one item a line, except that what fits in 120 columns stays on its line (readable diffs, a small file)."""
    flat = json.dumps(value, ensure_ascii=False)
    if len(indent) + len(flat) <= 120 or not isinstance(value, (dict, list)) or not value:
        return flat
    inner = indent + " "
    if isinstance(value, dict):
        items = [inner + json.dumps(k, ensure_ascii=False) + ": " + dumps(v, inner).lstrip() for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + indent + "}"
    return "[\n" + ",\n".join(inner + dumps(v, inner).lstrip() for v in value) + "\n" + indent + "]"


if __name__ == "__main__":
    doc = document()
    with open(OUT, "w") as f:
        f.write(dumps(doc))
        f.write("\n")
    count = sum(len(item) for item in doc["paths"].values())
    print(f"{OUT}: {len(doc['paths'])} paths, {count} operations")
