import { preparePgliteTemplate } from "./helpers/databases.ts";

export default async function setup() {
  await preparePgliteTemplate();
}
