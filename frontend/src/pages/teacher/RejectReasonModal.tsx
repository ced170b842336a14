import { Form, Input, Modal, Typography } from 'antd';
import type { ReactNode } from 'react';
import { ProblemAlert } from '../../components/ProblemAlert';
import { useSubmit } from '../../lib/useSubmit';
import { REASON_MAX } from './certification';
import { useT } from '../../i18n';

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
  const t = useT();
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
      okText={t('確定', 'OK')}
      cancelText={t('取消', 'Cancel')}
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
          label={t('認證失敗原因', 'Reason for not certifying')}
          extra={t('學生會看到這段說明，請具體說明需要修正的地方。', 'The student sees this: say precisely what needs fixing.')}
          rules={[
            { required: true, whitespace: true, message: t('請填寫認證失敗原因', 'Please give the reason') },
            { max: REASON_MAX, message: t(`原因最多 ${REASON_MAX} 字`, `At most ${REASON_MAX} characters`) },
          ]}
        >
          <Input.TextArea rows={4} maxLength={REASON_MAX} showCount autoFocus />
        </Form.Item>
      </Form>
    </Modal>
  );
}
