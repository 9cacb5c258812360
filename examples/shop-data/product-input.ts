/** The fields `PUT /admin/products/:id` may change. */
export interface ProductUpdate {
  name?: string;
  description?: string;
  /** A decimal string with at most two decimals (`"24.50"`); numbers are accepted too. */
  price?: string;
  stock?: number;
  /** The slug of the category to move the product to. */
  category?: string;
}

/** A request the client got wrong (answered with 400). */
export class InputError extends Error {}

const FIELDS = new Set(['name', 'description', 'price', 'stock', 'category']);

/** Checks a parsed JSON body; throws {@link InputError} naming the first bad field. */
export function parseProductUpdate(body: unknown): ProductUpdate {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new InputError('expected a JSON object, e.g. {"price":"24.50"}');
  }
  const input = body as Record<string, unknown>;
  const unknown = Object.keys(input).filter((key) => !FIELDS.has(key));
  if (unknown.length > 0) throw new InputError(`unknown field ${unknown[0]}`);
  const update: ProductUpdate = {};
  if (input.name !== undefined) update.name = text(input.name, 'name', 100);
  if (input.description !== undefined) update.description = text(input.description, 'description', 1000);
  if (input.price !== undefined) {
    const price = typeof input.price === 'number' ? String(input.price) : input.price;
    if (typeof price !== 'string' || !/^\d{1,7}(\.\d{1,2})?$/.test(price)) {
      throw new InputError('price: expected a decimal such as "24.50"');
    }
    update.price = price;
  }
  if (input.stock !== undefined) {
    if (!Number.isSafeInteger(input.stock) || (input.stock as number) < 0) {
      throw new InputError('stock: expected a whole number ≥ 0');
    }
    update.stock = input.stock as number;
  }
  if (input.category !== undefined) update.category = text(input.category, 'category', 50);
  if (Object.keys(update).length === 0)
    throw new InputError(`nothing to change: send ${[...FIELDS].join(', ')}`);
  return update;
}

function text(value: unknown, field: string, max: number): string {
  if (typeof value !== 'string' || value.trim() === '' || value.length > max) {
    throw new InputError(`${field}: expected a non-empty string of at most ${max} characters`);
  }
  return value.trim();
}

/** `"7"` → 7; anything but a canonical positive integer (`"07"`, `"7a"`, `"-1"`) → undefined. */
export function parseId(value: string | undefined): number | undefined {
  if (value === undefined || !/^[1-9]\d{0,9}$/.test(value)) return undefined;
  const id = Number(value);
  return id <= 2_147_483_647 ? id : undefined;
}
