/** Whether a stack on the file backend is locked by an update in progress. */
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

/** The backend folder of a `file://` PULUMI_BACKEND_URL; undefined for other backends. */
export function fileBackendDir(url = process.env.PULUMI_BACKEND_URL): string | undefined {
  return url?.startsWith("file://") ? fileURLToPath(url) : undefined;
}

/**
 * The lock file of `stack`, relative to the backend, or undefined when unlocked. The file backend
 * writes one under `.pulumi/locks/<org>/<project>/<stack>/` for as long as an update runs.
 */
export function stackLock(stack: string, backend = fileBackendDir()): string | undefined {
  if (!backend) return undefined;
  const locks = path.join(backend, ".pulumi", "locks");
  if (!fs.existsSync(locks)) return undefined;
  const found = (fs.readdirSync(locks, { recursive: true }) as string[])
    .filter((file) => file.endsWith(".json"))
    .find((file) => path.basename(path.dirname(file)) === stack);
  return found ? path.join(".pulumi", "locks", found) : undefined;
}
