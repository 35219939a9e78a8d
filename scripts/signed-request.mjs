/**
 * The last step of the signing helpers (slack-sign.mjs, github-sign.mjs): print a signed request as a
 * curl command, or send it and print the answer (exit code 1 for a non-2xx answer).
 */

const shellQuote = (s) => `'${s.replace(/'/g, `'\\''`)}'`;

export async function printOrSend({ url, headers, body, send }) {
  if (!send) {
    const h = Object.entries(headers).map(([k, v]) => `-H ${shellQuote(`${k}: ${v}`)}`);
    console.log(`curl -sS -X POST ${shellQuote(url)} ${h.join(" ")} --data-raw ${shellQuote(body)}`);
    return;
  }
  const res = await fetch(url, { method: "POST", headers, body });
  console.log(`HTTP ${res.status}`);
  const text = await res.text();
  if (text) console.log(text);
  if (!res.ok) process.exitCode = 1;
}
