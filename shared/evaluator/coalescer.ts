/**
 * Gathers the per-record calls of one SQS batch into a single call of `run`, so the batch touches the database once.
 * The batch processor handles records in parallel; each record either `submit`s its item (its idempotency check let
 * it through) or is `skip`ped (answered from the idempotency store, or failed before). Once every expected record
 * has done one or the other, `run` gets all submitted items together.
 */
export interface Coalescer<In, Out> {
  submit(item: In): Promise<Out>;
  skip(): void;
}

export function createCoalescer<In, Out>(expected: number, run: (items: In[]) => Promise<Out[]>): Coalescer<In, Out> {
  const pending: { item: In; resolve: (out: Out) => void; reject: (error: unknown) => void }[] = [];
  let skipped = 0;

  const flushIfComplete = () => {
    if (pending.length + skipped < expected || pending.length === 0) return;
    const batch = pending.splice(0);
    run(batch.map((p) => p.item)).then(
      (outs) => {
        batch.forEach((p, i) => {
          p.resolve(outs[i]!);
        });
      },
      (error: unknown) => {
        for (const p of batch) p.reject(error);
      },
    );
  };

  return {
    submit(item) {
      return new Promise<Out>((resolve, reject) => {
        pending.push({ item, resolve, reject });
        flushIfComplete();
      });
    },
    skip() {
      skipped += 1;
      flushIfComplete();
    },
  };
}
