/** werift settings tests need on a LAN with no internet. */

/** The part of a werift `RTCPeerConnection` `noStun` touches (structural: the kit does not depend on werift). */
export interface WeriftIceTransports {
  readonly iceTransports: readonly { readonly connection: unknown }[];
}

/** werift falls back to a public STUN server even with `iceServers: []`; switch it off. */
export function noStun(pc: WeriftIceTransports): void {
  for (const t of pc.iceTransports) (t.connection as { stunServer?: unknown }).stunServer = undefined;
}
