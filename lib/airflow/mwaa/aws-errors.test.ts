import { describe, expect, it } from "vitest";
import { fromAwsError } from "./aws-errors";

/** The AWS-failure → AirflowError table, for failures the simulator cannot cheaply produce. */

const ctx = { op: "CreateWebLoginToken", environmentName: "sales-prod", region: "eu-west-1", url: "https://env.airflow.eu-west-1.amazonaws.com", timeoutMs: 10_000 };
const aws = (name: string, status: number | undefined, message: string, extra: Record<string, unknown> = {}) =>
  Object.assign(new Error(message), { name, ...(status ? { $metadata: { httpStatusCode: status } } : {}), ...extra });

describe("fromAwsError", () => {
  it.each([
    [aws("ExpiredTokenException", 403, "The security token included in the request is expired"), "auth", /have expired .*refresh them/],
    [aws("CredentialsProviderError", undefined, "Could not load credentials from any providers"), "auth", /no usable AWS credentials from the AWS SDK default credential chain/],
    [aws("UnrecognizedClientException", 403, "The security token included in the request is invalid."), "auth", /AWS rejected the credentials/],
    [aws("AccessDeniedException", 403, "... No Airflow role granted in IAM."), "auth", /^AWS denied airflow:CreateWebLoginToken on MWAA environment sales-prod: .*Airflow role/],
    [aws("AccessDenied", 403, "not authorized to perform sts:AssumeRole", { assumingRole: "arn:aws:iam::1:role/r" }), "auth", /could not assume role arn:aws:iam::1:role\/r/],
    [aws("ResourceNotFoundException", 404, "x"), "platform", /^MWAA environment sales-prod not found in region eu-west-1$/],
    [aws("ThrottlingException", 429, "Rate exceeded"), "throttled", /AWS throttled CreateWebLoginToken/],
    [aws("InternalServerException", 500, "boom"), "http", /HTTP 500/],
    [Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }), "connection", /connection refused by env\.airflow\.eu-west-1\.amazonaws\.com:443 \(MWAA CreateWebLoginToken\)/],
    [Object.assign(new Error("aborted"), { name: "AbortError" }), "timeout", /cancelled/],
  ])("%s → %s", (err, kind, message) => {
    const e = fromAwsError(err, ctx);
    expect(e.kind).toBe(kind);
    expect(e.message).toMatch(message);
  });

  it("says timeout when the per-call timeout fired", () => {
    expect(fromAwsError(Object.assign(new Error("aborted"), { name: "AbortError" }), { ...ctx, timedOut: true }).message).toMatch(/within 10 s/);
  });
});
