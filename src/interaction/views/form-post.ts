// Form Post Response Mode (OAuth 2.0 Form Post Response Mode §2): an auto-submitting form.
// The submit is done by /assets/form-post.js (no inline script); without JavaScript the user clicks.
import { escapeHtml, page } from './html.js';

export function formPostPage(action: string, fields: Record<string, string>): string {
  const inputs = Object.entries(fields)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('\n');
  return page({
    title: 'Continue',
    script: '/assets/form-post.js',
    body: `<h1>Continue</h1>
<form method="post" action="${escapeHtml(action)}" id="form-post">
${inputs}
<button type="submit" class="primary">Continue to the application</button>
</form>`,
  });
}

export const formPostScript = "document.getElementById('form-post').submit();\n";
