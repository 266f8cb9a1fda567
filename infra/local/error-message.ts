/** The text of a thrown value, for log lines and wrapped errors (no stack, no cause chain). */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
