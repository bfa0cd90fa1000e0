/**
 * The embedded catalog may be opened by one process only. A lock file holding the owner's PID marks the
 * data directory as in use; a lock left by a process that no longer runs (killed, crashed) is taken over.
 */
import { closeSync, openSync, readFileSync, renameSync, unlinkSync, writeFileSync, writeSync } from "node:fs";
import path from "node:path";
import { AppError } from "../errors.ts";

function isRunning(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Locks `dataDir` for this process and returns the function that releases it.
 * @throws AppError `data_dir_in_use` when another live process holds it.
 */
export function lockDataDir(dataDir: string): () => void {
  const file = path.join(dataDir, "catalog.lock");
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(file, "wx");
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => {
        try {
          if (readFileSync(file, "utf8") === String(process.pid)) unlinkSync(file);
        } catch {
          // already gone
        }
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
    const owner = Number.parseInt(readFileSync(file, "utf8"), 10);
    if (isRunning(owner) && owner !== process.pid) {
      throw new AppError(
        "data_dir_in_use",
        `${dataDir} is in use by process ${owner}; stop it or talk to it through its API`,
        { pid: owner },
      );
    }
    // Stale lock: replace it atomically, then retry the exclusive create so two starters cannot both win.
    const stale = `${file}.stale-${process.pid}`;
    writeFileSync(stale, "");
    renameSync(stale, file);
    unlinkSync(file);
  }
  throw new AppError("data_dir_in_use", `could not lock ${dataDir}`);
}
