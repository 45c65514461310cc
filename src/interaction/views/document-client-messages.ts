// What the consent page says about a client known only by its Client ID Metadata Document
// (CIMD draft §6.4: show the client_id's host; §6.1: where the browser is sent back).
// `{host}` and `{redirect}` are filled in, already escaped.

export const documentClientMessages = {
  identifiedBy: 'This application describes itself at {host}. Gatehouse has not reviewed it.',
  returnsTo: 'After you answer, you are sent back to {redirect}.',
  localApp: 'This app runs on your own computer: it is sent back to {redirect}, on this device. Allow it only if you started it yourself just now.',
} as const;
