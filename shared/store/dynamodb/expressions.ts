/**
 * Builds UpdateExpressions with every attribute behind a `#name` placeholder, so reserved words
 * (`status`, `name`, `url`, …) never break a request.
 */
export interface UpdateParts {
  set?: Record<string, unknown>;
  /** Attributes set only when absent: `if_not_exists(a, :v)`. */
  setIfAbsent?: Record<string, unknown>;
  /** Attributes incremented from zero: `if_not_exists(a, 0) + :v`. */
  add?: Record<string, number>;
  remove?: string[];
}

export interface BuiltUpdate {
  UpdateExpression: string;
  ExpressionAttributeNames: Record<string, string>;
  ExpressionAttributeValues?: Record<string, unknown>;
}

/** Turns `UpdateParts` into the expression, names and values of an UpdateItem request. */
export function buildUpdate(parts: UpdateParts): BuiltUpdate {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  let n = 0;
  const name = (attribute: string) => {
    const placeholder = `#a${n++}`;
    names[placeholder] = attribute;
    return placeholder;
  };
  const value = (v: unknown) => {
    const placeholder = `:v${n++}`;
    values[placeholder] = v;
    return placeholder;
  };

  const sets: string[] = [];
  for (const [attribute, v] of Object.entries(parts.set ?? {})) {
    if (v !== undefined) sets.push(`${name(attribute)} = ${value(v)}`);
  }
  for (const [attribute, v] of Object.entries(parts.setIfAbsent ?? {})) {
    const a = name(attribute);
    sets.push(`${a} = if_not_exists(${a}, ${value(v)})`);
  }
  for (const [attribute, v] of Object.entries(parts.add ?? {})) {
    const a = name(attribute);
    sets.push(`${a} = if_not_exists(${a}, ${value(0)}) + ${value(v)}`);
  }
  const removes = (parts.remove ?? []).map(name);

  const clauses = [sets.length ? `SET ${sets.join(', ')}` : '', removes.length ? `REMOVE ${removes.join(', ')}` : ''];
  return {
    UpdateExpression: clauses.filter(Boolean).join(' '),
    ExpressionAttributeNames: names,
    ...(Object.keys(values).length ? { ExpressionAttributeValues: values } : {}),
  };
}
