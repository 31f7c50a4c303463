/** Slots of the direct-mapped front of an `IdTable`: a power of two, well above the books one shard holds. */
const SLOTS = 1024;
/** The characters of an id's end its slot is worked out from. */
const TAIL = 8;

/**
 * Values by venue id (a Polymarket token's 77 digits, a Kalshi ticker). Each frame's ids are fresh strings, and a
 * Map hashes every one in full on each lookup: the venue's hot path. The ends of the ids tell the held books apart,
 * so a slot worked out from the last few characters finds the value and one `===` confirms it; an id whose slot
 * another took (or that is absent) falls back to the Map, which holds every entry in insertion order.
 */
export class IdTable<T> {
  private readonly all = new Map<string, T>();
  private readonly slotIds: (string | undefined)[] = new Array(SLOTS).fill(undefined);
  private readonly slotValues: (T | undefined)[] = new Array(SLOTS).fill(undefined);

  get(id: string): T | undefined {
    const slot = slotOf(id);
    if (this.slotIds[slot] === id) return this.slotValues[slot];
    return this.all.get(id);
  }

  /** Adds an entry (an id already held keeps its value). */
  add(id: string, value: T): void {
    if (this.all.has(id)) return;
    this.all.set(id, value);
    const slot = slotOf(id);
    if (this.slotIds[slot] === undefined) {
      this.slotIds[slot] = id;
      this.slotValues[slot] = value;
    }
  }

  /** Ids in the order they were added. */
  ids(): string[] {
    return [...this.all.keys()];
  }
}

function slotOf(id: string): number {
  const n = id.length;
  let h = n;
  for (let i = n > TAIL ? n - TAIL : 0; i < n; i++) h = (h * 31 + id.charCodeAt(i)) | 0;
  return h & (SLOTS - 1);
}
