import { Form, Input } from 'antd';
import { PASSWORD_HINT, passwordProblems } from '../auth/password';

/**
 * The new password and its confirmation (form fields `new_password`, `confirm`), checked
 * against the password rules as the user types. Shared by reset and change password.
 */
export function NewPasswordFields({ account }: { account?: string }) {
  return (
    <>
      <Form.Item
        name="new_password"
        label="新密碼"
        extra={PASSWORD_HINT}
        rules={[
          { required: true, message: '請輸入新密碼' },
          {
            validator: (_, value: string | undefined) => {
              const problems = value ? passwordProblems(value, { account }) : [];
              return problems.length > 0 ? Promise.reject(new Error(problems.join(''))) : Promise.resolve();
            },
          },
        ]}
        hasFeedback
      >
        <Input.Password autoComplete="new-password" />
      </Form.Item>
      <Form.Item
        name="confirm"
        label="確認新密碼"
        dependencies={['new_password']}
        rules={[
          { required: true, message: '請再輸入一次新密碼' },
          ({ getFieldValue }) => ({
            validator: (_, value: string | undefined) =>
              !value || getFieldValue('new_password') === value
                ? Promise.resolve()
                : Promise.reject(new Error('兩次輸入的新密碼不一致')),
          }),
        ]}
        hasFeedback
      >
        <Input.Password autoComplete="new-password" />
      </Form.Item>
    </>
  );
}
