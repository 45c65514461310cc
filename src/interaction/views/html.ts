// HTML escaping and the shared page shell. Every dynamic value goes through `escapeHtml`.

export function escapeHtml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

export interface PageOptions {
  title: string;
  body: string;
  /** Extra script from /assets (no inline script: the CSP forbids it). */
  script?: string;
  /** Run the script before the body is parsed (no `defer`): for listeners that must see the body's first events. */
  scriptBeforeBody?: boolean;
  /** BCP 47 language of the page (default en). */
  lang?: string;
}

export function page({ title, body, script, scriptBeforeBody = false, lang = 'en' }: PageOptions): string {
  return `<!doctype html>
<html lang="${escapeHtml(lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)} · Gatehouse</title>
<link rel="stylesheet" href="/assets/gatehouse.css">
${script ? `<script src="${escapeHtml(script)}"${scriptBeforeBody ? '' : ' defer'}></script>` : ''}
</head>
<body>
<main class="card">
<p class="brand" aria-hidden="true">Gatehouse</p>
${body}
</main>
</body>
</html>`;
}
