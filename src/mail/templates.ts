// The mails Gatehouse sends, each as plain text AND HTML built from the catalogue (messages.ts).
// Every value is escaped in the HTML part; the link is the only dynamic part besides the username.
import { mailMessages as m } from './messages.js';

function escapeHtml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

export interface MailContent {
  subject: string;
  text: string;
  html: string;
}

interface LinkMail {
  subject: string;
  greeting: string;
  lead: string;
  action: string;
  link: string;
  notes: string[];
}

function linkMail(mail: LinkMail): MailContent {
  const text = [mail.greeting, '', mail.lead, '', `${mail.action}:`, mail.link, '', ...mail.notes, '', m.signature, ''].join('\n');
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(mail.subject)}</title></head>
<body style="font-family: system-ui, sans-serif; line-height: 1.5; max-width: 36rem">
<p>${escapeHtml(mail.greeting)}</p>
<p>${escapeHtml(mail.lead)}</p>
<p><a href="${escapeHtml(mail.link)}" style="display: inline-block; padding: .6em 1.2em; background: #1d4ed8; color: #fff; border-radius: .4em; text-decoration: none">${escapeHtml(mail.action)}</a></p>
<p style="font-size: .9em">${escapeHtml(mail.link)}</p>
${mail.notes.map((n) => `<p style="color: #555">${escapeHtml(n)}</p>`).join('\n')}
<p>${escapeHtml(m.signature)}</p>
</body></html>
`;
  return { subject: mail.subject, text, html };
}

export function verifyEmailMail(username: string, link: string, ttlSeconds: number): MailContent {
  const v = m.verifyEmail;
  return linkMail({ subject: v.subject, greeting: v.greeting(username), lead: v.lead, action: v.action, link,
    notes: [v.expiry(Math.round(ttlSeconds / 3600)), v.ignore] });
}

export function resetPasswordMail(username: string, link: string, ttlSeconds: number): MailContent {
  const r = m.resetPassword;
  return linkMail({ subject: r.subject, greeting: r.greeting(username), lead: r.lead, action: r.action, link,
    notes: [r.expiry(Math.round(ttlSeconds / 60)), r.ignore] });
}

export function changeEmailMail(username: string, link: string, ttlSeconds: number): MailContent {
  const c = m.changeEmail;
  return linkMail({ subject: c.subject, greeting: c.greeting(username), lead: c.lead, action: c.action, link,
    notes: [c.expiry(Math.round(ttlSeconds / 3600)), c.ignore] });
}

export function testMail(): MailContent {
  const text = `${m.test.lead}\n\n${m.signature}\n`;
  const html = `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(m.test.subject)}</title></head>
<body><p>${escapeHtml(m.test.lead)}</p><p>${escapeHtml(m.signature)}</p></body></html>\n`;
  return { subject: m.test.subject, text, html };
}
