// What sends a mail: the seam between the account flows (accounts/email-links.ts) and the
// transport (transport.ts: SMTP or files), so the core never loads nodemailer.

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** What the mail is for (verify_email, reset_password, …): logged instead of its content. */
  purpose: string;
}

export interface Mailer {
  /** Sends the mail; rejects when the transport fails (the caller decides what the user sees). */
  send(message: MailMessage): Promise<void>;
  /** `smtp:`, `smtps:` or `file:`, for `gatehouse mail test`'s answer. */
  readonly kind: 'smtp' | 'file';
  close(): void;
}

