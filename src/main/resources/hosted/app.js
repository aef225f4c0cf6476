// Latchkey's hosted sign-in page: the password, then whatever can finish this login (a passkey, a backup code, setting
// up a passkey, or the link or code risk-based authentication sent), through the LoginRadius API and the page's own
// /hosted/api/* (what LoginRadius's answers do not say: the site's name, what can work for a pending login, and the
// sign-up form's SOTT, which a browser cannot make). It signs people up, and its account page changes the password and
// deletes the account.
// Where the site turns them on, it signs in without a password: an emailed link (or its code), a code by SMS, and smart
// login (this page waits while a link is opened on any device), and it signs people up with a mobile number.
// It is also where the emailed links land (?vtype=…&vtoken=…): one-click and passwordless sign-in, smart and one-touch
// login (for the device that asked), a password reset, an address to confirm, an account to delete. Mail scanners open
// links too, so the page asks for a click before it uses a sign-in, smart login or deletion link. Plain JavaScript, no
// build step. Tokens stay in sessionStorage (this tab).
(() => {
  'use strict';
  const params = new URLSearchParams(location.search);
  const apikey = params.get('apikey');
  const $ = (id) => document.getElementById(id);
  const webauthn = Boolean(window.PublicKeyCredential && navigator.credentials);
  /** How often a login waiting for its emailed link asks whether it is still waiting. */
  const WATCH_MILLIS = 3000;
  /** How often a smart login waiting for its link to be opened asks for its tokens (ErrorCode 1139: not yet). */
  const PING_MILLIS = 2000;

  // Per tab and per site: a token of another site's login is never sent here.
  const remembered = (name) => {
    const key = 'lk.' + apikey + '.' + name;
    return {
      get: () => sessionStorage.getItem(key),
      set: (v) => (v ? sessionStorage.setItem(key, v) : sessionStorage.removeItem(key)),
    };
  };
  const pendingToken = remembered('2fa');
  const pendingSent = remembered('sent'); // what step 1 said it sent (the masked email, the phone), to resume after a reload
  const accessToken = remembered('access');
  const smartWait = remembered('smart'); // {guid, kind, email} of a smart or one-touch login this tab waits for
  const app = { passkeys: false, ways: {} };
  let oneClickToken = null; // only in memory: a reload asks for the emailed link again, which still works
  let resetToken = null; // a forgotten-password link's token, only in memory as well
  let verificationToken = null; // an email-verification link's token
  let deleteToken = null; // an account-deletion link's token, only in memory too
  let passwordlessLink = false; // the one-click link is one this page asked for to sign in without a password
  let smartLink = null; // a smart or one-touch login link's {token, kind}: the device that asked gets the tokens
  let phoneToVerify = null; // the mobile number of a phone sign-up whose code is awaited
  let watching = null;
  let pinging = null;

  const SECTIONS = ['password-step', 'sign-up-step', 'phone-sign-up-step', 'forgot-step', 'reset-step', 'email-link-step', 'sms-code-step',
    'smart-step', 'second-step', 'confirm-link', 'smart-link', 'smart-link-done', 'delete-link', 'signed-in', 'no-apikey'];

  /** This page for this site: where the links of the emails it asks for (verification, deletion) come back to. */
  const hostedPage = () => location.origin + location.pathname + '?apikey=' + encodeURIComponent(apikey);

  function show(section) {
    stopWatching();
    stopPinging();
    for (const id of SECTIONS) $(id).hidden = id !== section;
  }

  /** The line under the heading: an error, unless kind says 'ok' or 'info'. */
  function status(text, kind) {
    $('status').textContent = text || '';
    $('status').className = text ? kind || 'error' : '';
  }

  async function api(method, path, { query = {}, body, bearer, headers: extra = {} } = {}) {
    const headers = { ...extra };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (bearer) headers.Authorization = 'Bearer ' + bearer;
    let response;
    try {
      response = await fetch(path + '?' + new URLSearchParams({ apikey, ...query }), {
        method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch (e) {
      throw { offline: true };
    }
    let json = null;
    try { json = await response.json(); } catch (e) { /* not JSON: answered below by its status */ }
    if (!response.ok || !json || json.ErrorCode) {
      throw { ErrorCode: response.status, Message: 'The server answered ' + response.status + '.', ...(json || {}),
        retryAfter: response.headers.get('Retry-After') };
    }
    return json;
  }

  // ── Words for people ──────────────────────────────────────────────────────────────────────────────────────────

  // Where LoginRadius's text speaks of things this page does not have (a "password less login button", a new OTP).
  const OWN_WORDS = {
    936: 'An account with this email address exists already: sign in, or use "Forgot your password?"',
    966: 'The email or the password is wrong.',
    // Emailed links: one-click sign-in, a forgotten password, an address to confirm.
    974: 'This link was already used: each link works once. Ask for a new one if you need to.',
    975: 'This link has expired: ask for a new one (sign in again, or "Forgot your password?").',
    1062: 'This sign-in link was already used: each link works once. Sign in again if you need to.',
    1063: 'This link is not valid (was it copied whole?): ask for a new one.',
    1067: 'That code is wrong: check the message and type it again.',
    1093: 'An answer is wrong: check them and try again.',
    1260: 'Answer more of the questions: the site asks for more answers than that.',
    1096: 'That is not a mobile number a code can be texted to: type it with its country code, as +1 555 555 0100.',
    1123: 'Too many codes were sent by SMS in the past hour: wait a while, or use another way to sign in.',
    1102: 'That code is wrong: type the code your authenticator app shows now.',
    1103: 'This sign-in is no longer waiting for its second step: sign in again.',
    1104: 'This sign-in took too long and has expired: sign in again.',
    // Phone accounts and sign-in without a password.
    1058: 'An account with this mobile number exists already: sign in with it.',
    1066: 'This mobile number is not confirmed yet: type the code we texted it, or ask for a new one.',
    1068: 'That code was already used: each code works once. Ask for a new one.',
    1069: 'That code has expired: ask for a new one.',
    1122: 'Too many emails were sent in the past hour: wait a while, or sign in another way.',
    1185: 'That code is wrong: check the email and type it again.',
    1137: 'This sign-in was finished already: each link works once. Ask for a new one if you need to.',
    1140: 'This sign-in waited too long, and its link has expired: ask for a new one.',
    // A way the site turned off since the page showed it (or since the link was sent).
    1059: 'This site does not offer signing in without a password now: sign in with your password.',
    1135: 'This site does not offer signing in with a link on another device now: sign in with your password.',
    1146: 'This site does not offer signing in with a link on another device now: sign in with your password.',
  };

  // A smart or one-touch login link, opened on the device that did not ask: the general words speak of this device.
  const SMART_LINK_WORDS = {
    975: 'This link has expired: ask for a new one on the device where you want to sign in.',
    1138: 'This link was already used: the device that asked for it is signed in. Ask for a new link there if you need to.',
    1145: 'This link was already used: the device that asked for it is signed in. Ask for a new link there if you need to.',
  };
  const words = (s) => (s || '').toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim();
  const sentence = (s) => (/[.!?]$/.test(s) ? s : s + '.');

  function whenToRetry(retryAfter) {
    const seconds = Number(retryAfter);
    if (!(seconds > 0)) return ' Try again later.';
    if (seconds < 60) return ' Try again in ' + seconds + (seconds === 1 ? ' second.' : ' seconds.');
    const minutes = Math.ceil(seconds / 60);
    const at = new Date(Date.now() + seconds * 1000).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
    return ' Try again in ' + minutes + (minutes === 1 ? ' minute' : ' minutes') + ' (after ' + at + ').';
  }

  // An account-deletion link's refusals: the general words for emailed links speak of signing in and passwords.
  const DELETE_LINK_WORDS = {
    974: 'This link was already used: each link works once. If your account still exists, sign in and ask again to delete it.',
    975: 'This link has expired: sign in and ask again to delete your account.',
    // The account's links go with it, so a link that already deleted its account is unknown from then on.
    1119: 'This link does not work: it was used already (then the account is deleted), or it was not copied whole. '
      + 'If your account still exists, sign in and ask again to delete it.',
  };

  /**
   * An API error as a sentence: the Description where it says more than the Message (a failed validation's own
   * messages, such as the password policy's), then the code for support. {@code own} words go before the page's.
   */
  function explain(e, own = {}) {
    if (!e || e.offline) return 'The server could not be reached: check the connection and try again.';
    if (!e.ErrorCode) return String((e && e.message) || e);
    let text;
    if (e.ErrorCode === 1198 || e.ErrorCode === 429) {
      text = sentence(e.Message) + whenToRetry(e.retryAfter);
    } else if (own[e.ErrorCode] || OWN_WORDS[e.ErrorCode]) {
      text = own[e.ErrorCode] || OWN_WORDS[e.ErrorCode];
    } else if (Array.isArray(e.Errors) && e.Errors.some((x) => x && x.ErrorMessage)) {
      text = e.Errors.filter((x) => x && x.ErrorMessage).map((x) => sentence(String(x.ErrorMessage))).join(' ');
    } else {
      text = e.Description && !words(e.Description).includes(words(e.Message)) ? e.Description : e.Message;
    }
    return sentence(text) + ' (' + e.ErrorCode + ')';
  }

  /** A WebAuthn refusal (a DOMException) in words; anything else as an API error. */
  function explainPasskey(e, creating) {
    switch (e && e.name) {
      case 'NotAllowedError':
        return creating ? 'No passkey was set up: the request was cancelled or timed out.'
          : 'No passkey for this account was found on this device, or the request was cancelled.';
      case 'InvalidStateError': return 'This device already holds a passkey for this account.';
      case 'AbortError': return 'The passkey request was cancelled.';
      case 'SecurityError': return "Passkeys are not set up for this page's address: contact the site's support.";
      default: return explain(e);
    }
  }

  const readableDate = (iso) => (iso ? new Date(iso).toLocaleString() : '');

  // ── WebAuthn: binary fields travel as base64url ───────────────────────────────────────────────────────────────

  const toBytes = (s) => Uint8Array.from(atob(s.replace(/-/g, '+').replace(/_/g, '/') + '==='.slice((s.length + 3) % 4)), (c) => c.charCodeAt(0));
  const toB64 = (buf) => btoa(String.fromCharCode(...new Uint8Array(buf))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  const descriptors = (list) => (list || []).map((c) => ({ ...c, id: toBytes(c.id) }));

  function credentialJSON(cred) {
    const r = cred.response;
    const response = r.attestationObject
      ? { attestationObject: toB64(r.attestationObject), clientDataJSON: toB64(r.clientDataJSON),
          transports: r.getTransports ? r.getTransports() : [] }
      : { authenticatorData: toB64(r.authenticatorData), clientDataJSON: toB64(r.clientDataJSON),
          signature: toB64(r.signature), userHandle: r.userHandle ? toB64(r.userHandle) : null };
    return { PasskeyCredential: { id: cred.id, rawId: toB64(cred.rawId), type: cred.type,
      authenticatorAttachment: cred.authenticatorAttachment, response,
      clientExtensionResults: cred.getClientExtensionResults ? cred.getClientExtensionResults() : {} } };
  }

  async function create(publicKey) {
    const cred = await navigator.credentials.create({ publicKey: { ...publicKey,
      challenge: toBytes(publicKey.challenge), user: { ...publicKey.user, id: toBytes(publicKey.user.id) },
      excludeCredentials: descriptors(publicKey.excludeCredentials) } });
    return credentialJSON(cred);
  }

  async function get(publicKey) {
    const cred = await navigator.credentials.get({ publicKey: { ...publicKey,
      challenge: toBytes(publicKey.challenge), allowCredentials: descriptors(publicKey.allowCredentials) } });
    return credentialJSON(cred);
  }

  // ── Signed in ─────────────────────────────────────────────────────────────────────────────────────────────────

  function forgetPending() {
    stopWatching();
    pendingToken.set(null);
    pendingSent.set(null);
  }

  function signedIn(login) {
    forgetPending();
    accessToken.set(login.access_token);
    return renderAccount();
  }

  async function renderAccount() {
    const p = await api('GET', '/identity/v2/auth/account', { bearer: accessToken.get() });
    $('profile-email').textContent = (p.Email && p.Email[0] && p.Email[0].Value) || '';
    $('profile-phone').textContent = p.PhoneId || '';
    $('profile-phone').hidden = $('profile-phone-label').hidden = !p.PhoneId;
    $('profile-name').textContent = [p.FirstName, p.LastName].filter(Boolean).join(' ');
    $('profile-uid').textContent = p.Uid;
    $('profile-logins').textContent = p.NoOfLogins;
    $('profile-last-login').textContent = readableDate(p.LastLoginDate);
    $('change-password-username').value = $('profile-email').textContent;
    $('delete-request').hidden = true;
    $('delete-account').hidden = false;
    $('passkeys-section').hidden = !app.passkeys;
    $('add-passkey').hidden = !webauthn;
    const list = $('passkeys');
    list.replaceChildren();
    if (app.passkeys) {
      try {
        const keys = await api('GET', '/identity/v2/auth/account/passkey', { bearer: accessToken.get() });
        for (const k of keys.Data) {
          list.append(Object.assign(document.createElement('li'), { textContent: k.Authenticator + ' added ' + readableDate(k.CreatedAt)
            + (k.LastUsedAt ? ', last used ' + readableDate(k.LastUsedAt) : '')
            + (k.IsPossiblyCloned ? ' (refused: it may have been copied)' : '') }));
        }
        if (!keys.Data.length) list.append(Object.assign(document.createElement('li'), { textContent: 'None yet' }));
      } catch (e) {
        list.append(Object.assign(document.createElement('li'), { textContent: explain(e) }));
      }
    }
    await renderAuthenticator();
    show('signed-in');
  }

  /** The account's security questions: set up (with a way to remove them), or the catalog to answer from here. */
  function renderSecurityQuestions(mfa) {
    const on = Boolean(mfa && mfa.IsSecurityQuestionAuthenticatorVerified);
    const catalog = (mfa && !on && mfa.SecurityQuestions) || [];
    $('sq-section').hidden = !mfa || (!on && !catalog.length);
    $('sq-on').hidden = $('remove-sq').hidden = !on;
    $('sq-add').hidden = on || !catalog.length;
    $('sq-add-intro').textContent = 'Answer the questions you will be asked at sign-in (at least the number the site asks for).';
    questionFields('sq-add-fields', catalog, 'sq-add');
  }

  /** The account's codes by email: on (with a way to stop them), or a way to set them up from here. */
  function renderEmailCodes(mfa) {
    const on = Boolean(mfa && mfa.IsEmailOtpAuthenticatorVerified);
    $('email-code-section').hidden = !mfa || (!app.emailCodes && !on);
    $('email-code-on').hidden = $('remove-email-code').hidden = !on;
    $('email-code-add').hidden = on;
    if (!$('account-email-address').value) $('account-email-address').value = $('profile-email').textContent;
  }

  /** The account's codes by SMS: the phone they go to (with a way to stop them), or a way to set a phone up from here. */
  function renderSms(mfa) {
    const on = Boolean(mfa && mfa.IsOTPAuthenticatorVerified);
    $('sms-section').hidden = !mfa || (!app.smsCodes && !on); // a phone set up before the site stopped offering SMS stays removable
    $('sms-on').hidden = $('remove-sms').hidden = !on;
    $('sms-phone-on').textContent = on ? mfa.OTPPhoneNo : '';
    $('sms-add').hidden = on;
    $('sms-confirm').hidden = true;
  }

  /** The account's authenticator app: set up (with a way to remove it), or the data to set one up from here. */
  async function renderAuthenticator() {
    let mfa;
    try {
      mfa = await api('GET', '/identity/v2/auth/account/2fa', { bearer: accessToken.get() });
    } catch (e) {
      $('authenticator-section').hidden = true; // MFA is off for this site
      renderSms(null);
      renderEmailCodes(null);
      renderSecurityQuestions(null);
      $('backup-section').hidden = true;
      return;
    }
    renderSms(mfa);
    renderEmailCodes(mfa);
    renderSecurityQuestions(mfa);
    $('backup-section').hidden = false;
    const on = Boolean(mfa.IsAuthenticatorVerified);
    $('authenticator-section').hidden = false;
    $('authenticator-on').hidden = $('remove-authenticator').hidden = !on;
    $('authenticator-add').hidden = on || !mfa.ManualEntryCode;
    if (!on && mfa.ManualEntryCode) {
      $('account-qr').src = mfa.QRCode;
      $('account-manual').textContent = spaced(mfa.ManualEntryCode);
    }
  }

  /** A key typed by hand is easier to read in groups of four. */
  const spaced = (key) => key.replace(/(.{4})(?=.)/g, '$1 ');

  // ── Step 2: only what can work for this login ─────────────────────────────────────────────────────────────────

  async function secondStep() {
    const token = pendingToken.get();
    let can;
    try {
      can = await api('GET', '/hosted/api/login', { query: { secondfactorauthenticationtoken: token } });
    } catch (e) {
      forgetPending();
      show('password-step');
      status(explain(e));
      return;
    }
    const sent = JSON.parse(pendingSent.get() || '{}');
    const link = Boolean(can.RiskChallenge && sent.email);
    const code = Boolean(can.RiskChallenge && sent.phone);
    $('second-intro').textContent = can.RiskChallenge
      ? 'This sign-in comes from a new device, browser or place for your account, so it needs confirming.'
      : 'Your account asks for a second step.';
    $('risk-email').hidden = !link;
    $('risk-email-address').textContent = sent.email || '';
    const configured = can.Configured || [];
    // The account's SMS factor (its code was sent at step 1), or a phone this login is setting up.
    const sms = configured.includes('sms') || Boolean(sent.smsEnrolling);
    $('otp-form').hidden = !(code || sms);
    $('otp-phone').textContent = sent.smsEnrolling || sent.phone || sent.smsPhone || 'your phone';
    $('resend-otp').hidden = !sms;
    $('sms-enroll').hidden = !can.SmsEnrollment || Boolean(sent.smsEnrolling);
    // Codes by email: sent at step 1 where set up (to the primary address), on request to an address of the account.
    const emailCodes = configured.includes('email') || Boolean(can.EmailEnrollment);
    $('email-otp-form').hidden = !emailCodes;
    $('email-otp-intro').textContent = sent.emailSentTo
      ? 'We emailed a code to ' + sent.emailSentTo + '.'
      : configured.includes('email') ? 'Get a code by email.' : 'Your account needs a second step at every sign-in: get a code by email.';
    if (!$('email-otp-address').value) $('email-otp-address').value = sent.typedEmail || '';
    // Security questions: the account's to answer, or the catalog to choose answers from where they may be set up now.
    const sqOn = configured.includes('securityquestion');
    const sqEnroll = !sqOn && Boolean(can.SecurityQuestionEnrollment);
    $('sq-form').hidden = !((sqOn || sqEnroll) && (sent.questions || []).length);
    $('sq-intro').textContent = sqOn ? 'Answer your security questions.'
      : 'Your account needs a second step at every sign-in: answer at least ' + can.SecurityQuestionsToAnswer + ' of these questions.';
    questionFields('sq-fields', sent.questions || [], 'sq');
    const enrollment = sent.authenticator || null;
    $('authenticator-form').hidden = !configured.includes('authenticator');
    $('authenticator-enroll').hidden = !(can.MayEnroll && enrollment);
    if (can.MayEnroll && enrollment) {
      $('enroll-qr').src = enrollment.qr;
      $('enroll-manual').textContent = spaced(enrollment.manual);
    }
    $('use-passkey').hidden = !(can.Passkeys && webauthn);
    $('enroll').hidden = !(can.PasskeyEnrollment && webauthn);
    $('backup-form').hidden = !can.BackupCodes;
    $('no-webauthn').hidden = webauthn || !(can.Passkeys || can.PasskeyEnrollment);
    $('nothing-usable').hidden = link || code || sms || can.SmsEnrollment || emailCodes || !$('sq-form').hidden || can.BackupCodes || can.Passkeys || can.PasskeyEnrollment
      || configured.includes('authenticator') || Boolean(can.MayEnroll && enrollment);
    show('second-step');
    if (link) watch(token);
  }

  /**
   * While a risk challenge waits for its emailed link, asks every few seconds whether its login is still pending: the
   * link may be opened in another tab or browser, which then holds the session, and this tab should not wait forever.
   */
  function watch(token) {
    stopWatching();
    watching = setInterval(async () => {
      try {
        await api('GET', '/hosted/api/login', { query: { secondfactorauthenticationtoken: token } });
      } catch (e) {
        if (pendingToken.get() !== token || !e || ![1103, 1104, 1198, 991].includes(e.ErrorCode)) return; // moved on, or passing
        forgetPending();
        show('password-step');
        // 1103: the login ended. Only this tab holds its token, so what ended it is, almost always, the emailed link.
        status(e.ErrorCode === 1103
          ? 'This sign-in is no longer waiting here: it was most likely confirmed with the emailed link in another tab or '
            + 'browser, which is signed in now. Continue there, or sign in again here.'
          : explain(e), e.ErrorCode === 1103 ? 'info' : 'error');
      }
    }, WATCH_MILLIS);
  }

  function stopWatching() {
    if (watching !== null) clearInterval(watching);
    watching = null;
  }

  /**
   * Runs one step-2 answer. Watching pauses meanwhile (this tab's own answer ends the login too); a refusal that ends
   * the login goes back to the start, any other leaves the choices as they are.
   */
  async function answer(action, explainer = explain) {
    status('');
    const token = pendingToken.get();
    const resume = watching !== null;
    stopWatching();
    try {
      await action(token);
    } catch (e) {
      if (e && [1103, 1104, 1198, 991].includes(e.ErrorCode)) {
        forgetPending();
        show('password-step');
      } else if (resume && pendingToken.get() === token) {
        watch(token);
      }
      status(explainer(e));
    }
  }

  const withToken = (token) => ({ query: { secondfactorauthenticationtoken: token } });

  /**
   * How step 1 names the account: an email address has an @, a phone number is digits (with an optional + and the usual
   * separators), anything else is a username. After a phone login, risk-based authentication sends its code by SMS.
   */
  function identifier(value) {
    const v = value.trim();
    if (v.includes('@')) return { email: v };
    if (/^\+?[0-9][0-9 ().-]{5,}$/.test(v)) return { phone: v.replace(/[ ().-]/g, '') };
    return { username: v };
  }

  let busy = false;
  /** One action at a time: a second click while the first is under way (a double click) does nothing. */
  const single = (action) => async () => {
    if (busy) return;
    busy = true;
    try { await action(); } finally { busy = false; }
  };
  // A form is never submitted by the browser itself (that would put the password in the address).
  const onSubmit = (id, action) => $(id).addEventListener('submit', (ev) => { ev.preventDefault(); single(action)(); });
  const onClick = (id, action) => $(id).addEventListener('click', single(action));

  // Show the typed password on request (a password manager fills it either way; nothing blocks pasting).
  const conceal = (button, field) => {
    $(field).type = 'password';
    $(button).textContent = 'Show';
    $(button).setAttribute('aria-pressed', 'false');
  };
  const revealable = (button, field) => $(button).addEventListener('click', () => {
    if ($(field).type === 'text') return conceal(button, field);
    $(field).type = 'text';
    $(button).textContent = 'Hide';
    $(button).setAttribute('aria-pressed', 'true');
  });
  revealable('show-password', 'password');
  revealable('show-sign-up-password', 'sign-up-password');
  revealable('show-phone-sign-up-password', 'phone-sign-up-password');

  /**
   * What a first step answered (the password, or a way without one: a link, a code, a ping): signed in, or the second
   * step it asks for. {@code typed} is how the person named the account ({email} | {username} | {phone}).
   */
  async function afterFirstStep(r, typed = {}) {
    if (!r.SecondFactorAuthentication) return signedIn(r);
    const sfa = r.SecondFactorAuthentication;
    pendingToken.set(sfa.SecondFactorAuthenticationToken);
    // What risk-based authentication sent (a link by email, a code by SMS), and an authenticator app to set up.
    pendingSent.set(JSON.stringify({ email: (sfa.Email && sfa.Email[0]) || null, phone: sfa.OTPStatus ? sfa.OTPPhoneNo || 'your phone' : null,
      smsPhone: sfa.IsOTPAuthenticatorVerified ? sfa.OTPPhoneNo : null,
      typedEmail: typed.email || null, questions: sfa.SecurityQuestions || [], emailSentTo: sfa.EmailOTPStatus ? sfa.EmailOTPStatus.Email : null,
      authenticator: sfa.ManualEntryCode ? { qr: sfa.QRCode, manual: sfa.ManualEntryCode } : null }));
    return secondStep();
  }

  onSubmit('login-form', async () => {
    status('');
    const typed = identifier($('email').value);
    try {
      const r = await api('POST', '/identity/v2/auth/login/2fa', { body: { ...typed, password: $('password').value } });
      $('password').value = '';
      conceal('show-password', 'password');
      await afterFirstStep(r, typed);
    } catch (e) {
      if (e && e.ErrorCode === 1066 && typed.phone) {
        // A phone sign-up whose number was never confirmed (the password was right): a new code, and the field for it.
        $('password').value = '';
        conceal('show-password', 'password');
        return askPhoneCode(typed.phone, true);
      }
      status(explain(e));
    }
  });

  onClick('use-passkey', () => answer(async (token) => {
    const begin = await api('GET', '/identity/v2/auth/login/2fa/passkey/begin', withToken(token));
    const body = await get(begin.LoginBeginCredential.publicKey);
    await signedIn(await api('POST', '/identity/v2/auth/login/2fa/passkey/finish', { ...withToken(token), body }));
  }, (e) => explainPasskey(e, false)));

  onClick('enroll-passkey-login', () => answer(async (token) => {
    const begin = await api('GET', '/identity/v2/auth/login/2fa/register/passkey/begin', withToken(token));
    const body = await create(begin.RegisterBeginCredential.publicKey);
    await signedIn(await api('POST', '/identity/v2/auth/login/2fa/register/passkey/finish', { ...withToken(token), body }));
  }, (e) => explainPasskey(e, true)));

  onSubmit('backup-form', () => answer(async (token) => {
    const login = await api('PUT', '/identity/v2/auth/login/2fa/backupcode', { ...withToken(token), body: { backupcode: $('backup-code').value } });
    $('backup-code').value = '';
    await signedIn(login);
  }));

  onSubmit('authenticator-form', () => answer(async (token) => {
    const login = await api('PUT', '/identity/v2/auth/login/2fa/verification/authenticatorcode',
      { ...withToken(token), body: { authenticatorcode: $('authenticator-code').value.replace(/\s/g, '') } });
    $('authenticator-code').value = '';
    await signedIn(login);
  }));

  onSubmit('authenticator-enroll', () => answer(async (token) => {
    const login = await api('PUT', '/identity/v2/auth/login/2fa/verification/authenticatorcode',
      { ...withToken(token), body: { authenticatorcode: $('enroll-code').value.replace(/\s/g, '') } });
    $('enroll-code').value = '';
    await signedIn(login);
  }));

  onSubmit('otp-form', () => answer(async (token) => {
    const login = await api('PUT', '/identity/v2/auth/login/2fa/verification/otp', { ...withToken(token), body: { otp: $('otp').value } });
    $('otp').value = '';
    await signedIn(login);
  }));

  /** One labelled field per question ({QuestionId, Question}), in the element {@code id}; the fields' ids start with {@code prefix}. */
  function questionFields(id, questions, prefix) {
    const box = $(id);
    if (box.dataset.ids === questions.map((q) => q.QuestionId).join(',')) return; // already drawn: keep what was typed
    box.dataset.ids = questions.map((q) => q.QuestionId).join(',');
    box.replaceChildren();
    questions.forEach((q, i) => {
      const label = Object.assign(document.createElement('label'), { textContent: q.Question, htmlFor: prefix + '-' + i });
      const input = Object.assign(document.createElement('input'), { id: prefix + '-' + i, autocomplete: 'off', spellcheck: false });
      input.dataset.questionId = q.QuestionId;
      box.append(label, input);
    });
  }

  /** The answers typed in the element {@code id}: [{QuestionId, Answer}] for every field filled in. */
  const typedAnswers = (id) => [...$(id).querySelectorAll('input')].filter((i) => i.value.trim())
    .map((i) => ({ QuestionId: i.dataset.questionId, Answer: i.value }));

  onSubmit('sq-form', () => answer(async (token) => {
    const can = await api('GET', '/hosted/api/login', { query: { secondfactorauthenticationtoken: token } });
    const body = { securityquestionanswer: typedAnswers('sq-fields') };
    const login = (can.Configured || []).includes('securityquestion')
      ? await api('POST', '/identity/v2/auth/login/2fa/verification/securityquestionanswer', { ...withToken(token), body })
      : await api('PUT', '/identity/v2/auth/login/2fa/securityquestionanswer', { ...withToken(token), body });
    $('sq-fields').querySelectorAll('input').forEach((i) => { i.value = ''; });
    await signedIn(login);
  }));

  onClick('send-email-otp', () => answer(async (token) => {
    const address = $('email-otp-address').value.trim();
    await api('POST', '/identity/v2/auth/login/2fa/otp/email', { ...withToken(token), body: { emailid: address } });
    status('We emailed a code to ' + address + '.', 'ok');
  }));

  onSubmit('email-otp-form', () => answer(async (token) => {
    const login = await api('PUT', '/identity/v2/auth/login/2fa/verification/otp/email',
      { ...withToken(token), body: { emailid: $('email-otp-address').value.trim(), Otp: $('email-otp').value.replace(/\s/g, '') } });
    $('email-otp').value = '';
    await signedIn(login);
  }));

  onClick('resend-otp', () => answer(async (token) => {
    await api('GET', '/identity/v2/auth/login/2fa/resend', withToken(token));
    status('A new code is on its way.', 'ok');
  }));

  onSubmit('sms-enroll', () => answer(async (token) => {
    const phone = $('sms-phone').value.trim();
    await api('PUT', '/identity/v2/auth/login/2fa', { ...withToken(token), body: { phoneno2fa: phone } });
    pendingSent.set(JSON.stringify({ ...JSON.parse(pendingSent.get() || '{}'), smsEnrolling: phone }));
    await secondStep();
    status('We sent a code to ' + phone + '.', 'ok');
  }));

  $('cancel').addEventListener('click', () => { forgetPending(); status(''); show('password-step'); });

  // ── The emailed one-click link: used only when the person clicks ─────────────────────────────────────────────

  onClick('confirm-sign-in', async () => {
    status('');
    try {
      // The passwordless verification takes both a passwordless link's token and risk-based authentication's one-click one.
      const login = await api('GET', '/identity/v2/auth/login/passwordlesslogin/email/verify', { query: { verificationtoken: oneClickToken } });
      oneClickToken = null;
      await afterFirstStep(login);
    } catch (e) {
      if (!e || !e.offline) {
        oneClickToken = null;
        await home();
      }
      status(explain(e));
    }
  });

  onClick('reject-sign-in', async () => {
    oneClickToken = null;
    await home();
    status(passwordlessLink
      ? 'Nothing was used: nobody signs in without this link. If you did not ask for it, you can ignore the email.'
      : "Nothing was confirmed, so that sign-in will not go through. If it was not you, someone may know your password: change it, or contact the site's support.", 'info');
  });

  // ── A smart or one-touch login link: opened here, it signs in the device that asked (this one gets no tokens) ──

  onClick('approve-sign-in', async () => {
    status('');
    const link = smartLink;
    try {
      await api('GET', link.kind === 'onetouchlogin' ? '/identity/v2/auth/email/onetouchlogin' : '/identity/v2/auth/email/smartlogin',
        { query: { verificationtoken: link.token } });
      smartLink = null;
      show('smart-link-done');
    } catch (e) {
      if (!e || !e.offline) {
        smartLink = null;
        await home();
      }
      status(explain(e, SMART_LINK_WORDS));
    }
  });

  onClick('deny-sign-in', async () => {
    smartLink = null;
    await home();
    status('Nothing was confirmed: the device that asked is not signed in. If it was not you, ignore the email: nobody signs in without it.', 'info');
  });

  onClick('smart-link-home', async () => { status(''); await home(); });

  /**
   * Where the page rests: the account when this tab is signed in, else the password. Resolves once it shows, so that a
   * status line set after it belongs to what is shown.
   */
  async function home() {
    if (accessToken.get()) {
      await renderAccount().catch(() => { accessToken.set(null); show('password-step'); });
    } else {
      show('password-step');
    }
  }

  // ── The account ───────────────────────────────────────────────────────────────────────────────────────────────

  onClick('add-passkey', async () => {
    status('');
    try {
      const begin = await api('GET', '/identity/v2/auth/account/2fa/register/passkey/begin', { bearer: accessToken.get() });
      const body = await create(begin.RegisterBeginCredential.publicKey);
      await api('POST', '/identity/v2/auth/account/2fa/register/passkey/finish', { bearer: accessToken.get(), body });
      await renderAccount();
      status('Passkey added.', 'ok');
    } catch (e) { status(explainPasskey(e, true)); }
  });

  onSubmit('authenticator-add', async () => {
    status('');
    try {
      await api('PUT', '/identity/v2/auth/account/2fa/verification/authenticatorcode',
        { bearer: accessToken.get(), body: { authenticatorcode: $('account-code').value.replace(/\s/g, '') } });
      $('account-code').value = '';
      await renderAccount();
      status('Authenticator app set up.', 'ok');
    } catch (e) { status(explain(e)); }
  });

  onClick('remove-authenticator', async () => {
    status('');
    try {
      await api('DELETE', '/identity/v2/auth/account/2fa/authenticator', { bearer: accessToken.get(), body: { authenticator: true } });
      await renderAccount();
      status('Authenticator app removed.', 'ok');
    } catch (e) { status(explain(e)); }
  });

  onSubmit('sms-add', async () => {
    status('');
    try {
      await api('PUT', '/identity/v2/auth/account/2fa', { bearer: accessToken.get(), body: { phoneno2fa: $('account-sms-phone').value.trim() } });
      $('sms-confirm').hidden = false;
      status('We sent a code to ' + $('account-sms-phone').value.trim() + '.', 'ok');
    } catch (e) { status(explain(e)); }
  });

  onSubmit('sms-confirm', async () => {
    status('');
    try {
      await api('PUT', '/identity/v2/auth/account/2fa/verification/otp',
        { bearer: accessToken.get(), body: { otp: $('account-sms-code').value.replace(/\s/g, '') } });
      $('account-sms-code').value = '';
      await renderAccount();
      status('Codes by SMS set up.', 'ok');
    } catch (e) { status(explain(e)); }
  });

  onClick('remove-sms', async () => {
    status('');
    try {
      await api('DELETE', '/identity/v2/auth/account/2fa/authenticator', { bearer: accessToken.get(), body: { otpauthenticator: true } });
      await renderAccount();
      status('Codes by SMS stopped.', 'ok');
    } catch (e) { status(explain(e)); }
  });

  onClick('account-send-email-code', async () => {
    status('');
    try {
      const address = $('account-email-address').value.trim();
      await api('GET', '/identity/v2/auth/account/2fa/otp/email', { bearer: accessToken.get(), query: { emailid: address } });
      status('We emailed a code to ' + address + '.', 'ok');
    } catch (e) { status(explain(e)); }
  });

  onSubmit('email-code-add', async () => {
    status('');
    try {
      await api('PUT', '/identity/v2/auth/account/2fa/verification/otp/email', { bearer: accessToken.get(),
        body: { EmailId: $('account-email-address').value.trim(), Otp: $('account-email-code').value.replace(/\s/g, '') } });
      $('account-email-code').value = '';
      await renderAccount();
      status('Codes by email set up.', 'ok');
    } catch (e) { status(explain(e)); }
  });

  onClick('remove-email-code', async () => {
    status('');
    try {
      await api('DELETE', '/identity/v2/auth/account/2fa/authenticator/otp/email', { bearer: accessToken.get(), body: {} });
      await renderAccount();
      status('Codes by email stopped.', 'ok');
    } catch (e) { status(explain(e)); }
  });

  // Backup codes: the first set, or a new set that replaces the old one (1127: some exist already).
  onClick('get-backup-codes', async () => {
    status('');
    try {
      let r;
      try {
        r = await api('GET', '/identity/v2/auth/account/2fa/backupcode', { bearer: accessToken.get() });
      } catch (e) {
        if (!e || e.ErrorCode !== 1127) throw e;
        r = await api('GET', '/identity/v2/auth/account/2fa/backupcode/reset', { bearer: accessToken.get() });
      }
      const list = $('backup-codes');
      list.replaceChildren(...r.BackUpCodes.map((c) => Object.assign(document.createElement('li'), { textContent: c })));
      list.hidden = false;
      status('Here are your backup codes: any earlier ones no longer work.', 'ok');
    } catch (e) { status(explain(e)); }
  });

  onSubmit('sq-add', async () => {
    status('');
    try {
      await api('PUT', '/identity/v2/auth/account/2fa/securityquestionanswer',
        { bearer: accessToken.get(), body: { securityquestionanswer: typedAnswers('sq-add-fields'), ReplaceSecurityQuestionAnswer: true } });
      $('sq-add-fields').querySelectorAll('input').forEach((i) => { i.value = ''; });
      await renderAccount();
      status('Security questions set up.', 'ok');
    } catch (e) { status(explain(e)); }
  });

  onClick('remove-sq', async () => {
    status('');
    try {
      await api('DELETE', '/identity/v2/auth/account/2fa/authenticator/securityquestionanswer', { bearer: accessToken.get(), body: {} });
      await renderAccount();
      status('Security questions removed.', 'ok');
    } catch (e) { status(explain(e)); }
  });

  onClick('forgot', async () => {
    status('');
    $('forgot-email').value = identifier($('email').value).email || '';
    show('forgot-step');
  });
  onClick('forgot-back', async () => { status(''); show('password-step'); });

  onSubmit('forgot-form', async () => {
    status('');
    try {
      await api('POST', '/identity/v2/auth/password', { body: { email: $('forgot-email').value.trim() } });
      show('password-step');
      status('If an account has this address, we emailed it a link to choose a new password.', 'ok');
    } catch (e) { status(explain(e)); }
  });

  onSubmit('reset-form', async () => {
    status('');
    try {
      await api('PUT', '/identity/v2/auth/password/reset', { body: { resettoken: resetToken, password: $('new-password').value } });
      resetToken = null;
      $('new-password').value = '';
      show('password-step');
      status('Your password is changed: sign in with the new one.', 'ok');
    } catch (e) {
      if (e && [974, 975, 1063].includes(e.ErrorCode)) {
        resetToken = null;
        show('password-step');
      }
      status(explain(e));
    }
  });

  // ── Signing in without a password ─────────────────────────────────────────────────────────────────────────────

  /** A mobile number as the API takes it: digits with an optional +, without the separators people type. */
  const phoneNumber = (value) => value.trim().replace(/[ ().-]/g, '');

  /** A client GUID: a secure context has crypto.randomUUID, any other page the same from crypto.getRandomValues. */
  function newGuid() {
    if (crypto.randomUUID) return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const hex = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
    return hex.slice(0, 8) + '-' + hex.slice(8, 12) + '-' + hex.slice(12, 16) + '-' + hex.slice(16, 20) + '-' + hex.slice(20);
  }

  /** What the sign-in form's field holds, to start another way with. */
  const typedAtSignIn = () => identifier($('email').value);

  // By an emailed link (or the code the same email carries).
  let emailLinkFor = null; // {email} | {username}: whom the last link was asked for, for its code

  onClick('to-email-link', async () => {
    status('');
    const typed = typedAtSignIn();
    if (!$('email-link-id').value) $('email-link-id').value = typed.email || typed.username || '';
    $('email-link-form').hidden = false;
    $('email-link-code-form').hidden = true;
    show('email-link-step');
  });
  onClick('email-link-back', async () => { status(''); show('password-step'); });

  onSubmit('email-link-form', async () => {
    status('');
    const typed = identifier($('email-link-id').value);
    if (typed.phone) typed.username = $('email-link-id').value.trim(); // digits are a username here: no link goes to a phone
    const who = typed.email ? { email: typed.email } : { username: typed.username };
    try {
      // The page's own address, marked so that the link, when it lands here, is known as one asked for here.
      await api('GET', '/identity/v2/auth/login/passwordlesslogin/email',
        { query: { ...who, verificationurl: hostedPage() + '&signin=passwordless' } });
      emailLinkFor = who;
      $('email-link-sent').textContent = 'If an account has ' + (who.email ? 'this address' : 'this username')
        + ', we emailed it a link to sign in (it works once). Open it in this browser, or type the code it carries here.';
      $('email-link-code-form').hidden = false;
      $('email-link-code').value = '';
      $('email-link-code').focus();
    } catch (e) { status(explain(e)); }
  });

  onSubmit('email-link-code-form', async () => {
    status('');
    const who = emailLinkFor;
    const otp = $('email-link-code').value.replace(/\s/g, '');
    try {
      const login = who.email
        ? await api('POST', '/identity/v2/auth/login/passwordlesslogin/email/verifyotp', { body: { email: who.email, otp } })
        : await api('POST', '/identity/v2/auth/login/passwordlesslogin/username/verifyotp', { body: { username: who.username, otp } });
      $('email-link-code').value = '';
      await afterFirstStep(login, who);
    } catch (e) { status(explain(e)); }
  });

  // By a code sent by SMS to the account's confirmed number.
  let smsCodeFor = null;

  onClick('to-sms-code', async () => {
    status('');
    const typed = typedAtSignIn();
    if (!$('sms-code-phone').value && typed.phone) $('sms-code-phone').value = typed.phone;
    $('sms-code-form').hidden = false;
    $('sms-code-verify-form').hidden = true;
    show('sms-code-step');
  });
  onClick('sms-code-back', async () => { status(''); show('password-step'); });

  onSubmit('sms-code-form', async () => {
    status('');
    const phone = phoneNumber($('sms-code-phone').value);
    try {
      await api('GET', '/identity/v2/auth/login/passwordlesslogin/otp', { query: { phone } });
      smsCodeFor = phone;
      $('sms-code-sent').textContent = 'If an account has this number, confirmed, we texted ' + phone + ' a code to sign in.';
      $('sms-code-verify-form').hidden = false;
      $('sms-sign-in-code').value = '';
      $('sms-sign-in-code').focus();
    } catch (e) { status(explain(e)); }
  });

  onSubmit('sms-code-verify-form', async () => {
    status('');
    try {
      const login = await api('PUT', '/identity/v2/auth/login/passwordlesslogin/otp/verify',
        { body: { phone: smsCodeFor, otp: $('sms-sign-in-code').value.replace(/\s/g, '') } });
      $('sms-sign-in-code').value = '';
      await afterFirstStep(login, { phone: smsCodeFor });
    } catch (e) { status(explain(e)); }
  });

  // Smart login (one-touch login where only that is on): this page waits while the emailed link is opened anywhere.
  const smartKind = () => (app.ways.SmartLogin ? 'smartlogin' : 'onetouchlogin');

  onClick('to-smart', async () => {
    status('');
    const oneTouch = smartKind() === 'onetouchlogin';
    $('smart-intro').textContent = 'We email you a link. Open it on any device (your phone, say) and confirm there: this page '
      + 'signs you in as soon as you do.' + (oneTouch ? ' New here? The link creates your account.' : '');
    $('smart-id-label').textContent = oneTouch ? 'Email address' : 'Email address or username';
    const typed = typedAtSignIn();
    if (!$('smart-id').value) $('smart-id').value = (oneTouch ? typed.email : typed.email || typed.username) || '';
    $('smart-form').hidden = false;
    $('smart-waiting').hidden = true;
    show('smart-step');
  });
  onClick('smart-back', async () => { status(''); show('password-step'); });

  onSubmit('smart-form', async () => {
    status('');
    const value = $('smart-id').value.trim();
    const kind = smartKind();
    const guid = newGuid();
    try {
      if (kind === 'smartlogin') {
        const who = value.includes('@') ? { email: value } : { username: value };
        await api('GET', '/identity/v2/auth/login/smartlogin', { query: { ...who, clientguid: guid, redirecturl: hostedPage() } });
      } else {
        await api('POST', '/identity/v2/auth/onetouchlogin/email', { query: { redirecturl: hostedPage() }, body: { clientguid: guid, email: value } });
      }
      smartWait.set(JSON.stringify({ guid, kind, email: value.includes('@') ? value : null }));
      waitForSmartLogin();
    } catch (e) { status(explain(e)); }
  });

  /** Shows the wait and asks every PING_MILLIS whether the link was opened: then the answer is this tab's login. */
  function waitForSmartLogin() {
    const wait = JSON.parse(smartWait.get() || 'null');
    if (!wait) return;
    $('smart-form').hidden = true;
    $('smart-waiting').hidden = false;
    show('smart-step');
    const ping = async () => {
      pinging = null;
      let login;
      try {
        login = await api('GET', '/identity/v2/auth/login/smartlogin/ping', { query: { clientguid: wait.guid } });
      } catch (e) {
        if (smartWait.get() === null || JSON.parse(smartWait.get()).guid !== wait.guid || $('smart-step').hidden) return; // moved on
        if (e && (e.offline || e.ErrorCode === 1139)) {
          pinging = setTimeout(ping, PING_MILLIS); // not yet (or the network is away for a moment)
          return;
        }
        smartWait.set(null);
        $('smart-form').hidden = false;
        $('smart-waiting').hidden = true;
        status(explain(e));
        return;
      }
      if (smartWait.get() === null || JSON.parse(smartWait.get()).guid !== wait.guid) {
        // Stopped while this ping was under way: the session it took is ended, not kept.
        if (login && login.access_token) {
          api('GET', '/identity/v2/auth/access_token/invalidate', { bearer: login.access_token }).catch(() => {});
        }
        return;
      }
      smartWait.set(null);
      try {
        await afterFirstStep(login, wait.email ? { email: wait.email } : {});
      } catch (e) {
        show('password-step');
        status(explain(e));
      }
    };
    pinging = setTimeout(ping, PING_MILLIS);
  }

  function stopPinging() {
    if (pinging !== null) clearTimeout(pinging);
    pinging = null;
  }

  onClick('smart-stop', async () => {
    smartWait.set(null);
    show('password-step');
    status('Stopped waiting: opening that link signs nobody in here now.', 'info');
  });

  // ── Sign-up with a mobile number: its code confirms it and signs in ─────────────────────────────────────────

  /** The field for the code texted to {@code phone}; {@code resend}: a new code is asked for first (a sign-in found it unconfirmed). */
  async function askPhoneCode(phone, resend) {
    phoneToVerify = phone;
    $('phone-sign-up-form').hidden = true;
    $('phone-verify-form').hidden = false;
    $('phone-verify-code').value = '';
    $('phone-verify-intro').textContent = (resend ? 'This number is not confirmed yet. ' : '') + 'We texted ' + phone
      + ' a code: type it to confirm the number and sign in.';
    show('phone-sign-up-step');
    if (resend) {
      try {
        await api('POST', '/identity/v2/auth/phone/otp', { body: { phone } });
      } catch (e) { status(explain(e)); }
    }
  }

  onClick('to-phone-sign-up', async () => {
    status('');
    const typed = typedAtSignIn();
    if (!$('sign-up-phone').value && typed.phone) $('sign-up-phone').value = typed.phone;
    $('phone-sign-up-form').hidden = false;
    $('phone-verify-form').hidden = true;
    show('phone-sign-up-step');
  });
  onClick('phone-sign-up-back', async () => { status(''); show('password-step'); });

  onSubmit('phone-sign-up-form', async () => {
    status('');
    const phone = phoneNumber($('sign-up-phone').value);
    const body = { PhoneId: phone, Password: $('phone-sign-up-password').value };
    const firstName = $('phone-sign-up-first-name').value.trim();
    if (firstName) body.FirstName = firstName;
    try {
      const sott = await api('GET', '/hosted/api/sott');
      const r = await api('POST', '/identity/v2/auth/register', { body, headers: { 'X-LoginRadius-Sott': sott.Sott } });
      $('phone-sign-up-password').value = '';
      conceal('show-phone-sign-up-password', 'phone-sign-up-password');
      if (r.Data) return await afterFirstStep(r.Data, { phone });
      await askPhoneCode(phone, false);
      status('Your account is created: confirm the number to sign in.', 'ok');
    } catch (e) { status(explain(e)); }
  });

  onSubmit('phone-verify-form', async () => {
    status('');
    try {
      const login = await api('PUT', '/identity/v2/auth/phone/otp',
        { query: { otp: $('phone-verify-code').value.replace(/\s/g, '') }, body: { phone: phoneToVerify } });
      $('phone-verify-code').value = '';
      const phone = phoneToVerify;
      phoneToVerify = null;
      await afterFirstStep(login, { phone });
    } catch (e) { status(explain(e)); }
  });

  onClick('resend-phone-code', async () => {
    status('');
    try {
      await api('POST', '/identity/v2/auth/phone/otp', { body: { phone: phoneToVerify } });
      status('A new code is on its way.', 'ok');
    } catch (e) { status(explain(e)); }
  });

  // ── Sign-up ───────────────────────────────────────────────────────────────────────────────────────────────────

  onClick('to-sign-up', async () => {
    status('');
    const typed = identifier($('email').value).email;
    if (typed && !$('sign-up-email').value) $('sign-up-email').value = typed;
    show('sign-up-step');
  });
  onClick('sign-up-back', async () => { status(''); show('password-step'); });

  onSubmit('sign-up-form', async () => {
    status('');
    const email = $('sign-up-email').value.trim();
    const body = { Email: [{ Type: 'Primary', Value: email }], Password: $('sign-up-password').value };
    const firstName = $('sign-up-first-name').value.trim();
    if (firstName) body.FirstName = firstName;
    try {
      // A SOTT per attempt: it is the application's proof, and only the server can make one.
      const sott = await api('GET', '/hosted/api/sott');
      const r = await api('POST', '/identity/v2/auth/register',
        { query: { verificationurl: hostedPage() }, body, headers: { 'X-LoginRadius-Sott': sott.Sott } });
      $('sign-up-password').value = '';
      conceal('show-sign-up-password', 'sign-up-password');
      const check = app.verificationEmail ? ' Check your email: we sent ' + email + ' a link to confirm the address.' : '';
      if (r.Data) {
        await signedIn(r.Data);
        status('Welcome: your account is ready.' + check, 'ok');
      } else {
        // The site requires a confirmed address (or a second factor) before the first sign-in.
        $('email').value = email;
        show('password-step');
        status('Your account is created.' + (check ? check + ' Open it, then sign in.' : ' Sign in to finish setting it up.'), 'ok');
      }
    } catch (e) { status(explain(e)); }
  });

  // ── The account: its password, its deletion ──────────────────────────────────────────────────────────────────

  onSubmit('change-password-form', async () => {
    status('');
    try {
      await api('PUT', '/identity/v2/auth/password/change', { bearer: accessToken.get(),
        body: { oldpassword: $('current-password').value, newpassword: $('changed-password').value } });
      // A new password ends every session of the account, this tab's too.
      $('current-password').value = $('changed-password').value = '';
      accessToken.set(null);
      $('email').value = $('profile-email').textContent;
      show('password-step');
      status('Your password is changed, and every session of your account has ended (this one too): sign in with the new password.', 'ok');
    } catch (e) {
      $('current-password').value = '';
      status(explain(e));
    }
  });

  onClick('delete-account', async () => {
    status('');
    $('delete-account').hidden = true;
    $('delete-request').hidden = false;
  });
  onClick('cancel-delete', async () => {
    status('');
    $('delete-request').hidden = true;
    $('delete-account').hidden = false;
  });

  onClick('request-delete', async () => {
    status('');
    try {
      const r = await api('DELETE', '/identity/v2/auth/account', { bearer: accessToken.get(), query: { deleteurl: hostedPage() } });
      if (!r.IsDeleteRequestAccepted) throw new Error("The request to delete your account was not accepted: contact the site's support.");
      $('delete-request').hidden = true;
      $('delete-account').hidden = false;
      status('We emailed you a link to confirm: your account is deleted only once you open it and confirm.', 'ok');
    } catch (e) { status(explain(e)); }
  });

  // The emailed deletion link: used only when the person clicks.
  onClick('confirm-delete', async () => {
    status('');
    try {
      await api('GET', '/identity/v2/auth/account/delete', { query: { deletetoken: deleteToken } });
      deleteToken = null;
      forgetPending();
      accessToken.set(null);
      show('password-step');
      status('Your account was deleted.', 'ok');
    } catch (e) {
      if (!e || !e.offline) {
        deleteToken = null;
        await home();
      }
      status(explain(e, DELETE_LINK_WORDS));
    }
  });

  onClick('keep-account', async () => {
    deleteToken = null;
    await home();
    status('Nothing was deleted: your account stays as it is.', 'info');
  });

  onClick('sign-out', async () => {
    try { await api('GET', '/identity/v2/auth/access_token/invalidate', { bearer: accessToken.get() }); } catch (e) { /* already gone */ }
    accessToken.set(null);
    show('password-step');
    status('Signed out.', 'ok');
  });

  // ── Start ─────────────────────────────────────────────────────────────────────────────────────────────────────

  async function start() {
    if (!apikey) {
      show('no-apikey');
      return;
    }
    if (params.get('vtype') === 'oneclicksignin' && params.get('vtoken')) {
      oneClickToken = params.get('vtoken');
      passwordlessLink = params.get('signin') === 'passwordless'; // a link this page asked for (the words only)
    }
    if (['smartlogin', 'onetouchlogin'].includes(params.get('vtype')) && params.get('vtoken')) {
      smartLink = { token: params.get('vtoken'), kind: params.get('vtype') };
    }
    if (params.get('vtype') === 'reset' && params.get('vtoken')) resetToken = params.get('vtoken');
    if (params.get('vtype') === 'emailverification' && params.get('vtoken')) verificationToken = params.get('vtoken');
    if (params.get('vtype') === 'deleteuser' && params.get('vtoken')) deleteToken = params.get('vtoken');
    if (params.has('vtoken') || params.has('vtype')) {
      // The token leaves the address bar (and the history) before anything else happens.
      history.replaceState(null, '', location.pathname + '?apikey=' + encodeURIComponent(apikey));
    }
    try {
      const about = await api('GET', '/hosted/api/app');
      app.passkeys = about.PasskeysEnabled;
      app.emailCodes = about.EmailCodes;
      app.smsCodes = about.SmsCodes;
      app.verificationEmail = about.VerificationEmail;
      $('sign-up-offer').hidden = !about.SignUp; // only where the tenant signs people up here (Security.HostedSignUp)
      $('phone-sign-up-offer').hidden = !about.PhoneSignUp;
      // The ways without a password that the site turns on (and can send the message of).
      app.ways = about.Passwordless || {};
      $('email-link-offer').hidden = !app.ways.EmailLink;
      $('sms-code-offer').hidden = !app.ways.SmsCode;
      $('smart-offer').hidden = !(app.ways.SmartLogin || app.ways.OneTouchLogin);
      $('other-ways').hidden = !(app.ways.EmailLink || app.ways.SmsCode || app.ways.SmartLogin || app.ways.OneTouchLogin);
      if (about.Name) {
        document.title = about.Name + ' · Sign in';
        $('app-name').textContent = about.Name;
      }
    } catch (e) {
      status(explain(e));
      if (!e.offline) {
        show(null);
        return;
      }
    }
    if (verificationToken) {
      const token = verificationToken;
      verificationToken = null;
      try {
        const r = await api('GET', '/identity/v2/auth/email', { query: { verificationtoken: token } });
        if (r.Data) {
          await signedIn(r.Data);
        } else if (accessToken.get()) {
          await renderAccount().catch(() => { accessToken.set(null); show('password-step'); });
        } else {
          show('password-step');
        }
        status(accessToken.get() ? 'Your email address is confirmed.' : 'Your email address is confirmed: you can sign in.', 'ok');
      } catch (e) {
        show('password-step');
        status(explain(e));
      }
    } else if (resetToken) {
      show('reset-step');
    } else if (oneClickToken) {
      $('confirm-risk-text').hidden = passwordlessLink;
      $('confirm-passwordless-text').hidden = !passwordlessLink;
      $('confirm-link-title').textContent = passwordlessLink ? 'Sign in' : 'Confirm this sign-in';
      $('confirm-sign-in').textContent = passwordlessLink ? 'Sign in' : 'Confirm this sign-in';
      show('confirm-link');
    } else if (smartLink) {
      show('smart-link');
    } else if (deleteToken) {
      show('delete-link');
    } else if (pendingToken.get() && !accessToken.get()) {
      secondStep();
    } else if (smartWait.get() && !accessToken.get()) {
      waitForSmartLogin(); // a reload while waiting: the link still signs this tab in
    } else {
      home();
    }
  }

  start();
})();
