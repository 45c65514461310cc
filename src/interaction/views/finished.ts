// The page Back leads to once a sign-in has finished: what happened, and a way on to the
// application. The link only ever goes to an origin registered for the client.
import { escapeHtml, page } from './html.js';

export interface FinishedView {
  clientName: string;
  outcome: 'approved' | 'denied';
  /** The origin of a redirect URI registered for the client, or null when there is none to link. */
  returnTo: string | null;
  /** The account this browser is signed in as now, if any. */
  username: string | null;
}

export function finishedPage(view: FinishedView): string {
  const client = `<strong>${escapeHtml(view.clientName)}</strong>`;
  const heading = view.outcome === 'approved' ? 'Sign-in complete' : 'Access declined';
  let lead: string;
  if (view.outcome === 'denied') lead = `You chose not to let ${client} use your account, and ${client} has been told.`;
  else if (view.username !== null) lead = `You are signed in as <strong>${escapeHtml(view.username)}</strong> and have already finished signing in to ${client}.`;
  else lead = `You have already finished signing in to ${client}.`;
  const next = view.returnTo
    ? `<p><a class="button primary" href="${escapeHtml(view.returnTo)}">Return to ${escapeHtml(view.clientName)}</a></p>`
    : `<p>Go back to ${client} to continue.</p>`;
  return page({
    title: heading,
    body: `<h1>${heading}</h1>
<p class="lead">${lead}</p>
${next}
<p class="muted">This sign-in page cannot be used again. To sign in once more, start from the application.</p>`,
  });
}
