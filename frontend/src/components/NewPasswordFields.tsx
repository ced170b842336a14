import { Form, Input } from 'antd';
import { passwordHint, passwordProblems } from '../auth/password';
import { useT } from '../i18n';

/**
 * The new password and its confirmation (form fields `new_password`, `confirm`), checked
 * against the password rules as the user types. Shared by reset and change password.
 */
export function NewPasswordFields({ account }: { account?: string }) {
  const t = useT();
  return (
    <>
      <Form.Item
        name="new_password"
        label={t('新密碼', 'New password')}
        extra={passwordHint()}
        rules={[
          { required: true, message: t('請輸入新密碼', 'Please enter a new password') },
          {
            validator: (_, value: string | undefined) => {
              const problems = value ? passwordProblems(value, { account }) : [];
              return problems.length > 0 ? Promise.reject(new Error(problems.join(t('', ' ')))) : Promise.resolve();
            },
          },
        ]}
        hasFeedback
      >
        <Input.Password autoComplete="new-password" />
      </Form.Item>
      <Form.Item
        name="confirm"
        label={t('確認新密碼', 'Confirm new password')}
        dependencies={['new_password']}
        rules={[
          { required: true, message: t('請再輸入一次新密碼', 'Please enter the new password again') },
          ({ getFieldValue }) => ({
            validator: (_, value: string | undefined) =>
              !value || getFieldValue('new_password') === value
                ? Promise.resolve()
                : Promise.reject(new Error(t('兩次輸入的新密碼不一致', 'The two new passwords do not match'))),
          }),
        ]}
        hasFeedback
      >
        <Input.Password autoComplete="new-password" />
      </Form.Item>
    </>
  );
}
