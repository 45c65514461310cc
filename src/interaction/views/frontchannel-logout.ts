// The signed-out page with front-channel logout (Front-Channel Logout 1.0 §3): one visually hidden,
// titled iframe per relying party to tell. With a post_logout_redirect_uri it shows a Continue link
// to it; /assets/frontchannel-logout.js follows that link once every iframe has loaded, or after
// `timeoutMs`, and without JavaScript the user selects it. No inline script (the CSP forbids it).
import { escapeHtml, page } from './html.js';
import { logoutMessages } from './logout-messages.js';
import { frontchannelLogoutMessages } from './frontchannel-logout-messages.js';

export const frontchannelLogoutScriptPath = '/assets/frontchannel-logout.js';

export interface FrontchannelLogoutView {
  /** The iframes' sources (registered URI plus iss and sid) and whose they are. */
  frames: ReadonlyArray<{ src: string; clientName: string }>;
  /** Where Continue goes (the post_logout_redirect_uri with state), or null: nowhere. */
  continueTo: string | null;
  /** The client that asked for the logout, if known. */
  clientName: string | null;
  uiLocales: readonly string[];
  /** How long the script waits for the iframes before following Continue. */
  timeoutMs: number;
}

const fillClient = (template: string, client: string) => template.replace('{client}', client);

export function frontchannelLogoutPage(view: FrontchannelLogoutView): string {
  const { lang, messages } = logoutMessages(view.uiLocales);
  const frontchannel = frontchannelLogoutMessages(lang);
  const frames = view.frames.map((frame) => `<iframe class="visually-hidden" data-frontchannel-logout tabindex="-1"`
    + ` sandbox="allow-same-origin allow-scripts" title="${escapeHtml(fillClient(frontchannel.frameTitle, frame.clientName))}"`
    + ` src="${escapeHtml(frame.src)}"></iframe>`).join('\n');

  if (view.continueTo === null) {
    const lead = view.clientName
      ? fillClient(escapeHtml(messages.signedOutLeadClient), `<strong>${escapeHtml(view.clientName)}</strong>`)
      : escapeHtml(messages.signedOutLead);
    return page({
      lang,
      title: messages.signedOutTitle,
      body: `<h1>${escapeHtml(messages.signedOutTitle)}</h1>
<p class="lead" role="status">${lead}</p>
<p class="muted">${escapeHtml(frontchannel.othersNote)}</p>
${frames}`,
    });
  }
  return page({
    lang,
    title: messages.signedOutTitle,
    script: frontchannelLogoutScriptPath,
    scriptBeforeBody: true,
    body: `<h1>${escapeHtml(messages.signedOutTitle)}</h1>
<p class="lead" role="status">${escapeHtml(frontchannel.signingOutLead)}</p>
${frames}
<p class="muted" id="frontchannel-auto" hidden>${escapeHtml(frontchannel.autoContinue)}</p>
<p class="muted">${escapeHtml(frontchannel.continueHelp)}</p>
<p><a class="button primary" id="frontchannel-continue" data-timeout-ms="${view.timeoutMs}" href="${escapeHtml(view.continueTo)}">${escapeHtml(frontchannel.continueLink)}</a></p>`,
  });
}

/**
 * Runs in the page's head, before the iframes exist, so no `load` is missed: a capturing listener
 * on the document sees each iframe's `load` (it does not bubble). Once the document is parsed and
 * every logout iframe has loaded, or the timeout passed, it follows Continue (replacing this page
 * in the history, so Back does not come here again).
 */
export const frontchannelLogoutScript = `(function () {
  var loaded = [];
  var done = false;
  function go() {
    var link = document.getElementById('frontchannel-continue');
    if (done || !link) return;
    done = true;
    window.location.replace(link.href);
  }
  function check() {
    if (document.readyState === 'loading') return;
    var frames = document.querySelectorAll('iframe[data-frontchannel-logout]');
    for (var i = 0; i < frames.length; i++) if (loaded.indexOf(frames[i]) < 0) return;
    go();
  }
  document.addEventListener('load', function (event) {
    if (event.target && event.target.tagName === 'IFRAME') { loaded.push(event.target); check(); }
  }, true);
  document.addEventListener('DOMContentLoaded', function () {
    var link = document.getElementById('frontchannel-continue');
    var note = document.getElementById('frontchannel-auto');
    if (note) note.hidden = false;
    var timeout = link ? Number(link.getAttribute('data-timeout-ms')) : 0;
    if (timeout > 0) setTimeout(go, timeout);
    check();
  });
})();
`;
