/** A keyset page's position: the last row's sort key as the store printed it, and its id as tiebreak. */
export interface PageAfter {
  k: string;
  id: string;
}
