import { expect } from "vitest";
import { AirflowError } from "@/lib/airflow/errors";

/**
 * The AirflowError a promise rejects with; the test fails when it resolves or rejects with anything
 * else, or when the message carries one of `secrets` (credentials must never reach a message).
 */
export async function airflowFailure(p: Promise<unknown>, secrets: readonly (string | RegExp)[] = []): Promise<AirflowError> {
  const e = await p.then(
    () => {
      throw new Error("expected a rejection");
    },
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(AirflowError);
  for (const secret of secrets) expect((e as AirflowError).message).not.toMatch(secret);
  return e as AirflowError;
}
