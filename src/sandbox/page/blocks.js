// A small renderer of the Block Kit jitbot uses (sections, fields, context, actions,
// buttons, inputs, selects, headers, dividers) into DOM nodes. Text is escaped first;
// only Slack's own markup is turned into HTML.
'use strict';

(function () {
  // The bot's own emoji table (chat/words/markup.ts), served as emoji.js.
  const EMOJI = window.JIT_EMOJI || {};

  function escapeHtml(s) {
    return String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
  }

  /** Slack mrkdwn → HTML (mentions, links, code, bold, italic, strike, emoji). */
  function mrkdwn(text) {
    let html = escapeHtml(text);
    const codes = [];
    html = html.replace(/```([\s\S]*?)```/g, (_, code) => `\uE000${codes.push(`<pre>${code}</pre>`) - 1}\uE000`);
    html = html.replace(/`([^`\n]+)`/g, (_, code) => `\uE000${codes.push(`<code>${code}</code>`) - 1}\uE000`);
    html = html
      .replace(/&lt;!date\^(\d+)\^[^|]*\|[^&]*&gt;/g, (_, seconds) =>
        new Date(Number(seconds) * 1000).toLocaleString([], { dateStyle: 'medium', timeStyle: 'medium' }),
      )
      .replace(/&lt;@([UW][A-Z0-9]+)&gt;/g, '<span class="mention">@$1</span>')
      // User groups read as the server names them in the sandbox: S0ONCALL is @oncall.
      .replace(
        /&lt;!subteam\^(S[A-Z0-9]+)(?:\|@?([^&]+))?&gt;/g,
        (_, id, name) => `<span class="mention">@${name || id.replace(/^S0?/, '').toLowerCase()}</span>`,
      )
      .replace(/&lt;!(channel|here|everyone)&gt;/g, '<span class="mention">@$1</span>')
      .replace(/&lt;#(C[A-Z0-9]+)(?:\|([^&]+))?&gt;/g, (_, id, name) => `<span class="mention">#${name || id}</span>`)
      .replace(/&lt;(https?:\/\/[^|&]+)\|([^&]+)&gt;/g, '<a href="$1" target="_blank" rel="noopener">$2</a>')
      .replace(/&lt;(https?:\/\/[^&]+)&gt;/g, '<a href="$1" target="_blank" rel="noopener">$1</a>')
      .replace(/(^|[\s(])\*([^*\n]+)\*/g, '$1<b>$2</b>')
      .replace(/(^|[\s(])_([^_\n]+)_/g, '$1<i>$2</i>')
      .replace(/(^|[\s(])~([^~\n]+)~/g, '$1<s>$2</s>')
      .replace(/:([a-z0-9_+-]+):/g, (m, name) => EMOJI[name] || m)
      .replace(/\n/g, '<br>');
    return html.replace(/\uE000(\d+)\uE000/g, (_, i) => codes[Number(i)]);
  }

  function el(tag, className, html) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (html !== undefined) node.innerHTML = html;
    return node;
  }

  function textHtml(t) {
    if (!t) return '';
    return t.type === 'mrkdwn' ? mrkdwn(t.text) : mrkdwn(escapeForPlain(t.text));
  }
  // plain_text shows emoji but no markup.
  function escapeForPlain(s) {
    return String(s).replace(/[*_~`]/g, (c) => `\u200b${c}`);
  }

  function button(element, ctx, blockId) {
    const b = el('button', `bk-button ${element.style || ''}`, textHtml(element.text));
    b.type = 'button';
    b.dataset.actionId = element.action_id;
    b.addEventListener('click', () => ctx.onButton({ actionId: element.action_id, value: element.value || '', blockId }));
    return b;
  }

  function optionLabel(o) {
    return o.text ? o.text.text : o.value;
  }

  /** A select among a message's buttons ("Approve for less…", "Extend…"): choosing sends the choice at once. */
  function actionSelect(element, ctx, blockId) {
    const node = el('select', 'bk-select bk-action-select');
    node.appendChild(new Option(element.placeholder ? element.placeholder.text : 'Choose…', ''));
    for (const o of element.options || []) node.appendChild(new Option(optionLabel(o), o.value));
    node.dataset.actionId = element.action_id;
    node.addEventListener('change', () => {
      if (node.value && ctx.onSelect) ctx.onSelect({ actionId: element.action_id, value: node.value, blockId });
    });
    return node;
  }

  /** An input element inside a modal; its value is read back by collectValues. */
  function inputElement(element, blockId) {
    let node;
    if (element.type === 'static_select') {
      node = el('select', 'bk-select');
      node.appendChild(new Option(element.placeholder ? element.placeholder.text : 'Choose…', ''));
      for (const o of element.options || []) node.appendChild(new Option(optionLabel(o), o.value));
      if (element.initial_option) node.value = element.initial_option.value;
    } else {
      node = el(element.multiline ? 'textarea' : 'input', 'bk-text');
      if (element.placeholder) node.placeholder = element.placeholder.text;
      if (element.initial_value) node.value = element.initial_value;
      if (element.max_length) node.maxLength = element.max_length;
    }
    node.dataset.blockId = blockId;
    node.dataset.actionId = element.action_id;
    node.dataset.type = element.type;
    node.name = blockId;
    return node;
  }

  function block(b, ctx) {
    switch (b.type) {
      case 'header':
        return el('div', 'bk-header', textHtml(b.text));
      case 'divider':
        return el('hr', 'bk-divider');
      case 'section': {
        const node = el('div', 'bk-section');
        const body = el('div', 'bk-section-body');
        if (b.text) body.appendChild(el('div', 'bk-text-block', textHtml(b.text)));
        if (b.fields) {
          const grid = el('div', 'bk-fields');
          for (const f of b.fields) grid.appendChild(el('div', 'bk-field', textHtml(f)));
          body.appendChild(grid);
        }
        node.appendChild(body);
        if (b.accessory && b.accessory.type === 'button') node.appendChild(button(b.accessory, ctx, b.block_id));
        return node;
      }
      case 'context': {
        const node = el('div', 'bk-context');
        for (const e of b.elements || [])
          node.appendChild(
            e.type === 'image' ? Object.assign(el('img'), { src: e.image_url, alt: e.alt_text }) : el('span', '', textHtml(e)),
          );
        return node;
      }
      case 'actions': {
        const node = el('div', 'bk-actions');
        for (const e of b.elements || []) {
          if (e.type === 'button') node.appendChild(button(e, ctx, b.block_id));
          else if (e.type === 'static_select') node.appendChild(actionSelect(e, ctx, b.block_id));
        }
        return node;
      }
      case 'input': {
        const node = el('label', 'bk-input');
        node.appendChild(el('span', 'bk-label', `${textHtml(b.label)}${b.optional ? ' <span class="muted">(optional)</span>' : ''}`));
        node.appendChild(inputElement(b.element, b.block_id));
        if (b.hint) node.appendChild(el('span', 'bk-hint', textHtml(b.hint)));
        const error = ctx.errors && ctx.errors[b.block_id];
        if (error) node.appendChild(el('span', 'bk-error', mrkdwn(error)));
        return node;
      }
      default:
        return el('div', 'bk-unknown', `[${escapeHtml(b.type)} block]`);
    }
  }

  /** Renders a list of blocks; ctx.onButton({actionId, value, blockId}) is called on clicks. */
  function renderBlocks(blocks, ctx) {
    const frag = document.createDocumentFragment();
    for (const b of blocks || []) frag.appendChild(block(b, ctx));
    return frag;
  }

  /** Reads a modal's inputs back the way Slack sends them in view.state.values. */
  function collectValues(root) {
    const values = {};
    for (const node of root.querySelectorAll('[data-block-id]')) {
      const { blockId, actionId, type } = node.dataset;
      const entry =
        type === 'static_select'
          ? {
              type,
              selected_option: node.value ? { value: node.value, text: { type: 'plain_text', text: node.selectedOptions[0].text } } : null,
            }
          : { type, value: node.value === '' ? null : node.value };
      values[blockId] = { [actionId]: entry };
    }
    return values;
  }

  window.BlockKit = { mrkdwn, renderBlocks, collectValues, textHtml, escapeHtml };
})();
