package dev.latchkey.error;

/**
 * The catalog of every error Latchkey answers: LoginRadius code, Message, Description and HTTP status,
 * copied from LoginRadius's response-code table (see shared reference §5). One place, so the wire stays consistent.
 */
public enum LrError {
    API_KEY_UNAUTHORIZED(901, "The API key is unauthorized",
            "The provided LoginRadius API key is invalid or is not authorized, please use a valid or authorized LoginRadius API key or check the API key for your LoginRadius account.", 403),
    API_SECRET_UNAUTHORIZED(902, "The API secret is unauthorized",
            "The provided LoginRadius API secret is invalid or is not authorized, please use a valid or authorized LoginRadius API secret or check the API secret for your LoginRadius account.", 401),
    ACCESS_TOKEN_INVALID(905, "Access token is invalid",
            "The LoginRadius access token is invalid, please use the correct or valid access token in order to process this request.", 403),
    ACCESS_TOKEN_EXPIRED(906, "Access token has expired",
            "The LoginRadius access token has expired, please request a new token from LoginRadius API.", 403),
    PARAMETER_FORMAT(908, "A parameter is not formatted correctly",
            "A parameter is not formatted correctly in the request, please check all the parameters in the API call.", 403),
    API_SECRET_MISSING(923, "API secret is missing",
            "The request is missing the API secret, please use the valid API key parameter in order to process this request.", 400),
    EMAIL_REQUIRED(1038, "Valid email ID is required",
            "The provided email ID is invalid or not well-formatted, a valid email ID is required in order to process this request.", 400),
    SOTT_REQUIRED(1048, "Secured one-time token (SOTT) is required",
            "Secured one-time token (SOTT) is required, please use a valid secure one-time token (SOTT) in order to process this request.", 400),
    SOTT_INVALID(1049, "Secured one-time token (SOTT) is invalid",
            "Secured one-time token (SOTT) is invalid, please use a valid secure one-time token (SOTT) in order to process this request.", 403),
    CURRENT_PASSWORD_INVALID(967, "Current password is invalid", "Your current password is invalid, please use the correct password.", 401),
    EMAIL_NOT_VERIFIED(970, "Email is not verified",
            "This email has not yet been verified, please click the link in your email to confirm your email address.", 403),
    EMAIL_VERIFICATION_DISABLED(1034, "Verification emails cannot be sent, as the email verification option is disabled for your site",
            "The email address verification option is disabled for your site, please enable it before sending any verification emails.", 403),
    EMAIL_INVALID(990, "This email is invalid", "This is not a valid email address, please use a valid email address.", 403),
    USERNAME_EXISTS(1017, "This username is already registered with this website",
            "The username you have selected is already in use, please choose a different username.", 403),
    PHONE_EXISTS(1058, "Phone number is already registered with your LoginRadius site",
            "The phone number has to be unique for your LoginRadius site, please use a different phone number.", 403),
    PASSWORD_MISSING(1089, "Password is missing",
            "The password is missing, please use the valid password parameter in order to process this request.", 400),
    LOGIN_ID_REQUIRED(1141, "Email address or username is required",
            "Email address or username is required, please use a valid email address or username in order to process this request.", 400),
    EMAIL_EXISTS(936, "Email address is already registered with your LoginRadius site",
            "The email address has to be unique for your LoginRadius site, please use a different email address.", 403),
    ONLY_EMAIL(1005, "User account should have at least one email address",
            "This email address cannot be deleted as this is the only email address in your Profile, please add an additional email address in order to remove this.", 403),
    EMAIL_ACTION_INVALID(1006, "Invalid action for adding or removing email addresses", "This action is invalid, please take a valid action.", 403),
    USERNAME_FORMAT(1024, "This username format is invalid",
            "The username provided is invalid, please enter the username in the correct format.", 403),
    EMAIL_ALREADY_VERIFIED(1025, "This email address is already verified",
            "This email address has already been confirmed, so you cannot resend the verification email.", 403),
    DELETE_TOKEN_INVALID(1119, "The LoginRadius DeleteToken is invalid",
            "The LoginRadius DeleteToken is invalid, please use the correct or valid DeleteToken in order to process this request.", 403),
    EMAIL_VERIFIED_NO_TOKEN(1126, "Email has already been verified",
            "Provided email address has already been verified, so its verification token couldn’t be generated.", 403),
    EMAIL_UPDATE_NOT_ALLOWED(1174, "Email update is not allowed", "Update email is not allowed as email already exists in this account", 403),
    NO_VERIFIED_EMAIL(1177, "Cannot add the email address", "Profile does not have any verified email, this request cannot proceed.", 403),
    VERIFICATION_OTP_INVALID(1185, "Verification OTP is invalid",
            "The LoginRadius verification OTP is invalid, please use a valid verification OTP in order to process this request.", 403),
    /** 1185 as well (LoginRadius has no other code): the right code, used already; a sign-in does not count it as a guess. */
    /** 1185 too, to the client: the address has spent its tries, so the code was not compared (not a guess to count again). */
    VERIFICATION_OTP_NOT_EVALUATED(1185, "Verification OTP is invalid",
            "The LoginRadius verification OTP is invalid, please use a valid verification OTP in order to process this request.", 403),
    VERIFICATION_OTP_USED(1185, "Verification OTP is invalid",
            "This verification OTP has already been used, please request a new one.", 403),
    EMAIL_TYPE_REQUIRED(1201, "Email type is required", "The request couldn't be processed, the email type must be specified in the address.", 400),
    PASSWORD_BREACHED(1315, "The password you’re trying to set is exposed in an external data breach",
            "The specific password you’re setting is found in a data breach unrelated to this app/service. Please set a different password.", 403),
    EMAIL_NOT_IN_PROFILE(1340, "Email address does not exist in the profile",
            "The request cannot be processed as the email address does not exist in the user's profile.", 403),
    USER_NOT_FOUND(938, "User does not exist",
            "The user's account does not exist, please use a valid user or create the user before processing this request.", 403),
    POST_BODY_INVALID(965, "The post body is invalid",
            "Please use a valid post body and make sure that it is in a valid JSON format.", 400),
    INVALID_CREDENTIALS(966, "Invalid user ID and/or password", "Please use a valid user ID and password combination.", 401),
    ACCOUNT_BLOCKED(991, "Your account is blocked",
            "Your account has been blocked by the system admin, please contact the admin for more information.", 403),
    RESET_TOKEN_USED(974, "The email verification link has already been used",
            "Each link can only be used once, you can log in now if you have already verified the email, OR use the ‘forgot password’ option.", 403),
    LINK_EXPIRED(975, "Your verification link has expired",
            "This verification link has expired, please request for new verification link.", 403),
    LINK_USED(1062, "The password less login link has already been used",
            "Each link can only be used once, please click the password less login button for a new link.", 403),
    VTOKEN_INVALID(1063, "Verification token (vtoken) is invalid",
            "The LoginRadius verification token is invalid, please use a valid verification token in order to process this request.", 403),
    OTP_INVALID(1067, "Invalid OTP Code", "The OTP code is invalid, please request for a new OTP.", 403),
    OTP_USED(1068, "The OTP has already been used",
            "Each OTP can only be used once, you can now login if you have already verified the phone number.", 403),
    OTP_EXPIRED(1069, "Verification OTP has expired",
            "This verification OTP has expired, please use ‘resend OTP’ option to verify your phone number.", 403),
    PHONE_NOT_VERIFIED(1066, "Phone number is not verified",
            "The provided phone number is not verified, please use a verified phone number for login.", 403),
    PHONE_ALREADY_VERIFIED(1073, "This phone number has already been confirmed",
            "This phone number has already been confirmed, so you cannot resend the verification OTP", 403),
    PHONE_LOGIN_DISABLED(1074, "Phone number login is not enabled", "Phone number login is not enabled on your site.", 403),
    PHONE_REQUIRED(1076, "Phone number is required",
            "Phone number is required, please use a valid phone number in order to process this request.", 400),
    PHONE_VERIFIED_OR_TOKEN_INVALID(1120, "Access token is invalid or phone number is already verified",
            "The LoginRadius access token is invalid or the phone number has already been verified.", 403),
    NO_PHONE(1292, "A phone number is not currently linked to your account",
            "Your request cannot be processed as no phone number is linked to your account.", 403),
    PASSWORDLESS_DISABLED(1059, "Password less login option is not enabled for your LoginRadius site",
            "The password less login option is not enabled for your LoginRadius site, please reach out to LoginRadius support for more information.", 403),
    SMART_LOGIN_DISABLED(1135, "Smart login option is not enabled for your LoginRadius site",
            "The smart login option is not enabled for your LoginRadius site, please reach out to LoginRadius support for more information.", 403),
    CLIENT_GUID_USED(1136, "Client GUID must be unique", "You have already used this client GUID, please use a unique client GUID.", 403),
    SMART_LINK_USED(1137, "This smart login link has already been used", "Each link can only be used once, please request a new link to login.", 403),
    SMART_LINK_VERIFIED(1138, "The smart login link has already been verified",
            "This smart login link has already been verified, please click the smart login button for a new link.", 403),
    SMART_LINK_NOT_VERIFIED(1139, "The smart login link has not been verified",
            "This smart login link has not been verified, please click the smart login link in your email to verify.", 403),
    CLIENT_GUID_INVALID(1140, "Client GUID is invalid",
            "The client GUID is invalid or expired, please use a valid client guid in order to process this request.", 403),
    ONE_TOUCH_LINK_USED(1145, "The one touch login link has already been used",
            "Each link can only be used once, please click the sign in button for a new link.", 403),
    ONE_TOUCH_DISABLED(1146, "One touch login is not enabled for your LoginRadius site",
            "The one touch login is not enabled for your LoginRadius site, please reach out to LoginRadius support for more information.", 403),
    SMS_NOT_CONFIGURED(1071, "The SMS configuration does not exist", "The SMS configuration does not exist, please configure SMS settings.", 403),
    PHONE_INVALID(1096, "Invalid phone number",
            "The provided phone number is not valid or not well-formatted, please review the phone number in order to process this request.", 400),
    PHONE_CHANGE_INVALID(1250, "Invalid request to update the phone number for two-factor authentication.",
            "Authenticator, OTP, or security question-based two-factor authentication method is already enabled. Please use the update profile API to update the phone number.", 403),
    VOICE_OTP_NOT_CONFIGURED(1281, "Voice OTP has not been configured",
            "The Voice OTP has not been configured, please configure it.", 403),
    EMAIL_OTP_NOT_ENABLED(1256, "Email OTP two factor authentication is not enabled",
            "The Email OTP two factor authentication is not enabled, please enable Email OTP two factor authentication for login.", 403),
    SECURITY_ANSWER_INCORRECT(1093, "Your security answer is incorrect", "Your security answer is incorrect, please enter the correct security answer.", 403),
    SECURITY_QUESTIONS_NOT_ENABLED(1257, "Security question two factor authentication is not enabled",
            "The Security question two factor authentication is not enabled, please enable security question two factor authentication for login.", 403),
    SECURITY_QUESTIONS_NOT_VERIFIED(1259, "Security question two factor authentication is not verified on the profile",
            "The Security question two factor authentication is not verified on profile, please verify security question two factor authentication on profile.", 403),
    SECURITY_ANSWERS_TOO_FEW(1260, "Minimum required security questions answers not provided",
            "Minimum required security questions answers not provided, please provide minimum required security question answers for login.", 403),
    OTP_NOT_ENABLED(1100, "OTP two factor authentication is not enabled",
            "The OTP two factor authentication is not enabled, please enable OTP two factor authentication for login.", 403),
    EMAIL_LIMIT(1122, "You have reached a limit for sending emails",
            "The account limit for email requests for this resource has been reached for this time due to too many request.", 403),
    SMS_LIMIT(1123, "You have reached a limit for sending SMS",
            "The account limit for SMS requests for this resource has been reached for this time due to too many request.", 403),
    /*
     * LoginRadius's Message for 1164 says the account is blocked; risk-based authentication refuses one login, not the
     * account, so the Description says what happened (the Message stays LoginRadius's, which clients may match on).
     */
    RISK_BLOCKED(1164, "Your account has been blocked due to suspicious activity",
            "This sign-in was refused because it looked risky (a new device, browser or place); the account itself is not blocked. "
                    + "Try again from a device and place you usually use, or contact the site's support.", 403),
    RISK_NEW_BROWSER(1168, "Login attempt from a new browser is detected", "Login attempt from a new browser is detected.", 403),
    RISK_NEW_CITY(1169, "Login attempt from a new city is detected", "Login attempt from a new city is detected.", 403),
    RISK_NEW_COUNTRY(1170, "Login attempt from a new country is detected", "Login attempt from a new country is detected.", 403),
    RISK_NEW_IP(1171, "Login attempt from a new ip is detected", "Login attempt from a new ip is detected.", 403),
    RISK_NEW_DEVICE(1287, "Login attempt from a new device is detected", "Login attempt from a new device is detected.", 403),
    ACCESS_TOKEN_MISSING(1060, "Access token is missing",
            "This request is missing the access token, please use the valid access token parameter in order to process this request.", 400),
    PUT_BODY_INVALID(1079, "Put body is invalid", "Please use a valid put body and make sure that it is in a valid JSON format.", 400),
    DELETE_BODY_INVALID(1084, "Delete body is invalid", "Please use a valid delete body and make sure that it is in a valid JSON format.", 400),
    PAYLOAD_INVALID(1090, "Invalid request body or payload",
            "An error has occurred while parsing the API payload, Please review the request and try again.", 400),
    MFA_NOT_ENABLED(1097, "Two factor authentication is not enabled",
            "Two factor authentication is not enabled, please enable two factor authentication for login.", 403),
    MFA_NOT_CONFIGURED_FOR_PROFILE(1101, "Two factor authentication is not configured for this profile",
            "Two factor authentication is not configured, please configured or enable two factor authentication on your profile for login.", 403),
    MFA_TOKEN_INVALID(1103, "Two factor authentication token is invalid",
            "The LoginRadius two factor authentication token is invalid, please use the correct or valid token in order to process this request.", 403),
    MFA_TOKEN_EXPIRED(1104, "Two factor authentication token has expired",
            "The LoginRadius two factor authentication token has expired, please request a new token from LoginRadius API.", 403),
    BACKUP_CODES_EXIST(1127, "Two factor authentication backup code is already generated",
            "The two factor authentication backup code is already generated, please reset your two factor authentication backup code.", 403),
    /*
     * LoginRadius's table swaps the Message of 1128 and 1129 (reference §5). A wrong backup code answers 1129, the code
     * whose Description means "not valid or already used"; its Message is taken from 1128's, which says the same thing.
     */
    BACKUP_CODE_INVALID(1129, "Two factor authentication backup code is not valid or has already been used",
            "The two factor authentication backup code is not valid or has already been used, please use a valid two factor authentication backup code for login.", 403),
    VALIDATION_FAILED(1134, "Validation failed for one or more fields",
            "Validation failed for one or more fields, please check the errors field for more information.", 403),
    MFA_ENABLED_USE_MFA_LOGIN(1176, "Two factor authentication is enabled",
            "Two factor authentication is enabled, please use two factor authentication api for login.", 403),
    ACCOUNT_LOCKED(1198, "Your account has been locked", "Your account has been locked, please try again after sometime.", 403),
    AUTHENTICATOR_NOT_CONFIGURED(1099, "Two-factor authenticator is not configured",
            "Two-factor authenticator app is not configured. Please configure an authenticator to enable two-factor authentication.", 403),
    AUTHENTICATOR_CODE_INVALID(1102, "The two-factor authenticator code is incorrect", "Please enter the correct authenticator code.", 403),
    AUTHENTICATOR_NOT_ENABLED(1279, "The authenticator method is not enabled for two-factor authentication",
            "Please enable the authenticator method for two-factor authentication and try again.", 403),
    MFA_REMOVAL_INVALID(1121, "This is not valid request for removing two factor authentication",
            "This is not valid request for removing two factor authentication, please use the correct value for removing two factor authentication.", 403),
    /*
     * LoginRadius answers 1193 when the proof of a recent second factor (its re-authentication's SecondFactorValidationToken)
     * is invalid; Latchkey asks for that proof before a signed-in user changes a second factor, and answers 1193 without it.
     */
    REAUTH_NOT_ENABLED(1191, "Event Based two factor authentication is not enabled",
            "Event Based two factor authentication is not enabled, please enable event based two factor authentication for login.", 403),
    SECOND_FACTOR_PROOF_INVALID(1193, "Two factor validation token is invalid",
            "The LoginRadius two factor Validation token is invalid, please use the correct or valid token in order to process this request.", 403),
    REFRESH_TOKEN_INVALID(1217, "Refresh token invalid", "LoginRadius refresh token is invalid.", 403),
    PASSKEYS_DISABLED(1320, "Passkeys not enabled in this application.",
            "Please enable passkeys in the admin console to allow users to log in with passkeys.", 403),
    PASSKEY_VERIFICATION_FAILED(1321, "An unexpected error occurred while verifying your passkey.",
            "We apologize for the inconvenience. Please try again later.", 403),
    PASSKEY_CONFIGURATION(1322, "Passkey configuration error.",
            "An error occurred while processing your passkey request. Please try later or contact support for assistance.", 403),
    PASSKEY_NOT_IN_PROFILE(1323, "Passkey not configured in your profile.",
            "Please add a passkey in your profile to use this feature. You can configure your passkey in the profile settings.", 403),
    PASSKEY_ID_INVALID(1325, "Invalid Passkey ID", "The provided Passkey ID is invalid; it cannot be removed.", 403),
    PASSKEY_MFA_NOT_CONFIGURED(1328, "Passkey as two factor authentication is not configured for this profile",
            "Passkey as two factor authentication is not configured, please configure or enable two factor authentication on your profile for login.", 403),
    ACCESS_UNAUTHORIZED(6002, "Access Unauthorized", "Access Unauthorized, please use valid authorization to access this endpoint.", 401),
    PLAN_EXPIRED(6003, "Trial plan expired",
            "The trial plan has expired. To continue using the service, please contact support.", 403),
    INTERNAL(7909, "Operation failed due to an internal error.",
            "An unknown internal error occurred, please try again in a few minutes or contact your system administrator.", 500),
    // Not a LoginRadius code: LoginRadius answers an unknown path with its web server's 404 page. Latchkey keeps the JSON shape.
    NOT_FOUND(404, "Not Found", "No API exists at this path for this HTTP method; check the path and the method.", 404),
    METHOD_NOT_ALLOWED(405, "Method not allowed", "This API does not accept this HTTP method; check the documented method.", 405),
    /*
     * LoginRadius rate-limits with HTTP 429; its SDKs read the status (Java: client error 106, Node: ErrorCode 429 with this
     * Message). Latchkey answers the same status with the Node SDK's code and Message, and a Retry-After header.
     */
    TOO_MANY_REQUESTS(429, "Too many requests in a particular time frame",
            "Too many requests from this client or for this account in a short time; try again after the number of seconds in the Retry-After header.", 429),
    // Not LoginRadius codes: the web server refused the request before any API saw it. Same JSON shape, the HTTP status as code.
    BAD_REQUEST(400, "Bad request", "The request is not valid HTTP (its URI, headers or framing); check how it is sent.", 400),
    URI_TOO_LONG(414, "URI too long", "The request URI is too long; send large values in the body.", 414),
    HEADERS_TOO_LARGE(431, "Request header fields too large", "The request headers are too large.", 431),
    HTTP_VERSION_NOT_SUPPORTED(505, "HTTP version not supported", "Use HTTP/1.1 or HTTP/2.", 505);

    public final int code;
    public final String message;
    public final String description;
    public final int status;

    LrError(int code, String message, String description, int status) {
        this.code = code;
        this.message = message;
        this.description = description;
        this.status = status;
    }

    public ApiException error() {
        return new ApiException(this, description, status);
    }

    public ApiException withDescription(String description) {
        return new ApiException(this, description, status);
    }

    /** 908 naming the parameter, in LoginRadius's own wording: "The apikey is a required parameter." */
    public static ApiException required(String parameter) {
        return PARAMETER_FORMAT.withDescription("The " + parameter + " is a required parameter.");
    }
}
