import { rmSync } from "node:fs";
import { preparePgliteTemplate } from "./helpers/databases.ts";

export default async function setup() {
  const dir = await preparePgliteTemplate();
  return () => rmSync(dir, { recursive: true, force: true });
}
