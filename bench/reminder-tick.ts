export async function runReminderTickScenario(..._args: unknown[]): Promise<void> {}
