import { createHash } from "node:crypto";
import type { Store } from "n3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DATABASE_KINDS } from "../../../test/helpers/databases.ts";
import { makeDatasetWithRows } from "../../../test/helpers/datasets.ts";
import { type TestApp, type TestUser, testApp } from "../../../test/helpers/test-app.ts";
import type { Version } from "../../catalog/versions.ts";
import { DOWNLOAD_FORMATS } from "../../data/download.ts";
import { EXPORT_BATCH } from "./queries.ts";
import { parseRdf } from "./rdf-parsing.ts";

const NS = {
  rdf: "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
  dcat: "http://www.w3.org/ns/dcat#",
  dct: "http://purl.org/dc/terms/",
  hydra: "http://www.w3.org/ns/hydra/core#",
  spdx: "http://spdx.org/rdf/terms#",
};

const HOST = "data.example.vn";
const BASE = `http://${HOST}`;
const get = (t: TestApp, url: string, headers: Record<string, string> = {}) =>
  t.app.inject({ url, headers: { host: HOST, ...headers } });

async function graphOf(res: { statusCode: number; body: string }, ext: "ttl" | "jsonld" | "rdf" = "ttl") {
  expect(res.statusCode, res.body).toBe(200);
  return parseRdf(res.body, ext);
}

const datasetsIn = (g: Store) =>
  g
    .getObjects(`${BASE}/catalog`, `${NS.dcat}dataset`, null)
    .map((o) => o.value.replace(`${BASE}/dataset/`, ""))
    .sort();
const one = (g: Store, s: string, p: string) => g.getObjects(s, p, null).map((o) => o.value);

