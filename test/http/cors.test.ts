import { describe, expect, it } from "vitest";
import { allowedOrigins } from "../../src/http/middleware/cors";
import { viaApp } from "./helpers";

const ORIGINS = { CORS_ORIGINS: "https://app.example.com, https://ops.example.com" };

function preflight(origin: string): Request {
  return new Request("http://foreman.test/api/workflows/create", {
    method: "OPTIONS",
    headers: {
      Origin: origin,
      "Access-Control-Request-Method": "POST",
      "Access-Control-Request-Headers": "authorization, content-type",
    },
  });
}

describe("CORS", () => {
  it("parses the comma-separated list", () => {
    expect(allowedOrigins(ORIGINS.CORS_ORIGINS)).toEqual([
      "https://app.example.com",
      "https://ops.example.com",
    ]);
    expect(allowedOrigins("")).toEqual([]);
    expect(allowedOrigins(undefined)).toEqual([]);
  });

  it("sends no CORS headers when no origin is configured", async () => {
    const res = await viaApp(
      "/api/openapi.json",
      { headers: { Origin: "https://app.example.com" } },
      {
        CORS_ORIGINS: "",
      },
    );
    expect(res.status).toBe(200);
    expect(res.headers.get("Access-Control-Allow-Origin")).toBeNull();
  });

  it("allows a listed origin (simple request and preflight)", async () => {
    const res = await viaApp(
      "/api/openapi.json",
      { headers: { Origin: "https://ops.example.com" } },
      ORIGINS,
    );
    expect(res.headers.get("Access-Control-Allow-Origin")).toBe("https://ops.example.com");
    expect(res.headers.get("Access-Control-Expose-Headers")).toContain("X-Correlation-Id");
    expect(res.headers.get("Vary")).toContain("Origin");

    const pre = await viaApp(preflight("https://app.example.com"), {}, ORIGINS);
    expect(pre.status).toBe(204);
    expect(pre.headers.get("Access-Control-Allow-Origin")).toBe("https://app.example.com");
    expect(pre.headers.get("Access-Control-Allow-Methods")).toContain("POST");
    expect(pre.headers.get("Access-Control-Allow-Headers")).toContain("Authorization");
  });

  it("denies other origins: no CORS headers, preflight not answered", async () => {
    const res = await viaApp("/api/openapi.json", { headers: { Origin: "https://evil.example" } }, ORIGINS);
    expect(res.status).toBe(200);
    expect(res.headers.get("Access-Control-Allow-Origin")).toBeNull();
    const pre = await viaApp(preflight("https://evil.example"), {}, ORIGINS);
    expect(pre.status).toBe(404);
    expect(pre.headers.get("Access-Control-Allow-Origin")).toBeNull();
    expect(pre.headers.get("Access-Control-Allow-Methods")).toBeNull();
  });
});
