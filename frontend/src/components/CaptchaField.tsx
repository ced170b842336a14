import { ReloadOutlined } from '@ant-design/icons';
import { Alert, Button, Form, Input, Space, Spin } from 'antd';
import type { useCaptcha } from '../auth/publicQueries';
import { isApiError } from '../api/error';

/**
 * The captcha image, a button for a new one, and the answer input (form field
 * `captcha_answer`). The page owns the query (`useCaptcha`) to read the challenge id on submit.
 */
export function CaptchaField({ captcha }: { captcha: ReturnType<typeof useCaptcha> }) {
  const { data, error, isFetching, refetch } = captcha;
  return (
    <Form.Item label="驗證碼" required>
      <Space orientation="vertical" style={{ width: '100%' }}>
        <Space>
          <div
            style={{
              width: 160,
              height: 56,
              border: '1px solid #d9d9d9',
              borderRadius: 6,
              display: 'flex',
              alignItems: 'center',
              justifyContent: 'center',
              background: '#fff',
            }}
          >
            {data && !isFetching ? (
              <img src={data.image} alt="驗證碼圖片" style={{ maxWidth: '100%', maxHeight: '100%' }} />
            ) : (
              <Spin size="small" />
            )}
          </div>
          <Button
            icon={<ReloadOutlined />}
            onClick={() => void refetch()}
            loading={isFetching}
            aria-label="換一張驗證碼"
          >
            換一張
          </Button>
        </Space>
        {error && (
          <Alert type="warning" showIcon title={isApiError(error) ? error.detail : '無法取得驗證碼'} />
        )}
        <Form.Item
          name="captcha_answer"
          noStyle
          rules={[{ required: true, whitespace: true, message: '請輸入驗證碼' }]}
        >
          <Input placeholder="請輸入圖片中的文字" autoComplete="off" inputMode="text" aria-label="驗證碼" />
        </Form.Item>
      </Space>
    </Form.Item>
  );
}
