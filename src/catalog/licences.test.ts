import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type TestApp, testApp } from "../../test/helpers/test-app.ts";
import { LICENCES, THEMES } from "./vocabularies.ts";

describe("licence and theme registers", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp();
  });
  afterAll(() => t?.close());

  it("lists the licence register to anyone", async () => {
    const res = await t.app.inject({ url: "/api/v1/licences" });
    expect(res.statusCode).toBe(200);
    expect(res.json().items).toEqual(LICENCES);
    expect(res.json().items.find((l: { id: string }) => l.id === "CC-BY-4.0")).toMatchObject({
      isOpen: true,
    });
  });

  it("lists every theme a dataset may carry, with labels and its EU theme", async () => {
    const res = await t.app.inject({ url: "/api/v1/themes" });
    expect(res.statusCode).toBe(200);
    const items = res.json().items as { code: string; vi: string; euTheme: string; uri: string }[];
    expect(items.map((i) => i.code).sort()).toEqual([...THEMES].sort());
    expect(items.find((i) => i.code === "vn:trade")).toMatchObject({
      vi: "Thương mại",
      euTheme: "ECON",
      uri: "http://publications.europa.eu/resource/authority/data-theme/ECON",
    });
  });
});
