// GET /assets/:file — the stylesheet, the form_post script and the front-channel logout script, from memory.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { stylesheet } from '../interaction/views/styles.js';
import { formPostScript } from '../interaction/views/form-post.js';
import { frontchannelLogoutScript } from '../interaction/views/frontchannel-logout.js';

const assets = new Map<string, { type: string; body: string }>([
  ['gatehouse.css', { type: 'text/css; charset=utf-8', body: stylesheet }],
  ['form-post.js', { type: 'text/javascript; charset=utf-8', body: formPostScript }],
  ['frontchannel-logout.js', { type: 'text/javascript; charset=utf-8', body: frontchannelLogoutScript }],
]);

export function assetsEndpoint() {
  return async function asset(request: FastifyRequest<{ Params: { file: string } }>, reply: FastifyReply) {
    const found = assets.get(request.params.file);
    if (!found) return reply.code(404).type('text/plain').send('not found');
    return reply.header('Cache-Control', 'public, max-age=3600').type(found.type).send(found.body);
  };
}