describe.each(DATABASE_KINDS)("DCAT-AP export on %s", (database) => {
  let t: TestApp;
  let member: TestUser;
  let rice: Version;
  const org = "so-nong-nghiep";

  beforeAll(async () => {
    t = await testApp({ database });
    await t.makeOrg({
      name: org,
      title: "Sở Nông nghiệp và Phát triển nông thôn",
      website: "https://snn.example.vn",
    });
    member = await t.makeUser();
    await t.addMember(org, member.id, "member");
    const spec = {
      columns: { tinh: "VARCHAR" as const, san_luong: "DOUBLE" as const },
      rows: [{ tinh: "89", san_luong: 4.1 }],
    };
    rice = await makeDatasetWithRows(t.ctx, { org, name: "san-luong-lua", title: "Sản lượng lúa", ...spec });
    for (const name of ["dien-tich-cay-trong", "gia-phan-bon", "chan-nuoi", "thuy-san"]) {
      await makeDatasetWithRows(t.ctx, { org, name, ...spec });
    }
    await makeDatasetWithRows(t.ctx, { org, name: "noi-bo", visibility: "private", ...spec });
    await makeDatasetWithRows(t.ctx, { org, name: "nhap", visibility: "draft", ...spec });
    const admin = await t.makeUser({ isPlatformAdmin: true });
    const patched = await t.app.inject({
      method: "PATCH",
      url: `/api/v1/datasets/${org}/san-luong-lua`,
      headers: admin.headers,
      payload: {
        titleEn: "Rice output",
        description: "Sản lượng lúa theo tỉnh (triệu tấn).",
        themes: ["vn:agriculture", "AGRI", "vn:statistics"],
        keywords: ["lúa gạo"],
        spatial: ["89", "VN"],
        frequency: "ANNUAL",
        licence: "CC-BY-4.0",
      },
    });
    expect(patched.statusCode, patched.body).toBe(200);
  });
  afterAll(() => t?.close());

  it("lists only open, live datasets, whoever asks", async () => {
    const anonymous = datasetsIn(await graphOf(await get(t, "/catalog.ttl")));
    expect(anonymous).toEqual([
      `${org}/chan-nuoi`,
      `${org}/dien-tich-cay-trong`,
      `${org}/gia-phan-bon`,
      `${org}/san-luong-lua`,
      `${org}/thuy-san`,
    ]);
    // A member of the organization gets the same anonymous view: the export is for the public.
    expect(datasetsIn(await graphOf(await get(t, "/catalog.ttl", member.headers)))).toEqual(anonymous);
  });

  it("pages with Hydra links a harvester can follow to the end", async () => {
    const seen: string[] = [];
    let url: string | undefined = `/catalog.ttl?page_size=2`;
    let pages = 0;
    while (url) {
      const res = await get(t, url);
      const g = await graphOf(res);
      const view = one(g, `${BASE}/catalog`, `${NS.hydra}view`)[0] as string;
      expect(one(g, view, `${NS.hydra}last`)).toEqual([`${BASE}/catalog.ttl?page=3&page_size=2`]);
      expect(one(g, view, `${NS.hydra}totalItems`)).toEqual(["5"]);
      expect(one(g, view, `${NS.rdf}type`).sort()).toEqual([
        `${NS.hydra}PagedCollection`,
        `${NS.hydra}PartialCollectionView`,
      ]);
      seen.push(...datasetsIn(g));
      const next = one(g, view, `${NS.hydra}next`)[0];
      expect(one(g, view, `${NS.hydra}nextPage`)[0]).toBe(next);
      if (next) expect(res.headers.link).toContain(`<${next}>; rel="next"`);
      url = next?.replace(BASE, "");
      pages++;
    }
    expect(pages).toBe(3);
    expect(seen.sort()).toEqual(datasetsIn(await graphOf(await get(t, "/catalog.ttl"))));

    const beyond = await graphOf(await get(t, "/catalog.ttl?page=9&page_size=2"));
    expect(datasetsIn(beyond)).toEqual([]);
    const view = `${BASE}/catalog.ttl?page=9&page_size=2`;
    expect(one(beyond, view, `${NS.hydra}previous`)).toEqual([`${BASE}/catalog.ttl?page=3&page_size=2`]);
    expect(one(beyond, view, `${NS.hydra}next`)).toEqual([]);
  });

  it("filters by modified_since and keeps the filter in its page links", async () => {
    const since = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 5));
    const admin = await t.makeUser({ isPlatformAdmin: true });
    const res = await t.app.inject({
      method: "PATCH",
      url: `/api/v1/datasets/${org}/thuy-san`,
      headers: admin.headers,
      payload: { keywords: ["cá tra"] },
    });
    expect(res.statusCode).toBe(200);
    const g = await graphOf(await get(t, `/catalog.ttl?modified_since=${encodeURIComponent(since)}`));
    expect(datasetsIn(g)).toEqual([`${org}/thuy-san`]);
    const view = one(g, `${BASE}/catalog`, `${NS.hydra}view`)[0] as string;
    expect(new URL(view).searchParams.get("modified_since")).toBe(since);
    expect(one(g, view, `${NS.hydra}totalItems`)).toEqual(["1"]);
    expect(datasetsIn(await graphOf(await get(t, "/catalog.ttl?modified_since=2000-01-01")))).toHaveLength(5);

    const bad = await get(t, "/catalog.ttl?modified_since=yesterday");
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe("validation_failed");
    expect((await get(t, "/catalog.ttl?page_size=5000")).json().code).toBe("validation_failed");
  });

  it("describes a dataset with its distributions and rows API", async () => {
    const ds = `${BASE}/dataset/${org}/san-luong-lua`;
    const g = await graphOf(await get(t, `/dataset/${org}/san-luong-lua.jsonld`), "jsonld");
    expect(
      g
        .getObjects(ds, `${NS.dct}title`, null)
        .map((o) => o.id)
        .sort(),
    ).toEqual(['"Rice output"@en', '"Sản lượng lúa"@vi']);
    expect(one(g, ds, `${NS.dcat}theme`).sort()).toEqual([
      "http://publications.europa.eu/resource/authority/data-theme/AGRI",
      "http://publications.europa.eu/resource/authority/data-theme/GOVE",
    ]);
    expect(one(g, ds, `${NS.dct}spatial`).sort()).toEqual([
      `${BASE}/id/province/89`,
      "http://publications.europa.eu/resource/authority/country/VNM",
    ]);
    expect(one(g, ds, `${NS.dct}conformsTo`)).toEqual([
      `${BASE}/api/v1/datasets/${org}/san-luong-lua/schema`,
    ]);
    const downloads = one(g, ds, `${NS.dcat}distribution`).flatMap((d) => one(g, d, `${NS.dcat}downloadURL`));
    // One distribution per format the download routes serve, each at a URL that answers.
    expect(downloads.sort()).toEqual(
      [...DOWNLOAD_FORMATS].sort().map((e) => `${BASE}/api/v1/datasets/${org}/san-luong-lua/download.${e}`),
    );
    for (const url of downloads) expect((await get(t, url.replace(BASE, ""))).statusCode, url).toBe(200);
    // The Parquet distribution's size and checksum are those of the file the download serves.
    const parquet = `${ds}#distribution-parquet`;
    const file = await get(t, `/api/v1/datasets/${org}/san-luong-lua/download.parquet`);
    expect(file.rawPayload.length).toBe(rice.bytes);
    expect(one(g, parquet, `${NS.dcat}byteSize`)).toEqual([String(file.rawPayload.length)]);
    const checksum = one(g, parquet, `${NS.spdx}checksum`)[0] as string;
    expect(one(g, checksum, `${NS.spdx}checksumValue`)).toEqual([
      createHash("sha256").update(file.rawPayload).digest("hex"),
    ]);
    const service = `${ds}#rows-api`;
    expect(one(g, service, `${NS.dcat}endpointURL`)).toEqual([
      `${BASE}/api/v1/datasets/${org}/san-luong-lua/rows`,
    ]);
    expect(one(g, service, `${NS.dct}conformsTo`)).toEqual([
      `${BASE}/api/v1/datasets/${org}/san-luong-lua/openapi.json`,
    ]);
    expect(one(g, service, `${NS.dcat}servesDataset`)).toEqual([ds]);
  });

  it("answers datasets that are not open exactly like missing ones", async () => {
    for (const name of ["noi-bo", "nhap", "khong-co"]) {
      const res = await get(t, `/dataset/${org}/${name}.ttl`, member.headers);
      expect(res.statusCode).toBe(404);
      expect(res.json().code).toBe("dataset_not_found");
    }
    expect((await get(t, `/dataset/${org}/San-Luong.ttl`)).json().code).toBe("route_not_found");
  });

  it("negotiates the catalog and dataset IRIs by Accept", async () => {
    const byAccept = async (url: string, accept?: string) => get(t, url, accept ? { accept } : {});
    const jsonld = await byAccept("/catalog", "application/ld+json, text/turtle;q=0.5");
    expect(jsonld.headers["content-type"]).toBe("application/ld+json; charset=utf-8");
    expect(jsonld.headers.vary).toContain("accept");
    expect(datasetsIn(await graphOf(jsonld, "jsonld"))).toHaveLength(5);
    expect((await byAccept("/catalog")).headers["content-type"]).toBe("text/turtle; charset=utf-8");
    expect((await byAccept("/catalog", "*/*")).headers["content-type"]).toBe("text/turtle; charset=utf-8");
    // A browser is sent to the portal (not built in tests, so: not found).
    const browser = await byAccept("/catalog", "text/html,application/xhtml+xml,*/*;q=0.8");
    expect(browser.json().code).toBe("route_not_found");
    const refused = await byAccept("/catalog", "image/png");
    expect(refused.statusCode).toBe(406);
    expect(refused.json().code).toBe("not_acceptable");

    const rdf = await byAccept(`/dataset/${org}/san-luong-lua`, "application/rdf+xml");
    expect(rdf.headers["content-type"]).toBe("application/rdf+xml; charset=utf-8");
    expect(rdf.headers["content-location"]).toBe(`/dataset/${org}/san-luong-lua.rdf`);
    const g = await graphOf(rdf, "rdf");
    expect(one(g, `${BASE}/dataset/${org}/san-luong-lua`, `${NS.rdf}type`)).toEqual([`${NS.dcat}Dataset`]);
  });

  it("uses MEKONG_PUBLIC_URL for its IRIs when set", async () => {
    const other = await testApp({ env: { MEKONG_PUBLIC_URL: "https://opendata.example.gov.vn/mekong/" } });
    try {
      const res = await other.app.inject({ url: "/catalog.ttl", headers: { host: "internal:8080" } });
      const g = await parseRdf(res.body, "ttl");
      expect(
        g.getQuads("https://opendata.example.gov.vn/mekong/catalog", null, null, null).length,
      ).toBeGreaterThan(5);
      expect(res.body).not.toContain("internal:8080");
    } finally {
      await other.close();
    }
  });
});

