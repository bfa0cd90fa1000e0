/** Request bodies the way browsers and curl send them, for route tests. */

/** A multipart/form-data body with one file part, as a browser or curl -F sends it. */
export function multipart(filename: string, content: Buffer | string, field = "file") {
  const boundary = "----mekongtest7MA4YWxkTrZu0gW";
  const head = `--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${filename}"\r\nContent-Type: application/octet-stream\r\n\r\n`;
  return {
    payload: Buffer.concat([Buffer.from(head), Buffer.from(content), Buffer.from(`\r\n--${boundary}--\r\n`)]),
    headers: { "content-type": `multipart/form-data; boundary=${boundary}` },
  };
}
