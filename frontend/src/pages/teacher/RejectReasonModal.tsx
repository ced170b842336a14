import { Form, Input, Modal, Typography } from 'antd';
import type { ReactNode } from 'react';
import { ProblemAlert } from '../../components/ProblemAlert';
import { useSubmit } from '../../lib/useSubmit';
import { REASON_MAX } from './certification';

interface ReasonValues {
  reason: string;
}

/**
 * 認證失敗 asks why: a required 認證失敗原因 (at most 200 characters, the student reads it), sent
 * with 「確定」. A refusal shows above the field (and on it, for the server's `reason` errors);
 * the dialog stays open.
 */
export function RejectReasonModal({
  open,
  title,
  intro,
  onClose,
  onSubmit,
}: {
  open: boolean;
  title: string;
  intro?: ReactNode;
  onClose: () => void;
  /** Send the trimmed reason; a thrown error is shown in the dialog. */
  onSubmit: (reason: string) => Promise<void>;
}) {
  const [form] = Form.useForm<ReasonValues>();
  const { problem, setProblem, submitting, submit } = useSubmit(form, (values: ReasonValues) =>
    onSubmit(values.reason.trim()),
  );

  return (
    <Modal
      title={title}
      open={open}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText="確定"
      cancelText="取消"
      okButtonProps={{ danger: true, autoInsertSpace: false }}
      cancelButtonProps={{ autoInsertSpace: false }}
      confirmLoading={submitting}
      destroyOnHidden
      afterOpenChange={(visible) => {
        if (!visible) setProblem(null);
      }}
    >
      {intro && <Typography.Paragraph>{intro}</Typography.Paragraph>}
      <ProblemAlert problem={problem} />
      <Form<ReasonValues> form={form} layout="vertical" onFinish={(values) => void submit(values)}>
        <Form.Item
          name="reason"
          label="認證失敗原因"
          extra="學生會看到這段說明，請具體說明需要修正的地方。"
          rules={[
            { required: true, whitespace: true, message: '請填寫認證失敗原因' },
            { max: REASON_MAX, message: `原因最多 ${REASON_MAX} 字` },
          ]}
        >
          <Input.TextArea rows={4} maxLength={REASON_MAX} showCount autoFocus />
        </Form.Item>
      </Form>
    </Modal>
  );
}