describe.each(DATABASE_KINDS)("DCAT-AP export of a large catalog on %s", (database) => {
  let t: TestApp;
  const total = EXPORT_BATCH * 2 + 37;

  beforeAll(async () => {
    t = await testApp({ database });
    const org = await t.makeOrg({ name: "tong-cuc-thong-ke" });
    // Straight into the table: thousands of datasets through the API would only slow the test down.
    await t.ctx.database.query(
      `insert into datasets (org_id, name, title, visibility, metadata)
       select $1, 'bang-' || lpad(i::text, 5, '0'), 'Bảng thống kê số ' || i, 'open', '{"keywords": ["thống kê"]}'::jsonb
       from generate_series(1, $2::int) as i`,
      [org.id, total],
    );
  });
  afterAll(() => t?.close());

  it("streams every dataset exactly once, across batch boundaries", async () => {
    const res = await get(t, "/catalog.ttl?page_size=all");
    expect(res.headers["transfer-encoding"]).toBe("chunked");
    const names = datasetsIn(await graphOf(res));
    expect(names).toHaveLength(total);
    expect(new Set(names).size).toBe(total);
    expect(res.headers.link).toBeUndefined();
  });

  it("pages with offsets that cross batches", async () => {
    const pageSize = EXPORT_BATCH + 200;
    const page = async (n: number) =>
      datasetsIn(await graphOf(await get(t, `/catalog.rdf?page=${n}&page_size=${pageSize}`), "rdf"));
    const first = await page(1); // one batch at offset 0, then one by keyset
    const second = await page(2); // one batch at an offset
    const name = (i: number) => `tong-cuc-thong-ke/bang-${String(i).padStart(5, "0")}`;
    expect(first).toEqual(Array.from({ length: pageSize }, (_, i) => name(i + 1)));
    expect(second).toEqual(Array.from({ length: total - pageSize }, (_, i) => name(pageSize + i + 1)));
  });
});
