import { Alert } from 'antd';
import type { ErrorMessage } from '../auth/messages';

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
