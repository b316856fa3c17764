import type { z } from "zod";

/** Parses a JSON configuration var against its schema; the error names the var, the field and the reason. */
export function parseJsonConfig<S extends z.ZodType>(name: string, json: string, schema: S): z.output<S> {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    throw new Error(`${name} is not valid JSON: ${(error as Error).message}`);
  }
  const result = schema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new Error(`${name}.${issue.path.join(".") || "(root)"}: ${issue.message}`);
  }
  return result.data;
}
