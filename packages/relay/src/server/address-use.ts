/**
 * What each client address holds on the relay right now: sockets not logged in yet, logged-in
 * identities, and rooms (a room counts once per address however many of its sockets are in it).
 * The relay's per-address limits are checked against it, so one LAN host cannot take every slot.
 */

/** One address's share of the relay. */
export interface AddressUse {
  /** Open sockets from it that have not logged in. */
  pending: number;
  /** Logged-in sockets from it. */
  logins: number;
  /** Rooms its sockets are in, with how many of its sockets are in each. */
  readonly rooms: Map<string, number>;
}

/** The per-address table; an address leaves it when it holds nothing. */
export interface AddressTable {
  /** The address's use (created empty on first sight). */
  use(address: string): AddressUse;
  /** Forget the address if it holds nothing any more. */
  release(address: string): void;
  /** Addresses holding something now. */
  readonly size: number;
}

/** An empty table. */
export function createAddressTable(): AddressTable {
  const byAddress = new Map<string, AddressUse>();
  return {
    use(address) {
      let u = byAddress.get(address);
      if (!u) {
        u = { pending: 0, logins: 0, rooms: new Map() };
        byAddress.set(address, u);
      }
      return u;
    },
    release(address) {
      const u = byAddress.get(address);
      if (u && u.pending === 0 && u.logins === 0 && u.rooms.size === 0) byAddress.delete(address);
    },
    get size() {
      return byAddress.size;
    },
  };
}
