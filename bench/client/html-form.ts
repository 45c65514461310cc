// Fills a plain HTML login or consent page the way a browser would: the first <form>, every
// hidden input, username/password when asked, and the approving submit button.
export interface FilledForm {
  action: URL;
  method: 'GET' | 'POST';
  body: URLSearchParams;
}

const entities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", '#39': "'", '#x27': "'", '#x2F': '/', '#47': '/' };

function decodeEntities(value: string): string {
  return value.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (whole, entity: string) => {
    if (entities[entity] !== undefined) return entities[entity];
    if (entity.startsWith('#x') || entity.startsWith('#X')) return String.fromCodePoint(parseInt(entity.slice(2), 16));
    if (entity.startsWith('#')) return String.fromCodePoint(parseInt(entity.slice(1), 10));
    return whole;
  });
}

function attributes(tag: string): Map<string, string> {
  const out = new Map<string, string>();
  const pattern = /([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;
  // Skip the tag name itself.
  const inner = tag.replace(/^<\s*[a-zA-Z]+/, '').replace(/\/?>$/, '');
  for (const match of inner.matchAll(pattern)) {
    const name = match[1];
    if (!name) continue;
    out.set(name.toLowerCase(), decodeEntities(match[2] ?? match[3] ?? match[4] ?? ''));
  }
  return out;
}

const approving = /^(approve|consent|allow|accept|yes|continue)$/i;

/**
 * Builds the submission of the first form on `html` (served at `pageUrl`), or undefined when
 * the page has no form.
 */
export function fillFirstForm(html: string, pageUrl: URL, credentials: { username: string; password: string }): FilledForm | undefined {
  const open = /<form\b[^>]*>/i.exec(html);
  if (!open) return undefined;
  const end = html.indexOf('</form', open.index);
  const inner = html.slice(open.index + open[0].length, end === -1 ? undefined : end);
  const form = attributes(open[0]);
  const action = new URL(form.get('action') || pageUrl.href, pageUrl);
  const method = (form.get('method') ?? 'GET').toUpperCase() === 'POST' ? 'POST' : 'GET';
  const body = new URLSearchParams();
  const submits: Array<{ name: string; value: string }> = [];

  for (const match of inner.matchAll(/<(input|button)\b[^>]*>/gi)) {
    const attrs = attributes(match[0]);
    const name = attrs.get('name');
    const type = (attrs.get('type') ?? (match[1]?.toLowerCase() === 'button' ? 'submit' : 'text')).toLowerCase();
    if (type === 'submit' || type === 'image') {
      if (name) submits.push({ name, value: attrs.get('value') ?? '' });
      continue;
    }
    if (!name || attrs.has('disabled') || type === 'button' || type === 'reset') continue;
    if ((type === 'checkbox' || type === 'radio') && !attrs.has('checked')) continue;
    if (type === 'password' || name === 'password') body.set(name, credentials.password);
    else if (name === 'username' || name === 'login' || (name === 'email' && !attrs.get('value'))) body.set(name, credentials.username);
    else body.append(name, attrs.get('value') ?? '');
  }
  const submit = submits.find((s) => approving.test(s.value)) ?? submits[0];
  if (submit) body.append(submit.name, submit.value);
  return { action, method, body };
}
