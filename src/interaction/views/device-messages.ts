// The wording of the device sign-in pages (RFC 8628 §3.3), in one catalogue.

export const deviceMessages = {
  entry: {
    title: 'Connect a device',
    heading: 'Connect a device',
    lead: 'Enter the code shown on your device (a TV, a console, a command-line tool).',
    label: 'Code from your device',
    hint: 'Eight letters, for example WDJB-MJHT. Dashes and case do not matter.',
    submit: 'Continue',
    /** Only arrived here from a code someone else sent? §5.4 remote phishing. */
    warning: 'Only enter a code you see on a device you are holding. Never enter a code someone sent you.',
    invalid: 'That code is not valid, or it has expired. Check the code on your device and try again.',
    throttled: (seconds: number) => `Too many wrong codes from your network. Try again in ${seconds} seconds.`,
    refused: 'This form has expired. Please enter the code again.',
    unavailable: 'The application that asked for this code can no longer sign in devices. Start again on your device.',
  },
  consent: {
    /** Lead above the scopes; `{client}` is the client's name. */
    lead: 'A device using {client} wants to sign in as you and to:',
    check: 'Allow this only if you started the sign-in on your own device just now and it shows this code.',
  },
  done: {
    approvedTitle: 'Device connected',
    approved: (client: string) => `${client} on your device is now signed in. You can return to the device; this page can be closed.`,
    deniedTitle: 'Device not connected',
    denied: (client: string) => `You did not let ${client} sign in; your device has been told.`,
    lateTitle: 'Code expired',
    late: 'This code expired or was answered already. Start again on your device to get a new code.',
  },
} as const;
