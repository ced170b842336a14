import { Form, Modal, type FormInstance } from 'antd';
import type { ReactNode } from 'react';
import { useSubmit } from '../lib/useSubmit';
import { ProblemAlert } from './ProblemAlert';
import { useT } from '../i18n';

export interface FormModalProps<Values> {
  title: ReactNode;
  open: boolean;
  onClose: () => void;
  /** Send the form; a thrown error is shown above the form and on its fields. */
  onSubmit: (values: Values, form: FormInstance<Values>) => Promise<void>;
  initialValues?: Partial<Values>;
  okText?: string;
  /**
   * Leave 取消 (and ×, Esc) working while the form is sent, for a request the caller can stop in
   * `onClose` (an upload). A click outside the dialog does not close it meanwhile.
   */
  cancellable?: boolean;
  /** The form items. */
  children: ReactNode;
}

/**
 * A dialog with a vertical form: 「確定」 validates and calls `onSubmit`; a refused request
 * shows its problem above the form and its per-field messages on the fields, and the dialog
 * stays open. The form starts afresh every time the dialog opens.
 */
export function FormModal<Values extends object>({
  title,
  open,
  onClose,
  onSubmit,
  initialValues,
  okText,
  cancellable = false,
  children,
}: FormModalProps<Values>) {
  const [form] = Form.useForm<Values>();
  const t = useT();
  const { problem, setProblem, submitting, submit } = useSubmit(form, (values: Values) => onSubmit(values, form));

  return (
    <Modal
      title={title}
      open={open}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={okText ?? t('確定', 'OK')}
      cancelText={t('取消', 'Cancel')}
      {...(cancellable
        ? { okButtonProps: { loading: submitting }, mask: { closable: !submitting } }
        : { confirmLoading: submitting })}
      destroyOnHidden
      afterOpenChange={(visible) => {
        if (!visible) setProblem(null);
      }}
    >
      <ProblemAlert problem={problem} />
      <Form<Values>
        form={form}
        layout="vertical"
        initialValues={initialValues}
        onFinish={(values) => void submit(values)}
      >
        {children}
      </Form>
    </Modal>
  );
}
