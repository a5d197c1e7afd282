// The sandbox page: polls /sandbox/api/state and renders what the chosen simulated
// user would see; every action goes back to the server, which signs it as Slack does.
'use strict';

(function () {
  const { renderBlocks, collectValues, mrkdwn, textHtml, escapeHtml } = window.BlockKit;
  const $ = (id) => document.getElementById(id);
  const HOME = 'home';
  let state = null;
  let userId = localStorage.getItem('jit.sandbox.user') || '';
  let channel = localStorage.getItem('jit.sandbox.channel') || '';
  let shown = '';
  let modalShown = '';

  async function post(path, body) {
    const res = await fetch(`api/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (!res.ok) {
      const { error } = await res.json().catch(() => ({ error: res.statusText }));
      flash(error || `HTTP ${res.status}`);
    }
    await refresh();
    return res;
  }

  function flash(text) {
    const node = document.createElement('div');
    node.className = 'flash';
    node.textContent = text;
    document.body.appendChild(node);
    setTimeout(() => node.remove(), 5000);
  }

  const dm = (id) => `D:${id}`;
  const visible = (m) => !m.onlyFor || m.onlyFor === userId;
  const isDm = (c) => c.startsWith('D:');

  function renderSidebar() {
    const picker = $('user');
    if (picker.options.length !== state.users.length) {
      picker.innerHTML = '';
      for (const u of state.users) picker.appendChild(new Option(`${u.id} (${u.label})`, u.id));
    }
    if (!state.users.some((u) => u.id === userId)) userId = state.users[0].id;
    picker.value = userId;
    if (!channel || (isDm(channel) && channel !== dm(userId))) channel = state.channels[0].id;

    // Slack's unread badge, roughly: messages this user can see in channels they are not looking at.
    const unread = (id) => (id === channel ? 0 : state.messages.filter((m) => m.channel === id && visible(m)).length);
    const item = (id, label, count) => {
      const li = document.createElement('li');
      li.innerHTML = `${label}${count ? ` <span class="count">${count}</span>` : ''}`;
      li.className = id === channel ? 'active' : '';
      li.dataset.channel = id;
      li.addEventListener('click', () => select(id));
      return li;
    };
    $('channels').replaceChildren(...state.channels.map((c) => item(c.id, `# ${escapeHtml(c.name)}`, unread(c.id))));
    $('apps').replaceChildren(
      item(dm(userId), '🤖 jitbot <span class="muted">messages</span>', unread(dm(userId))),
      item(HOME, '🏠 jitbot <span class="muted">home</span>', 0),
    );
  }

  function select(id) {
    channel = id;
    localStorage.setItem('jit.sandbox.channel', channel);
    shown = '';
    render();
    if (id === HOME) void post('home', { userId });
  }

  function messageNode(m) {
    const node = document.createElement('article');
    node.className = `message${m.onlyFor ? ' ephemeral' : ''}${m.from === 'jitbot' ? ' bot' : ' human'}`;
    node.dataset.ts = m.ts;
    const avatar = document.createElement('div');
    avatar.className = 'avatar';
    avatar.textContent = m.from === 'jitbot' ? 'J' : m.from.slice(2, 3);
    const body = document.createElement('div');
    body.className = 'message-body';
    const time = new Date(m.at).toLocaleTimeString();
    body.innerHTML = `<div class="meta"><b>${m.from === 'jitbot' ? 'jitbot <span class="app">APP</span>' : escapeHtml(m.from)}</b> <span class="muted">${time}</span>${m.edited ? ' <span class="muted">(edited)</span>' : ''}${m.onlyFor ? ' <span class="muted">· only visible to you</span>' : ''}</div>`;
    const onButton = (a) => post('click', { userId, channel: m.channel, ts: m.ts, ...a });
    const onSelect = (a) => post('select', { userId, channel: m.channel, ts: m.ts, ...a });
    if (m.blocks && m.blocks.length) body.appendChild(renderBlocks(m.blocks, { onButton, onSelect }));
    else body.insertAdjacentHTML('beforeend', `<div class="bk-text-block">${mrkdwn(m.text)}</div>`);
    node.append(avatar, body);
    return node;
  }

  function renderChannel() {
    const title =
      channel === HOME
        ? '🏠 jitbot — Home'
        : isDm(channel)
          ? `🤖 jitbot — direct messages with ${userId}`
          : `# ${(state.channels.find((c) => c.id === channel) || { name: channel }).name}`;
    $('channel-title').textContent = title;
    $('composer').hidden = channel === HOME;
    const list = $('messages');
    if (channel === HOME) {
      const home = state.homes[userId];
      list.replaceChildren();
      if (!home) list.innerHTML = '<p class="muted empty">Opening the Home tab…</p>';
      else list.appendChild(renderBlocks(home.blocks, { onButton: (a) => post('click', { userId, home: true, ...a }) }));
      list.classList.add('home');
      return;
    }
    list.classList.remove('home');
    const messages = state.messages.filter((m) => m.channel === channel && visible(m));
    list.replaceChildren(...messages.map(messageNode));
    if (!messages.length)
      list.innerHTML = '<p class="muted empty">Nothing here yet. Try <code>/jit help</code> or <code>/jit roles</code> below.</p>';
    list.scrollTop = list.scrollHeight;
  }

  function renderCalls() {
    const items = state.calls
      .slice()
      .reverse()
      .map((c) => {
        const li = document.createElement('li');
        li.value = c.seq;
        const where = c.args.channel || c.args.user_id || c.args.trigger_id || c.args.id || '';
        const details = document.createElement('details');
        details.innerHTML = `<summary><code>${escapeHtml(c.method)}</code> <span class="muted">${escapeHtml(String(where))}</span></summary><pre>${escapeHtml(JSON.stringify(c.args, null, 2))}</pre>`;
        li.appendChild(details);
        return li;
      });
    $('calls').replaceChildren(...items);
  }

  function renderModal() {
    const modal = state.modals[userId];
    const key = modal ? JSON.stringify([userId, modal]) : '';
    if (key === modalShown) return;
    modalShown = key;
    const root = $('modal');
    if (!modal) {
      root.hidden = true;
      root.replaceChildren();
      return;
    }
    const { view } = modal;
    const dialog = document.createElement('form');
    dialog.className = 'modal';
    dialog.setAttribute('role', 'dialog');
    dialog.innerHTML = `<div class="modal-title">${textHtml(view.title)} <span class="badge small">SANDBOX</span></div>`;
    const body = document.createElement('div');
    body.className = 'modal-body';
    body.appendChild(renderBlocks(view.blocks, { errors: modal.errors, onButton: () => undefined }));
    const footer = document.createElement('div');
    footer.className = 'modal-footer';
    footer.innerHTML = `<button type="button" class="bk-button cancel">${view.close ? textHtml(view.close) : 'Cancel'}</button><button type="submit" class="bk-button primary">${view.submit ? textHtml(view.submit) : 'Submit'}</button>`;
    dialog.append(body, footer);
    dialog.addEventListener('submit', (e) => {
      e.preventDefault();
      void post('submit', { userId, values: collectValues(body) });
    });
    footer.querySelector('.cancel').addEventListener('click', () => void post('close', { userId }));
    root.replaceChildren(dialog);
    root.hidden = false;
  }

  function render() {
    if (!state) return;
    const key = `${state.version}|${userId}|${channel}`;
    if (key === shown) return;
    shown = key;
    const notes = $('notes');
    notes.hidden = state.notes.length === 0;
    notes.textContent = state.notes.join(' ');
    renderSidebar();
    renderChannel();
    renderCalls();
    renderModal();
  }

  async function refresh() {
    const res = await fetch('api/state');
    if (!res.ok) return;
    state = await res.json();
    render();
  }

  $('user').addEventListener('change', (e) => {
    userId = e.target.value;
    localStorage.setItem('jit.sandbox.user', userId);
    shown = '';
    render();
    if (channel === HOME) void post('home', { userId });
  });

  $('composer').addEventListener('submit', (e) => {
    e.preventDefault();
    const input = $('command');
    const text = input.value.trim();
    if (!text) return;
    if (!/^\/jit\b/.test(text)) return flash('Type a /jit command, e.g. /jit help');
    input.value = '';
    void post('command', { userId, channel: channel === HOME ? dm(userId) : channel, text });
  });

  void refresh();
  setInterval(() => void refresh(), 700);
})();
