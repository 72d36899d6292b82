/**
 * `GET /doorbell.json` on the doorbell's web server: what a page the doorbell served needs to reach
 * it through the relay on the same origin. Nothing in it is secret; the page still verifies the
 * doorbell by its identity (pairing) before it trusts a byte of video.
 */

/** The doorbell's self-description for pages it serves. */
export interface DoorbellInfo {
  readonly v: 1;
  /** The doorbell agent's identity id (what `agent.connect(id)` dials). */
  readonly id: string;
  /** Its display name. */
  readonly name: string;
  /** Its direct-connect card text (`LR1:…`), for viewers that remember it. */
  readonly card: string;
  /** The relay's WebSocket path on this origin. */
  readonly relayPath: string;
}

/** Path of the info document on the doorbell's web server. */
export const DOORBELL_INFO_PATH = '/doorbell.json';
/** Path of the embedded relay's WebSocket on the doorbell's web server. */
export const RELAY_PATH = '/relay';

/** Check a fetched info document; throws `TypeError` naming what is wrong. */
export function parseDoorbellInfo(value: unknown): DoorbellInfo {
  if (typeof value !== 'object' || value === null) throw new TypeError('doorbell info is not an object');
  const v = value as Record<string, unknown>;
  if (v.v !== 1) throw new TypeError(`unsupported doorbell info version ${JSON.stringify(v.v)}`);
  for (const key of ['id', 'name', 'card', 'relayPath'] as const)
    if (typeof v[key] !== 'string' || (v[key] as string).length > 4096)
      throw new TypeError(`doorbell info: "${key}" is not a string`);
  return {
    v: 1,
    id: v.id as string,
    name: v.name as string,
    card: v.card as string,
    relayPath: v.relayPath as string,
  };
}
