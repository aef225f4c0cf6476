// Latchkey's operators' console: tenants and their settings, users and their factors, sessions and devices, templates with
// a preview, webhooks and their deliveries, risk events, messages and a dashboard of charts. It calls only the admin API
// (/admin/v1/…, the admin key as a Bearer token) and the Management API (/identity/v2/manage/…, /v2/manage/webhook, with
// the tenant's ApiKey and ApiSecret in headers, the secret read from the admin API's tenant view and kept in memory).
// The admin key stays in this tab's sessionStorage until sign-out; no key or secret is ever put in an address. Plain
// JavaScript, no build step, no library: everything shown goes in as text (textContent), charts are SVG drawn here, and
// a template's HTML preview is shown in a sandboxed iframe, never in this page.
(() => {
  'use strict';
  const $ = (id) => document.getElementById(id);
  const KEY = 'lk.console.adminKey';
  const TENANT = 'lk.console.tenant';
  const SIGNALS = ['Device', 'Browser', 'City', 'Country', 'IP'];
  const FACTORS = {
    backupcode: 'Backup codes',
    passkey: 'Passkeys',
    authenticator: 'Authenticator app',
    sms: 'Code by SMS',
    email: 'Code by email',
    securityquestion: 'Security questions',
  };

  /** What the console knows: the tenants, the open tenant's admin view and secret, the user shown, the template edited. */
  const state = { tenants: [], tenant: null, secret: null, view: 'tenants', user: null, security: null, template: null, hooks: [],
    events: null };

  // ── Small helpers ────────────────────────────────────────────────────────────────────────────────────────────────

  /** An element with properties and children; strings become text, never markup. */
  function el(tag, props, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(props || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k === 'text') e.textContent = v;
      else if (k === 'class') e.className = v;
      else if (k === 'onclick') e.addEventListener('click', v);
      else e.setAttribute(k, v === true ? '' : String(v));
    }
    for (const c of children.flat()) {
      if (c !== null && c !== undefined && c !== false) e.append(c instanceof Node ? c : String(c));
    }
    return e;
  }

  function when(iso) {
    if (!iso) return '—';
    const d = new Date(iso);
    return Number.isNaN(d.getTime()) ? String(iso) : d.toLocaleString();
  }

  /** Fills a table's body with rows (arrays of cells); a row of its own says when there are none. */
  function rows(table, list, emptyText) {
    const body = $(table).tBodies[0];
    body.replaceChildren();
    if (!list.length) {
      const columns = $(table).tHead.rows[0].cells.length;
      body.append(el('tr', {}, el('td', { class: 'empty', colspan: columns, text: emptyText })));
      return;
    }
    for (const cells of list) body.append(el('tr', {}, cells.map((c) => el('td', {}, c))));
  }

  function pill(text, kind) {
    return el('span', { class: 'pill ' + (kind || String(text).toLowerCase()), text });
  }

  /** The line under the header: an error, unless kind says 'ok' or 'info'. */
  function status(text, kind) {
    $('status').textContent = text || '';
    $('status').className = text ? kind || 'error' : '';
  }

  /** An API error in words: its Description, and each field's message when the API named fields. */
  function message(e) {
    if (!e || typeof e !== 'object') return String(e);
    let text = e.Description || e.Message || e.message || 'Something went wrong.';
    if (Array.isArray(e.Errors) && e.Errors.length) {
      text += ' ' + e.Errors.map((x) => (x.FieldName ? x.FieldName + ': ' : '') + (x.ErrorMessage || '')).join(' ');
    }
    return text;
  }

  function fail(e) {
    if (e && e.handled) return;
    status(message(e), 'error');
  }

  /** Runs an action from a button: the button waits, an error is shown with the API's Description. */
  async function act(button, action) {
    if (button) button.disabled = true;
    try {
      await action();
    } catch (e) {
      fail(e);
    } finally {
      if (button) button.disabled = false;
    }
  }

  // ── The APIs ─────────────────────────────────────────────────────────────────────────────────────────────────────

  async function request(method, path, { body, headers = {}, query } = {}) {
    const h = { Accept: 'application/json', ...headers };
    if (body !== undefined) h['Content-Type'] = 'application/json';
    let url = path;
    if (query) {
      const q = new URLSearchParams(Object.entries(query).filter(([, v]) => v !== undefined && v !== null && v !== '')).toString();
      if (q) url += '?' + q;
    }
    let response;
    try {
      response = await fetch(url, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store',
        credentials: 'omit', referrerPolicy: 'no-referrer' });
    } catch (e) {
      throw { Description: 'The node cannot be reached: check that it runs and try again.' };
    }
    let json = null;
    try {
      json = await response.json();
    } catch (e) {
      // not JSON: answered below by its status
    }
    if (!response.ok || (json && json.ErrorCode && json.Description)) {
      throw { status: response.status, Description: 'The node answered ' + response.status + '.', ...(json || {}) };
    }
    return json;
  }

  const adminKey = () => sessionStorage.getItem(KEY);

  /** The admin API; a refused key (401, 6002) ends the session and asks for the key again. */
  async function admin(method, path, options = {}) {
    try {
      return await request(method, '/admin/v1' + path, { ...options, headers: { Authorization: 'Bearer ' + adminKey() } });
    } catch (e) {
      if (e.status === 401) {
        signOut('The admin key was refused: sign in again.');
        e.handled = true;
      }
      throw e;
    }
  }

  /** The open tenant's admin API path. */
  const tenantPath = (rest = '') => '/tenants/' + encodeURIComponent(state.tenant.ApiKey) + rest;

  /** The Management API, as the open tenant's application: its key and secret in headers, never in the address. */
  function manage(method, path, options = {}) {
    return request(method, path, { ...options, headers: { 'X-LoginRadius-ApiKey': state.tenant.ApiKey,
      'X-LoginRadius-ApiSecret': state.secret } });
  }

  // ── Signing in and out ───────────────────────────────────────────────────────────────────────────────────────────

  function showSignIn() {
    $('console').hidden = true;
    $('session-bar').hidden = true;
    $('sign-in').hidden = false;
    $('admin-key').focus();
  }

  function signOut(text) {
    sessionStorage.removeItem(KEY);
    sessionStorage.removeItem(TENANT);
    state.tenants = [];
    state.tenant = null;
    state.secret = null;
    state.user = null;
    state.security = null;
    state.template = null;
    state.events = null;
    $('admin-key').value = '';
    $('user-result').hidden = true;
    $('template-form').hidden = true;
    status(text || 'Signed out.', text ? 'info' : 'ok');
    showSignIn();
  }

  $('sign-in-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    act($('sign-in-button'), async () => {
      const key = $('admin-key').value.trim();
      try {
        await request('GET', '/admin/v1/tenants', { headers: { Authorization: 'Bearer ' + key } });
      } catch (e) {
        status(e.status === 401 ? 'That is not this node\'s admin key.' : message(e));
        return;
      }
      sessionStorage.setItem(KEY, key);
      $('admin-key').value = '';
      status('');
      await start();
    });
  });

  $('sign-out').addEventListener('click', () => signOut());

  async function start() {
    $('sign-in').hidden = true;
    $('console').hidden = false;
    $('session-bar').hidden = false;
    await loadTenants();
    const remembered = sessionStorage.getItem(TENANT);
    if (remembered && state.tenants.some((t) => t.ApiKey === remembered)) {
      await selectTenant(remembered, 'dashboard');
    } else {
      show('tenants');
    }
  }

  // ── Views ────────────────────────────────────────────────────────────────────────────────────────────────────────

  const LOADERS = {
    tenants: () => loadTenants(),
    dashboard: () => loadStats(),
    settings: () => renderSettings(),
    users: () => {},
    templates: () => loadTemplates(),
    webhooks: async () => {
      await loadHooks();
      await loadDeliveries();
    },
    risk: () => loadRisk(),
    messages: () => loadMessages(),
  };

  function show(view) {
    if (view !== 'tenants' && !state.tenant) view = 'tenants';
    state.view = view;
    for (const section of document.querySelectorAll('.view')) section.hidden = section.id !== 'view-' + view;
    for (const tab of document.querySelectorAll('.tabs button')) {
      if (tab.dataset.view === view) tab.setAttribute('aria-current', 'page');
      else tab.removeAttribute('aria-current');
      tab.disabled = tab.hasAttribute('data-tenant') && !state.tenant;
    }
    Promise.resolve().then(LOADERS[view]).catch(fail);
  }

  for (const tab of document.querySelectorAll('.tabs button')) {
    tab.addEventListener('click', () => {
      status('');
      show(tab.dataset.view);
    });
  }

  // ── Tenants ──────────────────────────────────────────────────────────────────────────────────────────────────────

  async function loadTenants() {
    state.tenants = (await admin('GET', '/tenants')).Data;
    rows('tenant-table', state.tenants.map((t) => [t.Name || '(no name)', el('code', { text: t.ApiKey }), when(t.CreatedDate),
      el('button', { type: 'button', class: 'secondary small', 'data-apikey': t.ApiKey, text: 'Open',
        onclick: () => act(null, () => selectTenant(t.ApiKey, 'dashboard')) })]), 'No tenant yet: create one below.');
    const picker = $('tenant-picker');
    picker.replaceChildren(el('option', { value: '', text: 'Choose a tenant…' }),
      ...state.tenants.map((t) => el('option', { value: t.ApiKey, text: t.Name || t.ApiKey })));
    picker.value = state.tenant ? state.tenant.ApiKey : '';
  }

  $('tenant-picker').addEventListener('change', () => {
    const key = $('tenant-picker').value;
    if (key) act(null, () => selectTenant(key, state.view === 'tenants' ? 'dashboard' : state.view));
  });

  /** Opens a tenant: its admin view (with the secret the Management API calls need), then {@code view}. */
  async function selectTenant(apiKey, view) {
    const changed = !state.tenant || state.tenant.ApiKey !== apiKey;
    setTenant(await admin('GET', '/tenants/' + encodeURIComponent(apiKey)));
    if (changed) {
      state.user = null;
      state.security = null;
      state.template = null;
      state.events = null;
      $('user-result').hidden = true;
      $('template-form').hidden = true;
      $('user-query').value = '';
    }
    show(view);
  }

  function setTenant(view) {
    state.tenant = view;
    state.secret = view.ApiSecret;
    sessionStorage.setItem(TENANT, view.ApiKey);
    for (const name of document.querySelectorAll('.tenant-name')) name.textContent = view.Name || view.ApiKey;
    $('tenant-picker').value = view.ApiKey;
    const entry = state.tenants.find((t) => t.ApiKey === view.ApiKey);
    if (entry && entry.Name !== view.Name) {
      entry.Name = view.Name;
      loadTenants().catch(fail);
    }
  }

  $('tenant-create-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    act($('tenant-create'), async () => {
      const created = await admin('POST', '/tenants', { body: { Name: $('tenant-create-name').value.trim() } });
      $('tenant-create-name').value = '';
      await loadTenants();
      await selectTenant(created.ApiKey, 'settings');
      status('Tenant ' + created.Name + ' created. Its ApiKey and ApiSecret are below.', 'ok');
    });
  });

  // ── Settings ─────────────────────────────────────────────────────────────────────────────────────────────────────

  function renderSettings() {
    const t = state.tenant;
    $('tenant-apikey').textContent = t.ApiKey;
    hideSecret();
    $('tenant-created').textContent = when(t.CreatedDate);
    $('tenant-modified').textContent = when(t.ModifiedDate);
    $('tenant-name').value = t.Name || '';
    const mfa = t.TwoFactorAuthentication || {};
    $('mfa-enabled').checked = Boolean(mfa.IsEnabled);
    $('mfa-required').checked = Boolean(mfa.IsRequired);
    $('mfa-authenticator').checked = Boolean(mfa.IsAuthenticator);
    $('mfa-sms').checked = Boolean(mfa.IsSmsOTPAuthenticator);
    $('mfa-email').checked = Boolean(mfa.IsEmailOTPAuthenticator);
    $('mfa-questions').checked = Boolean(mfa.IsSecurityQuestionAuthenticator);
    $('mfa-remember').value = mfa.RememberDeviceDays ?? 0;
    const passkeys = t.PassKeysConfig || {};
    $('passkeys-enabled').checked = Boolean(passkeys.IsEnabled);
    $('passkeys-rpid').value = passkeys.RPID || '';
    $('passkeys-rpname').value = passkeys.RPDisplayName || '';
    $('passkeys-origins').value = (passkeys.RPOrigins || []).join('\n');
    $('passkeys-uv').value = passkeys.UserVerification || 'preferred';
    const rba = t.RiskBasedAuthentication || {};
    const body = $('risk-rules').tBodies[0];
    body.replaceChildren();
    for (const signal of SIGNALS) {
      const rule = rba[signal] || {};
      const action = el('select', { id: 'risk-' + signal + '-action', 'aria-label': signal + ' action' },
        ['None', 'MFA', 'Block'].map((a) => el('option', { value: a, text: a === 'MFA' ? 'Ask for MFA' : a })));
      action.value = rule.Action || 'None';
      body.append(el('tr', {},
        el('td', { text: signal }),
        el('td', {}, el('input', { type: 'checkbox', id: 'risk-' + signal + '-enabled', 'aria-label': signal + ' on', checked: rule.IsEnabled })),
        el('td', {}, action),
        el('td', {}, el('input', { type: 'checkbox', id: 'risk-' + signal + '-user', 'aria-label': signal + ': notify the user',
          checked: rule.NotifyUser })),
        el('td', {}, el('input', { type: 'checkbox', id: 'risk-' + signal + '-admins', 'aria-label': signal + ': notify the admins',
          checked: rule.NotifyAdmins }))));
    }
    const sections = Object.keys(t).filter((k) => t[k] && typeof t[k] === 'object' && !Array.isArray(t[k]));
    const chosen = $('json-section').value;
    $('json-section').replaceChildren(...sections.map((s) => el('option', { value: s, text: s })));
    $('json-section').value = sections.includes(chosen) ? chosen : sections[0];
    showSection();
  }

  function showSection() {
    const section = $('json-section').value;
    $('json-text').value = section ? JSON.stringify(state.tenant[section], null, 2) : '';
  }

  $('json-section').addEventListener('change', showSection);
  $('json-revert').addEventListener('click', () => {
    showSection();
    status('');
  });

  function hideSecret() {
    $('tenant-apisecret').textContent = '••••••••';
    $('show-secret').textContent = 'Show';
    $('show-secret').setAttribute('aria-pressed', 'false');
  }

  $('show-secret').addEventListener('click', () => {
    if ($('show-secret').getAttribute('aria-pressed') === 'true') {
      hideSecret();
    } else {
      $('tenant-apisecret').textContent = state.secret;
      $('show-secret').textContent = 'Hide';
      $('show-secret').setAttribute('aria-pressed', 'true');
    }
  });

  /** A PATCH of the open tenant; the answer is its new view. */
  async function patchTenant(body, done) {
    setTenant(await admin('PATCH', tenantPath(), { body }));
    renderSettings();
    status(done, 'ok');
  }

  const whole = (value) => (value.trim() !== '' && Number.isInteger(Number(value)) ? Number(value) : value);

  $('name-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    act($('name-save'), () => patchTenant({ Name: $('tenant-name').value.trim() }, 'Renamed.'));
  });

  $('settings-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const risk = {};
    for (const signal of SIGNALS) {
      risk[signal] = { IsEnabled: $('risk-' + signal + '-enabled').checked, Action: $('risk-' + signal + '-action').value,
        NotifyUser: $('risk-' + signal + '-user').checked, NotifyAdmins: $('risk-' + signal + '-admins').checked };
    }
    const text = (id) => $(id).value.trim() || null;
    const body = {
      TwoFactorAuthentication: {
        IsEnabled: $('mfa-enabled').checked,
        IsRequired: $('mfa-required').checked,
        IsAuthenticator: $('mfa-authenticator').checked,
        IsSmsOTPAuthenticator: $('mfa-sms').checked,
        IsEmailOTPAuthenticator: $('mfa-email').checked,
        IsSecurityQuestionAuthenticator: $('mfa-questions').checked,
        RememberDeviceDays: whole($('mfa-remember').value),
      },
      PassKeysConfig: {
        IsEnabled: $('passkeys-enabled').checked,
        RPID: text('passkeys-rpid'),
        RPDisplayName: text('passkeys-rpname'),
        RPOrigins: $('passkeys-origins').value.split('\n').map((o) => o.trim()).filter(Boolean),
        UserVerification: $('passkeys-uv').value,
      },
      RiskBasedAuthentication: risk,
    };
    act($('settings-save'), () => patchTenant(body, 'Settings saved.'));
  });

  $('json-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const section = $('json-section').value;
    let value;
    try {
      value = JSON.parse($('json-text').value);
    } catch (e) {
      status('That is not valid JSON: ' + e.message);
      return;
    }
    act($('json-save'), () => patchTenant({ [section]: value }, section + ' saved.'));
  });

  $('tenant-delete').addEventListener('click', () => {
    $('tenant-delete-confirm').hidden = false;
    $('tenant-delete-yes').focus();
  });
  $('tenant-delete-no').addEventListener('click', () => {
    $('tenant-delete-confirm').hidden = true;
  });
  $('tenant-delete-yes').addEventListener('click', () => act($('tenant-delete-yes'), async () => {
    const name = state.tenant.Name;
    await admin('DELETE', tenantPath());
    $('tenant-delete-confirm').hidden = true;
    state.tenant = null;
    state.secret = null;
    sessionStorage.removeItem(TENANT);
    for (const n of document.querySelectorAll('.tenant-name')) n.textContent = '';
    show('tenants');
    status('Tenant ' + name + ' deleted.', 'ok');
  }));

  // ── Users ────────────────────────────────────────────────────────────────────────────────────────────────────────

  $('user-search-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    act($('user-search'), async () => {
      const kind = $('user-kind').value;
      const value = $('user-query').value.trim();
      $('user-result').hidden = true;
      $('user-codes').hidden = true;
      const profile = kind === 'uid'
        ? await manage('GET', '/identity/v2/manage/account/' + encodeURIComponent(value))
        : await manage('GET', '/identity/v2/manage/account', { query: { [kind]: value } });
      state.user = profile;
      renderUser();
      await loadSecurity();
      $('user-result').hidden = false;
      status('');
    });
  });

  function renderUser() {
    const u = state.user;
    const emails = (u.Email || []).map((e) => e.Value + (e.Type ? ' (' + e.Type + ')' : '')).join(', ');
    const name = [u.FirstName, u.LastName].filter(Boolean).join(' ');
    const entries = [
      ['Uid', el('code', { text: u.Uid })],
      ['Name', name || '—'],
      ['Email', emails || '—'],
      ['Username', u.UserName || '—'],
      ['Phone', u.PhoneId || '—'],
      ['Status', el('span', { id: 'user-status' }, u.IsActive === false ? pill('Blocked', 'blocked') : pill('Active', 'ok'))],
      ['Email verified', u.EmailVerified ? 'Yes' : 'No'],
      ['Created', when(u.CreatedDate)],
      ['Last login', when(u.LastLoginDate)],
      ['Logins', String(u.NoOfLogins ?? 0)],
    ];
    $('user-summary').replaceChildren(...entries.flatMap(([k, v]) => [el('dt', { text: k }), el('dd', {}, v)]));
    $('user-block').textContent = u.IsActive === false ? 'Unblock' : 'Block';
    $('user-profile-json').textContent = JSON.stringify(u, null, 2);
    $('user-delete-confirm').hidden = true;
  }

  const uid = () => state.user.Uid;
  const accountPath = (rest) => tenantPath('/accounts/' + encodeURIComponent(uid()) + rest);

  async function loadSecurity() {
    state.security = await admin('GET', accountPath('/security'));
    renderSecurity();
  }

  /** The Management API's reset of each factor (the console adds none of its own). */
  const RESETS = {
    passkey: () => manage('DELETE', '/identity/v2/manage/account/2fa/authenticator/passkey', { query: { uid: uid() }, body: {} }),
    authenticator: () => manage('DELETE', '/identity/v2/manage/account/2fa/authenticator', { query: { uid: uid() },
      body: { authenticator: true } }),
    sms: () => manage('DELETE', '/identity/v2/manage/account/2fa/authenticator', { query: { uid: uid() }, body: { otpauthenticator: true } }),
    email: () => manage('DELETE', '/identity/v2/manage/account/2fa/authenticator/otp/email', { query: { uid: uid() }, body: {} }),
    securityquestion: () => manage('DELETE', '/identity/v2/manage/account/2fa/authenticator/securityquestionanswer',
      { query: { uid: uid() }, body: {} }),
  };

  function factorDetails(f) {
    switch (f.Factor) {
      case 'backupcode':
        return f.IsConfigured ? f.CodesLeft + ' left, made ' + when(f.CreatedDate) : 'None';
      case 'passkey':
        return f.Passkeys.length ? el('ul', {}, f.Passkeys.map((p) => el('li', {},
          'Added ' + when(p.CreatedDate) + ', last used ' + when(p.LastUsedDate) + (p.IsPossiblyCloned ? ' (possibly cloned) ' : ' '),
          el('button', { type: 'button', class: 'link', text: 'Remove', 'data-passkey': p.Id,
            onclick: (ev) => act(ev.target, async () => {
              await manage('DELETE', '/identity/v2/manage/account/passkey/' + encodeURIComponent(p.Id), { query: { uid: uid() }, body: {} });
              await loadSecurity();
              status('Passkey removed.', 'ok');
            }) })))) : 'None';
      case 'sms':
        return f.IsConfigured ? (f.Phone || '') + ', since ' + when(f.CreatedDate) : '—';
      case 'securityquestion':
        return f.Questions.length ? el('ul', {}, f.Questions.map((q) => el('li', { text: q.Question }))) : '—';
      default:
        return f.IsConfigured && f.CreatedDate ? 'Since ' + when(f.CreatedDate) : '—';
    }
  }

  function factorAction(f) {
    const label = FACTORS[f.Factor] || f.Factor;
    if (f.Factor === 'backupcode') {
      return el('button', { type: 'button', class: 'secondary small', id: 'reset-backupcode', text: f.IsConfigured ? 'New codes' : 'Make codes',
        onclick: (ev) => act(ev.target, async () => {
          const codes = (await manage('GET', '/identity/v2/manage/account/2fa/backupcode/reset', { query: { uid: uid() } })).BackUpCodes;
          $('user-codes-list').replaceChildren(...codes.map((c) => el('li', { text: c })));
          $('user-codes').hidden = false;
          await loadSecurity();
          status('New backup codes made.', 'ok');
        }) });
    }
    if (!f.IsConfigured || !RESETS[f.Factor]) return '';
    return el('button', { type: 'button', class: 'danger-text small', id: 'reset-' + f.Factor, text: 'Reset',
      onclick: (ev) => act(ev.target, async () => {
        await RESETS[f.Factor]();
        await loadSecurity();
        status(label + ' reset: the user sets it up again to use it.', 'ok');
      }) });
  }

  function renderSecurity() {
    const s = state.security;
    const notes = [s.IsMfaEnrolled ? 'This account gives a second factor at every login.' : 'This account has set up no second factor.'];
    if (s.LockedUntil) notes.push('Locked after failed attempts until ' + when(s.LockedUntil) + '.');
    $('user-mfa-note').textContent = notes.join(' ');
    rows('factor-table', s.Factors.map((f) => [FACTORS[f.Factor] || f.Factor,
      el('span', { id: 'factor-' + f.Factor }, f.IsConfigured ? pill('Yes', 'ok') : pill('No', 'none')), factorDetails(f), factorAction(f)]), '');
    rows('session-table', s.Sessions.map((x) => [when(x.CreatedDate), when(x.ExpiresDate), x.IsSecondFactorVerified ? 'Yes' : 'No',
      el('button', { type: 'button', class: 'danger-text small', text: 'End', 'data-session': x.Id,
        onclick: (ev) => act(ev.target, async () => {
          await admin('DELETE', accountPath('/sessions/' + encodeURIComponent(x.Id)));
          await loadSecurity();
          status('Session ended: its tokens no longer work.', 'ok');
        }) })]), 'No live session.');
    $('sessions-end-all').disabled = !s.Sessions.length;
    rows('device-table', s.RememberedDevices.map((d) => [d.UserAgent || '—', d.IP || '—', when(d.CreatedAt), when(d.ExpiresAt),
      el('button', { type: 'button', class: 'secondary small', text: 'Forget', 'data-device': d.Id,
        onclick: (ev) => act(ev.target, async () => {
          await manage('DELETE', '/identity/v2/manage/account/2fa/remembereddevices/' + encodeURIComponent(d.Id), { query: { uid: uid() },
            body: {} });
          await loadSecurity();
          status('Device forgotten: its next login asks for the second factor.', 'ok');
        }) })]), 'No remembered device.');
    $('devices-forget-all').disabled = !s.RememberedDevices.length;
  }

  $('sessions-end-all').addEventListener('click', () => act($('sessions-end-all'), async () => {
    await admin('DELETE', accountPath('/sessions'));
    await loadSecurity();
    status('Every session ended: the account\'s tokens no longer work.', 'ok');
  }));

  $('devices-forget-all').addEventListener('click', () => act($('devices-forget-all'), async () => {
    await manage('DELETE', '/identity/v2/manage/account/2fa/remembereddevices', { query: { uid: uid() }, body: {} });
    await loadSecurity();
    status('Every remembered device forgotten.', 'ok');
  }));

  $('user-block').addEventListener('click', () => act($('user-block'), async () => {
    const blocking = state.user.IsActive !== false;
    state.user = await manage('PUT', '/identity/v2/manage/account/' + encodeURIComponent(uid()), { body: { IsActive: !blocking } });
    renderUser();
    await loadSecurity();
    status(blocking ? 'Blocked: the account cannot log in and its sessions ended.' : 'Unblocked: the account can log in again.', 'ok');
  }));

  $('user-delete').addEventListener('click', () => {
    $('user-delete-confirm').hidden = false;
    $('user-delete-yes').focus();
  });
  $('user-delete-no').addEventListener('click', () => {
    $('user-delete-confirm').hidden = true;
  });
  $('user-delete-yes').addEventListener('click', () => act($('user-delete-yes'), async () => {
    await manage('DELETE', '/identity/v2/manage/account/' + encodeURIComponent(uid()), { body: {} });
    state.user = null;
    $('user-result').hidden = true;
    status('Account deleted.', 'ok');
  }));

  // ── Templates ────────────────────────────────────────────────────────────────────────────────────────────────────

  const channel = () => $('template-channel').value;
  const templatePath = (name) => tenantPath('/' + channel() + '-templates' + (name === undefined ? '' : '/' + encodeURIComponent(name)));

  async function loadTemplates() {
    const list = (await admin('GET', templatePath())).Data;
    rows('template-table', list.map((t) => [t.Name, t.IsBuiltIn ? 'Built-in' : 'This tenant\'s', when(t.ModifiedDate),
      el('button', { type: 'button', class: 'secondary small', text: 'Edit', 'data-template': t.Name, onclick: () => openTemplate(t) })]),
    'No template.');
  }

  $('template-channel').addEventListener('change', () => {
    $('template-form').hidden = true;
    loadTemplates().catch(fail);
  });

  function openTemplate(t) {
    state.template = t;
    const email = channel() === 'email';
    $('template-heading').textContent = t ? (t.IsBuiltIn ? 'Built-in template (saving makes this tenant\'s own copy)' : 'Template')
      : 'New ' + (email ? 'email' : 'SMS') + ' template';
    $('template-name').value = t ? t.Name : '';
    $('template-name').readOnly = Boolean(t);
    $('template-email-parts').hidden = !email;
    $('template-sms-parts').hidden = email;
    $('template-subject').value = (t && t.Subject) || '';
    $('template-html').value = (t && t.Html) || '';
    $('template-text').value = (t && t.Text) || '';
    $('template-body').value = (t && t.Body) || '';
    $('template-delete').hidden = !t || t.IsBuiltIn;
    $('template-preview-pane').hidden = true;
    $('template-form').hidden = false;
    (t ? $('template-subject') : $('template-name')).focus();
  }

  $('template-new').addEventListener('click', () => openTemplate(null));

  function templateBody() {
    if (channel() === 'sms') return { Body: $('template-body').value };
    const html = $('template-html').value;
    return { Subject: $('template-subject').value, Html: html.trim() ? html : null, Text: $('template-text').value };
  }

  $('template-preview').addEventListener('click', () => act($('template-preview'), async () => {
    const name = $('template-name').value.trim() || 'draft';
    const rendered = await admin('POST', templatePath(name) + '/preview', { body: templateBody() });
    const email = channel() === 'email';
    $('preview-email').hidden = !email;
    $('preview-body').hidden = email;
    if (email) {
      $('preview-subject').textContent = rendered.Subject;
      // The message's HTML goes into a sandboxed frame (no scripts, no same origin), never into this page.
      $('preview-html').hidden = rendered.Html === null;
      $('preview-html-note').hidden = rendered.Html === null;
      $('preview-no-html').hidden = rendered.Html !== null;
      $('preview-html').srcdoc = rendered.Html === null ? '' : rendered.Html;
      $('preview-text').textContent = rendered.Text;
    } else {
      $('preview-body').textContent = rendered.Body;
    }
    $('template-preview-pane').hidden = false;
    status('');
  }));

  $('template-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    act($('template-save'), async () => {
      const name = $('template-name').value.trim();
      const saved = await admin('PUT', templatePath(name), { body: templateBody() });
      await loadTemplates();
      openTemplate(saved);
      status('Template ' + saved.Name + ' saved.', 'ok');
    });
  });

  $('template-delete').addEventListener('click', () => act($('template-delete'), async () => {
    const name = state.template.Name;
    await admin('DELETE', templatePath(name));
    $('template-form').hidden = true;
    await loadTemplates();
    status('Template ' + name + ' deleted.', 'ok');
  }));

  // ── Webhooks ─────────────────────────────────────────────────────────────────────────────────────────────────────

  async function loadHooks() {
    if (!state.events) {
      state.events = (await manage('GET', '/v2/manage/webhook/events')).Data;
      $('hook-event').replaceChildren(...state.events.map((e) => el('option', { value: e, text: e })));
    }
    state.hooks = (await manage('GET', '/v2/manage/webhook')).Data;
    rows('hook-table', state.hooks.map((h) => [h.Event, el('code', { text: h.TargetUrl }), when(h.CreatedDate),
      el('button', { type: 'button', class: 'danger-text small', text: 'Delete', 'data-hook': h.Id,
        onclick: (ev) => act(ev.target, async () => {
          await manage('DELETE', '/v2/manage/webhook/' + encodeURIComponent(h.Id), { body: {} });
          await loadHooks();
          status('Subscription deleted.', 'ok');
        }) })]), 'No subscription.');
  }

  $('hook-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    act($('hook-create'), async () => {
      await manage('POST', '/v2/manage/webhook', { body: { Event: $('hook-event').value, TargetUrl: $('hook-url').value.trim() } });
      $('hook-url').value = '';
      await loadHooks();
      status('Subscribed.', 'ok');
    });
  });

  async function loadDeliveries() {
    const list = (await admin('GET', tenantPath('/webhook-deliveries'), { query: { status: $('delivery-status').value } })).Data;
    const targets = new Map(state.hooks.map((h) => [h.Id, h.TargetUrl]));
    rows('delivery-table', list.map((d) => [
      el('span', {}, d.Event, targets.has(d.HookId) ? el('br') : null, targets.has(d.HookId) ? el('small', { text: targets.get(d.HookId) }) : null),
      pill(d.Status), String(d.Attempts), d.LastError || '—', when(d.CreatedDate),
      d.Status === 'pending' ? '' : el('button', { type: 'button', class: 'secondary small', text: 'Resend', 'data-delivery': d.Id,
        onclick: (ev) => act(ev.target, async () => {
          await admin('POST', tenantPath('/webhook-deliveries/' + encodeURIComponent(d.Id) + '/resend'), { body: {} });
          await loadDeliveries();
          status('Sent again: the delivery is pending until its target answers.', 'ok');
        }) })]), 'No delivery.');
  }

  $('delivery-status').addEventListener('change', () => loadDeliveries().catch(fail));
  $('deliveries-refresh').addEventListener('click', () => act($('deliveries-refresh'), LOADERS.webhooks));

  // ── Risk events and messages ─────────────────────────────────────────────────────────────────────────────────────

  async function loadRisk() {
    const list = (await admin('GET', tenantPath('/risk-events'))).Data;
    rows('risk-table', list.map((r) => [when(r.CreatedDate), el('code', { text: r.Uid }), (r.Signals || []).join(', '),
      pill(r.Action, r.Action === 'Block' ? 'blocked' : 'pending'), [r.IP, r.City, r.Country].filter(Boolean).join(', ') || '—',
      [r.Browser, r.Device].filter(Boolean).join(' / ') || '—']), 'No risky login.');
  }

  $('risk-refresh').addEventListener('click', () => act($('risk-refresh'), loadRisk));

  async function loadMessages() {
    const list = (await admin('GET', tenantPath('/messages'), { query: { status: $('message-status').value } })).Data;
    rows('message-table', list.map((m) => [when(m.CreatedDate), m.Channel, m.Purpose, m.Recipient, pill(m.Status), String(m.Attempts),
      m.LastError || '—']), 'No message.');
  }

  $('message-status').addEventListener('change', () => loadMessages().catch(fail));
  $('messages-refresh').addEventListener('click', () => act($('messages-refresh'), loadMessages));

  // ── Dashboard: four bar charts drawn as SVG ──────────────────────────────────────────────────────────────────────

  const SVG = 'http://www.w3.org/2000/svg';
  const CHARTS = [['Logins', 'logins', 'Logins'], ['Failures', 'failures', 'Failed logins'], ['Lockouts', 'lockouts', 'Lockouts'],
    ['RiskActions', 'risk', 'Risk actions']];

  function svg(tag, attributes, text) {
    const e = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attributes)) e.setAttribute(k, String(v));
    if (text !== undefined) e.textContent = text;
    return e;
  }

  /** The smallest of 1, 2, 5 × 10ⁿ at least {@code max}: the top of the scale. */
  function scaleTop(max) {
    let step = 1;
    while (true) {
      for (const m of [1, 2, 5]) if (m * step >= max) return m * step;
      step *= 10;
    }
  }

  function hourLabel(iso, hours) {
    const d = new Date(iso);
    const two = (n) => String(n).padStart(2, '0');
    return hours <= 48 ? two(d.getHours()) + ':00' : two(d.getMonth() + 1) + '-' + two(d.getDate());
  }

  function chart(data, key, kind, title, hours) {
    // As wide as the chart will be (up to 600), so its labels keep their size on a phone.
    const W = Math.round(Math.min(600, Math.max(280, $('charts').clientWidth - 30)));
    const H = 200;
    const left = 40;
    const right = 10;
    const top = 12;
    const bottom = 26;
    const plotW = W - left - right;
    const plotH = H - top - bottom;
    const values = data.map((d) => d[key]);
    const total = values.reduce((a, b) => a + b, 0);
    const peak = scaleTop(Math.max(1, ...values));
    const root = svg('svg', { viewBox: '0 0 ' + W + ' ' + H, role: 'img', 'aria-label': title + ': ' + total + ' in the period' });
    for (const f of [0, 0.5, 1]) {
      const y = top + plotH * (1 - f);
      root.append(svg('line', { class: f ? 'grid' : 'axis', x1: left, x2: W - right, y1: y, y2: y }));
      const v = peak * f;
      if (Number.isInteger(v)) root.append(svg('text', { class: 'label', x: left - 6, y: y + 4, 'text-anchor': 'end' }, String(v)));
    }
    const step = plotW / data.length;
    data.forEach((d, i) => {
      if (d[key] > 0) {
        const h = (plotH * d[key]) / peak;
        const bar = svg('rect', { class: 'bar', x: left + i * step + step * 0.1, y: top + plotH - h, width: Math.max(step * 0.8, 1), height: h });
        bar.append(svg('title', {}, when(d.Hour) + ': ' + d[key]));
        root.append(bar);
      }
    });
    const every = Math.max(1, Math.ceil(data.length / (W < 450 ? 4 : 6)));
    data.forEach((d, i) => {
      if (i % every === 0) {
        root.append(svg('text', { class: 'label', x: left + i * step + step / 2, y: H - 8, 'text-anchor': 'middle' }, hourLabel(d.Hour, hours)));
      }
    });
    return el('div', { class: 'chart ' + kind, id: 'chart-' + kind },
      el('h3', {}, el('span', { text: title }), el('span', { class: 'total', id: 'chart-' + kind + '-total', text: String(total) })), root);
  }

  async function loadStats() {
    const hours = Number($('stats-hours').value);
    const stats = await admin('GET', tenantPath('/stats'), { query: { hours } });
    $('charts').replaceChildren(...CHARTS.map(([key, kind, title]) => chart(stats.Data, key, kind, title, hours)));
  }

  $('stats-hours').addEventListener('change', () => loadStats().catch(fail));
  $('stats-refresh').addEventListener('click', () => act($('stats-refresh'), loadStats));

  // ── Start ────────────────────────────────────────────────────────────────────────────────────────────────────────

  if (adminKey()) {
    start().catch((e) => {
      fail(e);
      if (!adminKey()) showSignIn();
    });
  } else {
    showSignIn();
  }
})();
