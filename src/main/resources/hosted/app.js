// Latchkey's hosted sign-in page: password, then a passkey (or a backup code), through the LoginRadius API. It is also
// where a one-click sign-in link (risk-based authentication) lands: ?vtype=oneclicksignin&vtoken=… finishes that login.
// Plain JavaScript, no build step. It keeps its tokens in sessionStorage for this tab only.
(() => {
  'use strict';
  const params = new URLSearchParams(location.search);
  const apikey = params.get('apikey');
  const $ = (id) => document.getElementById(id);
  const state = {
    get token() { return sessionStorage.getItem('lk.2fa'); },
    set token(v) { v ? sessionStorage.setItem('lk.2fa', v) : sessionStorage.removeItem('lk.2fa'); },
    get access() { return sessionStorage.getItem('lk.access'); },
    set access(v) { v ? sessionStorage.setItem('lk.access', v) : sessionStorage.removeItem('lk.access'); },
  };

  function status(text, ok) {
    $('status').textContent = text || '';
    $('status').className = ok ? 'ok' : '';
  }

  function show(section) {
    for (const id of ['password-step', 'second-step', 'signed-in']) $(id).hidden = id !== section;
  }

  async function api(method, path, { query = {}, body, bearer } = {}) {
    const q = new URLSearchParams({ apikey, ...query });
    const headers = { 'Content-Type': 'application/json' };
    if (bearer) headers.Authorization = 'Bearer ' + bearer;
    const r = await fetch(path + '?' + q, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const json = await r.json();
    if (json && json.ErrorCode) throw json;
    return json;
  }

  // WebAuthn's binary fields travel as base64url.
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

  function explain(e) {
    if (e && e.ErrorCode) return e.Message + ' (' + e.ErrorCode + ')';
    return (e && e.message) || String(e);
  }

  function signedIn(login) {
    state.token = null;
    state.access = login.access_token;
    renderAccount();
  }

  async function renderAccount() {
    const p = await api('GET', '/identity/v2/auth/account', { bearer: state.access });
    $('profile-email').textContent = (p.Email && p.Email[0] && p.Email[0].Value) || '';
    $('profile-name').textContent = [p.FirstName, p.LastName].filter(Boolean).join(' ');
    $('profile-uid').textContent = p.Uid;
    $('profile-logins').textContent = p.NoOfLogins;
    $('profile-last-login').textContent = p.LastLoginDate || '';
    const list = $('passkeys');
    list.replaceChildren();
    try {
      const keys = await api('GET', '/identity/v2/auth/account/passkey', { bearer: state.access });
      for (const k of keys.Data) {
        const li = document.createElement('li');
        li.textContent = k.Authenticator + ' added ' + k.CreatedAt.slice(0, 10) + (k.LastUsedAt ? ', last used ' + k.LastUsedAt.slice(0, 10) : '');
        list.append(li);
      }
      if (!keys.Data.length) list.append(Object.assign(document.createElement('li'), { textContent: 'None yet' }));
    } catch (e) { /* passkeys may be off for this tenant */ }
    show('signed-in');
  }

  $('login-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    status('');
    try {
      const r = await api('POST', '/identity/v2/auth/login/2fa', { body: { email: $('email').value, password: $('password').value } });
      $('password').value = '';
      if (!r.SecondFactorAuthentication) return signedIn(r);
      const sfa = r.SecondFactorAuthentication;
      state.token = sfa.SecondFactorAuthenticationToken;
      const hasPasskey = sfa.IsPasskeyAuthenticatorVerified;
      // A login that risk-based authentication asks to confirm: a link went by email, a code by SMS.
      const confirming = Boolean((sfa.Email && sfa.Email.length) || sfa.OTPStatus);
      $('use-passkey').hidden = !hasPasskey;
      $('enroll-passkey-login').hidden = hasPasskey || confirming;
      $('risk-email').hidden = !(sfa.Email && sfa.Email.length);
      $('risk-email-address').textContent = (sfa.Email && sfa.Email[0]) || '';
      $('otp-form').hidden = !sfa.OTPStatus;
      $('otp-phone').textContent = sfa.OTPPhoneNo || '';
      show('second-step');
    } catch (e) { status(explain(e)); }
  });

  $('use-passkey').addEventListener('click', async () => {
    status('');
    try {
      const begin = await api('GET', '/identity/v2/auth/login/2fa/passkey/begin', { query: { secondfactorauthenticationtoken: state.token } });
      const body = await get(begin.LoginBeginCredential.publicKey);
      signedIn(await api('POST', '/identity/v2/auth/login/2fa/passkey/finish', { query: { secondfactorauthenticationtoken: state.token }, body }));
    } catch (e) { status(explain(e)); }
  });

  $('enroll-passkey-login').addEventListener('click', async () => {
    status('');
    try {
      const begin = await api('GET', '/identity/v2/auth/login/2fa/register/passkey/begin', { query: { secondfactorauthenticationtoken: state.token } });
      const body = await create(begin.RegisterBeginCredential.publicKey);
      signedIn(await api('POST', '/identity/v2/auth/login/2fa/register/passkey/finish', { query: { secondfactorauthenticationtoken: state.token }, body }));
    } catch (e) { status(explain(e)); }
  });

  $('backup-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    status('');
    try {
      signedIn(await api('PUT', '/identity/v2/auth/login/2fa/backupcode', { query: { secondfactorauthenticationtoken: state.token },
        body: { backupcode: $('backup-code').value } }));
      $('backup-code').value = '';
    } catch (e) { status(explain(e)); }
  });

  $('otp-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    status('');
    try {
      signedIn(await api('PUT', '/identity/v2/auth/login/2fa/verification/otp', { query: { secondfactorauthenticationtoken: state.token },
        body: { otp: $('otp').value } }));
      $('otp').value = '';
    } catch (e) { status(explain(e)); }
  });

  async function oneClickSignIn(vtoken) {
    history.replaceState(null, '', location.pathname + '?apikey=' + encodeURIComponent(apikey));
    try {
      signedIn(await api('GET', '/identity/v2/auth/login/oneclickverify', { query: { verificationtoken: vtoken } }));
    } catch (e) { status(explain(e)); show('password-step'); }
  }

  $('add-passkey').addEventListener('click', async () => {
    status('');
    try {
      const begin = await api('GET', '/identity/v2/auth/account/2fa/register/passkey/begin', { bearer: state.access });
      const body = await create(begin.RegisterBeginCredential.publicKey);
      await api('POST', '/identity/v2/auth/account/2fa/register/passkey/finish', { bearer: state.access, body });
      status('Passkey added.', true);
      await renderAccount();
    } catch (e) { status(explain(e)); }
  });

  $('sign-out').addEventListener('click', async () => {
    try { await api('GET', '/identity/v2/auth/access_token/invalidate', { bearer: state.access }); } catch (e) { /* already gone */ }
    state.access = null;
    status('Signed out.', true);
    show('password-step');
  });

  $('cancel').addEventListener('click', () => { state.token = null; status(''); show('password-step'); });

  if (!apikey) {
    $('no-apikey').hidden = false;
    show(null);
  } else if (params.get('vtype') === 'oneclicksignin' && params.get('vtoken')) {
    oneClickSignIn(params.get('vtoken'));
  } else if (state.access) {
    renderAccount().catch(() => { state.access = null; show('password-step'); });
  } else {
    show('password-step');
  }
})();
