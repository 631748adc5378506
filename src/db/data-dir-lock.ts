// PGlite has no locking of its own: two processes on one data directory corrupt it.
import { rmSync } from "node:fs";
import { mkdir, open, readFile, rm } from "node:fs/promises";
import path from "node:path";

export class DataDirInUseError extends Error {}

/**
 * PGlite has no locking of its own: two processes on one data directory corrupt it. A lock
 * file with the owner's pid (next to the directory) keeps a second `npm start` (or `npm run db:migrate` while the app
 * runs) out; a lock left by a process that no longer exists is taken over.
 */
export async function lockDataDir(dir: string): Promise<() => void> {
  // Beside the directory, not in it: PGlite initialises only an empty directory.
  await mkdir(path.dirname(dir), { recursive: true });
  const lockPath = dataDirLockPath(dir);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(lockPath, "wx");
      await handle.writeFile(String(process.pid));
      await handle.close();
      return () => rmSync(lockPath, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const owner = Number((await readFile(lockPath, "utf8").catch(() => "")).trim());
      if (owner && owner !== process.pid && isRunning(owner)) {
        throw new DataDirInUseError(
          `the embedded database in ${dir} is in use by another process (pid ${owner}). Stop it first, or set DATABASE_URL to another directory (file:<dir>) or to PostgreSQL.`,
        );
      }
      await rm(lockPath, { force: true }); // stale: its process is gone
    }
  }
  throw new DataDirInUseError(`could not lock the embedded database in ${dir}`);
}

export function dataDirLockPath(dir: string): string {
  return path.join(path.dirname(dir), `.${path.basename(dir)}.lock`);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
