import { Alert } from 'antd';
import { errorMessage, type ErrorMessage } from '../auth/messages';

/** The error box above a form: the problem's zh-TW title and explanation. */
export function ProblemAlert({ problem }: { problem: ErrorMessage | null }) {
  if (!problem) return null;
  return (
    <Alert
      type="error"
      showIcon
      role="alert"
      title={problem.title}
      description={problem.description}
      style={{ marginBottom: 16 }}
    />
  );
}

/** `ProblemAlert` for a failed query or mutation (nothing while `error` is null). */
export function ErrorAlert({ error }: { error: unknown }) {
  return <ProblemAlert problem={error ? errorMessage(error) : null} />;
}
