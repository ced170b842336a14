import type { FormInstance } from 'antd';
import { isApiError } from '../api/error';

/**
 * Put a refused request's per-field messages (422 `validation_failed`, 409 `conflict` on a
 * unique field…) on the form's fields of the same name. Fields the form does not have are left
 * to the problem box above it.
 */
export function applyFieldErrors(form: FormInstance, error: unknown): void {
  if (!isApiError(error)) return;
  // Without arguments: the values of the fields the form has (undefined ones included).
  const present = new Set(Object.keys(form.getFieldsValue() as Record<string, unknown>));
  form.setFields(
    Object.entries(error.fieldErrors)
      .filter(([name]) => present.has(name))
      .map(([name, errors]) => ({ name, errors })),
  );
}

/** Take the messages a refused request left on the form's fields away (before sending it again). */
export function clearFieldErrors(form: FormInstance): void {
  form.setFields(
    form
      .getFieldsError()
      .filter((field) => field.errors.length > 0)
      .map((field) => ({ name: field.name, errors: [] })),
  );
}
