// Failures a test can switch on inside the real database, so every path of the app meets
// them exactly as it would meet a database error: whichever statement writes the row (a
// batched insert on the ack path, an insert inside a transaction), it fails.
import type { Db } from "../../src/db/database.ts";

let counter = 0;

/**
 * Makes every insert of a job of one of `kinds` fail (a trigger raises), until the returned
 * function is called. Works on PGlite and PostgreSQL.
 */
export async function refuseJobInserts(prisma: Db, ...kinds: string[]): Promise<() => Promise<void>> {
  const name = `delight_test_refuse_${process.pid}_${++counter}`;
  const list = kinds.map((kind) => `'${kind.replace(/'/g, "''")}'`).join(", ");
  await prisma.$executeRawUnsafe(
    `CREATE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN
       IF NEW.kind IN (${list}) THEN RAISE EXCEPTION 'database unavailable (test: ${name})'; END IF;
       RETURN NEW;
     END $$`,
  );
  await prisma.$executeRawUnsafe(
    `CREATE TRIGGER ${name} BEFORE INSERT ON "Job" FOR EACH ROW EXECUTE FUNCTION ${name}()`,
  );
  return async () => {
    await prisma.$executeRawUnsafe(`DROP TRIGGER IF EXISTS ${name} ON "Job"`);
    await prisma.$executeRawUnsafe(`DROP FUNCTION IF EXISTS ${name}()`);
  };
}

/** Runs `work` while job inserts of `kinds` fail (see refuseJobInserts), and returns its result. */
export async function whileJobInsertsFail<T>(prisma: Db, kinds: string[], work: () => Promise<T>): Promise<T> {
  const restore = await refuseJobInserts(prisma, ...kinds);
  try {
    return await work();
  } finally {
    await restore();
  }
}
