import { ReloadOutlined } from '@ant-design/icons';
import { Alert, Button, Form, Input, Space, Spin } from 'antd';
import type { useCaptcha } from '../auth/publicQueries';
import { isApiError } from '../api/error';
import { useT } from '../i18n';

/**
 * The captcha image, a button for a new one, and the answer input (form field
 * `captcha_answer`). The page owns the query (`useCaptcha`) to read the challenge id on submit.
 */
export function CaptchaField({ captcha }: { captcha: ReturnType<typeof useCaptcha> }) {
  const t = useT();
  const { data, error, isFetching, refetch } = captcha;
  return (
    <Form.Item label={t('驗證碼', 'Captcha')} required>
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
              <img src={data.image} alt={t('驗證碼圖片', 'Captcha image')} style={{ maxWidth: '100%', maxHeight: '100%' }} />
            ) : (
              <Spin size="small" />
            )}
          </div>
          <Button
            icon={<ReloadOutlined />}
            onClick={() => void refetch()}
            loading={isFetching}
            aria-label={t('換一張驗證碼', 'New captcha')}
          >
            {t('換一張', 'New one')}
          </Button>
        </Space>
        {error && (
          <Alert type="warning" showIcon title={isApiError(error) ? error.detail : t('無法取得驗證碼', 'Cannot load the captcha')} />
        )}
        <Form.Item
          name="captcha_answer"
          noStyle
          rules={[{ required: true, whitespace: true, message: t('請輸入驗證碼', 'Please enter the captcha') }]}
        >
          <Input placeholder={t('請輸入圖片中的文字', 'Enter the text in the picture')} autoComplete="off" inputMode="text" aria-label={t('驗證碼', 'Captcha')} />
        </Form.Item>
      </Space>
    </Form.Item>
  );
}
