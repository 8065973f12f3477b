// journalpress: the loader of an encrypted diary (docs/site.md, "Encrypted mode").
//
// A family's address is https://school/diary/#KEY: the fragment never reaches a server.
// From KEY (32 bytes, base64url) the loader derives with HKDF-SHA256 the folder of the
// family's area and the AES-256-GCM key of its pages, exactly as generator/core/seal.cc
// does; it fetches f/FOLDER/PAGE.bin, decrypts it (the page name is the associated data)
// and shows it in place of its own body. The diary's internal links become #KEY/PAGE, so
// the key stays in the fragment while the parent moves between weeks and subjects. A
// wrong, old or mistyped key (no such folder, or a tag that does not verify) shows the
// message the page carries; the page's texts are in its HTML, none here.
// WebCrypto only, no other code; the page's CSP allows this file and fetches to the site.
'use strict';
(() => {
  const SALT = 'journalpress-diary-v1';
  const MAGIC = [0x4a, 0x50, 0x45, 0x31]; // "JPE1"
  const NONCE = 12;
  const TOKEN = /^[A-Za-z0-9_-]{43}$/;
  const PAGE = /^[A-Za-z0-9][A-Za-z0-9._~-]*$/;
  const encoder = new TextEncoder();
  let shell = null; // the loader's own body, shown again for a bad address
  let shellTitle = '';
  let area = null; // { token, folder, key } of the address last opened
  let generation = 0; // a newer navigation wins over a slower older one

  function parse() {
    const hash = location.hash.slice(1);
    const slash = hash.indexOf('/');
    return slash < 0 ? { token: hash, page: '' }
      : { token: hash.slice(0, slash), page: decodeURIComponent(hash.slice(slash + 1)) };
  }

  async function open(token) {
    const raw = Uint8Array.from(atob(token.replace(/-/g, '+').replace(/_/g, '/') + '='),
      (c) => c.charCodeAt(0));
    const base = await crypto.subtle.importKey('raw', raw, 'HKDF', false, ['deriveBits', 'deriveKey']);
    const hkdf = (info) => ({ name: 'HKDF', hash: 'SHA-256', salt: encoder.encode(SALT),
      info: encoder.encode(info) });
    const bits = new Uint8Array(await crypto.subtle.deriveBits(hkdf('folder'), base, 128));
    const folder = Array.from(bits, (b) => b.toString(16).padStart(2, '0')).join('');
    const key = await crypto.subtle.deriveKey(hkdf('page-key'), base,
      { name: 'AES-GCM', length: 256 }, false, ['decrypt']);
    return { token, folder, key };
  }

  async function fetchPage(a, page) {
    const response = await fetch(`f/${a.folder}/${encodeURIComponent(page)}.bin`, {
      cache: 'no-store', credentials: 'omit', referrerPolicy: 'no-referrer', redirect: 'error' });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const blob = new Uint8Array(await response.arrayBuffer());
    if (blob.length < MAGIC.length + NONCE + 16 || MAGIC.some((b, i) => blob[i] !== b))
      throw new Error('not a sealed page');
    const plain = await crypto.subtle.decrypt({ name: 'AES-GCM',
      iv: blob.subarray(MAGIC.length, MAGIC.length + NONCE), additionalData: encoder.encode(page),
      tagLength: 128 }, a.key, blob.subarray(MAGIC.length + NONCE));
    return new TextDecoder('utf-8', { fatal: true }).decode(plain);
  }

  // The page's links, written for its folder (`X.html`, `calendar.ics`), as addresses that
  // keep the key in the fragment; in-page links (`#main`) are left to the click handler.
  function rewrite(body, a) {
    for (const link of body.querySelectorAll('a[href]')) {
      const href = link.getAttribute('href');
      const page = /^([^/:?#]+)\.html$/.exec(href);
      if (page) link.setAttribute('href', `#${a.token}${page[1] === 'index' ? '' : '/' + page[1]}`);
      else if (/^[^/:?#]+\.(ics|atom)$/.test(href)) link.setAttribute('href', `f/${a.folder}/${href}`);
    }
  }

  // Which page is on screen (data-page on <html>): what the tests wait for, as the fragment
  // changes at once and the page only once fetched and decrypted.
  function showShell(id) {
    document.documentElement.setAttribute('data-page', id ? `message:${id}` : 'front');
    if (document.body !== shell) document.body.replaceWith(shell);
    document.title = shellTitle;
    for (const p of shell.querySelectorAll('p.notice[id]')) p.hidden = p.id !== id;
  }

  async function route() {
    const mine = ++generation;
    let token, page;
    try {
      ({ token, page } = parse());
    } catch (e) { // a malformed %-escape typed into the address
      return showShell('jp-bad');
    }
    if (!token) return showShell('');
    if (!window.crypto || !crypto.subtle) return showShell('jp-unsupported');
    const name = page || 'index';
    if (!TOKEN.test(token) || !PAGE.test(name)) return showShell('jp-bad');
    if (document.body === shell) showShell('jp-loading');
    try {
      if (!area || area.token !== token) area = await open(token);
      const html = await fetchPage(area, name);
      if (mine !== generation) return;
      const doc = new DOMParser().parseFromString(html, 'text/html');
      rewrite(doc.body, area);
      const first = document.body === shell;
      document.title = doc.title;
      document.body.replaceWith(document.adoptNode(doc.body));
      document.documentElement.setAttribute('data-page', name);
      window.scrollTo(0, 0);
      // After a link, the new page's heading takes the focus (a screen reader reads it).
      const h1 = document.querySelector('h1');
      if (!first && h1) {
        h1.setAttribute('tabindex', '-1');
        h1.focus();
      }
    } catch (e) {
      if (mine !== generation) return;
      area = null;
      showShell('jp-bad');
    }
  }

  // In-page links (the skip link to #main) would replace the key in the fragment: they move
  // the focus instead.
  document.addEventListener('click', (event) => {
    const link = event.target instanceof Element ? event.target.closest('a[href^="#"]') : null;
    if (!link || !area) return;
    const id = link.getAttribute('href').slice(1);
    if (id === area.token || id.startsWith(area.token + '/')) return;
    const target = document.getElementById(id);
    if (!target) return;
    event.preventDefault();
    target.setAttribute('tabindex', '-1');
    target.focus();
    target.scrollIntoView();
  });

  function start() {
    shell = document.body;
    shellTitle = document.title;
    window.addEventListener('hashchange', route);
    route();
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
