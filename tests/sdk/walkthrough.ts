// The README's walkthrough played from TypeScript with the types openapi-typescript generates from
// openapi/openapi.json (api.d.ts, beside this file when compiled): compiled by `tsc --strict` and
// run by node against the live server of tests/sdk/test_sdk_scenario.py, with fetch only.
//
//     node walkthrough.js BASE_URL
//
// Each token is asked of the runner on stdout (`TOKEN {claims}`) and read back on stdin; what the
// walkthrough saw is printed on stdout, one line each.
import * as readline from "node:readline";
import type { components, paths } from "./api";

type Schemas = components["schemas"];
type Json<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends {
  requestBody?: { content: { "application/json": infer B } };
}
  ? B
  : never;

const base: string = process.argv[2] ?? "";
const input = readline.createInterface({ input: process.stdin })[Symbol.asyncIterator]();
// the day the server takes as today, which the runner pinned it to
const today = new Date(process.argv[3] ?? Date.now());

function day(n: number): string {
  return new Date(today.getTime() + n * 86_400_000).toISOString().slice(0, 10);
}

async function token(claims: Record<string, unknown>): Promise<string> {
  process.stdout.write(`TOKEN ${JSON.stringify(claims)}\n`);
  const line = await input.next();
  return String(line.value ?? "").trim();
}

async function send(
  bearer: string,
  method: string,
  path: string,
  status: number,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Response> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { Authorization: `Bearer ${bearer}`, "Content-Type": "application/json", ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (response.status !== status) {
    throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  }
  return response;
}

async function json<T>(response: Promise<Response>): Promise<T> {
  return (await (await response).json()) as T;
}

function check(condition: boolean, what: string): void {
  if (!condition) throw new Error(`not so: ${what}`);
}

async function main(): Promise<void> {
  const said: string[] = [];
  // --- the Dutch deploying authority: an authority, an officer, a deployment ------------------
  const nl = await token({ org: "NL", roles: ["deploying_authority"], sub: "nl-ind-cms" });
  const authorityIn: Json<"/v1/authorities", "post"> = {
    organisation: "NL",
    name: "Immigratie- en Naturalisatiedienst",
    authority_kind: "immigration",
  };
  const authority = await json<Schemas["AuthorityOut"]>(
    send(nl, "POST", "/v1/authorities", 201, authorityIn),
  );
  const officerIn: Json<"/v1/officers", "post"> = {
    authority_id: authority.id,
    surname: "Jansen",
    given_names: "Eva",
    expertise: ["i_return_readmission"],
  };
  const officer = await json<Schemas["OfficerOut"]>(send(nl, "POST", "/v1/officers", 201, officerIn));
  const planIn: Json<"/v1/deployments", "post"> = {
    officer_id: officer.id,
    posting_type: "member_state_mission",
    host_country: "SN",
    city: "Dakar",
    region_countries: ["GM"],
    topics: ["i_return_readmission"],
    tasks: ["return"],
    starts_on: day(-30),
    ends_on: day(700),
  };
  const planned = await json<Schemas["DeploymentOut"]>(
    send(nl, "POST", "/v1/deployments", 201, planIn),
  );
  check(planned.status === "planned", "the deployment is planned");
  const transition: Schemas["TransitionIn"] = { to: "deployed", on: day(-30) };
  const deployed = await json<Schemas["DeploymentOut"]>(
    send(nl, "POST", `/v1/deployments/${planned.id}/transitions`, 200, transition, {
      "If-Match": '"v1"',
    }),
  );
  check(deployed.status === "deployed", "the deployment is deployed");
  said.push(`deployment ${deployed.id}: ${deployed.status} in ${deployed.host_country}`);

  // --- the ILO: a return identification, the request to Senegal, the answer --------------------
  const ilo = await token({ org: "NL", roles: ["ilo"], sub: "ilo-jansen", officer_id: officer.id });
  const recordIn: Json<"/v1/processing-records", "post"> = {
    officer_id: officer.id,
    purpose: "return",
    data_categories: ["a_return_identity"],
    data_subject_category: "returnee",
    subject_data: {
      surname: "Ndiaye",
      given_names: "Mamadou",
      date_of_birth: "1990-02-03",
      nationality: "SN",
    },
    protection_status: "return_decision",
    necessity_justification: "Nationality must be confirmed for the return.",
    retain_until: day(180),
  };
  const record = await json<Schemas["ProcessingRecordOut"]>(
    send(ilo, "POST", "/v1/processing-records", 201, recordIn),
  );
  const request: Schemas["TransferCreate"] = {
    recipient: {
      name: "Direction de la Police de l'Air et des Frontières",
      type: "public_authority",
    },
    destination_country: "SN",
    basis: "public_interest",
    fields_disclosed: ["surname", "given_names", "date_of_birth", "nationality"],
    justification: "Identification and nationality confirmation for return under a return decision",
    transfer_on: day(0),
  };
  const transfers = `/v1/processing-records/${record.id}/transfers`;
  const transfer = await json<Schemas["TransferOut"]>(send(ilo, "POST", transfers, 201, request));
  check(transfer.basis.rule === "GDPR-49.1d", "the transfer's ground is GDPR-49.1d");
  said.push(`transfer ${transfer.id}: ${transfer.basis.rule} to ${transfer.destination_country}`);
  const answer: Schemas["TransferFollowUpIn"] = { outcome: "confirmed", answered_on: day(0) };
  const followUp = await json<Schemas["TransferFollowUpOut"]>(
    send(ilo, "POST", `${transfers}/${transfer.id}/follow-up`, 201, answer),
  );
  check(followUp.response_days === 0, "answered the same day");
  said.push(`follow-up: ${followUp.outcome} after ${followUp.response_days} days`);

  // --- a forbidden transfer: an asylum seeker's data to the country of nationality -------------
  const pending = await json<Schemas["ProcessingRecordOut"]>(
    send(ilo, "POST", "/v1/processing-records", 201, {
      ...recordIn,
      subject_data: { surname: "Diallo", nationality: "SN" },
      protection_status: "application_pending",
      necessity_justification: "Identity to be established before return.",
    }),
  );
  const denied = await json<Schemas["PolicyDeniedBody"]>(
    send(ilo, "POST", `/v1/processing-records/${pending.id}/transfers`, 403, {
      ...request,
      fields_disclosed: ["surname", "nationality"],
    }),
  );
  check(denied.violations.map((v) => v.rule).join() === "NR-1", "denied for NR-1");
  said.push(`forbidden transfer: ${denied.status} ${denied.type} ${denied.violations[0]?.rule}`);

  // --- the Commission reads the readmission sheet, as JSON and as its HTML page ---------------
  const desk = await token({ org: "COM", roles: ["authorised_staff"], sub: "com-desk" });
  const sheetPath = `/v1/statistics/readmission/SN?starts_on=${day(-60)}`;
  const sheet = await json<Schemas["ReadmissionSheet"]>(send(desk, "GET", sheetPath, 200));
  check(sheet.totals.values["requests_sent"] === null, "one request is withheld");
  check(sheet.suppression.threshold === 5, "the threshold is 5");
  said.push(`sheet SN: ${sheet.suppression.suppressed_cells} cells withheld (< 5)`);
  const page = await (await send(desk, "GET", `${sheetPath}&format=html`, 200)).text();
  check(page.trimStart().toLowerCase().startsWith("<!doctype html"), "the sheet's page is HTML");
  said.push(`sheet SN as HTML: ${page.length} characters of text`);
  for (const line of said) process.stdout.write(`${line}\n`);
  input.return?.();
  process.stdin.destroy();
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
