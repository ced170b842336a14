import type { FormInstance } from 'antd';
import { useState } from 'react';
import { errorMessage, type ErrorMessage } from '../auth/messages';
import { applyFieldErrors, clearFieldErrors } from './formErrors';

/**
 * Send a form: `submit(values)` runs `action`, keeps `submitting` true meanwhile, and when the
 * request is refused sets `problem` (for a `ProblemAlert`, through `toProblem`) and puts the
 * per-field messages on the form's fields.
 */
export function useSubmit<Values>(
  form: FormInstance,
  action: (values: Values) => Promise<void>,
  toProblem: (error: unknown) => ErrorMessage = errorMessage,
) {
  const [problem, setProblem] = useState<ErrorMessage | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const submit = async (values: Values) => {
    setProblem(null);
    clearFieldErrors(form);
    setSubmitting(true);
    try {
      await action(values);
    } catch (error) {
      setProblem(toProblem(error));
      applyFieldErrors(form, error);
    } finally {
      setSubmitting(false);
    }
  };
  return { problem, setProblem, submitting, submit };
}
